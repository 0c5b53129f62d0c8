//! Cognito Identity's replies: `GetId`'s identity id and `GetCredentialsForIdentity`'s
//! credentials.

use creds_core::document::wipe;
use creds_core::{Credentials, CredentialsError};
use jiff::Timestamp;
use serde_json::Value;

use crate::NAME;

/// The largest reply read: 64 KiB (the replies are about 1.5 KiB).
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// The identity id and credentials of a `GetCredentialsForIdentity` reply:
/// `{"IdentityId": ..., "Credentials": {"AccessKeyId", "SecretKey", "SessionToken",
/// "Expiration"}}`, the secret under `SecretKey` (not `SecretAccessKey`) and the
/// expiration in seconds since the epoch, possibly with a fraction, as awsJson 1.1
/// writes timestamps. Errors say which field is missing or wrong, never its value;
/// the parsed reply is wiped.
///
/// ```
/// let reply = br#"{"IdentityId": "us-east-1:1a2b", "Credentials": {"AccessKeyId": "ASIAX",
///     "SecretKey": "s", "SessionToken": "t", "Expiration": 1780272000.5}}"#;
/// let (identity, creds) = creds_cognito::parse_credentials_reply(reply, "origin").unwrap();
/// assert_eq!(identity.as_deref(), Some("us-east-1:1a2b"));
/// assert_eq!(creds.expiration().unwrap().to_string(), "2026-06-01T00:00:00.5Z");
/// ```
pub fn parse_credentials_reply(
    body: &[u8],
    origin: &str,
) -> Result<(Option<String>, Credentials), CredentialsError> {
    let mut value = parse_object(body, "GetCredentialsForIdentity")?;
    let parsed = read_credentials(&value, origin);
    wipe(&mut value);
    parsed
}

fn read_credentials(
    value: &Value,
    origin: &str,
) -> Result<(Option<String>, Credentials), CredentialsError> {
    let bad = |why: &str| {
        CredentialsError::unavailable(
            NAME,
            format!("Cognito's GetCredentialsForIdentity reply {why}"),
        )
    };
    let Some(creds) = value.get("Credentials") else {
        return Err(bad("has no Credentials"));
    };
    if !creds.is_object() {
        return Err(bad("has Credentials that are not an object"));
    }
    let field = |name: &str| match creds.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.as_str()),
        Some(_) => Err(bad(&format!(
            "has a Credentials.{name} that is not a non-empty string"
        ))),
        None => Err(bad(&format!("has no Credentials.{name}"))),
    };
    let access_key_id = field("AccessKeyId")?;
    let secret = field("SecretKey")?;
    let token = field("SessionToken")?;
    let expiration = match creds.get("Expiration") {
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|s| s.is_finite())
            // Milliseconds are as fine as the service's fractions go.
            .and_then(|s| Timestamp::from_millisecond((s * 1000.0).round() as i64).ok())
            .ok_or_else(|| bad("has a Credentials.Expiration out of range"))?,
        Some(_) => return Err(bad("has a Credentials.Expiration that is not a number")),
        None => return Err(bad("has no Credentials.Expiration")),
    };
    let identity = value
        .get("IdentityId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let credentials = Credentials::builder()
        .access_key_id(access_key_id)
        .secret_access_key(secret)
        .session_token(token)
        .expiration(expiration)
        .provider_name(NAME)
        .origin(origin)
        .build();
    Ok((identity, credentials))
}

/// The identity id of a `GetId` reply.
pub(crate) fn parse_identity_id(body: &[u8]) -> Result<String, CredentialsError> {
    let value = parse_object(body, "GetId")?;
    match value.get("IdentityId") {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(CredentialsError::unavailable(
            NAME,
            "Cognito's GetId reply has no IdentityId",
        )),
    }
}

fn parse_object(body: &[u8], operation: &str) -> Result<Value, CredentialsError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        CredentialsError::unavailable(NAME, format!("Cognito's {operation} reply is not JSON"))
    })?;
    if !value.is_object() {
        let mut value = value;
        wipe(&mut value);
        return Err(CredentialsError::unavailable(
            NAME,
            format!("Cognito's {operation} reply is not a JSON object"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(Option<String>, Credentials), CredentialsError> {
        parse_credentials_reply(text.as_bytes(), "o")
    }

    #[test]
    fn whole_and_fractional_epoch_seconds() {
        let reply = |exp: &str| {
            format!(
                r#"{{"Credentials":{{"AccessKeyId":"A","SecretKey":"s","SessionToken":"t","Expiration":{exp}}}}}"#
            )
        };
        let at = |exp: &str| {
            parse(&reply(exp))
                .unwrap()
                .1
                .expiration()
                .unwrap()
                .to_string()
        };
        assert_eq!(at("1780272000"), "2026-06-01T00:00:00Z");
        assert_eq!(at("1780272000.123"), "2026-06-01T00:00:00.123Z");
        assert_eq!(at("1.780272E9"), "2026-06-01T00:00:00Z");
        let (identity, creds) = parse(&reply("1780272000")).unwrap();
        assert_eq!(identity, None);
        assert_eq!(creds.secret_access_key(), "s");
        assert_eq!(creds.provider_name(), NAME);
    }

    #[test]
    fn bad_replies_name_the_field_and_never_its_value() {
        for (text, says) in [
            ("{", "is not JSON"),
            ("[]", "is not a JSON object"),
            ("{}", "has no Credentials"),
            (r#"{"Credentials":"sekrit"}"#, "not an object"),
            (r#"{"Credentials":{}}"#, "has no Credentials.AccessKeyId"),
            (
                r#"{"Credentials":{"AccessKeyId":"A","SecretAccessKey":"sekrit","SessionToken":"t","Expiration":1}}"#,
                "has no Credentials.SecretKey",
            ),
            (
                r#"{"Credentials":{"AccessKeyId":"A","SecretKey":"sekrit","SessionToken":"t","Expiration":"sekrit"}}"#,
                "Expiration that is not a number",
            ),
            (
                r#"{"Credentials":{"AccessKeyId":"A","SecretKey":"sekrit","SessionToken":"t","Expiration":1e300}}"#,
                "out of range",
            ),
            (
                r#"{"Credentials":{"AccessKeyId":"A","SecretKey":"sekrit","SessionToken":"t"}}"#,
                "has no Credentials.Expiration",
            ),
        ] {
            let error = parse(text).unwrap_err();
            assert_eq!(error.kind(), creds_core::ErrorKind::Unavailable);
            let message = error.to_string();
            assert!(message.contains(says), "{text}: {message}");
            assert!(!message.contains("sekrit"), "{message}");
        }
        assert!(parse_identity_id(b"{}").is_err());
        assert_eq!(
            parse_identity_id(br#"{"IdentityId":"r:1"}"#).unwrap(),
            "r:1"
        );
    }
}
