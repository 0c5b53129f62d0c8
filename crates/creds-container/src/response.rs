//! What the endpoint answers: credentials on success, an error document otherwise.

use creds_core::document::{DocumentRules, Field, parse_document};
use creds_core::{Clock, Credentials, CredentialsError, ErrorKind};
use creds_http::ServiceError;
use http::StatusCode;

use crate::provider::NAME;

/// What a successful answer must be, for error messages. No input is ever quoted.
const EXPECTED: &str = "the endpoint must answer a JSON object such as {\"AccessKeyId\": \"...\", \
     \"SecretAccessKey\": \"...\", \"Token\": \"...\", \"Expiration\": \"2026-01-01T00:00:00Z\"}";

/// The container endpoints' document, by the shared parser of `creds_core::document`.
const RULES: DocumentRules = DocumentRules::new(NAME, ErrorKind::Unavailable)
    .expected(EXPECTED)
    .token("Token", Field::Present)
    .expiration(Field::Required);

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
    parse_document(body, &RULES, who, clock, origin)
}

/// The error for an unsuccessful status: the status, and the `Code` and `Message` of an
/// error document (`{"Code": "...", "Message": "..."}`, any case) when the body is one,
/// as [`ServiceError`] reads them. A 4xx is [`Rejected`](ErrorKind::Rejected) (408
/// and 429 excepted: they are transient); anything else
/// [`Unavailable`](ErrorKind::Unavailable). Any occurrence of `token` (the
/// authorization token sent) is blanked out, in case the server echoes it.
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
    let token = token
        .and_then(|t| std::str::from_utf8(t).ok())
        .unwrap_or_default();
    let reply = ServiceError::from_parts(status, &http::HeaderMap::new(), body).redact(&[token]);
    let mut message = format!("{who} answered HTTP {status}");
    match (reply.code(), reply.message()) {
        (Some(code), Some(text)) => message.push_str(&format!(": {code}: {text}")),
        (Some(one), None) | (None, Some(one)) => message.push_str(&format!(": {one}")),
        (None, None) => {}
    }
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        message.push_str(" (check the authorization token)");
    }
    let error = CredentialsError::new(kind, NAME, message);
    match reply.code() {
        Some(code) => error.with_service_error(code, None),
        None => error,
    }
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
        assert_eq!(err.service_code(), Some("AccessDenied"));
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
