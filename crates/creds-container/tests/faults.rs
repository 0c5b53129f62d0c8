//! Faults: retried 5xx, refused 4xx, hangs, oversized bodies, dropped connections,
//! nothing listening.

use std::time::{Duration, Instant};

use creds_container::ContainerProvider;
use creds_core::{ErrorKind, ProvideCredentials};
use creds_testkit::{Method, Reply, TestServer};

use crate::support::*;

async fn provider_for(server: &TestServer) -> ContainerProvider {
    builder(&[])
        .full_uri(server.uri("/creds"))
        .authorization_token(AUTH)
        .build()
}

#[tokio::test]
async fn a_500_then_a_200_is_retried() {
    let server = TestServer::start().await;
    server
        .route(Method::GET, "/creds", Reply::new(500))
        .then(Reply::ok(document()));
    let creds = expect_ok(provider_for(&server).await.provide_credentials().await);
    assert_eq!(creds.access_key_id(), "ASIACONTAINER");
    assert_eq!(server.request_count(), 2);
    // The retry carries the token too.
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("authorization") == Some(AUTH))
    );
}

#[tokio::test]
async fn a_dropped_connection_then_a_200_is_retried() {
    let server = TestServer::start().await;
    server
        .route(Method::GET, "/creds", Reply::new(200).drop_connection())
        .then(Reply::ok(document()));
    expect_ok(provider_for(&server).await.provide_credentials().await);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_401_is_not_retried_and_says_why() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/creds",
        Reply::new(401).json_body(&serde_json::json!({
            "Code": "AccessDenied",
            "Message": "The authorization token is not valid"
        })),
    );
    let err = expect_err(provider_for(&server).await.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Rejected);
    let message = err.message();
    assert!(message.contains("401"), "{message}");
    assert!(message.contains("AccessDenied"), "{message}");
    assert!(
        message.contains("The authorization token is not valid"),
        "{message}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_lasting_503_fails_after_every_attempt() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/creds",
        Reply::new(503).json_body(&serde_json::json!({"Message": "agent starting"})),
    );
    let provider = builder(&[])
        .full_uri(server.uri("/creds"))
        .max_retries(2)
        .build();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("503"), "{err}");
    assert!(err.message().contains("agent starting"), "{err}");
    assert_eq!(server.request_count(), 3, "max_retries 2: three attempts");
}

#[tokio::test]
async fn a_hang_fails_within_the_timeouts() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/creds", Reply::new(200).hang());
    let timeout = Duration::from_millis(200);
    let provider = builder(&[])
        .full_uri(server.uri("/creds"))
        .timeout(timeout)
        .max_retries(1)
        .build();
    let started = Instant::now();
    let err = expect_err(provider.provide_credentials().await);
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    // Two attempts of 200 ms and one backoff of at most 10 ms; generous for slow CI.
    assert!(elapsed >= timeout, "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_slow_answer_within_the_timeout_is_fine() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/creds",
        Reply::ok(document()).delay(Duration::from_millis(50)),
    );
    let provider = builder(&[])
        .full_uri(server.uri("/creds"))
        .timeout(Duration::from_secs(2))
        .build();
    expect_ok(provider.provide_credentials().await);
}

#[tokio::test]
async fn a_100_mb_body_is_refused_at_the_cap() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/creds",
        Reply::new(200).oversized(100 * 1024 * 1024),
    );
    let provider = provider_for(&server).await;
    let peak_before = peak_rss_kib();
    let started = Instant::now();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(err.message().contains("larger than the limit"), "{err}");
    assert_eq!(
        server.request_count(),
        1,
        "a body over the cap is not retried"
    );
    // The body was never buffered whole: the peak grew by far less than 100 MB.
    if let (Some(before), Some(after)) = (peak_before, peak_rss_kib()) {
        assert!(
            after - before < 32 * 1024,
            "peak RSS grew by {} KiB",
            after - before
        );
    }
}

#[tokio::test]
async fn nothing_listening_is_unavailable() {
    let provider = builder(&[])
        .full_uri(format!("{}/creds", creds_testkit::refused_url()))
        .max_retries(1)
        .build();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("127.0.0.1"), "{err}");
}

/// The process's peak resident set (`VmHWM`), in KiB, where `/proc` has it.
fn peak_rss_kib() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
