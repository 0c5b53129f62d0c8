//! The credentials document IMDS answers for a role.

use creds_core::{Credentials, CredentialsError};
use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::provider::NAME;

/// How much of a `Code` or `Message` is shown.
const MAX_SHOWN: usize = 256;

/// Parses the credentials document of an instance profile:
///
/// | field | |
/// | --- | --- |
/// | `Code` | `Success`; absent counts as `Success` (moto sends none); anything else fails with the `Code` and `Message` |
/// | `AccessKeyId`, `SecretAccessKey`, `Token` | required, non-empty strings |
/// | `Expiration` | required, RFC 3339 (it may have passed: static stability decides) |
/// | `AccountId` | optional (the extended path has it) |
///
/// `Type`, `LastUpdated` and the rest are ignored. Errors are
/// [`Unavailable`](creds_core::ErrorKind::Unavailable) and never quote a value.
pub(crate) fn parse(
    body: &[u8],
    who: &str,
    origin: Option<String>,
) -> Result<Credentials, CredentialsError> {
    let bad = |what: &str| {
        CredentialsError::unavailable(
            NAME,
            format!("{who} answered {what}; expected the JSON credentials document of a role"),
        )
    };
    let doc = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(doc)) => doc,
        Ok(_) => return Err(bad("JSON that is not an object")),
        // serde_json's message is not used: it could quote the input.
        Err(_) => return Err(bad("a body that is not JSON")),
    };
    match doc.get("Code") {
        None | Some(Value::Null) => {}
        Some(Value::String(code)) if code == "Success" => {}
        Some(code) => {
            let code = code
                .as_str()
                .map_or_else(|| "(not a string)".to_owned(), clean);
            let message = doc
                .get("Message")
                .and_then(Value::as_str)
                .map(clean)
                .filter(|m| !m.is_empty())
                .map_or_else(String::new, |m| format!(": {m}"));
            return Err(CredentialsError::unavailable(
                NAME,
                format!(
                    "{who} answered Code {code} instead of Success{message}; the instance's \
                     role credentials are not ready"
                ),
            ));
        }
    }
    let field = |name: &str| required(&doc, name).map_err(|what| bad(&what));
    let access_key_id = field("AccessKeyId")?;
    let secret_access_key = field("SecretAccessKey")?;
    let token = field("Token")?;
    let expiration: Timestamp = field("Expiration")?
        .parse()
        .map_err(|_| bad("an Expiration that is not an RFC 3339 timestamp"))?;
    let account_id = match doc.get("AccountId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(bad("an AccountId that is not a string")),
    };
    Ok(Credentials::builder()
        .access_key_id(access_key_id)
        .secret_access_key(secret_access_key)
        .session_token(token)
        .expiration(expiration)
        .set_account_id(account_id)
        .provider_name(NAME)
        .set_origin(origin)
        .build())
}

fn required<'a>(doc: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match doc.get(name) {
        None | Some(Value::Null) => Err(format!("a document without {name}")),
        Some(Value::String(s)) if s.is_empty() => Err(format!("a document whose {name} is empty")),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("a document whose {name} is not a string")),
    }
}

/// Without control characters, cut short.
fn clean(text: &str) -> String {
    let mut cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_SHOWN)
        .collect();
    if text.chars().count() > MAX_SHOWN {
        cleaned.push_str("...");
    }
    cleaned.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::ErrorKind;

    const SECRET: &str = "wJalrXUtnFEMI-IMDS-UNIT-SECRET";

    #[test]
    fn a_full_document() {
        let body = format!(
            r#"{{"Code": "Success", "LastUpdated": "2026-06-01T00:00:00Z", "Type": "AWS-HMAC",
                "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "{SECRET}", "Token": "tok",
                "Expiration": "2026-06-01T06:00:00Z", "AccountId": "123456789012"}}"#
        );
        let creds = parse(body.as_bytes(), "IMDS", None).unwrap();
        assert_eq!(creds.access_key_id(), "ASIAIMDS");
        assert_eq!(creds.secret_access_key(), SECRET);
        assert_eq!(creds.session_token(), Some("tok"));
        assert_eq!(creds.account_id(), Some("123456789012"));
        assert_eq!(
            creds.expiration().unwrap().to_string(),
            "2026-06-01T06:00:00Z"
        );
        assert_eq!(creds.provider_name(), "imds");
    }

    #[test]
    fn no_code_is_success_as_moto_answers() {
        let body = format!(
            r#"{{"AccessKeyId": "test-key", "SecretAccessKey": "{SECRET}", "Token": "t",
                "Expiration": "2026-06-02T00:00:00Z"}}"#
        );
        let creds = parse(body.as_bytes(), "IMDS", None).unwrap();
        assert_eq!(creds.account_id(), None);
    }

    #[test]
    fn rejections() {
        let tail = format!(
            r#""SecretAccessKey": "{SECRET}", "Token": "t", "Expiration": "2026-06-02T00:00:00Z""#
        );
        for (body, needle) in [
            (
                format!(
                    r#"{{"Code": "AssumeRoleUnauthorizedAccess", "Message": "no\nway", "AccessKeyId": "A", {tail}}}"#
                ),
                "Code AssumeRoleUnauthorizedAccess instead of Success: no way",
            ),
            (format!(r#"{{"Code": 5, {tail}}}"#), "Code (not a string)"),
            (format!(r#"{{{tail}}}"#), "without AccessKeyId"),
            (
                format!(r#"{{"AccessKeyId": "", {tail}}}"#),
                "AccessKeyId is empty",
            ),
            (
                format!(
                    r#"{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}", "Token": "t", "Expiration": "soon"}}"#
                ),
                "not an RFC 3339",
            ),
            (
                format!(r#"{{"AccessKeyId": "A", {tail}, "AccountId": 1}}"#),
                "AccountId that is not a string",
            ),
            (format!("[\"{SECRET}\"]"), "not an object"),
            (SECRET.to_owned(), "not JSON"),
        ] {
            let err = parse(body.as_bytes(), "IMDS", None).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unavailable);
            assert!(err.message().contains(needle), "{body}: {err}");
            assert!(!format!("{err} {err:?}").contains(SECRET));
        }
    }
}
