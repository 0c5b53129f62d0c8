//! [`HttpError`] and its [`HttpErrorKind`].

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use creds_core::{CredentialsError, ErrorKind};

/// What kind of failure an [`HttpError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// No connection could be made: refused, unreachable, no such host, or the
    /// connect timeout passed.
    Connect,
    /// The endpoint did not answer in time: the read timeout passed waiting for the
    /// response or between two parts of its body, or the total timeout passed.
    Timeout,
    /// The response body passed the client's limit.
    BodyTooLarge,
    /// The connection failed after it was made: closed or reset before a complete
    /// response.
    Io,
    /// The TLS handshake failed: an untrusted or mismatched certificate, or an
    /// endpoint that does not speak TLS.
    Tls,
    /// The proxy could not be used: it refused the tunnel, asked for credentials, or
    /// its URL is not supported.
    Proxy,
    /// The request cannot be sent: its URI is not `http` or `https`, or has no host.
    InvalidRequest,
    /// The endpoint answered something that is not HTTP/1.1.
    InvalidResponse,
}

impl HttpErrorKind {
    /// A short lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpErrorKind::Connect => "connect",
            HttpErrorKind::Timeout => "timeout",
            HttpErrorKind::BodyTooLarge => "body too large",
            HttpErrorKind::Io => "io",
            HttpErrorKind::Tls => "tls",
            HttpErrorKind::Proxy => "proxy",
            HttpErrorKind::InvalidRequest => "invalid request",
            HttpErrorKind::InvalidResponse => "invalid response",
        }
    }
}

impl fmt::Display for HttpErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(crate) type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The error of [`HttpClient::send`](crate::HttpClient::send).
///
/// Its message names the endpoint (scheme, host and port: never the path, the query,
/// a header or a body) and says what to check. A status code is not an error: `send`
/// returns every response.
#[derive(Clone)]
pub struct HttpError {
    kind: HttpErrorKind,
    message: String,
    endpoint: Option<String>,
    attempts: u32,
    connect_phase: bool,
    timeout: Option<Duration>,
    source: Option<Arc<dyn StdError + Send + Sync + 'static>>,
}

impl HttpError {
    pub(crate) fn new(kind: HttpErrorKind, message: impl Into<String>) -> Self {
        HttpError {
            kind,
            message: message.into(),
            endpoint: None,
            attempts: 1,
            connect_phase: false,
            timeout: None,
            source: None,
        }
    }

    /// A [`Timeout`](HttpErrorKind::Timeout) of `after`.
    pub(crate) fn timed_out(message: impl Into<String>, after: Duration) -> Self {
        let mut error = Self::new(HttpErrorKind::Timeout, message);
        error.timeout = Some(after);
        error
    }

    pub(crate) fn with_connect_phase(mut self, connect_phase: bool) -> Self {
        self.connect_phase = connect_phase;
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(Arc::from(source.into()));
        self
    }

    pub(crate) fn with_endpoint(mut self, endpoint: &str) -> Self {
        self.endpoint = Some(endpoint.to_owned());
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// The kind.
    pub fn kind(&self) -> HttpErrorKind {
        self.kind
    }

    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The endpoint, `scheme://host:port`, when the request had one.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// Whether it is a timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == HttpErrorKind::Timeout
    }

    /// The timeout that passed (connect, read or total), for a timeout.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.kind == HttpErrorKind::Connect
    }

    /// Whether the last attempt failed while the connection was being made (TCP, a
    /// proxy tunnel, TLS): a [`Connect`](HttpErrorKind::Connect) error, or a
    /// [`Timeout`](HttpErrorKind::Timeout) of the connect timeout, as opposed to one of
    /// the read timeout. Nothing reached the endpoint's HTTP server. False for the
    /// total timeout.
    pub fn during_connect(&self) -> bool {
        self.connect_phase
    }

    /// The message, without the count of attempts.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// This error as a provider's [`CredentialsError`]: an
    /// [`InvalidRequest`](HttpErrorKind::InvalidRequest) (a configured endpoint that
    /// is not an HTTP URL) is [`InvalidConfig`](ErrorKind::InvalidConfig); every other
    /// kind is [`Unavailable`](ErrorKind::Unavailable). The message is this error's
    /// and the source is this error; a timeout's duration is kept
    /// ([`CredentialsError::timeout`]).
    pub fn to_credentials_error(&self, provider: &'static str) -> CredentialsError {
        let kind = match self.kind {
            HttpErrorKind::InvalidRequest => ErrorKind::InvalidConfig,
            _ => ErrorKind::Unavailable,
        };
        let error =
            CredentialsError::new(kind, provider, self.to_string()).with_source(self.clone());
        match self.timeout {
            Some(after) => error.with_timeout(after),
            None => error,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("HttpError");
        s.field("kind", &self.kind)
            .field("message", &self.message)
            .field("attempts", &self.attempts);
        if let Some(source) = &self.source {
            // Display, not Debug: the sources here are hyper, rustls and I/O errors,
            // whose Display holds no request data.
            s.field("source", &format_args!("{source}"));
        }
        s.finish()
    }
}

impl StdError for HttpError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_counts_attempts() {
        let err = HttpError::new(HttpErrorKind::Timeout, "x did not answer").with_attempts(3);
        assert_eq!(err.to_string(), "x did not answer (after 3 attempts)");
        let once = HttpError::new(HttpErrorKind::Timeout, "x did not answer");
        assert_eq!(once.to_string(), "x did not answer");
    }

    #[test]
    fn credentials_error_kinds() {
        let refused = HttpError::new(HttpErrorKind::Connect, "could not connect")
            .to_credentials_error("container");
        assert_eq!(refused.kind(), ErrorKind::Unavailable);
        assert_eq!(refused.provider(), "container");
        assert_eq!(refused.to_string(), "container: could not connect");
        assert!(refused.source().is_some());
        let invalid =
            HttpError::new(HttpErrorKind::InvalidRequest, "bad").to_credentials_error("sts");
        assert_eq!(invalid.kind(), ErrorKind::InvalidConfig);
    }
}
