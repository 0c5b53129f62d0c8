//! [`SsoTokenProvider`]: a session's access token from its cache file, refreshed
//! through SSO-OIDC before it expires, once for every provider of the session.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use creds_core::{CredentialsError, ProviderConfig, REDACTED};
use jiff::Timestamp;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::NAME;
use crate::http::Endpoint;
use crate::oidc::{self, CreateTokenError};
use crate::session::SsoSession;
use crate::token::{SsoToken, signed};

/// A token with less than this left is refreshed: the JavaScript SDK's 5 minutes.
pub const REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);

/// The least time between two refresh attempts of one session: the JavaScript SDK's
/// 30 seconds, so that a failing SSO-OIDC is not called at every fetch.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(30);

/// An SSO access token (the portal's bearer token) and when it expires. `Debug` does
/// not show it; it is wiped when dropped.
#[derive(Clone)]
pub struct AccessToken {
    token: Arc<Zeroizing<String>>,
    expires_at: Timestamp,
}

impl AccessToken {
    /// The token.
    pub fn as_str(&self) -> &str {
        &self.token
    }

    /// When it expires.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &REDACTED)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The access token of an [`SsoSession`], as the JavaScript SDK's `fromSso` token
/// provider and botocore's `SSOTokenProvider` give it: read from the aws CLI's cache
/// file at every call, and for a named session refreshed with SSO-OIDC `CreateToken`
/// when less than [`REFRESH_WINDOW`] remains, the new token written back to the file
/// (atomically, 0600, unknown fields kept) so that the aws CLI and the SDKs use it too.
///
/// - A refresh happens only when the file has a refresh token and a client
///   registration that has not expired, at most once per [`REFRESH_INTERVAL`], and
///   once however many callers ask at the same time: the providers built from one
///   [`ProviderConfig`] share one refresh lock per token file.
/// - A refresh runs to its end (the reply and the write-back) even when the caller
///   that started it stops waiting: the refresh token rotates, and a reply that was
///   not written back would leave a spent one in the file.
/// - A refresh that fails while the token is still valid is logged (a warning) and the
///   token is used until it expires.
/// - Legacy sessions (no session name) are never refreshed, as in every SDK.
///
/// ```no_run
/// use creds_core::ProviderConfig;
/// use creds_sso::{SsoSession, SsoTokenProvider};
///
/// # async fn run() -> Result<(), creds_core::CredentialsError> {
/// let config = ProviderConfig::new();
/// let session = SsoSession::from_config(&config, "my-sso")?;
/// let token = SsoTokenProvider::new(&config, session).token().await?;
/// println!("valid until {}", token.expires_at());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SsoTokenProvider {
    state: Arc<State>,
}

struct State {
    config: ProviderConfig,
    session: SsoSession,
    oidc: OnceLock<Result<Endpoint, CredentialsError>>,
    /// The token file's refresh lock, shared by the config's providers.
    lock: Arc<tokio::sync::Mutex<Attempt>>,
}

/// The last refresh of a token file; locked across a refresh, so that one runs at a
/// time and the others then read what it wrote.
#[derive(Default)]
struct Attempt {
    at: Option<Timestamp>,
    /// Why it failed, for the errors of the 30 s after it.
    failure: Option<String>,
    /// A refreshed token that could not be written back: the file still holds the
    /// spent refresh token, so this one is used (and refreshed) instead while it is
    /// newer than the file's.
    kept: Option<SsoToken>,
}

/// The refresh locks of a config's providers, by token file. Only the locks are
/// shared, never a provider (which holds the config, and so would keep it alive).
#[derive(Default)]
struct RefreshLocks(Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<Attempt>>>>);

impl fmt::Debug for SsoTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoTokenProvider")
            .field("session", &self.state.session)
            .finish_non_exhaustive()
    }
}

impl SsoTokenProvider {
    /// The token provider of `session`, sharing the refresh lock of its token file
    /// with every other provider of `config` (and its clones).
    pub fn new(config: &ProviderConfig, session: SsoSession) -> Self {
        let lock = match session.token_file(config) {
            Ok(path) => {
                let locks = config
                    .extensions()
                    .get_or_insert_with(RefreshLocks::default);
                let mut map = locks.0.lock().unwrap_or_else(PoisonError::into_inner);
                Arc::clone(map.entry(path).or_default())
            }
            // No home: every call fails saying so; nothing to share.
            Err(_) => Arc::default(),
        };
        SsoTokenProvider {
            state: Arc::new(State {
                config: config.clone(),
                session,
                oidc: OnceLock::new(),
                lock,
            }),
        }
    }

    /// The session.
    pub fn session(&self) -> &SsoSession {
        &self.state.session
    }

    /// The token now: the cached one, or a refreshed one when it is due.
    pub async fn token(&self) -> Result<AccessToken, CredentialsError> {
        let state = &*self.state;
        let token = state.load()?;
        if state.left(&token) > REFRESH_WINDOW || state.session.name().is_none() {
            return state.valid(&token, None);
        }
        let mut attempt = Arc::clone(&state.lock).lock_owned().await;
        // Another caller, or another program, may have refreshed it meanwhile.
        let file = state.load()?;
        let token = match attempt.kept.take() {
            Some(kept) if kept.expires_at() > file.expires_at() => {
                attempt.kept = Some(kept.clone());
                kept
            }
            _ => file,
        };
        let now = state.config.clock().now();
        if state.left(&token) > REFRESH_WINDOW {
            return state.valid(&token, None);
        }
        if let Some(at) = attempt.at {
            if now.duration_since(at) < signed(REFRESH_INTERVAL) {
                let why = match &attempt.failure {
                    Some(failure) => format!("a refresh failed less than 30 s ago ({failure})"),
                    None => "a refresh was tried less than 30 s ago".to_owned(),
                };
                return state.valid(&token, Some(&why));
            }
        }
        if !token.can_refresh() {
            return state.valid(
                &token,
                Some("the token file has no refresh token and client registration"),
            );
        }
        if let Some(expired) = token.registration_expires_at().filter(|at| *at <= now) {
            let why = format!("its client registration expired at {expired}");
            return state.valid(&token, Some(&why));
        }
        attempt.at = Some(now);
        // The refresh and its write-back run to their end whoever waits for them.
        let refresh = {
            let state = Arc::clone(&self.state);
            async move {
                let mut token = token;
                let outcome = state.refresh(&mut token).await;
                attempt.failure = outcome.as_ref().err().map(|e| e.message().to_owned());
                if let Ok(written) = &outcome {
                    attempt.kept = (!written).then(|| token.clone());
                }
                drop(attempt);
                (token, outcome.map(|_| ()))
            }
        };
        let (token, outcome) = match tokio::runtime::Handle::try_current() {
            Ok(runtime) => runtime.spawn(refresh).await.map_err(|e| {
                CredentialsError::unavailable(NAME, format!("the SSO token refresh stopped: {e}"))
            })?,
            // Not on a tokio runtime (the HTTP client needs one): inline.
            Err(_) => refresh.await,
        };
        match outcome {
            Ok(()) => state.valid(&token, None),
            Err(error) if token.expires_at() > now => {
                tracing::warn!(
                    %error,
                    session = %state.session.describe(),
                    expires_at = %token.expires_at(),
                    "the SSO token could not be refreshed; it is used until it expires"
                );
                state.valid(&token, None)
            }
            Err(error) => Err(CredentialsError::new(
                error.kind(),
                NAME,
                format!(
                    "the SSO token of {} expired at {} and could not be refreshed ({}): {}",
                    state.session.describe(),
                    token.expires_at(),
                    error.message(),
                    login_hint(&state.session)
                ),
            )
            .with_source(error)),
        }
    }
}

impl State {
    fn path(&self) -> Result<PathBuf, CredentialsError> {
        self.session.token_file(&self.config)
    }

    /// The token file now, checked against the session.
    fn load(&self) -> Result<SsoToken, CredentialsError> {
        let path = self.path()?;
        let bytes = match self
            .config
            .fs()
            .read_limited(&path, crate::MAX_TOKEN_FILE_BYTES)
        {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CredentialsError::invalid_config(
                    NAME,
                    format!(
                        "no SSO token for {} (no file {}): {}",
                        self.session.describe(),
                        path.display(),
                        login_hint(&self.session)
                    ),
                ));
            }
            Err(e) => {
                return Err(CredentialsError::invalid_config(
                    NAME,
                    format!("cannot read the SSO token file {}: {e}", path.display()),
                )
                .with_source(e));
            }
        };
        let token = SsoToken::parse_for(&bytes, &path, &login_hint(&self.session))?;
        if let Some(url) = token.start_url() {
            let trimmed = |u: &str| u.trim().trim_end_matches('/').to_owned();
            if trimmed(url) != trimmed(self.session.start_url()) {
                return Err(CredentialsError::invalid_config(
                    NAME,
                    format!(
                        "the SSO token file {} is for start URL {url}, not {} of {}: {}",
                        path.display(),
                        self.session.start_url(),
                        self.session.describe(),
                        login_hint(&self.session)
                    ),
                ));
            }
        }
        Ok(token)
    }

    fn left(&self, token: &SsoToken) -> Duration {
        let left = token.expires_at().duration_since(self.config.clock().now());
        Duration::try_from(left).unwrap_or(Duration::ZERO)
    }

    /// The token if it has not expired, else an error saying to sign in again (and why
    /// no refresh was tried, when one was due).
    fn valid(
        &self,
        token: &SsoToken,
        why_kept: Option<&str>,
    ) -> Result<AccessToken, CredentialsError> {
        if token.expires_at() > self.config.clock().now() {
            if let Some(why) = why_kept {
                tracing::debug!(session = %self.session.describe(), "the SSO token is due for a refresh, which was not tried: {why}");
            }
            return Ok(AccessToken {
                token: Arc::new(Zeroizing::new(token.access_token().to_owned())),
                expires_at: token.expires_at(),
            });
        }
        let why = why_kept
            .filter(|_| self.session.name().is_some())
            .map(|why| format!(" and was not refreshed: {why}"))
            .unwrap_or_default();
        Err(CredentialsError::rejected(
            NAME,
            format!(
                "the SSO token of {} expired at {}{why}; {}",
                self.session.describe(),
                token.expires_at(),
                login_hint(&self.session)
            ),
        ))
    }

    /// `CreateToken` with the refresh token, and the result written back; whether it
    /// could be.
    async fn refresh(&self, token: &mut SsoToken) -> Result<bool, CredentialsError> {
        let endpoint = self
            .oidc
            .get_or_init(|| oidc::endpoint(&self.config, &self.session))
            .as_ref()
            .map_err(Clone::clone)?;
        let (Some(client_id), Some(client_secret), Some(refresh_token)) = (
            token.client_id(),
            token.client_secret(),
            token.refresh_token(),
        ) else {
            return Err(CredentialsError::invalid_config(
                NAME,
                "nothing to refresh with",
            ));
        };
        let mut body = Map::new();
        body.insert("clientId".into(), client_id.into());
        body.insert("clientSecret".into(), client_secret.into());
        body.insert("grantType".into(), "refresh_token".into());
        body.insert("refreshToken".into(), refresh_token.into());
        let secrets = [client_secret, refresh_token, token.access_token()];
        let outcome = oidc::create_token(endpoint, &body, &secrets).await;
        let mut body = Value::Object(body);
        creds_core::document::wipe(&mut body);
        let new = match outcome {
            Ok(new) => new,
            Err(CreateTokenError::Failed(error)) => return Err(error),
            Err(CreateTokenError::Pending | CreateTokenError::SlowDown) => {
                return Err(CredentialsError::unavailable(
                    NAME,
                    "SSO-OIDC answered a refresh as if it were a device login",
                ));
            }
        };
        let now = self.config.clock().now();
        let expires_at = now
            .checked_add(signed(new.expires_in))
            .unwrap_or(Timestamp::MAX);
        token.refreshed(
            &new.access_token,
            expires_at,
            new.refresh_token.as_ref().map(|t| t.as_str()),
        );
        tracing::info!(session = %self.session.describe(), expires_at = %token.expires_at(), "refreshed the SSO token");
        let path = self.path()?;
        if let Err(e) = self.config.fs().write_atomic(&path, &token.to_json()) {
            // The new token is good whether or not it could be kept (the JavaScript SDK
            // ignores the failure too); this process keeps it.
            let error = CredentialsError::cannot_write(NAME, &path, e);
            tracing::warn!(%error, "the refreshed SSO token was not written back");
            return Ok(false);
        }
        Ok(true)
    }
}

/// What to run to sign in again.
pub(crate) fn login_hint(session: &SsoSession) -> String {
    match (session.profile(), session.name()) {
        (Some(profile), _) => format!(
            "run `creds sso login --profile {profile}` (or `aws sso login --profile {profile}`)"
        ),
        (None, Some(name)) => format!(
            "run `creds sso login --sso-session {name}` (or `aws sso login --sso-session {name}`)"
        ),
        (None, None) => "run `creds sso login` (or `aws sso login`)".to_owned(),
    }
}
