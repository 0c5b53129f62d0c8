//! [`WebIdentityProvider`]: STS `AssumeRoleWithWebIdentity` with a token given or read
//! from a file (EKS service accounts, GitHub Actions, any OIDC provider).

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use creds_core::{
    Credentials, CredentialsError, Location, ProvideCredentials, ProvideFuture, ProviderConfig,
};
use zeroize::Zeroizing;

use crate::assume_role::{check, check_role_arn, check_session_name, push_common};
use crate::client::{Form, StsClient, Target};
use crate::xml::StsAction;

/// The provider's name, in errors, traces and [`Credentials::provider_name`].
pub(crate) const NAME: &str = "web-identity";

/// The token file, as EKS (IRSA) sets it.
pub const ENV_TOKEN_FILE: &str = "AWS_WEB_IDENTITY_TOKEN_FILE";
/// The role to assume.
pub const ENV_ROLE_ARN: &str = "AWS_ROLE_ARN";
/// The session's name.
pub const ENV_SESSION_NAME: &str = "AWS_ROLE_SESSION_NAME";

/// The largest token file read: 64 KiB (tokens are a few kilobytes).
const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// Credentials of an IAM role assumed with an OpenID Connect token, through STS
/// `AssumeRoleWithWebIdentity` (unsigned): JS v3's `fromWebToken` and
/// `fromTokenFile`, aws-config's `WebIdentityTokenCredentialsProvider`, botocore's
/// `AssumeRoleWithWebIdentityProvider`.
///
/// The token is given ([`WebIdentityProviderBuilder::token`]) or read from a file at
/// every fetch ([`WebIdentityProviderBuilder::token_file`]), since EKS rotates the file
/// under a running program. [`WebIdentityProvider::from_env`] is the default chain's
/// form: `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`.
/// The token never appears in an error or a log, even when STS echoes it.
///
/// ```no_run
/// use creds_core::ProvideCredentials;
/// use creds_sts::WebIdentityProvider;
///
/// # async fn run() -> Result<(), creds_core::CredentialsError> {
/// let provider = WebIdentityProvider::builder("arn:aws:iam::123456789012:role/ci")
///     .token_file("/var/run/secrets/eks.amazonaws.com/serviceaccount/token")
///     .session_name("ci-job")
///     .build();
/// let creds = provider.provide_credentials().await?;
/// # let _ = creds;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct WebIdentityProvider {
    inner: Arc<Inner>,
}

struct Inner {
    config: ProviderConfig,
    token: Token,
    role_arn: String,
    session_name: Option<String>,
    provider_id: Option<String>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    duration: Option<Duration>,
    target: Target,
    /// Where the settings came from, for errors and the credentials' origin.
    from: From,
    client: OnceLock<Result<StsClient, CredentialsError>>,
}

#[derive(Clone)]
enum Token {
    Given(Arc<Zeroizing<String>>),
    File(PathBuf),
}

/// Where the settings came from.
#[derive(Clone, Debug)]
enum From {
    Builder,
    Env,
    Profile { name: String, location: Location },
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("WebIdentityProvider")
            .field("role_arn", &inner.role_arn)
            .field(
                "token",
                &match &inner.token {
                    Token::Given(_) => creds_core::REDACTED.to_owned(),
                    Token::File(path) => path.display().to_string(),
                },
            )
            .field("session_name", &inner.session_name)
            .field("from", &inner.from)
            .finish_non_exhaustive()
    }
}

impl WebIdentityProvider {
    /// Starts a builder for the role `role_arn`.
    pub fn builder(role_arn: impl Into<String>) -> WebIdentityProviderBuilder {
        WebIdentityProviderBuilder {
            role_arn: role_arn.into(),
            config: None,
            token: None,
            session_name: None,
            provider_id: None,
            policy: None,
            policy_arns: Vec::new(),
            duration: None,
            region: None,
        }
    }

    /// The provider of the default chain: `AWS_WEB_IDENTITY_TOKEN_FILE` with
    /// `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`. Without the token file it is
    /// [`NotConfigured`](creds_core::ErrorKind::NotConfigured); a token file without a
    /// role ARN is an error, as in botocore and aws-config.
    pub fn from_env(config: &ProviderConfig) -> Result<WebIdentityProvider, CredentialsError> {
        let env = config.env();
        let Some(file) = env.get_non_blank(ENV_TOKEN_FILE) else {
            return Err(CredentialsError::not_configured(
                NAME,
                format!("{ENV_TOKEN_FILE} is not set"),
            ));
        };
        let Some(role_arn) = env.get_non_blank(ENV_ROLE_ARN) else {
            return Err(CredentialsError::invalid_config(
                NAME,
                format!(
                    "{ENV_TOKEN_FILE} is set but {ENV_ROLE_ARN} is not: set the role to assume \
                     with the token"
                ),
            ));
        };
        let mut builder = Self::builder(role_arn)
            .config(config.clone())
            .token_file(file);
        if let Some(name) = env.get_non_blank(ENV_SESSION_NAME) {
            builder = builder.session_name(name);
        }
        let mut provider = builder.build();
        Arc::get_mut(&mut provider.inner).expect("just built").from = From::Env;
        Ok(provider)
    }

    /// The provider of a profile with `web_identity_token_file`, `role_arn` and
    /// optionally `role_session_name`.
    pub(crate) fn from_profile(
        config: &ProviderConfig,
        profile: &creds_core::profile::Profile,
    ) -> Result<WebIdentityProvider, CredentialsError> {
        let file = profile
            .property("web_identity_token_file")
            .filter(|p| !p.value().is_empty());
        let Some(file) = file else {
            return Err(CredentialsError::invalid_config(
                NAME,
                format!(
                    "profile '{}' has an empty web_identity_token_file",
                    profile.name()
                ),
            )
            .with_location(profile.location().clone()));
        };
        let role_arn = profile
            .property("role_arn")
            .filter(|p| !p.value().is_empty())
            .ok_or_else(|| {
                CredentialsError::invalid_config(
                    NAME,
                    format!(
                        "profile '{}' sets web_identity_token_file but no role_arn: add the role \
                         to assume with the token",
                        profile.name()
                    ),
                )
                .with_location(file.location().clone())
            })?;
        check_role_arn(role_arn.value()).map_err(|why| {
            CredentialsError::invalid_config(
                NAME,
                format!("profile '{}': role_arn {why}", profile.name()),
            )
            .with_location(role_arn.location().clone())
        })?;
        let mut builder = Self::builder(role_arn.value())
            .config(config.clone())
            .token_file(file.value());
        if let Some(name) = profile.property("role_session_name") {
            check_session_name(name.value()).map_err(|why| {
                CredentialsError::invalid_config(
                    NAME,
                    format!("profile '{}': role_session_name {why}", profile.name()),
                )
                .with_location(name.location().clone())
            })?;
            builder = builder.session_name(name.value());
        }
        if let Some(duration) = crate::profile::duration_of(profile, NAME)? {
            builder = builder.duration(duration);
        }
        let mut provider = builder.build();
        let inner = Arc::get_mut(&mut provider.inner).expect("just built");
        inner.target.profile = Some(profile.name().to_owned());
        inner.from = From::Profile {
            name: profile.name().to_owned(),
            location: file.location().clone(),
        };
        Ok(provider)
    }

    /// The role assumed.
    pub fn role_arn(&self) -> &str {
        &self.inner.role_arn
    }

    fn client(&self) -> Result<&StsClient, CredentialsError> {
        self.inner
            .client
            .get_or_init(|| StsClient::new(&self.inner.config, &self.inner.target, NAME))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The token: the one given, or the file's contents now, trimmed.
    fn token(&self) -> Result<Arc<Zeroizing<String>>, CredentialsError> {
        let path = match &self.inner.token {
            Token::Given(token) if token.trim().is_empty() => {
                return Err(CredentialsError::invalid_config(
                    NAME,
                    "no web identity token was given: set a token or a token file",
                ));
            }
            Token::Given(token) => return Ok(Arc::clone(token)),
            Token::File(path) => path,
        };
        let where_from = match &self.inner.from {
            From::Env => format!(" (from {ENV_TOKEN_FILE})"),
            From::Profile { name, location } => {
                format!(" (web_identity_token_file of profile '{name}' at {location})")
            }
            From::Builder => String::new(),
        };
        let bytes = Zeroizing::new(
            self.inner
                .config
                .fs()
                .read_limited(path, MAX_TOKEN_BYTES)
                .map_err(|e| {
                    CredentialsError::invalid_config(
                        NAME,
                        format!(
                            "cannot read the web identity token file {}{where_from}: {e}",
                            path.display()
                        ),
                    )
                    .with_source(e)
                })?,
        );
        if bytes.len() > MAX_TOKEN_BYTES {
            return Err(CredentialsError::invalid_config(
                NAME,
                format!(
                    "the web identity token file {}{where_from} is larger than 64 KiB: is it a token?",
                    path.display()
                ),
            ));
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            CredentialsError::invalid_config(
                NAME,
                format!(
                    "the web identity token file {}{where_from} is not UTF-8 text",
                    path.display()
                ),
            )
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(CredentialsError::invalid_config(
                NAME,
                format!(
                    "the web identity token file {}{where_from} is empty",
                    path.display()
                ),
            ));
        }
        Ok(Arc::new(Zeroizing::new(token.to_owned())))
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let inner = &*self.inner;
        let whose = match &inner.from {
            From::Profile { name, .. } => format!("profile '{name}': "),
            From::Env => format!("{ENV_ROLE_ARN}: "),
            From::Builder => String::new(),
        };
        check(
            NAME,
            &whose,
            &inner.role_arn,
            inner.session_name.as_deref(),
            inner.duration,
        )?;
        let client = self.client()?;
        let token = self.token()?;
        let session_name = inner
            .session_name
            .clone()
            .unwrap_or_else(|| crate::assume_role::default_session_name(&inner.config));
        let mut form = Form::default();
        form.push("RoleArn", inner.role_arn.clone());
        form.push("RoleSessionName", session_name);
        form.push("WebIdentityToken", token.as_str());
        if let Some(id) = &inner.provider_id {
            form.push("ProviderId", id.clone());
        }
        push_common(
            &mut form,
            inner.duration,
            inner.policy.as_deref(),
            &inner.policy_arns,
        );
        let token_origin = match (&inner.token, &inner.from) {
            (Token::Given(_), _) => "a token given to the program".to_owned(),
            (Token::File(path), From::Env) => {
                format!("the token file {} ({ENV_TOKEN_FILE})", path.display())
            }
            (Token::File(path), From::Profile { name, location }) => format!(
                "the token file {} (web_identity_token_file of profile '{name}' at {location})",
                path.display()
            ),
            (Token::File(path), From::Builder) => format!("the token file {}", path.display()),
        };
        let origin = format!(
            "role {} from STS at {} with {token_origin}",
            inner.role_arn,
            client.endpoint()
        );
        let result = client
            .call(
                StsAction::AssumeRoleWithWebIdentity,
                &form,
                None,
                &[token.as_str()],
                origin,
            )
            .await;
        result.map(|reply| reply.credentials).map_err(|e| {
            let message = format!("{whose}{}", e.message());
            e.with_message(message)
        })
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn running(&self) -> Option<String> {
        Some(format!(
            "AssumeRoleWithWebIdentity of {}",
            self.inner.role_arn
        ))
    }
}

/// Builds a [`WebIdentityProvider`] (JS `fromWebToken({ roleArn, webIdentityToken,
/// roleSessionName, providerId, policyArns, policy, durationSeconds })` and
/// `fromTokenFile({ webIdentityTokenFile, roleArn, roleSessionName })`).
pub struct WebIdentityProviderBuilder {
    role_arn: String,
    config: Option<ProviderConfig>,
    token: Option<Token>,
    session_name: Option<String>,
    provider_id: Option<String>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    duration: Option<Duration>,
    region: Option<String>,
}

impl fmt::Debug for WebIdentityProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProviderBuilder")
            .field("role_arn", &self.role_arn)
            .finish_non_exhaustive()
    }
}

impl WebIdentityProviderBuilder {
    /// The world to read (default: the real one): the token file, the endpoint and
    /// region settings, the proxy, the clock.
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// The token itself (JS `webIdentityToken`).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token::Given(Arc::new(Zeroizing::new(token.into()))));
        self
    }

    /// The file the token is read from, again at every fetch (JS
    /// `webIdentityTokenFile`).
    pub fn token_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.token = Some(Token::File(path.into()));
        self
    }

    /// `RoleSessionName` (default `creds-<milliseconds since the epoch>`).
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// `ProviderId`: for OAuth 2.0 access tokens of Login with Amazon, Facebook or
    /// Google (not for OIDC ID tokens).
    pub fn provider_id(mut self, id: impl Into<String>) -> Self {
        self.provider_id = Some(id.into());
        self
    }

    /// `Policy`: a session policy, as JSON.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// One more of `PolicyArns`.
    pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.policy_arns.push(arn.into());
        self
    }

    /// `DurationSeconds`, 15 minutes to 12 hours.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    /// The region of the STS call.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Builds the provider. Without a token or token file, every fetch fails with an
    /// error that says so.
    pub fn build(self) -> WebIdentityProvider {
        WebIdentityProvider {
            inner: Arc::new(Inner {
                config: self.config.unwrap_or_default(),
                token: self
                    .token
                    .unwrap_or_else(|| Token::Given(Arc::new(Zeroizing::new(String::new())))),
                role_arn: self.role_arn,
                session_name: self.session_name,
                provider_id: self.provider_id,
                policy: self.policy,
                policy_arns: self.policy_arns,
                duration: self.duration,
                target: Target {
                    profile: None,
                    region: self.region,
                },
                from: From::Builder,
                client: OnceLock::new(),
            }),
        }
    }
}
