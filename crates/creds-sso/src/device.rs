//! Signing in without the aws CLI: the OAuth 2.0 device authorization grant (RFC 8628)
//! with SSO-OIDC, as `aws sso login --use-device-code` runs it, and the logout.
//!
//! [`DeviceLogin::start`] registers a client (or reuses the cached registration),
//! starts a device authorization and returns what the user must see: the verification
//! URL and the user code. [`DeviceLogin::finish`] polls `CreateToken` at the interval
//! the service asks (longer after `slow_down`, waiting while `authorization_pending`)
//! until the user approves, the device code expires or the service refuses, and writes
//! the token where the aws CLI does, in its format, so that either tool uses the
//! other's login:
//!
//! - the token: `~/.aws/sso/cache/<SHA-1 of the session name or start URL>.json`
//!   (`startUrl`, `region`, `accessToken`, `expiresAt`, `clientId`, `clientSecret`,
//!   `registrationExpiresAt`, `refreshToken`);
//! - the client registration: `~/.aws/sso/cache/<SHA-1 of botocore's registration
//!   key>.json` (`clientId`, `clientSecret`, `expiresAt`, `scopes`), reused while it has
//!   more than 15 minutes left, as the aws CLI reuses it.
//!
//! ```no_run
//! use creds_core::ProviderConfig;
//! use creds_sso::SsoSession;
//! use creds_sso::device::DeviceLogin;
//!
//! # async fn run() -> Result<(), creds_core::CredentialsError> {
//! let config = ProviderConfig::new();
//! let session = SsoSession::for_profile(&config, Some("dev"))?;
//! let login = DeviceLogin::start(&config, &session).await?;
//! eprintln!("Open {} and enter {}", login.verification_uri(), login.user_code());
//! let done = login.finish(|_waiting| {}).await?;
//! eprintln!("signed in until {}", done.expires_at());
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use creds_core::document::{parse_timestamp, python_json, wipe};
use creds_core::{CredentialsError, ProviderConfig};
use jiff::Timestamp;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::NAME;
use crate::http::Endpoint;
use crate::oidc::{self, Authorization, CreateTokenError, Registration};
use crate::portal;
use crate::session::{SsoSession, cache_dir, sha1_hex};
use crate::token::{SsoToken, signed, whole_seconds};

/// The grant type of the device flow.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The poll interval when the service names none, and what `slow_down` adds to it
/// (RFC 8628, sections 3.2 and 3.5).
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// A registration with less than this left is not reused: the aws CLI's 15 minutes.
const REGISTRATION_MIN_LEFT: Duration = Duration::from_secs(15 * 60);

/// The longest a device code is waited for, and the longest poll interval, whatever
/// the service says (its codes last 10 minutes; it asks for a few seconds).
const MAX_CODE_LIFE: Duration = Duration::from_secs(60 * 60);
const MAX_INTERVAL: Duration = Duration::from_secs(60);

/// A device authorization waiting for the user's approval.
pub struct DeviceLogin {
    config: ProviderConfig,
    session: SsoSession,
    endpoint: Endpoint,
    registration: Registration,
    authorization: Authorization,
    deadline: Instant,
    expires_at: Timestamp,
}

impl fmt::Debug for DeviceLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceLogin")
            .field("session", &self.session)
            .field("user_code", &self.authorization.user_code)
            .field("verification_uri", &self.authorization.verification_uri)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// How a [`DeviceLogin`] is waiting, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Waiting {
    /// `CreateToken` calls made so far.
    pub polls: u32,
    /// How long until the next one.
    pub interval: Duration,
    /// How long until the device code expires.
    pub left: Duration,
}

/// A finished login.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedIn {
    token_file: PathBuf,
    expires_at: Timestamp,
}

impl LoggedIn {
    /// Where the token was written.
    pub fn token_file(&self) -> &Path {
        &self.token_file
    }

    /// When the access token expires (a named session's is refreshed before then).
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }
}

impl DeviceLogin {
    /// Registers a client with SSO-OIDC in the session's region (or reuses the cached
    /// registration) and starts a device authorization for its start URL.
    pub async fn start(
        config: &ProviderConfig,
        session: &SsoSession,
    ) -> Result<DeviceLogin, CredentialsError> {
        let endpoint = oidc::endpoint(config, session)?;
        let (mut registration, mut cached) = registration(config, session, &endpoint).await?;
        let authorization = loop {
            let started = oidc::start_device_authorization(
                &endpoint,
                &registration.client_id,
                &registration.client_secret,
                session.start_url(),
            )
            .await;
            match started {
                // A cached registration the service no longer knows (revoked, or of
                // another tool's making): register again, once.
                Err(error) if cached && is_invalid_client(&error) => {
                    tracing::debug!(%error, "the cached SSO client registration was refused; registering again");
                    let path = registration_file(config, session)?;
                    let _ = config.fs().remove_file(&path);
                    (registration, cached) = self::registration(config, session, &endpoint).await?;
                }
                other => break other?,
            }
        };
        let life = authorization.expires_in.min(MAX_CODE_LIFE);
        let expires_at = config
            .clock()
            .now()
            .checked_add(signed(life))
            .unwrap_or(Timestamp::MAX);
        Ok(DeviceLogin {
            config: config.clone(),
            session: session.clone(),
            deadline: Instant::now() + life,
            endpoint,
            registration,
            authorization,
            expires_at,
        })
    }

    /// The code the user enters on the verification page.
    pub fn user_code(&self) -> &str {
        &self.authorization.user_code
    }

    /// The verification page.
    pub fn verification_uri(&self) -> &str {
        &self.authorization.verification_uri
    }

    /// The verification page with the user code in it (what a browser is sent to),
    /// or the plain page when the service gave none.
    pub fn verification_uri_complete(&self) -> &str {
        self.authorization
            .verification_uri_complete
            .as_deref()
            .unwrap_or(&self.authorization.verification_uri)
    }

    /// When the device code expires.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// Polls `CreateToken` until the user approves, then writes the token file.
    /// `progress` is called before each wait.
    pub async fn finish(
        self,
        mut progress: impl FnMut(&Waiting),
    ) -> Result<LoggedIn, CredentialsError> {
        let mut interval = self
            .authorization
            .interval
            .unwrap_or(DEFAULT_INTERVAL)
            // A service asking for no wait would be polled in a loop.
            .clamp(Duration::from_secs(1), MAX_INTERVAL);
        let mut body = Map::new();
        body.insert(
            "clientId".into(),
            self.registration.client_id.clone().into(),
        );
        body.insert(
            "clientSecret".into(),
            self.registration.client_secret.as_str().into(),
        );
        body.insert("grantType".into(), DEVICE_GRANT.into());
        body.insert(
            "deviceCode".into(),
            self.authorization.device_code.as_str().into(),
        );
        let secrets = [
            self.registration.client_secret.as_str(),
            self.authorization.device_code.as_str(),
        ];
        let mut polls = 0;
        let outcome = loop {
            polls += 1;
            match oidc::create_token(&self.endpoint, &body, &secrets).await {
                Ok(token) => break Ok(token),
                Err(CreateTokenError::Pending) => {}
                Err(CreateTokenError::SlowDown) => {
                    interval = (interval + SLOW_DOWN_STEP).min(MAX_INTERVAL);
                }
                Err(CreateTokenError::Failed(error)) => break Err(error),
            }
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left <= interval {
                break Err(CredentialsError::rejected(
                    NAME,
                    format!(
                        "the sign-in for {} was not approved before its code expired at {}: \
                         run the login again",
                        self.session.describe(),
                        self.expires_at
                    ),
                ));
            }
            progress(&Waiting {
                polls,
                interval,
                left,
            });
            tokio::time::sleep(interval).await;
        };
        let mut body = Value::Object(body);
        wipe(&mut body);
        let token = outcome?;
        let now = self.config.clock().now();
        let expires_at = now
            .checked_add(signed(token.expires_in))
            .unwrap_or(Timestamp::MAX);
        let mut doc = Map::new();
        doc.insert("startUrl".into(), self.session.start_url().into());
        doc.insert("region".into(), self.session.region().into());
        doc.insert("accessToken".into(), token.access_token.as_str().into());
        doc.insert(
            "expiresAt".into(),
            whole_seconds(expires_at).to_string().into(),
        );
        doc.insert(
            "clientId".into(),
            self.registration.client_id.clone().into(),
        );
        doc.insert(
            "clientSecret".into(),
            self.registration.client_secret.as_str().into(),
        );
        doc.insert(
            "registrationExpiresAt".into(),
            Timestamp::from_second(self.registration.expires_at)
                .map(|at| whole_seconds(at).to_string())
                .unwrap_or_default()
                .into(),
        );
        if let Some(refresh) = &token.refresh_token {
            doc.insert("refreshToken".into(), refresh.as_str().into());
        }
        let token = SsoToken::new(doc)?;
        let path = self.session.token_file(&self.config)?;
        write(&self.config, &path, &token.to_json())?;
        tracing::info!(session = %self.session.describe(), path = %path.display(), "signed in with SSO");
        Ok(LoggedIn {
            token_file: path,
            expires_at: token.expires_at(),
        })
    }
}

/// Whether SSO-OIDC refused the client (its registration).
fn is_invalid_client(error: &CredentialsError) -> bool {
    matches!(
        error.service_code(),
        Some("InvalidClientException" | "invalid_client" | "UnauthorizedClientException")
    )
}

/// The cached client registration of the session (and `true`), or a new one (written
/// to the cache; a failure to write it only costs a registration next time).
async fn registration(
    config: &ProviderConfig,
    session: &SsoSession,
    endpoint: &Endpoint,
) -> Result<(Registration, bool), CredentialsError> {
    let path = registration_file(config, session)?;
    if let Some(cached) = cached_registration(config, &path) {
        tracing::debug!(path = %path.display(), "reusing the cached SSO client registration");
        return Ok((cached, true));
    }
    let client_name = format!(
        "creds-client-{}",
        session.name().map_or_else(
            || config.clock().now().as_second().to_string(),
            str::to_owned
        )
    );
    let registration = oidc::register_client(endpoint, &client_name, session.scopes()).await?;
    let mut doc = Map::new();
    doc.insert("clientId".into(), registration.client_id.clone().into());
    doc.insert(
        "clientSecret".into(),
        registration.client_secret.as_str().into(),
    );
    doc.insert(
        "expiresAt".into(),
        Timestamp::from_second(registration.expires_at)
            .map(|at| whole_seconds(at).to_string())
            .unwrap_or_default()
            .into(),
    );
    if !session.scopes().is_empty() {
        doc.insert(
            "scopes".into(),
            Value::Array(session.scopes().iter().cloned().map(Value::from).collect()),
        );
    }
    let mut doc = Value::Object(doc);
    let text = Zeroizing::new(doc.to_string());
    wipe(&mut doc);
    if let Err(error) = write(config, &path, text.as_bytes()) {
        tracing::warn!(%error, "the SSO client registration was not cached");
    }
    Ok((registration, false))
}

/// The registration at `path` if it is one for the device flow with 15 minutes left.
fn cached_registration(config: &ProviderConfig, path: &Path) -> Option<Registration> {
    let bytes = Zeroizing::new(
        config
            .fs()
            .read_limited(path, crate::MAX_TOKEN_FILE_BYTES)
            .ok()?,
    );
    let mut value: Value = serde_json::from_slice(&bytes).ok()?;
    let read = || {
        let field = |name: &str| value.get(name)?.as_str().filter(|s| !s.is_empty());
        let expires_at = parse_timestamp(field("expiresAt")?)?;
        let left = expires_at.duration_since(config.clock().now());
        if left < signed(REGISTRATION_MIN_LEFT) {
            return None;
        }
        // The aws CLI's authorization code flow registers with grant types; such a
        // client cannot poll for a device code.
        let for_auth_code = value
            .get("grantTypes")
            .and_then(Value::as_array)
            .is_some_and(|grants| grants.iter().any(|g| g == "authorization_code"));
        if for_auth_code {
            return None;
        }
        Some(Registration {
            client_id: field("clientId")?.to_owned(),
            client_secret: Zeroizing::new(field("clientSecret")?.to_owned()),
            expires_at: expires_at.as_second(),
        })
    };
    let registration = read();
    wipe(&mut value);
    registration
}

/// The registration's cache file: the SHA-1 of botocore's key, `json.dumps({"tool":
/// "botocore", "startUrl", "region", "scopes", "session_name"}, sort_keys=True)`.
pub(crate) fn registration_file(
    config: &ProviderConfig,
    session: &SsoSession,
) -> Result<PathBuf, CredentialsError> {
    let mut key = Map::new();
    key.insert("tool".into(), "botocore".into());
    key.insert("startUrl".into(), session.start_url().into());
    key.insert("region".into(), session.region().into());
    // `null` when none are configured, `[]` for a blank setting: the aws CLI's key.
    key.insert(
        "scopes".into(),
        match session.configured_scopes() {
            None => Value::Null,
            Some(scopes) => Value::Array(scopes.iter().cloned().map(Value::from).collect()),
        },
    );
    key.insert(
        "session_name".into(),
        session.name().map_or(Value::Null, Value::from),
    );
    let mut text = String::new();
    python_json(&Value::Object(key), &mut text);
    Ok(cache_dir(config)?.join(format!("{}.json", sha1_hex(&text))))
}

/// Writes `text` at `path` atomically (0600), creating the cache directory (0700).
fn write(config: &ProviderConfig, path: &Path, text: &[u8]) -> Result<(), CredentialsError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    config
        .fs()
        .create_dir_all(dir)
        .and_then(|()| config.fs().write_atomic(path, text))
        .map_err(|e| CredentialsError::cannot_write(NAME, path, e))
}

/// What [`logout`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoggedOut {
    /// The token file was removed (and the portal told, when it could be).
    Removed(PathBuf),
    /// There was no token file.
    NoToken(PathBuf),
}

/// Signs out of `session`: asks the portal to end the token's session (a failure is
/// logged: the token is removed either way, as the aws CLI does) and removes the
/// session's token file. The client registration is kept for the next login.
pub async fn logout(
    config: &ProviderConfig,
    session: &SsoSession,
) -> Result<LoggedOut, CredentialsError> {
    let path = session.token_file(config)?;
    let bytes = match config.fs().read_limited(&path, crate::MAX_TOKEN_FILE_BYTES) {
        Ok(bytes) => Zeroizing::new(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(LoggedOut::NoToken(path));
        }
        Err(e) => {
            return Err(CredentialsError::invalid_config(
                NAME,
                format!("cannot read the SSO token file {}: {e}", path.display()),
            ));
        }
    };
    match SsoToken::parse(&bytes, &path) {
        Ok(token) if token.expires_at() > config.clock().now() => {
            let outcome = match portal::endpoint(config, session) {
                Ok(endpoint) => portal::logout(&endpoint, token.access_token()).await,
                Err(error) => Err(error),
            };
            if let Err(error) = outcome {
                tracing::warn!(%error, "the SSO portal was not told of the logout");
            }
        }
        Ok(_) => {}
        Err(error) => tracing::debug!(%error, "removing a token file that cannot be read"),
    }
    config.fs().remove_file(&path).map_err(|e| {
        CredentialsError::cannot_write(NAME, &path, e).with_message(format!(
            "cannot remove the SSO token file {}",
            path.display()
        ))
    })?;
    Ok(LoggedOut::Removed(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::{Env, Fs};

    #[test]
    fn registration_files_have_the_aws_clis_names() {
        // python3 -c 'import json,hashlib; print(hashlib.sha1(json.dumps({"tool":
        // "botocore", "startUrl": U, "region": R, "scopes": S, "session_name": N},
        // sort_keys=True).encode()).hexdigest())'
        let config = ProviderConfig::empty()
            .with_env(Env::from_pairs([("HOME", "/h")]))
            .with_fs(Fs::empty());
        let named = SsoSession::named("my-sso", "https://d-123.awsapps.com/start", "us-east-1")
            .with_scopes(["sso:account:access"]);
        let legacy = SsoSession::legacy("https://d-123.awsapps.com/start", "us-east-1");
        let name = |s: &SsoSession| {
            registration_file(&config, s)
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        assert_eq!(
            name(&named),
            "41703fba9789c2c8f9b7faa73b70bebb72c62cc9.json"
        );
        assert_eq!(
            name(&legacy),
            "334df8a025b4d748342a2fb4eaa316ea48c5576c.json"
        );
    }
}
