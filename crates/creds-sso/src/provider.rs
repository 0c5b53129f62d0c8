//! [`SsoProvider`]: a role's credentials from the SSO portal, with the session's token.

use std::fmt;
use std::sync::{Arc, OnceLock};

use creds_core::profile::{Profile, ProfileSet};
use creds_core::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, ProviderConfig,
};

use crate::NAME;
use crate::http::Endpoint;
use crate::portal;
use crate::session::{SsoProfile, SsoSession};
use crate::token_provider::SsoTokenProvider;

/// Credentials of an IAM Identity Center (SSO) role: the JavaScript SDK's `fromSSO`,
/// aws-config's `SsoCredentialsProvider`, botocore's `SSOProvider`.
///
/// The session's access token comes from the aws CLI's cache (`aws sso login` or
/// `creds sso login` writes it) through an [`SsoTokenProvider`], which refreshes it
/// for named sessions; the portal's `GetRoleCredentials` exchanges it for the role's
/// credentials, which carry `sso_account_id` as their account id.
///
/// The settings come from a profile ([`SsoProviderBuilder::profile`], else the
/// selected one), in either form, or are given as JS `fromSSO` takes them:
///
/// ```no_run
/// use creds_core::ProvideCredentials;
/// use creds_sso::SsoProvider;
///
/// # async fn run() -> Result<(), creds_core::CredentialsError> {
/// // From `[profile dev]` with `sso_session`, `sso_account_id` and `sso_role_name`:
/// let creds = SsoProvider::builder().profile("dev").build().provide_credentials().await?;
///
/// // Given (JS: ssoStartUrl, ssoRegion, ssoAccountId, ssoRoleName, ssoSession):
/// let provider = SsoProvider::builder()
///     .start_url("https://d-1234567890.awsapps.com/start")
///     .region("eu-west-1")
///     .account_id("123456789012")
///     .role_name("ReadOnly")
///     .session_name("my-sso")
///     .build();
/// # let _ = (creds, provider);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SsoProvider {
    inner: Arc<Inner>,
}

struct Inner {
    config: ProviderConfig,
    source: Source,
    resolved: OnceLock<Result<Resolved, CredentialsError>>,
}

enum Source {
    /// A profile's settings (the selected profile's when `None`).
    Profile(Option<String>),
    /// Settings given to the builder.
    Given(Given),
    /// Resolved already (by the profile handler).
    Resolved,
}

#[derive(Default)]
struct Given {
    start_url: Option<String>,
    region: Option<String>,
    account_id: Option<String>,
    role_name: Option<String>,
    session_name: Option<String>,
    scopes: Vec<String>,
}

#[derive(Clone)]
struct Resolved {
    tokens: SsoTokenProvider,
    account_id: String,
    role_name: String,
    portal: Endpoint,
}

impl fmt::Debug for SsoProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("SsoProvider");
        match self.inner.resolved.get() {
            Some(Ok(resolved)) => s
                .field("session", resolved.tokens.session())
                .field("account_id", &resolved.account_id)
                .field("role_name", &resolved.role_name),
            _ => match &self.inner.source {
                Source::Profile(name) => s.field("profile", name),
                Source::Given(given) => s
                    .field("start_url", &given.start_url)
                    .field("account_id", &given.account_id)
                    .field("role_name", &given.role_name),
                Source::Resolved => &mut s,
            },
        };
        s.finish_non_exhaustive()
    }
}

/// Builds an [`SsoProvider`].
#[derive(Default)]
#[must_use]
pub struct SsoProviderBuilder {
    config: Option<ProviderConfig>,
    profile: Option<String>,
    given: Given,
}

impl fmt::Debug for SsoProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoProviderBuilder")
            .field("profile", &self.profile)
            .field("start_url", &self.given.start_url)
            .field("account_id", &self.given.account_id)
            .field("role_name", &self.given.role_name)
            .finish_non_exhaustive()
    }
}

impl SsoProviderBuilder {
    /// The environment, files, clock and extensions to use (default:
    /// [`ProviderConfig::new`], the process's).
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// The profile to read (default: the selected one). Ignored when the settings
    /// are given.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The portal's start URL (JS `ssoStartUrl`).
    pub fn start_url(mut self, url: impl Into<String>) -> Self {
        self.given.start_url = Some(url.into());
        self
    }

    /// The SSO region (JS `ssoRegion`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.given.region = Some(region.into());
        self
    }

    /// The account (JS `ssoAccountId`).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.given.account_id = Some(account_id.into());
        self
    }

    /// The role, i.e. the permission set's name (JS `ssoRoleName`).
    pub fn role_name(mut self, role_name: impl Into<String>) -> Self {
        self.given.role_name = Some(role_name.into());
        self
    }

    /// The session's name (JS `ssoSession`): its token is cached under the name and
    /// refreshed. Without it the token is the legacy form's, cached under the start
    /// URL and never refreshed.
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.given.session_name = Some(name.into());
        self
    }

    /// The registration scopes of the session (for `creds sso login`; they do not
    /// change which token is read).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.given.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The provider. Settings are checked at its first fetch.
    pub fn build(self) -> SsoProvider {
        let given = &self.given;
        let any_given = given.start_url.is_some()
            || given.region.is_some()
            || given.account_id.is_some()
            || given.role_name.is_some()
            || given.session_name.is_some();
        SsoProvider {
            inner: Arc::new(Inner {
                config: self.config.unwrap_or_default(),
                source: if any_given {
                    Source::Given(self.given)
                } else {
                    Source::Profile(self.profile)
                },
                resolved: OnceLock::new(),
            }),
        }
    }
}

impl SsoProvider {
    /// A builder.
    pub fn builder() -> SsoProviderBuilder {
        SsoProviderBuilder::default()
    }

    /// The provider of an SSO profile of `profiles`, checked now.
    pub(crate) fn from_profile(
        config: &ProviderConfig,
        profiles: &ProfileSet,
        profile: &Profile,
    ) -> Result<SsoProvider, CredentialsError> {
        let resolved = resolve_profile(config, profiles, profile)?;
        let provider = SsoProvider {
            inner: Arc::new(Inner {
                config: config.clone(),
                source: Source::Resolved,
                resolved: OnceLock::new(),
            }),
        };
        let _ = provider.inner.resolved.set(Ok(resolved));
        Ok(provider)
    }

    fn resolved(&self) -> Result<&Resolved, CredentialsError> {
        let inner = &*self.inner;
        inner
            .resolved
            .get_or_init(|| match &inner.source {
                Source::Profile(name) => {
                    let profiles = inner.config.profile_set()?;
                    let name = name
                        .clone()
                        .unwrap_or_else(|| profiles.selected().name.clone());
                    let profile = profiles.profile(&name).ok_or_else(|| {
                        CredentialsError::invalid_config(
                            NAME,
                            format!("there is no profile '{name}' in the config files"),
                        )
                    })?;
                    resolve_profile(&inner.config, &profiles, profile)
                }
                Source::Given(given) => resolve_given(&inner.config, given),
                Source::Resolved => Err(CredentialsError::invalid_config(
                    NAME,
                    "the SSO provider lost its settings",
                )),
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let resolved = self.resolved()?;
        let token = resolved.tokens.token().await?;
        portal::get_role_credentials(
            &resolved.portal,
            resolved.tokens.session(),
            &token,
            &resolved.account_id,
            &resolved.role_name,
        )
        .await
    }
}

fn resolve_profile(
    config: &ProviderConfig,
    profiles: &ProfileSet,
    profile: &Profile,
) -> Result<Resolved, CredentialsError> {
    let settings = SsoProfile::resolve(profiles, profile)?;
    let (account_id, role_name) = settings.role(profile.name())?;
    resolved(config, settings.session.clone(), account_id, role_name)
}

fn resolve_given(config: &ProviderConfig, given: &Given) -> Result<Resolved, CredentialsError> {
    let missing: Vec<&str> = [
        ("start_url", &given.start_url),
        ("region", &given.region),
        ("account_id", &given.account_id),
        ("role_name", &given.role_name),
    ]
    .into_iter()
    .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
    .map(|(k, _)| k)
    .collect();
    if !missing.is_empty() {
        // The JavaScript SDK's "Incomplete configuration" of fromSSO.
        return Err(CredentialsError::invalid_config(
            NAME,
            format!(
                "the SSO settings given are incomplete: set {} as well",
                missing.join(", ")
            ),
        ));
    }
    let start_url = given.start_url.clone().unwrap_or_default();
    let region = given.region.clone().unwrap_or_default();
    let session = match &given.session_name {
        Some(name) => SsoSession::named(name.clone(), start_url, region),
        None => SsoSession::legacy(start_url, region),
    }
    .with_scopes(given.scopes.clone());
    resolved(
        config,
        session,
        given.account_id.as_deref().unwrap_or_default(),
        given.role_name.as_deref().unwrap_or_default(),
    )
}

fn resolved(
    config: &ProviderConfig,
    session: SsoSession,
    account_id: &str,
    role_name: &str,
) -> Result<Resolved, CredentialsError> {
    let portal = portal::endpoint(config, &session)?;
    Ok(Resolved {
        tokens: SsoTokenProvider::new(config, session),
        account_id: account_id.to_owned(),
        role_name: role_name.to_owned(),
        portal,
    })
}

impl ProvideCredentials for SsoProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn running(&self) -> Option<String> {
        let resolved = self.inner.resolved.get()?.as_ref().ok()?;
        Some(format!(
            "SSO GetRoleCredentials for role {} of account {} at {}",
            resolved.role_name,
            resolved.account_id,
            resolved.portal.shown()
        ))
    }
}
