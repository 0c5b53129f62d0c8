//! The SSO portal (restJson1, unsigned, the token in `x-amz-sso_bearer_token`):
//! `GetRoleCredentials` and `Logout`, on `https://portal.sso.{region}.amazonaws.com`.

use creds_core::{Credentials, CredentialsError, ProviderConfig};
use creds_http::endpoint::Service;
use http::Method;
use jiff::Timestamp;
use serde_json::Value;

use crate::NAME;
use crate::http::Endpoint;
use crate::session::SsoSession;
use crate::token_provider::{AccessToken, login_hint};

/// The header that carries the token.
const TOKEN_HEADER: &str = "x-amz-sso_bearer_token";

/// The portal endpoint of a session's region.
pub(crate) fn endpoint(
    config: &ProviderConfig,
    session: &SsoSession,
) -> Result<Endpoint, CredentialsError> {
    Endpoint::new(
        config,
        session.profile(),
        Service::SSO,
        "portal.sso",
        session.region(),
        "SSO portal",
    )
}

/// `GET /federation/credentials?account_id=&role_name=`: the role's credentials.
pub(crate) async fn get_role_credentials(
    endpoint: &Endpoint,
    session: &SsoSession,
    token: &AccessToken,
    account_id: &str,
    role_name: &str,
) -> Result<Credentials, CredentialsError> {
    let path = format!(
        "/federation/credentials?account_id={}&role_name={}",
        encode(account_id),
        encode(role_name)
    );
    let response = endpoint
        .send(
            Method::GET,
            &path,
            &[(TOKEN_HEADER, token.as_str())],
            None,
            false,
        )
        .await?;
    if !response.status().is_success() {
        let error = endpoint.error(&response, &[token.as_str()]);
        let hint = match error.code() {
            Some("UnauthorizedException") => Some(format!(
                "the portal refused the SSO token of {} (it has expired or was revoked): {}",
                session.describe(),
                login_hint(session)
            )),
            Some("ForbiddenException" | "ResourceNotFoundException") => Some(format!(
                "check sso_account_id and sso_role_name: is the role (permission set) \
                 '{role_name}' of account {account_id} assigned to you?"
            )),
            _ => None,
        };
        let base = error.to_credentials_error(NAME);
        let mut message = format!(
            "SSO GetRoleCredentials at {}: {}",
            endpoint.shown(),
            base.message()
        );
        if let Some(hint) = hint {
            message.push_str("; ");
            message.push_str(&hint);
        }
        return Err(base.with_message(message));
    }
    let mut reply = endpoint.json(&response)?;
    let origin = format!(
        "SSO role {role_name} of account {account_id} ({}, {})",
        session.describe(),
        endpoint.shown()
    );
    let creds = parse_role_credentials(&reply, account_id, origin)
        .map_err(|field| endpoint.missing(&format!("roleCredentials.{field}")));
    creds_core::document::wipe(&mut reply);
    creds
}

/// The credentials of a `GetRoleCredentials` reply: `roleCredentials` with
/// `accessKeyId`, `secretAccessKey`, `sessionToken` and `expiration` in milliseconds
/// since the epoch. The error is the field that is missing or wrong.
fn parse_role_credentials(
    reply: &Value,
    account_id: &str,
    origin: String,
) -> Result<Credentials, &'static str> {
    let creds = reply.get("roleCredentials").ok_or("accessKeyId")?;
    let field = |name: &'static str| {
        creds
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or(name)
    };
    let expiration = creds
        .get("expiration")
        .and_then(Value::as_f64)
        .filter(|ms| ms.is_finite())
        // Whole milliseconds; a fraction (never sent) is dropped.
        .and_then(|ms| Timestamp::from_millisecond(ms as i64).ok())
        .ok_or("expiration")?;
    Ok(Credentials::builder()
        .access_key_id(field("accessKeyId")?)
        .secret_access_key(field("secretAccessKey")?)
        .session_token(field("sessionToken")?)
        .expiration(expiration)
        .account_id(account_id)
        .provider_name(NAME)
        .origin(origin)
        .build())
}

/// `POST /logout`: the portal ends the session of `token`.
pub(crate) async fn logout(endpoint: &Endpoint, token: &str) -> Result<(), CredentialsError> {
    let response = endpoint
        .send(
            Method::POST,
            "/logout",
            &[(TOKEN_HEADER, token)],
            None,
            true,
        )
        .await?;
    if response.status().is_success() {
        return Ok(());
    }
    let error = endpoint
        .error(&response, &[token])
        .to_credentials_error(NAME);
    let message = format!("SSO Logout at {}: {}", endpoint.shown(), error.message());
    Err(error.with_message(message))
}

/// Percent-encodes a query value: everything but RFC 3986's unreserved characters.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expirations_are_epoch_milliseconds() {
        let reply = json!({"roleCredentials": {"accessKeyId": "AKID", "secretAccessKey": "s",
            "sessionToken": "t", "expiration": 1_780_272_000_123_i64}});
        let creds = parse_role_credentials(&reply, "123456789012", "o".into()).unwrap();
        assert_eq!(
            creds.expiration().unwrap().to_string(),
            "2026-06-01T00:00:00.123Z"
        );
        assert_eq!(creds.account_id(), Some("123456789012"));
    }

    #[test]
    fn a_missing_field_is_named() {
        for (reply, field) in [
            (json!({}), "accessKeyId"),
            (
                json!({"roleCredentials": {"accessKeyId": "A", "secretAccessKey": "s",
                "sessionToken": "t", "expiration": "soon"}}),
                "expiration",
            ),
            (
                json!({"roleCredentials": {"accessKeyId": "A", "secretAccessKey": "",
                "sessionToken": "t", "expiration": 1}}),
                "secretAccessKey",
            ),
            (
                json!({"roleCredentials": {"accessKeyId": "A", "secretAccessKey": "s",
                "expiration": 1}}),
                "sessionToken",
            ),
        ] {
            assert_eq!(
                parse_role_credentials(&reply, "1", "o".into()).unwrap_err(),
                field
            );
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("Admin Role/x+y"), "Admin%20Role%2Fx%2By");
        assert_eq!(encode("123456789012"), "123456789012");
    }
}
