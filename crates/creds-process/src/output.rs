//! The document a credential process prints, and [`parse_output`].

use creds_core::{Clock, Credentials, CredentialsError};
use jiff::Timestamp;
use serde_json::{Map, Value};
use zeroize::Zeroize as _;

use crate::provider::NAME;

/// What the program must print, for error messages. No input is ever quoted.
const EXPECTED: &str = "the program must print a JSON object such as {\"Version\": 1, \"AccessKeyId\": \"...\", \
     \"SecretAccessKey\": \"...\", \"SessionToken\": \"...\", \"Expiration\": \"2026-01-01T00:00:00Z\"}";

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
/// line and column, not serde_json's message.
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
    let bad = |what: &dyn std::fmt::Display| bad(who, what);
    if text.trim().is_empty() {
        return Err(bad(&"printed nothing on standard output"));
    }
    // Not `serde_json::from_str`: it drops the document unwiped when output follows
    // it. (A document that breaks off inside is dropped unwiped by serde_json, and a
    // string with escapes passes through its scratch buffer: out of our reach.)
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let value = match values.next() {
        Some(Ok(value)) => Wiped(value),
        Some(Err(e)) => {
            // serde_json's message is not used: it is not needed, and a future version
            // might quote the input. The position is enough to find the mistake.
            let what = match e.classify() {
                serde_json::error::Category::Eof => "ends in the middle of the JSON document",
                _ => "is not valid JSON",
            };
            return Err(bad(&format_args!(
                "printed output that {what} (at line {}, column {})",
                e.line(),
                e.column()
            )));
        }
        None => return Err(bad(&"printed nothing on standard output")),
    };
    let end = values.byte_offset();
    let after = &text[end..];
    let trailing = after.len() - after.trim_start().len();
    if trailing < after.len() {
        let (line, column) = position(text, end + trailing);
        return Err(bad(&format_args!(
            "printed output that is not valid JSON (at line {line}, column {column})"
        )));
    }
    let Value::Object(doc) = &value.0 else {
        return Err(bad(&"printed JSON that is not an object"));
    };
    match doc.get("Version") {
        None => return Err(bad(&"printed a document without Version; it must be 1")),
        Some(Value::Number(n)) if n.as_f64() == Some(1.0) => {}
        Some(_) => return Err(bad(&"printed a document whose Version is not the number 1")),
    }
    let access_key_id = required(doc, "AccessKeyId").map_err(|m| bad(&m))?;
    let secret_access_key = required(doc, "SecretAccessKey").map_err(|m| bad(&m))?;
    let session_token = optional(doc, "SessionToken").map_err(|m| bad(&m))?;
    let account_id = optional(doc, "AccountId").map_err(|m| bad(&m))?;
    let expiration = match optional(doc, "Expiration").map_err(|m| bad(&m))? {
        None => None,
        Some(text) => {
            let at: Timestamp = text.parse().map_err(|_| {
                bad(&"printed an Expiration that is not an RFC 3339 timestamp (such as 2026-01-01T00:00:00Z)")
            })?;
            if at <= clock.now() {
                return Err(bad(
                    &"printed credentials whose Expiration is in the past: they have expired",
                ));
            }
            Some(at)
        }
    };
    Ok(Credentials::builder()
        .access_key_id(access_key_id)
        .secret_access_key(secret_access_key)
        .set_session_token(session_token.map(str::to_owned))
        .set_expiration(expiration)
        .set_account_id(account_id.map(str::to_owned))
        .provider_name(NAME)
        .set_origin(origin)
        .build())
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The parsed document, every string of which (keys too) is zeroed when it is dropped:
/// it holds the secret access key and the session token, which [`Credentials`] copies.
struct Wiped(Value);

impl Drop for Wiped {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => {
            for (mut key, mut value) in std::mem::take(map) {
                key.zeroize();
                wipe(&mut value);
            }
        }
        // Numbers are held as numbers (serde_json's `arbitrary_precision` is off).
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A required string field; the error says what is wrong with it, never its value.
fn required<'a>(doc: &'a Map<String, Value>, field: &str) -> Result<&'a str, String> {
    match doc.get(field) {
        None | Some(Value::Null) => Err(format!("printed a document without {field}")),
        Some(Value::String(s)) if s.is_empty() => {
            Err(format!("printed a document whose {field} is empty"))
        }
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("printed a document whose {field} is not a string")),
    }
}

/// An optional string field: absent, `null` and `""` are `None`.
fn optional<'a>(doc: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, String> {
    match doc.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("printed a document whose {field} is not a string")),
    }
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
            .contains("Expiration is in the past")
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
                "Expiration is in the past",
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
