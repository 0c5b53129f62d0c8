//! The credentials document IMDS answers for a role.

use creds_core::document::{DocumentRules, Field, parse_document};
use creds_core::{Clock, Credentials, CredentialsError, ErrorKind};

use crate::provider::NAME;

/// The instance profile's document, by the shared parser of `creds_core::document`.
const RULES: DocumentRules = DocumentRules::new(NAME, ErrorKind::Unavailable)
    .expected("expected the JSON credentials document of a role")
    .token("Token", Field::Required)
    .expiration(Field::Required)
    .code_success()
    .allow_expired();

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
    clock: &Clock,
    origin: Option<String>,
) -> Result<Credentials, CredentialsError> {
    parse_document(body, &RULES, who, clock, origin)
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
        let creds = parse(body.as_bytes(), "IMDS", &Clock::system(), None).unwrap();
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
        let creds = parse(body.as_bytes(), "IMDS", &Clock::system(), None).unwrap();
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
                "Code AssumeRoleUnauthorizedAccess instead of Success: no way; the credentials are not ready",
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
                "AccountId is not a string",
            ),
            (format!("[\"{SECRET}\"]"), "not an object"),
            (SECRET.to_owned(), "is not valid JSON (at line 1, column 1)"),
        ] {
            let err = parse(body.as_bytes(), "IMDS", &Clock::system(), None).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unavailable);
            assert!(err.message().contains(needle), "{body}: {err}");
            assert!(!format!("{err} {err:?}").contains(SECRET));
        }
    }
}
