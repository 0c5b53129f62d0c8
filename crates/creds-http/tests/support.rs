//! Helpers: requests, a fast client, a TLS front for a test server, a `CONNECT`
//! proxy. Everything listens on 127.0.0.1 and connects only there.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use creds_http::{HttpClient, HttpClientBuilder, RetryPolicy};
use http::Request;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub(crate) const CA: &[u8] = include_bytes!("data/ca.der");
const LEAF: &[u8] = include_bytes!("data/localhost.der");
const LEAF_KEY: &[u8] = include_bytes!("data/localhost.key.der");

/// A GET of `url` with no body.
pub(crate) fn get(url: &str) -> Request<Bytes> {
    Request::get(url).body(Bytes::new()).unwrap()
}

/// A client with test-sized timeouts and backoff: connect 1 s, read 2 s, total 20 s,
/// three attempts 5 to 20 ms apart.
pub(crate) fn fast() -> HttpClientBuilder {
    HttpClient::builder()
        .connect_timeout(Duration::from_secs(1))
        .read_timeout(Duration::from_secs(2))
        .total_timeout(Duration::from_secs(20))
        .retry(fast_retry())
}

pub(crate) fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20))
}

/// Accepts on 127.0.0.1:0 and runs `handle` for each connection, until dropped.
pub(crate) struct Listener {
    pub(crate) addr: SocketAddr,
    pub(crate) accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Listener {
    pub(crate) async fn start<F, Fut>(handle: F) -> Listener
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                count.fetch_add(1, Ordering::SeqCst);
                connections.spawn(handle(stream));
            }
        });
        Listener {
            addr,
            accepted,
            task,
        }
    }

    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// A TLS front for `backend`: terminates TLS with the `localhost` test certificate
/// and forwards the plain bytes to `backend` (a test server on 127.0.0.1).
pub(crate) async fn tls_front(backend: SocketAddr) -> Listener {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(LEAF.to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(LEAF_KEY.to_vec())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    assert!(backend.ip().is_loopback());
    Listener::start(move |stream| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(mut tls) = acceptor.accept(stream).await else {
                return;
            };
            let Ok(mut plain) = TcpStream::connect(backend).await else {
                return;
            };
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
        }
    })
    .await
}

/// A proxy that answers `CONNECT host:port` with `answer` and, on a 200, tunnels to
/// 127.0.0.1:port whatever the host (so nothing leaves loopback). It records each
/// request head.
pub(crate) struct ConnectProxy {
    pub(crate) listener: Listener,
    pub(crate) heads: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub(crate) async fn start(answer: &'static str) -> ConnectProxy {
        let heads = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&heads);
        let listener = Listener::start(move |mut stream| {
            let recorded = Arc::clone(&recorded);
            async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte).await {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let port: Option<u16> = head
                    .split_whitespace()
                    .nth(1)
                    .and_then(|authority| authority.rsplit_once(':'))
                    .and_then(|(_, port)| port.parse().ok());
                recorded.lock().unwrap().push(head);
                if stream.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
                if !answer.starts_with("HTTP/1.1 200") {
                    return;
                }
                let Some(port) = port else { return };
                let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut stream, &mut upstream).await;
            }
        })
        .await;
        ConnectProxy { listener, heads }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.listener.addr.port())
    }

    pub(crate) fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}
