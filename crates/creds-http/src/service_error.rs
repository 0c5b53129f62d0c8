//! [`ServiceError`]: an AWS service's error reply, whatever its protocol.

use std::fmt;

use bytes::Bytes;
use creds_core::{CredentialsError, ErrorKind, redact};
use http::{HeaderMap, Response, StatusCode};
use serde_json::Value;

/// How much of a service's code or message is kept.
const MAX_TEXT: usize = 512;

/// The error codes that mean "slow down" across AWS services: retried, and
/// [`Unavailable`](ErrorKind::Unavailable) rather than rejected.
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "PriorRequestNotComplete",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "EC2ThrottledException",
    "TransactionInProgressException",
];

/// An AWS service's error reply: its HTTP status, error code (`AccessDenied`,
/// `ExpiredToken`, `InvalidIdentityToken`, `UnauthorizedException`, ...), message and
/// request id.
///
/// [`from_response`](Self::from_response) reads it from any of the protocols the
/// credentials services speak: the query protocol's XML (`<ErrorResponse><Error>
/// <Code>`, STS), awsJson's `__type` (Cognito), restJson's `x-amzn-ErrorType` header
/// (SSO), OAuth's `error` and `error_description` (SSO-OIDC), and `Code` and `Message`
/// in any case (container endpoints). The request id comes from `x-amzn-RequestId`,
/// `x-amz-request-id` or the body's `RequestId`.
///
/// The code and message are the service's words, cleaned: control characters become
/// spaces, each is cut at 512 characters, and [`redact`](Self::redact) removes what
/// the request sent (services echo parameters in some errors). It never holds a
/// request's header or body.
///
/// ```
/// use bytes::Bytes;
/// use creds_core::ErrorKind;
/// use creds_http::ServiceError;
///
/// let reply = http::Response::builder()
///     .status(403)
///     .header("x-amzn-RequestId", "c6104cbe-af31-11e0-8154-cbc7ccf896c7")
///     .body(Bytes::from_static(
///         b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
///           <Message>User: arn:aws:iam::1:user/me is not authorized</Message></Error></ErrorResponse>",
///     ))
///     .unwrap();
/// let error = ServiceError::from_response(&reply);
/// assert_eq!(error.code(), Some("AccessDenied"));
/// assert_eq!(error.request_id(), Some("c6104cbe-af31-11e0-8154-cbc7ccf896c7"));
///
/// let error = error.to_credentials_error("sts");
/// assert_eq!(error.kind(), ErrorKind::Rejected);
/// assert_eq!(error.service_code(), Some("AccessDenied"));
/// assert_eq!(
///     error.message(),
///     "AccessDenied (HTTP 403): User: arn:aws:iam::1:user/me is not authorized"
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    status: StatusCode,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    /// The code and message as the reply had them (up to 64 KiB), which
    /// [`redact`](Self::redact) works on before cleaning and cutting them again: a
    /// secret longer than what is shown must be found whole. Never shown.
    raw: (Option<String>, Option<String>),
}

/// How much of a reply's code or message is kept before it is redacted and cut.
const MAX_RAW: usize = 64 * 1024;

impl ServiceError {
    /// An error of `status` with `code` and `message` (cleaned as a reply's are).
    pub fn new(status: StatusCode, code: Option<&str>, message: Option<&str>) -> Self {
        let raw = |text: Option<&str>| text.map(|t| t.chars().take(MAX_RAW).collect::<String>());
        let mut error = ServiceError {
            status,
            code: None,
            message: None,
            request_id: None,
            raw: (raw(code), raw(message)),
        };
        error.shown();
        error
    }

    /// The code and message to show: the raw ones cleaned and cut.
    fn shown(&mut self) {
        self.code = self.raw.0.as_deref().map(clean).filter(|c| !c.is_empty());
        self.message = self.raw.1.as_deref().map(clean).filter(|m| !m.is_empty());
    }

    /// Reads the error from a reply: its status, headers and body.
    pub fn from_response(response: &Response<Bytes>) -> Self {
        Self::from_parts(response.status(), response.headers(), response.body())
    }

    /// Reads the error from a reply's status, headers and body.
    pub fn from_parts(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
        };
        let (mut code, message, body_request_id) = match first_byte(body) {
            Some(b'{') => from_json(body),
            Some(b'<') => from_xml(body),
            _ => (None, None, None),
        };
        if let Some(error_type) = header("x-amzn-errortype") {
            code = Some(error_type.to_owned());
        }
        let request_id = header("x-amzn-requestid")
            .or_else(|| header("x-amz-request-id"))
            .map(str::to_owned)
            .or(body_request_id);
        let mut error = Self::new(status, code.as_deref().map(short_code), message.as_deref());
        error.request_id = request_id.map(|id| clean(&id)).filter(|id| !id.is_empty());
        error
    }

    /// The code of a reply's body or headers, without building the error: what
    /// [`RetryPolicy::retry_codes`](crate::RetryPolicy::retry_codes) looks at.
    pub(crate) fn code_of(headers: &HeaderMap, body: &[u8]) -> Option<String> {
        Self::from_parts(StatusCode::BAD_REQUEST, headers, body).code
    }

    /// Removes every occurrence of `sent` (what the request carried that must not be
    /// shown: a token, a password) from the message and the code. It works on the
    /// reply's whole text, before it is cut to what is shown, so that a token longer
    /// than that is found too; the start of one cut off at the end is removed as well.
    pub fn redact(mut self, sent: &[&str]) -> Self {
        let redact = |text: &mut Option<String>| {
            if let Some(t) = text.as_mut() {
                *t = redact::secrets(t, sent);
            }
        };
        redact(&mut self.raw.0);
        redact(&mut self.raw.1);
        self.shown();
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error code, when the reply has one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The message, when the reply has one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id, when the reply has one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Whether the service asked to slow down: a `429`, or one of
    /// [`THROTTLING_CODES`].
    pub fn is_throttling(&self) -> bool {
        self.status == StatusCode::TOO_MANY_REQUESTS
            || self
                .code
                .as_deref()
                .is_some_and(|c| THROTTLING_CODES.contains(&c))
    }

    /// Whether a retry may succeed: a `5xx`, or throttling.
    pub fn is_transient(&self) -> bool {
        self.status.is_server_error() || self.is_throttling()
    }

    /// This error as a provider's [`CredentialsError`]:
    /// [`Unavailable`](ErrorKind::Unavailable) when [transient](Self::is_transient),
    /// else [`Rejected`](ErrorKind::Rejected); the message is `Code (HTTP status):
    /// Message`, and [`service_code`](CredentialsError::service_code) and
    /// [`request_id`](CredentialsError::request_id) are set. Add what to do with
    /// [`CredentialsError::new`] and [`message`](CredentialsError::message) when it
    /// helps.
    pub fn to_credentials_error(&self, provider: &'static str) -> CredentialsError {
        let kind = if self.is_transient() {
            ErrorKind::Unavailable
        } else {
            ErrorKind::Rejected
        };
        let error =
            CredentialsError::new(kind, provider, self.to_string()).with_source(self.clone());
        match &self.code {
            Some(code) => error.with_service_error(code.clone(), self.request_id.clone()),
            None => error,
        }
    }
}

/// `Code (HTTP 403): Message`, or as much of it as the reply has.
impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code} (HTTP {})", self.status.as_u16())?,
            None => write!(f, "HTTP {}", self.status)?,
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("status", &self.status.as_u16())
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl std::error::Error for ServiceError {}

fn clean(text: &str) -> String {
    redact::service_text(text, MAX_TEXT)
}

fn first_byte(body: &[u8]) -> Option<u8> {
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// `com.amazon.coral.service#ExpiredTokenException` and
/// `UnauthorizedException:http://internal.amazon.com/...` are `ExpiredTokenException`
/// and `UnauthorizedException`.
fn short_code(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    code.rsplit('#').next().unwrap_or(code).trim()
}

type Parts = (Option<String>, Option<String>, Option<String>);

fn from_json(body: &[u8]) -> Parts {
    let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(body) else {
        return (None, None, None);
    };
    let field = |names: &[&str]| {
        names.iter().find_map(|name| {
            doc.iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .and_then(|(_, value)| value.as_str())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        })
    };
    (
        field(&["__type", "code", "error"]),
        field(&["message", "error_description", "errorMessage"]),
        field(&["RequestId"]),
    )
}

/// The query protocol's error document: the first `<Code>`, `<Message>` and
/// `<RequestId>`, with the five XML entities and character references decoded.
fn from_xml(body: &[u8]) -> Parts {
    let Ok(text) = std::str::from_utf8(body) else {
        return (None, None, None);
    };
    (
        xml_element(text, "Code"),
        xml_element(text, "Message"),
        xml_element(text, "RequestId"),
    )
}

fn xml_element(text: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = text.find(&open)? + open.len();
    let len = text[start..].find(&close)?;
    let value = decode_entities(&text[start..start + len]);
    (!value.trim().is_empty()).then(|| value.trim().to_owned())
}

fn decode_entities(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> ServiceError {
        let mut builder = Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        ServiceError::from_response(&builder.body(Bytes::from(body.to_owned())).unwrap())
    }

    #[test]
    fn query_protocol_xml() {
        let error = reply(
            400,
            &[],
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    \
             <Type>Sender</Type>\n    <Code>ExpiredToken</Code>\n    <Message>The security token &amp; \
             its &lt;session&gt; &#x41;re expired</Message>\n  </Error>\n  <RequestId>4d3b-1</RequestId>\n\
             </ErrorResponse>",
        );
        assert_eq!(error.code(), Some("ExpiredToken"));
        assert_eq!(
            error.message(),
            Some("The security token & its <session> Are expired")
        );
        assert_eq!(error.request_id(), Some("4d3b-1"));
        assert!(!error.is_transient());
    }

    #[test]
    fn json_protocols() {
        let cognito = reply(
            400,
            &[("x-amzn-RequestId", "r-1")],
            r#"{"__type": "com.amazonaws.cognito.identity#NotAuthorizedException", "message": "Invalid login token."}"#,
        );
        assert_eq!(cognito.code(), Some("NotAuthorizedException"));
        assert_eq!(cognito.message(), Some("Invalid login token."));
        assert_eq!(cognito.request_id(), Some("r-1"));

        let sso = reply(
            401,
            &[(
                "x-amzn-ErrorType",
                "UnauthorizedException:http://internal.amazon.com/coral/com.amazon.switchboard.portal/",
            )],
            r#"{"message": "Session token not found or invalid"}"#,
        );
        assert_eq!(sso.code(), Some("UnauthorizedException"));
        assert_eq!(sso.message(), Some("Session token not found or invalid"));

        let oidc = reply(
            400,
            &[],
            r#"{"error": "authorization_pending", "error_description": "not yet"}"#,
        );
        assert_eq!(oidc.code(), Some("authorization_pending"));
        assert_eq!(oidc.message(), Some("not yet"));

        let container = reply(500, &[], r#"{"code": "Oops", "Message": ""}"#);
        assert_eq!(container.code(), Some("Oops"));
        assert_eq!(container.message(), None);
        assert_eq!(container.to_string(), "Oops (HTTP 500)");
    }

    #[test]
    fn kinds_follow_throttling_and_status() {
        let throttled = reply(
            400,
            &[],
            "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
        );
        assert!(throttled.is_throttling());
        let error = throttled.to_credentials_error("sts");
        assert_eq!(error.kind(), ErrorKind::Unavailable);
        assert_eq!(error.service_code(), Some("Throttling"));

        let plain = reply(503, &[], "<html>down</html>");
        assert_eq!(plain.code(), None);
        assert_eq!(plain.to_string(), "HTTP 503 Service Unavailable");
        let error = plain.to_credentials_error("sts");
        assert_eq!(error.kind(), ErrorKind::Unavailable);
        assert_eq!(error.service_code(), None);

        let denied = reply(403, &[], "not a document");
        assert_eq!(
            denied.to_credentials_error("sso").kind(),
            ErrorKind::Rejected
        );
        assert_eq!(
            reply(429, &[], "").to_credentials_error("x").kind(),
            ErrorKind::Unavailable
        );
    }

    #[test]
    fn echoed_secrets_are_removed_and_text_cleaned() {
        let token = "eyJraWQiOiJrZXkifQ.eyJzdWIiOiJtZSJ9.c2ln";
        let error = reply(
            400,
            &[],
            &format!(
                r#"{{"__type": "ValidationException", "message": "1 validation error: Value '{token}' at\n 'token' and pw hunter2"}}"#
            ),
        )
        .redact(&["hunter2"]);
        let shown = format!("{error} {error:?} {}", error.to_credentials_error("x"));
        assert!(
            !shown.contains(token) && !shown.contains("hunter2"),
            "{shown}"
        );
        assert_eq!(
            error.message(),
            Some("1 validation error: Value '** redacted **' at  'token' and pw ** redacted **")
        );
        let long = reply(
            500,
            &[],
            &format!(r#"{{"message": "{}"}}"#, "x".repeat(5000)),
        );
        assert!(long.message().unwrap().len() < 600);
    }

    #[test]
    fn entities_that_are_not_are_kept() {
        assert_eq!(
            decode_entities("a & b &bogus; &#65;&#x42;"),
            "a & b &bogus; AB"
        );
        assert_eq!(decode_entities("&#xFFFFFFFF; &"), "&#xFFFFFFFF; &");
    }
}
