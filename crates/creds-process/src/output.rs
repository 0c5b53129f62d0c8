//! The document a credential process prints, and [`parse_output`].

use creds_core::document::{DocumentRules, Field, parse_document};
use creds_core::{Clock, Credentials, CredentialsError, ErrorKind};

use crate::provider::NAME;

/// What the program must print, for error messages. No input is ever quoted.
const EXPECTED: &str = "the program must print a JSON object such as {\"Version\": 1, \"AccessKeyId\": \"...\", \
     \"SecretAccessKey\": \"...\", \"SessionToken\": \"...\", \"Expiration\": \"2026-01-01T00:00:00Z\"}";

/// The `credential_process` document, by the shared parser of `creds_core::document`.
const RULES: DocumentRules = DocumentRules::new(NAME, ErrorKind::InvalidConfig)
    .words("printed", "output", "nothing on standard output")
    .expected(EXPECTED)
    .token("SessionToken", Field::Optional)
    .expiration(Field::Optional)
    .version_1();

/// Parses the standard output of a credential process into [`Credentials`].
///
/// The document is a JSON object:
///
/// | field | |
/// | --- | --- |
/// | `Version` | required, the number `1` |
/// | `AccessKeyId` | required, a non-empty string |
/// | `SecretAccessKey` | required, a non-empty string |
/// | `SessionToken` | optional string (`null` or `""` count as absent) |
/// | `Expiration` | optional RFC 3339 timestamp (`null` or `""` count as absent); one not after `clock`'s now is an error |
/// | `AccountId` | optional string (`null` or `""` count as absent) |
///
/// Other fields are ignored. Every error is
/// [`InvalidConfig`](creds_core::ErrorKind::InvalidConfig), names the field that is
/// wrong and never quotes the input: the output holds secrets. A syntax error gives its
/// line and column, not serde_json's message. The parsed document is wiped before it
/// is freed.
///
/// ```
/// use creds_core::{Clock, ErrorKind};
///
/// let creds = creds_process::parse_output(
///     r#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s3cr3t"}"#,
///     &Clock::system(),
/// )
/// .unwrap();
/// assert_eq!(creds.access_key_id(), "AKID");
/// assert_eq!(creds.provider_name(), "process");
///
/// let err = creds_process::parse_output(
///     r#"{"Version": 2, "AccessKeyId": "AKID", "SecretAccessKey": "s3cr3t"}"#,
///     &Clock::system(),
/// )
/// .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidConfig);
/// assert!(err.message().contains("Version"));
/// ```
pub fn parse_output(text: &str, clock: &Clock) -> Result<Credentials, CredentialsError> {
    parse(text, clock, "the credential process", None)
}

/// [`parse_output`], naming `who` (the program) in errors, the credentials'
/// [`origin`](Credentials::origin) set to `origin`.
pub(crate) fn parse(
    text: &str,
    clock: &Clock,
    who: &str,
    origin: Option<String>,
) -> Result<Credentials, CredentialsError> {
    parse_document(text.as_bytes(), &RULES, who, clock, origin)
}

/// The error for a document that `who` printed wrongly: `what` never holds input.
pub(crate) fn bad(who: &str, what: &dyn std::fmt::Display) -> CredentialsError {
    CredentialsError::invalid_config(NAME, format!("{who} {what}; {EXPECTED}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_alloc;
    use creds_core::{ErrorKind, ManualClock};

    const SECRET: &str = "wJalrXUtnFEMI-PARSER-SECRET";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjE-PARSER-TOKEN";

    fn clock() -> Clock {
        ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap()).into()
    }

    fn parse(text: &str) -> Result<Credentials, CredentialsError> {
        parse_output(text, &clock())
    }

    fn err(text: &str) -> String {
        let err = parse(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
        err.message().to_owned()
    }

    #[test]
    fn full_document() {
        let creds = parse(&format!(
            r#"{{"Version": 1, "AccessKeyId": "ASIA", "SecretAccessKey": "{SECRET}",
                "SessionToken": "{TOKEN}", "Expiration": "2026-06-01T02:00:00+01:00",
                "AccountId": "123456789012", "Unknown": [1, {{"x": null}}]}}"#
        ))
        .unwrap();
        assert_eq!(creds.access_key_id(), "ASIA");
        assert_eq!(creds.secret_access_key(), SECRET);
        assert_eq!(creds.session_token(), Some(TOKEN));
        assert_eq!(creds.account_id(), Some("123456789012"));
        assert_eq!(
            creds.expiration().unwrap().to_string(),
            "2026-06-01T01:00:00Z"
        );
        // +01:00 is UTC midnight: the instant itself is now, which has expired.
        assert!(
            err(&format!(
                r#"{{"Version": 1, "AccessKeyId": "ASIA", "SecretAccessKey": "{SECRET}",
                "Expiration": "2026-06-01T01:00:00+01:00"}}"#
            ))
            .contains("is in the past")
        );
    }

    #[test]
    fn minimal_document_and_absent_optionals() {
        let creds = parse(&format!(
            r#"{{"Version": 1.0, "AccessKeyId": "AKID", "SecretAccessKey": "{SECRET}",
                "SessionToken": null, "Expiration": "", "AccountId": null}}"#
        ))
        .unwrap();
        assert_eq!(creds.session_token(), None);
        assert_eq!(creds.expiration(), None);
        assert_eq!(creds.account_id(), None);
        assert_eq!(creds.provider_name(), "process");
    }

    #[test]
    fn every_rejection_names_the_field() {
        let ok_keys = format!(r#""AccessKeyId": "AKID", "SecretAccessKey": "{SECRET}""#);
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "printed nothing"),
            (" \n".into(), "printed nothing"),
            (format!("{{{ok_keys}"), "ends in the middle"),
            (SECRET.to_owned(), "not valid JSON (at line 1, column 1)"),
            (format!("[\"{SECRET}\"]"), "not an object"),
            (format!("{{{ok_keys}}}"), "without Version"),
            (
                format!(r#"{{"Version": 2, {ok_keys}}}"#),
                "Version is not the number 1",
            ),
            (
                format!(r#"{{"Version": "1", {ok_keys}}}"#),
                "Version is not the number 1",
            ),
            (
                format!(r#"{{"Version": 1, "SecretAccessKey": "{SECRET}"}}"#),
                "without AccessKeyId",
            ),
            (
                format!(r#"{{"Version": 1, "AccessKeyId": "", "SecretAccessKey": "{SECRET}"}}"#),
                "AccessKeyId is empty",
            ),
            (
                r#"{"Version": 1, "AccessKeyId": "AKID"}"#.into(),
                "without SecretAccessKey",
            ),
            (
                r#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": ""}"#.into(),
                "SecretAccessKey is empty",
            ),
            (
                r#"{"Version": 1, "AccessKeyId": 7, "SecretAccessKey": "x"}"#.into(),
                "AccessKeyId is not a string",
            ),
            (
                format!(r#"{{"Version": 1, {ok_keys}, "SessionToken": 5}}"#),
                "SessionToken is not a string",
            ),
            (
                format!(r#"{{"Version": 1, {ok_keys}, "AccountId": {{}}}}"#),
                "AccountId is not a string",
            ),
            (
                format!(r#"{{"Version": 1, {ok_keys}, "Expiration": "tomorrow {SECRET}"}}"#),
                "Expiration that is not an RFC 3339",
            ),
            (
                format!(r#"{{"Version": 1, {ok_keys}, "Expiration": "2026-05-31T23:59:59Z"}}"#),
                "is in the past",
            ),
            (
                format!(
                    r#"{{"Version": 1, {ok_keys}, "SessionToken": "{TOKEN}"}} trailing {SECRET}"#
                ),
                "not valid JSON",
            ),
            (
                format!(r#"{{"Version": 1, "AccessKeyId": "{SECRET}\q"}}"#),
                "not valid JSON",
            ),
        ];
        for (text, needle) in cases {
            let message = err(&text);
            assert!(message.contains(needle), "{text:?}: {message}");
        }
    }

    #[test]
    fn the_document_is_wiped_before_it_is_freed() {
        const MARK: &str = "Wipe0Me";
        let doc = |rest: &str| {
            format!(
                r#"{{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "{MARK}-secret",
                    "SessionToken": "{MARK}-token", "{MARK}-key": ["{MARK}-nested", {{"x": "{MARK}"}}]{rest}}}"#
            )
        };
        let cases = [
            (doc(""), true),
            (doc(r#", "Expiration": "2020-01-01T00:00:00Z""#), false),
            (doc(r#", "AccountId": 5"#), false),
            (
                format!("{}\nlog line after the document {MARK}", doc("")),
                false,
            ),
            (format!("{} {}", doc(""), doc("")), false),
        ];
        for (text, ok) in cases {
            let (result, report) = test_alloc::watch(MARK.as_bytes(), || parse(&text));
            assert_eq!(result.is_ok(), ok, "{text}: {result:?}");
            assert_eq!(report.freed_with_marker, 0, "{text}: freed unwiped");
        }
    }

    #[test]
    fn output_after_the_document_is_invalid_at_its_position() {
        let text = format!(
            "{{\"Version\": 1, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"{SECRET}\"}}\n  done {SECRET}"
        );
        assert!(
            err(&text).contains("not valid JSON (at line 2, column 3)"),
            "{}",
            err(&text)
        );
        let text = format!("{{}} \u{e9}x{SECRET}");
        assert!(
            err(&text).contains("not valid JSON (at line 1, column 4)"),
            "{}",
            err(&text)
        );
    }
}
