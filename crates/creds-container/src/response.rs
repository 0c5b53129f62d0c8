//! What the endpoint answers: credentials on success, an error document otherwise.

use creds_core::{Clock, Credentials, CredentialsError, ErrorKind};
use http::StatusCode;
use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::provider::NAME;

/// What a successful answer must be, for error messages. No input is ever quoted.
const EXPECTED: &str = "the endpoint must answer a JSON object such as {\"AccessKeyId\": \"...\", \
     \"SecretAccessKey\": \"...\", \"Token\": \"...\", \"Expiration\": \"2026-01-01T00:00:00Z\"}";

/// How much of an error document's `Code` and `Message` is kept.
const MAX_ERROR_TEXT: usize = 512;

/// Parses the body of a successful answer of a container credentials endpoint.
///
/// The body is a JSON object:
///
/// | field | |
/// | --- | --- |
/// | `AccessKeyId` | required, a non-empty string |
/// | `SecretAccessKey` | required, a non-empty string |
/// | `Token` | required, a string; `""` means long-term keys without a session token |
/// | `Expiration` | required, an RFC 3339 timestamp after `clock`'s now |
/// | `AccountId` | optional string (`null` or `""` count as absent) |
///
/// An empty `Token` is accepted as no session token, as botocore and the JavaScript
/// and Go SDKs treat it: local endpoints such as `creds serve` answer long-term keys that
/// way, because every SDK requires the field to be present.
///
/// Other fields (`RoleArn`, `Code`, `LastUpdated`, ...) are ignored. Errors are
/// [`Unavailable`](ErrorKind::Unavailable), name the field that is wrong and never
/// quote the body, which holds secrets.
///
/// ```
/// use creds_core::{Clock, ErrorKind};
///
/// let body = br#"{"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t",
///     "Token": "t0k3n", "Expiration": "2999-01-01T00:00:00Z"}"#;
/// let creds = creds_container::parse_response(body, &Clock::system()).unwrap();
/// assert_eq!(creds.access_key_id(), "ASIAEXAMPLE");
/// assert_eq!(creds.provider_name(), "container");
///
/// let err = creds_container::parse_response(br#"{"AccessKeyId": "ASIA"}"#, &Clock::system())
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Unavailable);
/// assert!(err.message().contains("SecretAccessKey"));
/// ```
pub fn parse_response(body: &[u8], clock: &Clock) -> Result<Credentials, CredentialsError> {
    parse(body, clock, "the container credentials endpoint", None)
}

/// [`parse_response`], naming `who` (the endpoint) in errors, the credentials'
/// [`origin`](Credentials::origin) set to `origin`.
pub(crate) fn parse(
    body: &[u8],
    clock: &Clock,
    who: &str,
    origin: Option<String>,
) -> Result<Credentials, CredentialsError> {
    let bad = |what: &dyn std::fmt::Display| bad(who, what);
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        // serde_json's message is not used: a future version might quote the input.
        let what = match e.classify() {
            serde_json::error::Category::Eof if body.iter().all(u8::is_ascii_whitespace) => {
                return bad(&"answered an empty body");
            }
            serde_json::error::Category::Eof => "ends in the middle of the JSON document",
            _ => "is not valid JSON",
        };
        bad(&format_args!(
            "answered a body that {what} (at line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let Value::Object(doc) = value else {
        return Err(bad(&"answered JSON that is not an object"));
    };
    let access_key_id = required(&doc, "AccessKeyId").map_err(|m| bad(&m))?;
    let secret_access_key = required(&doc, "SecretAccessKey").map_err(|m| bad(&m))?;
    let token = present(&doc, "Token").map_err(|m| bad(&m))?;
    let expiration = required(&doc, "Expiration").map_err(|m| bad(&m))?;
    let account_id = optional(&doc, "AccountId").map_err(|m| bad(&m))?;
    let expiration: Timestamp = expiration.parse().map_err(|_| {
        bad(&"answered an Expiration that is not an RFC 3339 timestamp (such as 2026-01-01T00:00:00Z)")
    })?;
    if expiration <= clock.now() {
        return Err(CredentialsError::unavailable(
            NAME,
            format!(
                "{who} answered credentials whose Expiration ({expiration}) is not after now \
                 ({}): they have expired; is the clock right?",
                clock.now()
            ),
        ));
    }
    Ok(Credentials::builder()
        .access_key_id(access_key_id)
        .secret_access_key(secret_access_key)
        .set_session_token((!token.is_empty()).then(|| token.to_owned()))
        .expiration(expiration)
        .set_account_id(account_id.map(str::to_owned))
        .provider_name(NAME)
        .set_origin(origin)
        .build())
}

/// A required string field; the error says what is wrong with it, never its value.
fn required<'a>(doc: &'a Map<String, Value>, field: &str) -> Result<&'a str, String> {
    match doc.get(field) {
        None | Some(Value::Null) => Err(format!("answered a document without {field}")),
        Some(Value::String(s)) if s.is_empty() => {
            Err(format!("answered a document whose {field} is empty"))
        }
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("answered a document whose {field} is not a string")),
    }
}

/// A string field that must be there but may be empty.
fn present<'a>(doc: &'a Map<String, Value>, field: &str) -> Result<&'a str, String> {
    match doc.get(field) {
        None | Some(Value::Null) => Err(format!("answered a document without {field}")),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("answered a document whose {field} is not a string")),
    }
}

/// An optional string field: absent, `null` and `""` are `None`.
fn optional<'a>(doc: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, String> {
    match doc.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("answered a document whose {field} is not a string")),
    }
}

fn bad(who: &str, what: &dyn std::fmt::Display) -> CredentialsError {
    CredentialsError::unavailable(NAME, format!("{who} {what}; {EXPECTED}"))
}

/// The error for an unsuccessful status: the status, and the `Code` and `Message` of an
/// error document (`{"Code": "...", "Message": "..."}`, any case) when the body is one.
/// A 4xx is [`Rejected`](ErrorKind::Rejected) (408 and 429 excepted: they are
/// transient); anything else [`Unavailable`](ErrorKind::Unavailable). Any occurrence of
/// `token` (the authorization token sent) is blanked out, in case the server echoes it.
pub(crate) fn status_error(
    status: StatusCode,
    body: &[u8],
    who: &str,
    token: Option<&[u8]>,
) -> CredentialsError {
    let kind = if status.is_client_error()
        && status != StatusCode::REQUEST_TIMEOUT
        && status != StatusCode::TOO_MANY_REQUESTS
    {
        ErrorKind::Rejected
    } else {
        ErrorKind::Unavailable
    };
    let mut message = format!("{who} answered HTTP {status}");
    if let Some(detail) = error_detail(body) {
        message.push_str(": ");
        message.push_str(&detail);
    }
    if let Some(token) = token.and_then(|t| std::str::from_utf8(t).ok()) {
        if !token.is_empty() && message.contains(token) {
            message = message.replace(token, creds_core::REDACTED);
        }
    }
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        message.push_str(" (check the authorization token)");
    }
    CredentialsError::new(kind, NAME, message)
}

/// `Code: Message` from an error document, cleaned of control characters and cut short.
fn error_detail(body: &[u8]) -> Option<String> {
    let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let field = |name: &str| {
        doc.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| value.as_str())
            .map(clean)
            .filter(|s| !s.is_empty())
    };
    match (field("Code"), field("Message")) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => None,
    }
}

fn clean(text: &str) -> String {
    let mut cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_ERROR_TEXT)
        .collect();
    if text.chars().count() > MAX_ERROR_TEXT {
        cleaned.push_str("...");
    }
    cleaned.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::ManualClock;

    const SECRET: &str = "wJalrXUtnFEMI-RESPONSE-SECRET";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjE-RESPONSE-TOKEN";

    fn clock() -> Clock {
        ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap()).into()
    }

    fn err(body: &str) -> String {
        let err = parse_response(body.as_bytes(), &clock()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
        err.message().to_owned()
    }

    #[test]
    fn full_document() {
        let creds = parse_response(
            format!(
                r#"{{"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIA",
                    "SecretAccessKey": "{SECRET}", "Token": "{TOKEN}", "RoleArn": "arn:aws:iam::1:role/r",
                    "Expiration": "2026-06-01T02:00:00+01:00", "AccountId": "123456789012"}}"#
            )
            .as_bytes(),
            &clock(),
        )
        .unwrap();
        assert_eq!(creds.access_key_id(), "ASIA");
        assert_eq!(creds.secret_access_key(), SECRET);
        assert_eq!(creds.session_token(), Some(TOKEN));
        assert_eq!(creds.account_id(), Some("123456789012"));
        assert_eq!(
            creds.expiration().unwrap().to_string(),
            "2026-06-01T01:00:00Z"
        );
        assert_eq!(creds.provider_name(), "container");
    }

    #[test]
    fn an_empty_token_means_long_term_keys() {
        let body = format!(
            r#"{{"AccessKeyId": "AKIA", "SecretAccessKey": "{SECRET}", "Token": "", "Expiration": "2026-06-01T01:00:00Z"}}"#
        );
        let creds = parse_response(body.as_bytes(), &clock()).unwrap();
        assert_eq!(creds.access_key_id(), "AKIA");
        assert_eq!(creds.session_token(), None);
    }

    #[test]
    fn every_rejection_names_the_field() {
        let keys = format!(r#""AccessKeyId": "ASIA", "SecretAccessKey": "{SECRET}""#);
        let tail = format!(r#""Token": "{TOKEN}", "Expiration": "2026-06-01T01:00:00Z""#);
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "empty body"),
            ("  \n".into(), "empty body"),
            (format!("{{{keys}"), "ends in the middle"),
            (SECRET.to_owned(), "not valid JSON (at line 1, column 1)"),
            (format!("[\"{SECRET}\"]"), "not an object"),
            (
                format!(r#"{{"SecretAccessKey": "{SECRET}", {tail}}}"#),
                "without AccessKeyId",
            ),
            (
                format!(r#"{{"AccessKeyId": "A", {tail}}}"#),
                "without SecretAccessKey",
            ),
            (
                format!(r#"{{{keys}, "Expiration": "2026-06-01T01:00:00Z"}}"#),
                "without Token",
            ),
            (
                format!(r#"{{{keys}, "Token": "{TOKEN}"}}"#),
                "without Expiration",
            ),
            (
                format!(r#"{{"AccessKeyId": "", "SecretAccessKey": "{SECRET}", {tail}}}"#),
                "AccessKeyId is empty",
            ),
            (
                format!(r#"{{{keys}, "Token": 7, "Expiration": "2026-06-01T01:00:00Z"}}"#),
                "Token is not a string",
            ),
            (
                format!(r#"{{"AccessKeyId": 1, "SecretAccessKey": "{SECRET}", {tail}}}"#),
                "AccessKeyId is not a string",
            ),
            (
                format!(r#"{{{keys}, {tail}, "AccountId": 5}}"#),
                "AccountId is not a string",
            ),
            (
                format!(r#"{{{keys}, "Token": "{TOKEN}", "Expiration": "soon {SECRET}"}}"#),
                "not an RFC 3339",
            ),
            (
                format!(r#"{{{keys}, "Token": "{TOKEN}", "Expiration": "2026-05-31T23:59:59Z"}}"#),
                "they have expired",
            ),
            (format!(r#"{{{keys}, {tail}}} {SECRET}"#), "not valid JSON"),
        ];
        for (body, needle) in cases {
            let message = err(&body);
            assert!(message.contains(needle), "{body:?}: {message}");
        }
    }

    #[test]
    fn error_documents_give_code_and_message() {
        let err = status_error(
            StatusCode::UNAUTHORIZED,
            br#"{"Code": "AccessDenied", "Message": "bad\ntoken Bearer T0K"}"#,
            "the endpoint",
            Some(b"Bearer T0K"),
        );
        assert_eq!(err.kind(), ErrorKind::Rejected);
        assert_eq!(
            err.message(),
            "the endpoint answered HTTP 401 Unauthorized: AccessDenied: bad token ** redacted ** \
             (check the authorization token)"
        );
        let err = status_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            br#"{"code": "Oops", "message": ""}"#,
            "e",
            None,
        );
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(
            err.message(),
            "e answered HTTP 500 Internal Server Error: Oops"
        );
        let err = status_error(StatusCode::TOO_MANY_REQUESTS, b"slow down", "e", None);
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(err.message(), "e answered HTTP 429 Too Many Requests");
        let long = "x".repeat(2000);
        let err = status_error(
            StatusCode::NOT_FOUND,
            format!(r#"{{"Message": "{long}"}}"#).as_bytes(),
            "e",
            None,
        );
        assert!(err.message().len() < 600, "{}", err.message().len());
    }
}
