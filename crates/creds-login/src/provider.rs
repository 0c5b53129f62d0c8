//! [`LoginProvider`]: the credentials of an `aws login` session, refreshed when five
//! minutes or less remain.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use creds_core::profile::Profile;
use creds_core::{
    Credentials, CredentialsError, Location, ProvideCredentials, ProvideFuture, ProviderConfig,
};
use jiff::{SignedDuration, Timestamp};
use ring::rand::SystemRandom;
use zeroize::Zeroizing;

use crate::NAME;
use crate::cache_file::{LoginToken, cache_file_path};
use crate::client::{Failure, SigninClient};
use crate::dpop::DpopKey;

/// Credentials with this long or less left are refreshed: five minutes, in botocore
/// (`_REFRESH_THRESHOLD`) and the JavaScript SDK (`REFRESH_THRESHOLD`) alike.
pub const REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);

/// The property of a profile that names its `aws login` session.
pub(crate) const KEY: &str = "login_session";

/// The credentials of an `aws login` session: the aws CLI's cache file of the session,
/// refreshed through AWS Sign-In when five minutes or less remain, and written back
/// (JS v3's `fromLoginCredentials`, botocore's `LoginProvider`).
///
/// The session is the builder's ([`LoginProviderBuilder::login_session`]), else the
/// `login_session` of the profile ([`LoginProviderBuilder::profile`], else the
/// selected one). A profile without one is
/// [`NotConfigured`](creds_core::ErrorKind::NotConfigured), as in the JavaScript SDK;
/// every other failure stops a chain, with what to do (most often: run `aws login`).
///
/// Every fetch reads the cache file anew, so a session that the aws CLI or another
/// program refreshed is used as it is; the provider keeps no credentials of its own.
/// Put it behind a [`CredentialsCache`](creds_core::CredentialsCache) (the profile
/// handler of this crate does) so that a program does not read the file on every call,
/// and so that concurrent callers share one refresh.
///
/// ```no_run
/// use creds_core::ProvideCredentials;
/// use creds_login::LoginProvider;
///
/// # async fn run() -> Result<(), creds_core::CredentialsError> {
/// let provider = LoginProvider::builder().profile("dev").build();
/// let creds = provider.provide_credentials().await?;
/// println!("account {}", creds.account_id().unwrap_or("?"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct LoginProvider {
    inner: Arc<Inner>,
}

struct Inner {
    config: ProviderConfig,
    /// The session given, else the profile's `login_session` at each fetch.
    session: Option<String>,
    /// The profile whose settings count (the selected one when `None`).
    profile: Option<String>,
    /// Where the session's name was set, for errors.
    location: Option<Location>,
    rng: SystemRandom,
}

impl fmt::Debug for LoginProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginProvider")
            .field("login_session", &self.inner.session)
            .field("profile", &self.inner.profile)
            .finish_non_exhaustive()
    }
}

/// What a fetch works on: the session, its profile and its cache file.
struct Session {
    name: String,
    profile: String,
    path: std::path::PathBuf,
}

impl Session {
    fn login_command(&self) -> String {
        login_command(&self.profile)
    }
}

/// `aws login`, with `--profile` unless the profile is `default`: what to run to sign
/// in again.
pub(crate) fn login_command(profile: &str) -> String {
    match profile {
        "default" => "`aws login`".to_owned(),
        profile => format!("`aws login --profile {profile}`"),
    }
}

impl LoginProvider {
    /// Starts a builder.
    pub fn builder() -> LoginProviderBuilder {
        LoginProviderBuilder::default()
    }

    /// The provider of a profile with `login_session`, as the profile handler builds it.
    pub(crate) fn from_profile(
        config: &ProviderConfig,
        profile: &Profile,
    ) -> Result<LoginProvider, CredentialsError> {
        let property = profile.property(KEY);
        let session = property
            .map(|p| p.value().trim())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| empty_session(profile))?;
        let mut provider = Self::builder()
            .config(config.clone())
            .profile(profile.name())
            .login_session(session)
            .build();
        let inner = Arc::get_mut(&mut provider.inner).expect("just built");
        inner.location = property.map(|p| p.location().clone());
        Ok(provider)
    }

    /// The session, its profile and its file: the session given, or the profile's.
    fn session(&self) -> Result<Session, CredentialsError> {
        let inner = &*self.inner;
        let profile = inner
            .profile
            .clone()
            .unwrap_or_else(|| inner.config.selected_profile().name);
        let name = match &inner.session {
            Some(name) => name.clone(),
            None => {
                let profiles = inner.config.profile_set()?;
                let Some(found) = profiles.profile(&profile) else {
                    return Err(CredentialsError::not_configured(
                        NAME,
                        format!("there is no profile '{profile}'"),
                    ));
                };
                match found.property(KEY) {
                    None => {
                        return Err(CredentialsError::not_configured(
                            NAME,
                            format!("profile '{profile}' has no {KEY}"),
                        ));
                    }
                    Some(property) if property.value().trim().is_empty() => {
                        return Err(empty_session(found));
                    }
                    Some(property) => property.value().trim().to_owned(),
                }
            }
        };
        let path = cache_file_path(&inner.config, &name)?;
        Ok(Session {
            name,
            profile,
            path,
        })
    }

    /// The session's file, read and parsed.
    fn load(&self, session: &Session) -> Result<LoginToken, CredentialsError> {
        let path = &session.path;
        let bytes = Zeroizing::new(self.inner.config.fs().read_limited(path, crate::MAX_FILE_BYTES).map_err(|e| {
            let message = match e.kind() {
                std::io::ErrorKind::NotFound => format!(
                    "no `aws login` session '{}' is cached ({} does not exist): run {} to sign in",
                    session.name,
                    path.display(),
                    session.login_command()
                ),
                _ => format!(
                    "cannot read the login cache file {}: {e}; check its permissions, or run {}",
                    path.display(),
                    session.login_command()
                ),
            };
            let error = CredentialsError::invalid_config(NAME, message).with_source(e);
            match &self.inner.location {
                Some(location) => error.with_location(location.clone()),
                None => error,
            }
        })?);
        LoginToken::parse(&bytes, path)
    }

    fn credentials(&self, token: &LoginToken, session: &Session) -> Credentials {
        token
            .credentials()
            .to_builder()
            .origin(format!(
                "the `aws login` session of profile '{}' ({})",
                session.profile,
                session.path.display()
            ))
            .build()
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let session = self.session()?;
        let token = self.load(&session)?;
        let now = self.inner.config.clock().now();
        if left(&token, now) > REFRESH_WINDOW {
            return Ok(self.credentials(&token, &session));
        }
        // One refresh at a time per file among the providers of this config (two
        // profiles of one session, a role chain and the profile under it): the refresh
        // token rotates, so a second refresh with the same one would be refused.
        let mut kept = refresh_lock(&self.inner.config, &session.path)
            .lock_owned()
            .await;
        // Read again under the lock: another provider, or another process, may have
        // refreshed it meanwhile (botocore and JS re-read the file before they
        // refresh, for the same reason). A refreshed session that could not be
        // written back is kept in memory, and wins while it is newer than the file's.
        let file = self.load(&session)?;
        let token = match kept.take() {
            Some(memory) if memory.expires_at() > file.expires_at() => {
                *kept = Some(memory.clone());
                memory
            }
            _ => file,
        };
        let now = self.inner.config.clock().now();
        if left(&token, now) > REFRESH_WINDOW {
            return Ok(self.credentials(&token, &session));
        }
        // The refresh and its write-back run to their end whoever waits for them: a
        // reply that was not written back would leave a spent refresh token in the file.
        let refresh = {
            let provider = self.clone();
            let token = token.clone();
            let path = session.path.clone();
            let profile = session.profile.clone();
            async move {
                let outcome = provider.refresh(&token, &path, &profile).await;
                if let Ok((refreshed, written)) = &outcome {
                    *kept = (!written).then(|| refreshed.clone());
                }
                drop(kept);
                outcome
            }
        };
        let outcome = match tokio::runtime::Handle::try_current() {
            Ok(runtime) => runtime.spawn(refresh).await.unwrap_or_else(|e| {
                Err(Failure {
                    error: CredentialsError::unavailable(
                        NAME,
                        format!("the aws login refresh stopped: {e}"),
                    ),
                    refused: false,
                })
            }),
            // Not on a tokio runtime (the HTTP client needs one): inline.
            Err(_) => refresh.await,
        };
        match outcome {
            Ok((refreshed, _)) => Ok(self.credentials(&refreshed, &session)),
            // Sign-In refused the session: say so now, as the JavaScript SDK does (a
            // `CredentialsCache` in front keeps serving what has not expired).
            Err(Failure {
                error,
                refused: true,
            }) => Err(error),
            Err(Failure { error, .. }) if token.expires_at() > now => {
                tracing::warn!(
                    error = %error,
                    expires_at = %token.expires_at(),
                    "cannot refresh the aws login session; its credentials are used until they expire"
                );
                Ok(self.credentials(&token, &session))
            }
            Err(Failure { error, .. }) => {
                let message = format!(
                    "the `aws login` session's credentials expired at {} and cannot be refreshed: {}",
                    token.expires_at(),
                    error.message()
                );
                Err(error.with_message(message))
            }
        }
    }

    /// Sign-In's `CreateOAuth2Token`, then the file at `path` written back: the
    /// refreshed session, and whether it could be written.
    async fn refresh(
        &self,
        token: &LoginToken,
        path: &std::path::Path,
        profile: &str,
    ) -> Result<(LoginToken, bool), Failure> {
        let inner = &*self.inner;
        let key = DpopKey::from_pem(token.dpop_key(), path, &inner.rng)?;
        let client =
            SigninClient::new(&inner.config, profile, token.sign_in_region()).map_err(|e| {
                let message = format!("{} (for the session in {})", e.message(), path.display());
                e.with_message(message)
            })?;
        let now = inner.config.clock().now();
        let reply = client
            .refresh(token, &key, &inner.rng, now.as_second())
            .await?;
        let expires_at = now
            .checked_add(SignedDuration::from_secs(reply.expires_in))
            .map_err(|_| {
                CredentialsError::unavailable(NAME, "Sign-In's expiresIn is past the last instant")
            })?;
        let refreshed = token.refreshed(&reply.tokens(), expires_at);
        if let Err(e) = inner.config.fs().write_atomic(path, &refreshed.to_file()) {
            // The new credentials are good whether or not they could be kept; this
            // process keeps them (botocore and the JavaScript SDK drop them, and leave
            // the spent refresh token in the file).
            let error = CredentialsError::cannot_write(NAME, path, e);
            tracing::warn!(%error, "the refreshed aws login session was not written back; it is kept in memory");
            return Ok((refreshed, false));
        }
        tracing::debug!(path = %path.display(), expires_at = %refreshed.expires_at(), "refreshed the aws login session");
        Ok((refreshed, true))
    }
}

/// How long `token`'s credentials have left at `now` (zero when they have expired).
/// The refresh locks of a config's providers, one per cache file, each with the
/// refreshed session that could not be written back, if any.
type Kept = Arc<tokio::sync::Mutex<Option<LoginToken>>>;

#[derive(Default)]
struct RefreshLocks(std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, Kept>>);

fn refresh_lock(config: &ProviderConfig, path: &std::path::Path) -> Kept {
    let locks = config
        .extensions()
        .get_or_insert_with(RefreshLocks::default);
    let mut map = locks
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Arc::clone(map.entry(path.to_owned()).or_default())
}

fn left(token: &LoginToken, now: Timestamp) -> Duration {
    Duration::try_from(token.expires_at().duration_since(now)).unwrap_or_default()
}

fn empty_session(profile: &Profile) -> CredentialsError {
    let error = CredentialsError::invalid_config(
        NAME,
        format!(
            "profile '{}' has an empty {KEY}: run `aws login --profile {}` to sign in",
            profile.name(),
            profile.name()
        ),
    );
    match profile.property(KEY) {
        Some(property) => error.with_location(property.location().clone()),
        None => error.with_location(profile.location().clone()),
    }
}

impl ProvideCredentials for LoginProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn running(&self) -> Option<String> {
        Some(match &self.inner.profile {
            Some(profile) => format!("the `aws login` session of profile '{profile}'"),
            None => "the `aws login` session".to_owned(),
        })
    }
}

/// Builds a [`LoginProvider`] (JS `fromLoginCredentials({ profile })`).
#[derive(Default)]
pub struct LoginProviderBuilder {
    config: Option<ProviderConfig>,
    profile: Option<String>,
    session: Option<String>,
}

impl fmt::Debug for LoginProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginProviderBuilder")
            .field("profile", &self.profile)
            .field("login_session", &self.session)
            .finish_non_exhaustive()
    }
}

impl LoginProviderBuilder {
    /// The world to read and write (default: the real one): the environment, the
    /// shared config files, the cache file, the clock, the proxy.
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// The profile whose `login_session`, `region` and endpoint settings count
    /// (default: the config's selected profile, `AWS_PROFILE` or `default`).
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The session, instead of the profile's `login_session`: the name `aws login`
    /// gave it (the ARN of the signed-in identity), which names its cache file.
    pub fn login_session(mut self, name: impl Into<String>) -> Self {
        self.session = Some(name.into());
        self
    }

    /// Builds the provider. Nothing is read until the first fetch.
    pub fn build(self) -> LoginProvider {
        LoginProvider {
            inner: Arc::new(Inner {
                config: self.config.unwrap_or_default(),
                session: self.session,
                profile: self.profile,
                location: None,
                rng: SystemRandom::new(),
            }),
        }
    }
}
