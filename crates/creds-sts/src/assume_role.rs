//! [`AssumeRoleProvider`]: STS `AssumeRole` with credentials from another provider.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use creds_core::{
    Credentials, CredentialsCacheBuilder, CredentialsChain, CredentialsError, Location,
    ProvideCredentials, ProvideFuture, ProviderConfig, SharedProvider,
};
use zeroize::Zeroizing;

use crate::client::{Form, StsClient, Target};
use crate::file_cache::{CacheKey, FileCache};
use crate::mfa::MfaCodeProvider;
use crate::xml::StsAction;

/// The provider's name, in errors, traces and [`Credentials::provider_name`].
pub(crate) const NAME: &str = "assume-role";

/// The shortest session STS grants: 15 minutes.
pub const MIN_DURATION: Duration = Duration::from_secs(900);
/// The longest: 12 hours (a role's own maximum may be lower; STS says so).
pub const MAX_DURATION: Duration = Duration::from_secs(43_200);

/// Credentials of an IAM role, assumed with STS `AssumeRole` using credentials from
/// another provider: JS v3's `fromTemporaryCredentials`, aws-config's
/// `AssumeRoleProvider`, botocore's `AssumeRoleCredentialFetcher`, and every
/// `role_arn` hop of a profile's role chain.
///
/// Each [`provide_credentials`](ProvideCredentials::provide_credentials) asks the
/// source for credentials (put a cache in front of the source, as role chains do, so
/// that it is not asked again while its credentials are valid), asks the
/// [`MfaCodeProvider`] for a code when the role needs one, and calls STS once, signed
/// with SigV4. Put a [`CredentialsCache`](creds_core::CredentialsCache) in front of this provider too (the default
/// chain and role chains do), so that STS is called again only near the session's
/// expiry.
///
/// ```no_run
/// use creds_core::{Credentials, ProvideCredentials};
/// use creds_sts::AssumeRoleProvider;
///
/// # async fn run() -> Result<(), creds_core::CredentialsError> {
/// let provider = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/deploy")
///     .session_name("deploy-job")
///     .external_id("shared-secret")
///     .source(Credentials::from_keys("AKIDEXAMPLE", "secret", "static"))
///     .build();
/// let creds = provider.provide_credentials().await?;
/// println!("{}", creds.access_key_id());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AssumeRoleProvider {
    inner: Arc<Inner>,
}

struct Inner {
    config: ProviderConfig,
    source: SharedProvider,
    params: Params,
    target: Target,
    mfa: Option<MfaCodeProvider>,
    /// Where `mfa_serial` is written, for errors.
    mfa_location: Option<Location>,
    /// The profile this hop is, for errors.
    profile: Option<String>,
    client: OnceLock<Result<StsClient, CredentialsError>>,
}

/// The parameters of `AssumeRole`.
#[derive(Clone, Default)]
pub(crate) struct Params {
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) duration: Option<Duration>,
    pub(crate) external_id: Option<Zeroizing<String>>,
    pub(crate) policy: Option<String>,
    pub(crate) policy_arns: Vec<String>,
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) transitive_tag_keys: Vec<String>,
    pub(crate) source_identity: Option<String>,
    pub(crate) serial_number: Option<String>,
}

/// Names, never the external id.
impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params")
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("duration", &self.duration)
            .field(
                "external_id",
                &self.external_id.as_ref().map(|_| creds_core::REDACTED),
            )
            .field("policy", &self.policy.is_some())
            .field("policy_arns", &self.policy_arns)
            .field("tags", &self.tags.len())
            .field("source_identity", &self.source_identity)
            .field("serial_number", &self.serial_number)
            .finish()
    }
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("params", &self.inner.params)
            .field("source", &self.inner.source.name())
            .field("profile", &self.inner.profile)
            .finish_non_exhaustive()
    }
}

impl AssumeRoleProvider {
    /// Starts a builder for the role `role_arn`.
    pub fn builder(role_arn: impl Into<String>) -> AssumeRoleProviderBuilder {
        AssumeRoleProviderBuilder {
            params: Params {
                role_arn: role_arn.into(),
                ..Params::default()
            },
            ..AssumeRoleProviderBuilder::default()
        }
    }

    /// The role assumed.
    pub fn role_arn(&self) -> &str {
        &self.inner.params.role_arn
    }

    fn client(&self) -> Result<&StsClient, CredentialsError> {
        self.inner
            .client
            .get_or_init(|| StsClient::new(&self.inner.config, &self.inner.target, NAME))
            .as_ref()
            .map_err(Clone::clone)
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let inner = &*self.inner;
        let params = &inner.params;
        let whose = inner
            .profile
            .as_ref()
            .map_or_else(String::new, |p| format!("profile '{p}': "));
        check(
            NAME,
            &whose,
            &params.role_arn,
            params.session_name.as_deref(),
            params.duration,
        )?;
        let client = self.client()?;
        let file_cache = inner.config.extension::<FileCache>();
        let key = file_cache.as_ref().map(|_| CacheKey::of(params));
        if let (Some(cache), Some(key)) = (&file_cache, &key) {
            if let Some(creds) = cache.load(&inner.config, key) {
                tracing::debug!(role = %params.role_arn, "assumed-role credentials from the file cache");
                return Ok(creds);
            }
        }
        let source = inner.source.provide_credentials().await.map_err(|e| {
            let message = format!(
                "cannot get the credentials that assume {}: {}",
                params.role_arn,
                e.message()
            );
            e.with_message(message)
        })?;
        let session_name = params
            .session_name
            .clone()
            .unwrap_or_else(|| default_session_name(&inner.config));
        let mut form = Form::default();
        form.push("RoleArn", params.role_arn.clone());
        form.push("RoleSessionName", session_name);
        push_common(
            &mut form,
            params.duration,
            params.policy.as_deref(),
            &params.policy_arns,
        );
        if let Some(id) = &params.external_id {
            form.push("ExternalId", id.as_str().to_owned());
        }
        for (i, (key, value)) in params.tags.iter().enumerate() {
            form.push(format!("Tags.member.{}.Key", i + 1), key.clone());
            form.push(format!("Tags.member.{}.Value", i + 1), value.clone());
        }
        for (i, key) in params.transitive_tag_keys.iter().enumerate() {
            form.push(format!("TransitiveTagKeys.member.{}", i + 1), key.clone());
        }
        if let Some(identity) = &params.source_identity {
            form.push("SourceIdentity", identity.clone());
        }
        let mut code = None;
        if let Some(serial) = &params.serial_number {
            let Some(mfa) = &inner.mfa else {
                let mut error = CredentialsError::invalid_config(
                    NAME,
                    format!(
                        "{} needs an MFA code for {serial}, and there is no way to ask for one: \
                         run it in a terminal with the `creds` command, pass --mfa-code, or give \
                         the program an MfaCodeProvider",
                        self.what()
                    ),
                );
                if let Some(location) = &inner.mfa_location {
                    error = error.with_location(location.clone());
                }
                return Err(error);
            };
            let given = mfa.code(serial, NAME).await?;
            form.push("SerialNumber", serial.clone());
            form.push("TokenCode", given.as_str().to_owned());
            code = Some(given);
        }
        let external_id = params
            .external_id
            .as_deref()
            .map(String::as_str)
            .unwrap_or("");
        let token_code = code.as_deref().map(String::as_str).unwrap_or("");
        let origin = origin(&params.role_arn, client.endpoint(), &source);
        let reply = client
            .call(
                StsAction::AssumeRole,
                &form,
                Some(&source),
                &[external_id, token_code],
                origin,
            )
            .await
            .map_err(|e| match &inner.profile {
                Some(profile) => {
                    let message = format!("profile '{profile}': {}", e.message());
                    e.with_message(message)
                }
                None => e,
            })?;
        if let (Some(cache), Some(key)) = (&file_cache, &key) {
            cache.store(&inner.config, key, &reply);
        }
        Ok(reply.credentials)
    }

    fn what(&self) -> String {
        match &self.inner.profile {
            Some(profile) => format!("profile '{profile}' (role {})", self.inner.params.role_arn),
            None => format!("role {}", self.inner.params.role_arn),
        }
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn running(&self) -> Option<String> {
        let role = &self.inner.params.role_arn;
        Some(match self.inner.source.running() {
            Some(source) => format!("role {role}, from {source}"),
            None => format!("role {role}"),
        })
    }
}

/// What the final credentials say of where they came from: the role, the endpoint,
/// the key that signed the call and where that key came from (so a chain reads hop
/// by hop, outermost first).
fn origin(role_arn: &str, endpoint: &str, source: &Credentials) -> String {
    let mut origin = format!(
        "role {role_arn} from STS at {endpoint}, signed by {}",
        source.access_key_id()
    );
    if let Some(expiration) = source.expiration() {
        origin.push_str(&format!(" (valid until {expiration})"));
    }
    match source.origin() {
        Some(from) => origin.push_str(&format!(" from {from}")),
        None => origin.push_str(&format!(" from the {} provider", source.provider_name())),
    }
    origin
}

/// The parameters both actions share.
pub(crate) fn push_common(
    form: &mut Form,
    duration: Option<Duration>,
    policy: Option<&str>,
    policy_arns: &[String],
) {
    if let Some(duration) = duration {
        form.push("DurationSeconds", duration.as_secs().to_string());
    }
    if let Some(policy) = policy {
        form.push("Policy", policy.to_owned());
    }
    for (i, arn) in policy_arns.iter().enumerate() {
        form.push(format!("PolicyArns.member.{}.arn", i + 1), arn.clone());
    }
}

/// `creds-<milliseconds since the epoch>`, as the SDKs name sessions they are given no
/// name for (botocore `botocore-session-<seconds>`, JS `aws-sdk-js-<milliseconds>`).
pub(crate) fn default_session_name(config: &ProviderConfig) -> String {
    format!("creds-{}", config.clock().now().as_millisecond())
}

/// The checks STS would make, made before calling it, so that the error names the
/// setting.
/// `whose` starts each message (`profile 'dev': `); both actions check the same three.
pub(crate) fn check(
    provider: &'static str,
    whose: &str,
    role_arn: &str,
    session_name: Option<&str>,
    duration: Option<Duration>,
) -> Result<(), CredentialsError> {
    let invalid =
        |what: String| CredentialsError::invalid_config(provider, format!("{whose}{what}"));
    check_role_arn(role_arn).map_err(|why| invalid(format!("the role ARN {why}")))?;
    if let Some(name) = session_name {
        check_session_name(name).map_err(|why| invalid(format!("the role session name {why}")))?;
    }
    if let Some(duration) = duration {
        check_duration(duration).map_err(invalid)?;
    }
    Ok(())
}

/// A role ARN: `arn:<partition>:iam::<12 digits>:role/<name>`.
pub(crate) fn check_role_arn(arn: &str) -> Result<(), &'static str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "iam", "", account, resource]
            if !partition.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && resource.len() > "role/".len()
                && resource.starts_with("role/") =>
        {
            Ok(())
        }
        _ => Err("is not a role ARN such as arn:aws:iam::123456789012:role/name"),
    }
}

/// 2 to 64 of letters, digits and `+=,.@-_`, as STS requires.
pub(crate) fn check_session_name(name: &str) -> Result<(), &'static str> {
    let ok = (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@-_".contains(&b));
    if ok {
        Ok(())
    } else {
        Err("must be 2 to 64 letters, digits or +=,.@-_")
    }
}

/// Between 15 minutes and 12 hours.
pub(crate) fn check_duration(duration: Duration) -> Result<(), String> {
    if (MIN_DURATION..=MAX_DURATION).contains(&duration) {
        Ok(())
    } else {
        Err(format!(
            "duration_seconds must be between 900 and 43200 (15 minutes to 12 hours), not {}",
            duration.as_secs()
        ))
    }
}

/// Builds an [`AssumeRoleProvider`] (JS `fromTemporaryCredentials({ params,
/// masterCredentials, clientConfig, mfaCodeProvider })`).
#[derive(Default)]
pub struct AssumeRoleProviderBuilder {
    config: Option<ProviderConfig>,
    source: Option<SharedProvider>,
    params: Params,
    target: Target,
    mfa: Option<MfaCodeProvider>,
    mfa_location: Option<Location>,
    profile: Option<String>,
}

impl fmt::Debug for AssumeRoleProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProviderBuilder")
            .field("params", &self.params)
            .field("source", &self.source.as_ref().map(|s| s.name()))
            .finish_non_exhaustive()
    }
}

impl AssumeRoleProviderBuilder {
    /// The world to read (default: the real one): the endpoint and region settings,
    /// the proxy, the clock, and the [`MfaCodeProvider`] and [`FileCache`] extensions.
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// Where the credentials that assume the role come from (JS `masterCredentials`).
    /// Default: the default chain of the config's registry, cached.
    pub fn source(mut self, source: impl ProvideCredentials + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// [`source`](Self::source), shared.
    pub fn source_shared(mut self, source: SharedProvider) -> Self {
        self.source = Some(source);
        self
    }

    /// `RoleSessionName` (default `creds-<milliseconds since the epoch>`).
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.params.session_name = Some(name.into());
        self
    }

    /// `DurationSeconds`: how long the session lasts, 15 minutes to 12 hours (default:
    /// STS's, one hour).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.params.duration = Some(duration);
        self
    }

    /// `ExternalId`.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.params.external_id = Some(Zeroizing::new(id.into()));
        self
    }

    /// `Policy`: a session policy, as JSON.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.params.policy = Some(policy.into());
        self
    }

    /// One more of `PolicyArns`: a managed session policy.
    pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.params.policy_arns.push(arn.into());
        self
    }

    /// One more of `Tags`: a session tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.tags.push((key.into(), value.into()));
        self
    }

    /// One more of `TransitiveTagKeys`.
    pub fn transitive_tag_key(mut self, key: impl Into<String>) -> Self {
        self.params.transitive_tag_keys.push(key.into());
        self
    }

    /// `SourceIdentity`.
    pub fn source_identity(mut self, identity: impl Into<String>) -> Self {
        self.params.source_identity = Some(identity.into());
        self
    }

    /// `SerialNumber`: the MFA device whose code the role needs; the code comes from
    /// [`mfa_code_provider`](Self::mfa_code_provider), else the config's
    /// [`MfaCodeProvider`] extension.
    pub fn mfa_serial(mut self, serial: impl Into<String>) -> Self {
        self.params.serial_number = Some(serial.into());
        self
    }

    /// Where MFA codes come from (JS `mfaCodeProvider`).
    pub fn mfa_code_provider(mut self, provider: MfaCodeProvider) -> Self {
        self.mfa = Some(provider);
        self
    }

    /// The region of the STS call, over the profile's and the environment's.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.target.region = Some(region.into());
        self
    }

    /// This is profile `name`'s hop (for its region and endpoint settings and for
    /// errors), with `mfa_serial` written at `mfa_location`.
    pub(crate) fn for_profile(mut self, name: &str, mfa_location: Option<Location>) -> Self {
        self.target.profile = Some(name.to_owned());
        self.profile = Some(name.to_owned());
        self.mfa_location = mfa_location;
        self
    }

    /// Builds the provider. Nothing is checked or sent yet: the role ARN, session name
    /// and duration are checked at the first fetch, and errors then name them.
    pub fn build(self) -> AssumeRoleProvider {
        let config = self.config.unwrap_or_default();
        let source = self.source.unwrap_or_else(|| {
            let chain = CredentialsChain::from_registry(&config);
            Arc::new(CredentialsCacheBuilder::for_config(&config).build(chain))
        });
        let mfa = self.mfa.or_else(|| MfaCodeProvider::of(&config));
        AssumeRoleProvider {
            inner: Arc::new(Inner {
                config,
                source,
                params: self.params,
                target: self.target,
                mfa,
                mfa_location: self.mfa_location,
                profile: self.profile,
                client: OnceLock::new(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_session_names_and_durations() {
        assert!(check_role_arn("arn:aws:iam::123456789012:role/dev").is_ok());
        assert!(check_role_arn("arn:aws-cn:iam::123456789012:role/path/to/dev").is_ok());
        for bad in [
            "",
            "dev",
            "arn:aws:iam::123456789012:user/me",
            "arn:aws:iam::1234:role/dev",
            "arn:aws:sts::123456789012:role/dev",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(check_role_arn(bad).is_err(), "{bad}");
        }
        assert!(check_session_name("deploy@ci,job=7").is_ok());
        assert!(check_session_name("x").is_err());
        assert!(check_session_name("has space").is_err());
        assert!(check_session_name(&"a".repeat(65)).is_err());
        assert!(check_duration(Duration::from_secs(900)).is_ok());
        assert!(check_duration(Duration::from_secs(899)).is_err());
        assert!(check_duration(Duration::from_secs(43_201)).is_err());
    }
}
