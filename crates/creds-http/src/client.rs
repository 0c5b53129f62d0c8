//! [`HttpClient`] and its builder: attempts, retries and the total deadline.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::uri::{PathAndQuery, Scheme};
use http::{HeaderValue, Request, Response, Uri, Version, header};
use rustls::pki_types::CertificateDer;
use tokio::time::Instant;

use crate::body::{BodyError, RequestBody, read_body};
use crate::connector::{ConnectError, ConnectFailure, Connector, ReadTimedOut, describe};
use crate::pool::{Conn, Key, Pool};
use crate::proxy::ProxyMatcher;
use crate::tls::Tls;
use crate::{HttpError, HttpErrorKind, Proxy, RetryPolicy};

/// The default connect timeout: 1 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The default read timeout: 5 s.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The default total timeout: 30 s.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
/// The default cap on response bodies: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// The HTTP client of every `creds` provider that speaks HTTP.
///
/// HTTP/1.1 over TCP, or TLS (rustls) for `https`, with pooled connections. It is cheap
/// to clone and share: clones share one pool. Build it with [`HttpClient::builder`];
/// [`send`](Self::send) needs a tokio runtime with IO and time enabled.
///
/// `send` returns every response, whatever its status: callers map statuses to
/// errors. It never follows a redirect (a `3xx` is returned as it is).
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    connector: Connector,
    pool: Pool,
    proxy: Option<Arc<ProxyMatcher>>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    read_timeout: Duration,
    total_timeout: Duration,
    max_body_bytes: usize,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("HttpClient")
            .field("connect_timeout", &inner.connect_timeout)
            .field("read_timeout", &inner.read_timeout)
            .field("total_timeout", &inner.total_timeout)
            .field("retry", &inner.retry)
            .field("max_body_bytes", &inner.max_body_bytes)
            .field("proxy", &inner.proxy.is_some())
            .finish()
    }
}

impl Default for HttpClient {
    /// A client with the default settings: [`HttpClient::builder`]`().build()`.
    fn default() -> Self {
        Self::builder().build()
    }
}

/// Builds an [`HttpClient`].
///
/// ```
/// use std::time::Duration;
/// use creds_http::{HttpClient, Proxy, RetryPolicy};
///
/// let client = HttpClient::builder()
///     .connect_timeout(Duration::from_secs(2))
///     .read_timeout(Duration::from_secs(3))
///     .total_timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::new().max_attempts(4))
///     .max_body_bytes(64 * 1024)
///     .proxy(Proxy::None)
///     .build();
/// # let _ = client;
/// ```
#[derive(Clone, Debug)]
pub struct HttpClientBuilder {
    connect_timeout: Duration,
    read_timeout: Duration,
    total_timeout: Duration,
    retry: RetryPolicy,
    max_body_bytes: usize,
    proxy: Proxy,
    roots: Vec<CertificateDer<'static>>,
}

impl Default for HttpClientBuilder {
    fn default() -> Self {
        HttpClientBuilder {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            retry: RetryPolicy::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            proxy: Proxy::None,
            roots: Vec::new(),
        }
    }
}

impl HttpClientBuilder {
    /// How long making a connection may take: TCP, a proxy tunnel and the TLS
    /// handshake together (default 1 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long the endpoint may stay silent: from sending the request to the
    /// response's headers, and between two parts of the body (default 5 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// How long a whole [`send`](HttpClient::send) may take, every attempt and every
    /// backoff sleep included (default 30 s).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body read; a larger one is a
    /// [`BodyTooLarge`](HttpErrorKind::BodyTooLarge) error (default 1 MiB). At most
    /// this much and one more network read is ever held.
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// The proxy (default [`Proxy::None`]).
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = proxy;
        self
    }

    /// Trusts this root certificate (DER) for `https`, besides the roots the crate's
    /// features bring (the system's, or the bundled ones).
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.roots.push(CertificateDer::from(der.into()));
        self
    }

    /// Builds the client. Nothing is connected or loaded yet: the trusted roots are
    /// loaded on the first `https` connection.
    pub fn build(self) -> HttpClient {
        let proxy = self.proxy.matcher().map(Arc::new);
        let connector = Connector {
            tls: Tls::new(self.roots),
            proxy: proxy.clone(),
            connect_timeout: self.connect_timeout,
            read_timeout: self.read_timeout,
        };
        HttpClient {
            inner: Arc::new(Inner {
                connector,
                pool: Pool::default(),
                proxy,
                retry: self.retry,
                connect_timeout: self.connect_timeout,
                read_timeout: self.read_timeout,
                total_timeout: self.total_timeout,
                max_body_bytes: self.max_body_bytes,
            }),
        }
    }
}

/// Marks a request that must not be sent twice (an OAuth refresh that rotates its
/// refresh token, a registration): put it in the request's extensions, and
/// [`HttpClient::send`] resends it only after a failure to connect, when it cannot have
/// reached the server; never after a timeout, a dropped connection or a `5xx`.
///
/// ```
/// use bytes::Bytes;
/// use creds_http::NonIdempotent;
///
/// let mut request = http::Request::post("https://oidc.us-east-1.amazonaws.com/token")
///     .body(Bytes::from_static(b"{}"))
///     .unwrap();
/// request.extensions_mut().insert(NonIdempotent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonIdempotent;

/// A failed attempt, and whether it failed before a connection was made.
struct Failure {
    error: HttpError,
    connect_phase: bool,
}

impl HttpClient {
    /// A builder with the default settings.
    pub fn builder() -> HttpClientBuilder {
        HttpClientBuilder::default()
    }

    /// Whether `other` is a clone of this client, sharing its connection pool.
    pub fn shares_pool_with(&self, other: &HttpClient) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Sends `request` (HTTP/1.1; its version is ignored) and reads the whole
    /// response, retrying by the [`RetryPolicy`], within the total timeout.
    ///
    /// Returns every response, whatever its status; when the attempts are used up on
    /// a retried status (`5xx`, `429`) it returns the last response. The errors are
    /// failures to get a response: see [`HttpErrorKind`].
    pub async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let inner = &*self.inner;
        let endpoint = check_uri(request.uri())?;
        let deadline = Instant::now() + inner.total_timeout;
        let (parts, body) = request.into_parts();
        let once = parts.extensions.get::<NonIdempotent>().is_some();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = match tokio::time::timeout_at(
                deadline,
                inner.attempt(&parts, &body, &endpoint),
            )
            .await
            {
                Ok(outcome) => outcome,
                Err(_) => {
                    return Err(HttpError::timed_out(
                        format!(
                            "{endpoint} gave no complete response within the total timeout of {:?}; is the endpoint up?",
                            inner.total_timeout
                        ),
                        inner.total_timeout,
                    )
                    .with_endpoint(&endpoint)
                    .with_attempts(attempt));
                }
            };
            // A request that must not run twice is sent again only when it cannot
            // have reached the server: its connection was never made.
            let retry = match &outcome {
                Ok(_) if once => false,
                Ok(response) => inner.retry.retries_response(response),
                Err(failure) if once && !failure.connect_phase => false,
                Err(failure) => inner
                    .retry
                    .retries_error(&failure.error, failure.connect_phase),
            };
            if retry && attempt < inner.retry.max_attempts {
                let delay = inner.retry.backoff(attempt);
                if Instant::now() + delay < deadline {
                    match &outcome {
                        Ok(response) => tracing::debug!(
                            attempt,
                            ?delay,
                            status = response.status().as_u16(),
                            "{endpoint} answered a status that is retried"
                        ),
                        Err(failure) => tracing::debug!(
                            attempt,
                            ?delay,
                            kind = %failure.error.kind(),
                            "a request to {endpoint} failed and is retried"
                        ),
                    }
                    tokio::time::sleep(delay).await;
                    continue;
                }
            }
            return outcome.map_err(|failure| {
                failure
                    .error
                    .with_endpoint(&endpoint)
                    .with_attempts(attempt)
                    .with_connect_phase(failure.connect_phase)
            });
        }
    }
}

impl Inner {
    /// The request of one attempt on `conn`: in origin form (`/path?query`) with a
    /// `Host` header, or in absolute form to a plain proxy.
    fn request(
        &self,
        parts: &http::request::Parts,
        body: &Bytes,
        conn: &Conn,
    ) -> Request<RequestBody> {
        let mut request = Request::new(RequestBody::new(body.clone()));
        *request.method_mut() = parts.method.clone();
        *request.uri_mut() = if conn.proxied {
            parts.uri.clone()
        } else {
            let path = parts
                .uri
                .path_and_query()
                .cloned()
                .unwrap_or_else(|| PathAndQuery::from_static("/"));
            Uri::from(path)
        };
        *request.version_mut() = Version::HTTP_11;
        *request.headers_mut() = parts.headers.clone();
        if !request.headers().contains_key(header::HOST) {
            if let Some(host) = host_header(&parts.uri) {
                request.headers_mut().insert(header::HOST, host);
            }
        }
        // A plain proxy reads the credentials of an http request from its headers (an
        // https request sends them in the tunnel's CONNECT instead).
        if parts.uri.scheme() == Some(&Scheme::HTTP) {
            if let Some(auth) = self
                .proxy
                .as_ref()
                .and_then(|m| m.intercept(&parts.uri))
                .and_then(|i| i.basic_auth().cloned())
            {
                request
                    .headers_mut()
                    .insert(header::PROXY_AUTHORIZATION, auth);
            }
        }
        request
    }

    /// A connection to `uri`'s endpoint: an idle one from the pool, else a new one,
    /// and whether it is new.
    async fn connection(&self, uri: &Uri, key: &Key) -> Result<(Conn, bool), Failure> {
        if let Some(conn) = self.pool.checkout(key) {
            return Ok((conn, false));
        }
        let stream = self
            .connector
            .connect(uri)
            .await
            .map_err(|e| self.connect_failure(e))?;
        let proxied = stream.proxied();
        let (sender, connection) = hyper::client::conn::http1::handshake(stream)
            .await
            .map_err(|e| self.request_failure(&e, &endpoint_of(uri)))?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::trace!(%error, "a pooled connection closed");
            }
        });
        let conn = Conn {
            sender,
            proxied,
            key: key.clone(),
        };
        Ok((conn, true))
    }

    async fn attempt(
        &self,
        parts: &http::request::Parts,
        body: &Bytes,
        endpoint: &str,
    ) -> Result<Response<Bytes>, Failure> {
        let bodiless = parts.method == http::Method::HEAD;
        let key = Key::of(&parts.uri);
        let (mut conn, response) = loop {
            let (mut conn, fresh) = self.connection(&parts.uri, &key).await?;
            let request = self.request(parts, body, &conn);
            match conn.sender.try_send_request(request).await {
                Ok(response) => break (conn, response),
                // A pooled connection that closed before the request went out: the
                // request was not sent, so a new connection takes it.
                Err(error) if !fresh && error.message().is_some() => continue,
                Err(error) => return Err(self.request_failure(&error.into_error(), endpoint)),
            }
        };
        let (parts, body) = response.into_parts();
        let too_large = || Failure {
            error: HttpError::new(
                HttpErrorKind::BodyTooLarge,
                format!(
                    "the response from {endpoint} is larger than the limit of {} bytes",
                    self.max_body_bytes
                ),
            ),
            connect_phase: false,
        };
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        // A HEAD, 204 or 304 response declares the length of a body it does not send.
        let bodiless = bodiless
            || parts.status == http::StatusCode::NO_CONTENT
            || parts.status == http::StatusCode::NOT_MODIFIED;
        if !bodiless && declared.is_some_and(|len| len > self.max_body_bytes as u64) {
            return Err(too_large());
        }
        match read_body(body, self.max_body_bytes).await {
            Ok(body) => {
                // Kept when it can take another request: hyper says so once it has
                // seen the end of this response (and no `Connection: close`).
                if tokio::time::timeout(self.read_timeout, conn.sender.ready())
                    .await
                    .is_ok_and(|ready| ready.is_ok())
                {
                    self.pool.put(conn);
                }
                Ok(Response::from_parts(parts, body))
            }
            Err(BodyError::TooLarge) => Err(too_large()),
            Err(BodyError::Read(e)) => {
                let mut failure = self.body_failure(&e, endpoint);
                failure.error = failure.error.with_source(e);
                Err(failure)
            }
        }
    }

    /// The connection could not be made.
    fn connect_failure(&self, connect: ConnectError) -> Failure {
        let error = match connect.failure {
            ConnectFailure::Timeout => {
                HttpError::timed_out(connect.message.clone(), self.connect_timeout)
            }
            ConnectFailure::Connect => {
                HttpError::new(HttpErrorKind::Connect, connect.message.clone())
            }
            ConnectFailure::Tls => HttpError::new(HttpErrorKind::Tls, connect.message.clone()),
            ConnectFailure::Proxy => HttpError::new(HttpErrorKind::Proxy, connect.message.clone()),
        };
        Failure {
            error: error.with_source(connect),
            connect_phase: true,
        }
    }

    /// What went wrong after the connection was made, before the response's headers.
    fn request_failure(&self, error: &hyper::Error, endpoint: &str) -> Failure {
        let mut failure = self.classify(error, endpoint);
        failure.error = failure.error.with_source(error.to_string());
        failure
    }

    fn classify(&self, error: &hyper::Error, endpoint: &str) -> Failure {
        let error = if find::<ReadTimedOut>(error).is_some() {
            HttpError::timed_out(
                format!(
                    "{endpoint} did not answer within the read timeout of {:?}; is the endpoint up?",
                    self.read_timeout
                ),
                self.read_timeout,
            )
        } else if any_hyper(error, hyper::Error::is_parse) {
            HttpError::new(
                HttpErrorKind::InvalidResponse,
                format!("{endpoint} did not answer in HTTP/1.1; is it an HTTP endpoint?"),
            )
        } else {
            HttpError::new(
                HttpErrorKind::Io,
                format!(
                    "the connection to {endpoint} closed before a response ({}); is it an HTTP endpoint?",
                    describe(error)
                ),
            )
        };
        Failure {
            error,
            connect_phase: false,
        }
    }

    /// What went wrong while reading the body.
    fn body_failure(&self, error: &hyper::Error, endpoint: &str) -> Failure {
        let error = if find::<ReadTimedOut>(error).is_some() {
            HttpError::timed_out(
                format!(
                    "{endpoint} stopped sending its response for longer than the read timeout of {:?}",
                    self.read_timeout
                ),
                self.read_timeout,
            )
        } else {
            HttpError::new(
                HttpErrorKind::Io,
                format!(
                    "the connection to {endpoint} broke in the middle of the response ({})",
                    describe(error)
                ),
            )
        };
        Failure {
            error,
            connect_phase: false,
        }
    }
}

/// The first error of type `T` in `error`'s chain, looking inside I/O errors too
/// (an `io::Error`'s `source` skips the error it wraps).
fn find<'a, T: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    chain(error).find_map(|e| e.downcast_ref::<T>())
}

/// Whether any hyper error in the chain satisfies `test`.
fn any_hyper(error: &(dyn StdError + 'static), test: fn(&hyper::Error) -> bool) -> bool {
    chain(error).any(|e| e.downcast_ref::<hyper::Error>().is_some_and(test))
}

/// `error` and its sources, with the error inside each `io::Error` after it.
fn chain<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut pending: Vec<&'a (dyn StdError + 'static)> = vec![error];
    std::iter::from_fn(move || {
        let e = pending.pop()?;
        if let Some(next) = e.source() {
            pending.push(next);
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            pending.push(inner as &(dyn StdError + 'static));
        }
        Some(e)
    })
}

/// `host[:port]` of a URI, the port only when it is not the scheme's default.
fn host_header(uri: &Uri) -> Option<HeaderValue> {
    let host = uri.host()?;
    let default = if uri.scheme() == Some(&Scheme::HTTPS) {
        443
    } else {
        80
    };
    let value = match uri.port_u16() {
        Some(port) if port != default => format!("{host}:{port}"),
        _ => host.to_owned(),
    };
    HeaderValue::from_str(&value).ok()
}

/// The endpoint of an `http` or `https` URI with a host, or an
/// [`InvalidRequest`](HttpErrorKind::InvalidRequest) error.
fn check_uri(uri: &Uri) -> Result<String, HttpError> {
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(other) => {
            return Err(HttpError::new(
                HttpErrorKind::InvalidRequest,
                format!("only http and https URLs can be requested, not {other}:"),
            ));
        }
        None => {
            return Err(HttpError::new(
                HttpErrorKind::InvalidRequest,
                "the request's URL is not absolute: it needs http:// or https:// and a host",
            ));
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(HttpError::new(
            HttpErrorKind::InvalidRequest,
            "the request's URL has no host",
        ));
    }
    Ok(endpoint_of(uri))
}

/// `scheme://host[:port]` of a URI: what messages and logs name, never the path, the
/// query or user information (which may hold a password or a token).
///
/// ```
/// let uri = "https://user:pw@sts.example:8443/path?token=x".parse().unwrap();
/// assert_eq!(creds_http::endpoint_of(&uri), "https://sts.example:8443");
/// ```
pub fn endpoint_of(uri: &Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = uri.host().unwrap_or_default();
    match uri.port_u16() {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_leave_out_path_query_and_user() {
        let uri: Uri = "http://user:pw@127.0.0.1:1234/secret/path?token=x"
            .parse()
            .unwrap();
        assert_eq!(endpoint_of(&uri), "http://127.0.0.1:1234");
        let v6: Uri = "https://[::1]/x".parse().unwrap();
        assert_eq!(endpoint_of(&v6), "https://[::1]");
    }

    #[test]
    fn only_absolute_http_uris() {
        let kind = |s: &str| check_uri(&s.parse().unwrap()).unwrap_err().kind();
        assert_eq!(kind("ftp://example.com/x"), HttpErrorKind::InvalidRequest);
        assert_eq!(kind("/relative"), HttpErrorKind::InvalidRequest);
        assert_eq!(
            check_uri(&"https://sts.amazonaws.com/".parse().unwrap()).unwrap(),
            "https://sts.amazonaws.com"
        );
    }
}
