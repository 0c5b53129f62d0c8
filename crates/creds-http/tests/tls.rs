//! https: the handshake, the trusted roots, and endpoints that do not speak TLS.

use std::time::{Duration, Instant};

use creds_http::HttpErrorKind;
use creds_testkit::{Method, Reply, TestServer};

use crate::support::{CA, Listener, fast, fast_retry, get, tls_front};

#[tokio::test]
async fn https_with_an_added_root() {
    let backend = TestServer::start().await;
    backend.route(Method::GET, "/secure", Reply::ok("over tls"));
    let front = tls_front(backend.addr()).await;
    let client = fast().add_root_certificate_der(CA).build();
    for host in ["localhost", "127.0.0.1"] {
        let url = format!("https://{host}:{}/secure", front.addr.port());
        let response = client.send(get(&url)).await.unwrap();
        assert_eq!(response.body(), "over tls", "{host}");
    }
    assert_eq!(backend.request_count(), 2);
}

#[tokio::test]
async fn an_untrusted_certificate_fails_without_retries() {
    let backend = TestServer::start().await;
    let front = tls_front(backend.addr()).await;
    // The system's roots (or none, in a bare container) do not include the test CA.
    let client = fast().build();
    let url = format!("https://127.0.0.1:{}/", front.addr.port());
    let error = client.send(get(&url)).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Tls, "{error}");
    assert_eq!(error.attempts(), 1);
    assert!(
        error
            .to_string()
            .starts_with(&format!("TLS with {}", &url[..url.len() - 1])),
        "{error}"
    );
    assert_eq!(front.accepted(), 1);
    assert_eq!(backend.request_count(), 0);
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_tls_error() {
    let server = TestServer::start().await;
    let url = format!("https://127.0.0.1:{}/", server.addr().port());
    let error = fast()
        .add_root_certificate_der(CA)
        .build()
        .send(get(&url))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Tls, "{error}");
}

#[tokio::test]
async fn a_handshake_that_never_ends_is_a_connect_timeout() {
    // Accepts TCP, then says nothing: the TLS handshake waits for a ServerHello.
    let silent = Listener::start(|stream| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    })
    .await;
    let url = format!("https://127.0.0.1:{}/", silent.addr.port());
    let client = fast()
        .connect_timeout(Duration::from_millis(150))
        .retry(fast_retry().retry_connect_errors(false))
        .build();
    let started = Instant::now();
    let error = client.send(get(&url)).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Timeout, "{error}");
    assert!(
        error.during_connect(),
        "a connect timeout, not a read timeout"
    );
    assert_eq!(error.attempts(), 1);
    assert!(
        error
            .to_string()
            .contains("within the connect timeout of 150ms"),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    // Retried when connect errors and timeouts both are.
    let error = fast()
        .connect_timeout(Duration::from_millis(100))
        .build()
        .send(get(&url))
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 3);
    assert_eq!(silent.accepted(), 4);
}
