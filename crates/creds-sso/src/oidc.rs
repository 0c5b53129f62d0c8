//! SSO-OIDC (restJson1, unsigned): `CreateToken`, `RegisterClient` and
//! `StartDeviceAuthorization`, on `https://oidc.{region}.amazonaws.com`.

use std::time::Duration;

use creds_core::{CredentialsError, ProviderConfig};
use creds_http::endpoint::Service;
use http::Method;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::http::{Endpoint, oauth_error};
use crate::session::SsoSession;

/// The SSO-OIDC endpoint of a session's region.
pub(crate) fn endpoint(
    config: &ProviderConfig,
    session: &SsoSession,
) -> Result<Endpoint, CredentialsError> {
    Endpoint::new(
        config,
        session.profile(),
        Service::SSO_OIDC,
        "oidc",
        session.region(),
        "SSO-OIDC service",
    )
}

/// A token `CreateToken` issued.
pub(crate) struct NewToken {
    pub(crate) access_token: Zeroizing<String>,
    pub(crate) expires_in: Duration,
    pub(crate) refresh_token: Option<Zeroizing<String>>,
}

/// Why a `CreateToken` call gave no token.
pub(crate) enum CreateTokenError {
    /// `authorization_pending`: the user has not approved the device yet.
    Pending,
    /// `slow_down`: poll less often.
    SlowDown,
    /// Anything else.
    Failed(CredentialsError),
}

impl From<CredentialsError> for CreateTokenError {
    fn from(error: CredentialsError) -> Self {
        CreateTokenError::Failed(error)
    }
}

/// `POST /token` with `body` (`grantType` `refresh_token` or the device code grant),
/// sent once: a refresh rotates the refresh token, and a device code is good for one
/// token.
pub(crate) async fn create_token(
    endpoint: &Endpoint,
    body: &Map<String, Value>,
    secrets: &[&str],
) -> Result<NewToken, CreateTokenError> {
    let text = Zeroizing::new(serde_json::to_string(body).unwrap_or_default());
    let response = endpoint
        .send(Method::POST, "/token", &[], Some(text.as_bytes()), true)
        .await?;
    if !response.status().is_success() {
        let oauth = oauth_error(&response);
        let error = endpoint.error(&response, secrets);
        let code = oauth.as_deref().or(error.code());
        return Err(match code {
            Some("authorization_pending" | "AuthorizationPendingException") => {
                CreateTokenError::Pending
            }
            Some("slow_down" | "SlowDownException") => CreateTokenError::SlowDown,
            _ => CreateTokenError::Failed(explain(error, oauth.as_deref(), endpoint)),
        });
    }
    let mut reply = endpoint.json(&response)?;
    let token = read_token(&reply, endpoint);
    creds_core::document::wipe(&mut reply);
    Ok(token?)
}

fn read_token(reply: &Value, endpoint: &Endpoint) -> Result<NewToken, CredentialsError> {
    let access_token =
        string(reply, "accessToken").ok_or_else(|| endpoint.missing("accessToken"))?;
    let expires_in = seconds(reply, "expiresIn").ok_or_else(|| endpoint.missing("expiresIn"))?;
    Ok(NewToken {
        access_token: Zeroizing::new(access_token.to_owned()),
        expires_in,
        refresh_token: string(reply, "refreshToken").map(|s| Zeroizing::new(s.to_owned())),
    })
}

/// A non-empty string field of a reply.
fn string<'a>(reply: &'a Value, name: &str) -> Option<&'a str> {
    reply
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A positive whole number of seconds of a reply.
fn seconds(reply: &Value, name: &str) -> Option<Duration> {
    reply
        .get(name)
        .and_then(Value::as_u64)
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
}

/// A client registration (`RegisterClient`).
pub(crate) struct Registration {
    pub(crate) client_id: String,
    pub(crate) client_secret: Zeroizing<String>,
    /// `clientSecretExpiresAt`, in seconds since the epoch.
    pub(crate) expires_at: i64,
}

/// `POST /client/register`: a public client named `client_name`, with `scopes`.
pub(crate) async fn register_client(
    endpoint: &Endpoint,
    client_name: &str,
    scopes: &[String],
) -> Result<Registration, CredentialsError> {
    let mut body = Map::new();
    body.insert("clientName".into(), client_name.into());
    body.insert("clientType".into(), "public".into());
    if !scopes.is_empty() {
        body.insert(
            "scopes".into(),
            Value::Array(scopes.iter().cloned().map(Value::from).collect()),
        );
    }
    let text = Value::Object(body).to_string();
    let response = endpoint
        .send(
            Method::POST,
            "/client/register",
            &[],
            Some(text.as_bytes()),
            true,
        )
        .await?;
    if !response.status().is_success() {
        let oauth = oauth_error(&response);
        return Err(explain(
            endpoint.error(&response, &[]),
            oauth.as_deref(),
            endpoint,
        ));
    }
    let mut reply = endpoint.json(&response)?;
    let field = |name: &str| {
        string(&reply, name)
            .map(str::to_owned)
            .ok_or_else(|| endpoint.missing(name))
    };
    let registration = (|| {
        Ok(Registration {
            client_id: field("clientId")?,
            client_secret: Zeroizing::new(field("clientSecret")?),
            expires_at: reply
                .get("clientSecretExpiresAt")
                .and_then(Value::as_i64)
                .ok_or_else(|| endpoint.missing("clientSecretExpiresAt"))?,
        })
    })();
    creds_core::document::wipe(&mut reply);
    registration
}

/// A device authorization (`StartDeviceAuthorization`).
pub(crate) struct Authorization {
    pub(crate) device_code: Zeroizing<String>,
    pub(crate) user_code: String,
    pub(crate) verification_uri: String,
    pub(crate) verification_uri_complete: Option<String>,
    pub(crate) expires_in: Duration,
    pub(crate) interval: Option<Duration>,
}

/// `POST /device_authorization` for `start_url`.
pub(crate) async fn start_device_authorization(
    endpoint: &Endpoint,
    client_id: &str,
    client_secret: &str,
    start_url: &str,
) -> Result<Authorization, CredentialsError> {
    let mut body = Map::new();
    body.insert("clientId".into(), client_id.into());
    body.insert("clientSecret".into(), client_secret.into());
    body.insert("startUrl".into(), start_url.into());
    let mut body = Value::Object(body);
    let text = Zeroizing::new(body.to_string());
    creds_core::document::wipe(&mut body);
    let response = endpoint
        .send(
            Method::POST,
            "/device_authorization",
            &[],
            Some(text.as_bytes()),
            true,
        )
        .await?;
    if !response.status().is_success() {
        let oauth = oauth_error(&response);
        return Err(explain(
            endpoint.error(&response, &[client_secret]),
            oauth.as_deref(),
            endpoint,
        ));
    }
    let mut reply = endpoint.json(&response)?;
    let field = |name: &str| string(&reply, name).map(str::to_owned);
    let authorization = (|| {
        Ok(Authorization {
            device_code: Zeroizing::new(
                field("deviceCode").ok_or_else(|| endpoint.missing("deviceCode"))?,
            ),
            user_code: field("userCode").ok_or_else(|| endpoint.missing("userCode"))?,
            verification_uri: field("verificationUri")
                .ok_or_else(|| endpoint.missing("verificationUri"))?,
            verification_uri_complete: field("verificationUriComplete"),
            expires_in: seconds(&reply, "expiresIn")
                .ok_or_else(|| endpoint.missing("expiresIn"))?,
            interval: reply
                .get("interval")
                .and_then(Value::as_u64)
                .map(Duration::from_secs),
        })
    })();
    creds_core::document::wipe(&mut reply);
    authorization
}

/// SSO-OIDC's error, with what to do for the cases that say it.
fn explain(
    error: creds_http::ServiceError,
    oauth: Option<&str>,
    endpoint: &Endpoint,
) -> CredentialsError {
    let hint = match oauth.or(error.code()) {
        Some("invalid_grant" | "InvalidGrantException") => Some(
            "the refresh token or device code is no longer valid: run `creds sso login` (or \
             `aws sso login`)",
        ),
        Some("invalid_client" | "InvalidClientException") => Some(
            "the client registration is no longer valid: run `creds sso login` (or `aws sso \
             login`) to register again",
        ),
        Some("expired_token" | "ExpiredTokenException") => {
            Some("the token or device code has expired: run `creds sso login` again")
        }
        Some("access_denied" | "AccessDeniedException") => {
            Some("the sign-in was denied: run `creds sso login` and approve it")
        }
        Some("invalid_scope" | "InvalidScopeException") => {
            Some("check sso_registration_scopes in the [sso-session] section")
        }
        _ => None,
    };
    let base = error.to_credentials_error(crate::NAME);
    let mut message = format!("SSO-OIDC at {}: {}", endpoint.shown(), base.message());
    if let Some(hint) = hint {
        message.push_str("; ");
        message.push_str(hint);
    }
    base.with_message(message)
}
