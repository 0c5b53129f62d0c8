//! The connector: TCP, a `CONNECT` tunnel or a plain proxy, TLS, all within the
//! connect timeout; and the [`Stream`] it yields, which enforces the read timeout.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use http::uri::Scheme;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::endpoint_of;
use crate::error::BoxError;
use crate::proxy::ProxyMatcher;
use crate::tls::{self, Tls};

/// The most of a proxy's answer to `CONNECT` that is read.
const MAX_TUNNEL_RESPONSE: usize = 8 * 1024;

/// Makes the connections of a client's pool.
#[derive(Clone)]
pub(crate) struct Connector {
    pub(crate) tls: Tls,
    pub(crate) proxy: Option<Arc<ProxyMatcher>>,
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Duration,
}

/// Why a connection could not be made.
#[derive(Debug)]
pub(crate) struct ConnectError {
    pub(crate) failure: ConnectFailure,
    /// What happened, naming the endpoint or the proxy.
    pub(crate) message: String,
    source: Option<BoxError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectFailure {
    Connect,
    Timeout,
    Tls,
    Proxy,
}

impl ConnectError {
    fn new(failure: ConnectFailure, message: String) -> Self {
        ConnectError {
            failure,
            message,
            source: None,
        }
    }

    fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for ConnectError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

/// "connection refused" for the common causes, else the I/O error's own words.
pub(crate) fn describe(error: &(dyn StdError + 'static)) -> String {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return match io.kind() {
                io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
                io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
                io::ErrorKind::TimedOut => "timed out".to_owned(),
                _ => io.to_string(),
            };
        }
        current = e.source();
    }
    error.to_string()
}

impl Connector {
    /// A connection to `uri`'s endpoint (through the proxy, if one intercepts it),
    /// TLS for `https`, all within the connect timeout.
    pub(crate) async fn connect(&self, uri: &Uri) -> Result<Stream, ConnectError> {
        let limit = self.connect_timeout;
        match tokio::time::timeout(limit, self.open(uri)).await {
            Ok(result) => result,
            Err(_) => Err(ConnectError::new(
                ConnectFailure::Timeout,
                format!(
                    "could not connect to {} within the connect timeout of {limit:?}; is the endpoint reachable?",
                    endpoint_of(uri)
                ),
            )),
        }
    }

    async fn open(&self, uri: &Uri) -> Result<Stream, ConnectError> {
        let https = uri.scheme() == Some(&Scheme::HTTPS);
        let intercept = self.proxy.as_ref().and_then(|m| m.intercept(uri));
        let (tcp, proxied) = match intercept {
            None => (self.tcp(uri, None).await?, false),
            Some(proxy) => {
                let proxy_uri = proxy.uri().clone();
                if proxy_uri.scheme() != Some(&Scheme::HTTP) {
                    return Err(ConnectError::new(
                        ConnectFailure::Proxy,
                        format!(
                            "the proxy for {} is {}, which is not an http:// proxy; only those are supported",
                            endpoint_of(uri),
                            endpoint_of(&proxy_uri)
                        ),
                    ));
                }
                let tcp = self.tcp(&proxy_uri, Some(uri)).await?;
                if https {
                    let auth = proxy.basic_auth().map(|v| v.as_bytes().to_vec());
                    (tunnel(tcp, uri, &proxy_uri, auth.as_deref()).await?, false)
                } else {
                    (tcp, true)
                }
            }
        };
        let io = if https {
            Io::Tls(Box::new(TokioIo::new(self.handshake(tcp, uri).await?)))
        } else {
            Io::Plain(TokioIo::new(tcp))
        };
        Ok(Stream::new(io, proxied, self.read_timeout))
    }

    /// A TCP connection to `to`, which is a proxy when `through_for` is set: each of
    /// the host's addresses in turn, as the resolver gives them.
    async fn tcp(&self, to: &Uri, through_for: Option<&Uri>) -> Result<TcpStream, ConnectError> {
        match tcp_connect(to).await {
            Ok(tcp) => Ok(tcp),
            Err(e) => {
                let message = match through_for {
                    None => format!(
                        "could not connect to {}: {}; is the endpoint right?",
                        endpoint_of(to),
                        describe(&e)
                    ),
                    Some(target) => format!(
                        "could not connect to the proxy {} for {}: {}; is the proxy right?",
                        endpoint_of(to),
                        endpoint_of(target),
                        describe(&e)
                    ),
                };
                Err(ConnectError::new(ConnectFailure::Connect, message).with_source(e))
            }
        }
    }

    async fn handshake(
        &self,
        tcp: TcpStream,
        uri: &Uri,
    ) -> Result<TlsStream<TcpStream>, ConnectError> {
        let failed = |detail: String| {
            ConnectError::new(
                ConnectFailure::Tls,
                format!("TLS with {} failed: {detail}", endpoint_of(uri)),
            )
        };
        let config = self.tls.config().map_err(failed)?;
        let name = tls::server_name(uri.host().unwrap_or_default()).map_err(failed)?;
        TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| {
                failed(format!(
                    "{e}; check the endpoint's name and the trusted root certificates"
                ))
                .with_source(e)
            })
    }
}

async fn tcp_connect(to: &Uri) -> io::Result<TcpStream> {
    let host = to.host().unwrap_or_default();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let port = to
        .port_u16()
        .unwrap_or(if to.scheme() == Some(&Scheme::HTTPS) {
            443
        } else {
            80
        });
    let mut last = None;
    // An IP address is used as it is; a name is resolved off the runtime's threads.
    for addr in tokio::net::lookup_host((host, port)).await? {
        match TcpStream::connect(addr).await {
            Ok(tcp) => {
                tcp.set_nodelay(true)?;
                return Ok(tcp);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::NotFound, "the name resolves to no address")
    }))
}

/// Opens a `CONNECT` tunnel to `target` through the proxy connection `tcp`.
async fn tunnel(
    mut tcp: TcpStream,
    target: &Uri,
    proxy: &Uri,
    auth: Option<&[u8]>,
) -> Result<TcpStream, ConnectError> {
    let host = target.host().unwrap_or_default();
    let port = target.port_u16().unwrap_or(443);
    let proxy_error = |message: String| ConnectError::new(ConnectFailure::Proxy, message);
    let mut request =
        format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n").into_bytes();
    if let Some(auth) = auth {
        request.extend_from_slice(b"Proxy-Authorization: ");
        request.extend_from_slice(auth);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    let broken = |e: io::Error| {
        proxy_error(format!(
            "the proxy {} broke off the tunnel to {host}:{port}: {}",
            endpoint_of(proxy),
            describe(&e)
        ))
        .with_source(e)
    };
    tcp.write_all(&request).await.map_err(broken)?;

    let mut answer = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    let head_len = loop {
        let n = tcp.read(&mut chunk).await.map_err(broken)?;
        if n == 0 {
            return Err(proxy_error(format!(
                "the proxy {} closed the connection instead of opening a tunnel to {host}:{port}",
                endpoint_of(proxy)
            )));
        }
        answer.extend_from_slice(&chunk[..n]);
        if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if answer.len() > MAX_TUNNEL_RESPONSE {
            return Err(proxy_error(format!(
                "the proxy {} answered CONNECT with more than {MAX_TUNNEL_RESPONSE} bytes of headers",
                endpoint_of(proxy)
            )));
        }
    };
    let status_line = answer
        .split(|&b| b == b'\n')
        .next()
        .map(|line| String::from_utf8_lossy(line).trim().to_owned())
        .unwrap_or_default();
    let mut words = status_line.split_whitespace();
    let status = match (words.next(), words.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/1.") => code.parse::<u16>().ok(),
        _ => None,
    };
    match status {
        Some(200..=299) if answer.len() == head_len => Ok(tcp),
        Some(200..=299) => Err(proxy_error(format!(
            "the proxy {} sent data before the tunnel to {host}:{port} was used",
            endpoint_of(proxy)
        ))),
        Some(407) => Err(proxy_error(format!(
            "the proxy {} wants credentials (407); put them in the proxy URL (http://user:password@host:port)",
            endpoint_of(proxy)
        ))),
        Some(code) => Err(proxy_error(format!(
            "the proxy {} refused a tunnel to {host}:{port} with status {code}",
            endpoint_of(proxy)
        ))),
        None => Err(proxy_error(format!(
            "the proxy {} did not answer CONNECT with HTTP/1.x",
            endpoint_of(proxy)
        ))),
    }
}

/// A connection, plain or TLS, that fails a read with `TimedOut` when nothing arrives
/// for the read timeout: waiting for the response, or between two parts of it. The
/// clock restarts whenever data is read or the request is written, so an idle pooled
/// connection is closed after the read timeout and a reused one starts afresh.
pub(crate) struct Stream {
    io: Io,
    proxied: bool,
    read_timeout: Duration,
    timer: Pin<Box<Sleep>>,
    armed: bool,
}

enum Io {
    Plain(TokioIo<TcpStream>),
    // Boxed: a TLS session is a kilobyte, a TCP stream a few words.
    Tls(Box<TokioIo<TlsStream<TcpStream>>>),
}

/// The marker inside the `TimedOut` I/O error of a read timeout.
#[derive(Debug)]
pub(crate) struct ReadTimedOut;

impl fmt::Display for ReadTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("read timed out")
    }
}

impl StdError for ReadTimedOut {}

impl Stream {
    fn new(io: Io, proxied: bool, read_timeout: Duration) -> Self {
        Stream {
            io,
            proxied,
            read_timeout,
            timer: Box::pin(tokio::time::sleep(read_timeout)),
            armed: false,
        }
    }

    fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if !self.armed {
            self.timer
                .as_mut()
                .reset(Instant::now() + self.read_timeout);
            self.armed = true;
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.armed = false;
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, ReadTimedOut)))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn wrote(&mut self, result: &Poll<io::Result<usize>>) {
        if self.armed && matches!(result, Poll::Ready(Ok(n)) if *n > 0) {
            self.timer
                .as_mut()
                .reset(Instant::now() + self.read_timeout);
        }
    }
}

impl Read for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = match &mut this.io {
            Io::Plain(io) => Pin::new(io).poll_read(cx, buf),
            Io::Tls(io) => Pin::new(&mut **io).poll_read(cx, buf),
        };
        match polled {
            Poll::Ready(result) => {
                this.armed = false;
                Poll::Ready(result)
            }
            Poll::Pending => this.poll_timer(cx),
        }
    }
}

impl Write for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = match &mut this.io {
            Io::Plain(io) => Pin::new(io).poll_write(cx, buf),
            Io::Tls(io) => Pin::new(&mut **io).poll_write(cx, buf),
        };
        this.wrote(&result);
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = match &mut this.io {
            Io::Plain(io) => Pin::new(io).poll_write_vectored(cx, bufs),
            Io::Tls(io) => Pin::new(&mut **io).poll_write_vectored(cx, bufs),
        };
        this.wrote(&result);
        result
    }

    fn is_write_vectored(&self) -> bool {
        match &self.io {
            Io::Plain(io) => io.is_write_vectored(),
            Io::Tls(io) => io.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(io) => Pin::new(io).poll_flush(cx),
            Io::Tls(io) => Pin::new(&mut **io).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(io) => Pin::new(io).poll_shutdown(cx),
            Io::Tls(io) => Pin::new(&mut **io).poll_shutdown(cx),
        }
    }
}

impl Stream {
    /// Whether the connection goes to a plain HTTP proxy, which takes requests in
    /// absolute form (a tunnel is a direct connection).
    pub(crate) fn proxied(&self) -> bool {
        self.proxied
    }
}
