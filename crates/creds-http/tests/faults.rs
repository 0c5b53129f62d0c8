//! Faults: hangs, slow bodies, oversized bodies, deadlines, non-HTTP endpoints.

use std::time::{Duration, Instant};

use creds_http::{HttpErrorKind, RetryPolicy};
use creds_testkit::{Method, Reply, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{Listener, fast, fast_retry, get};

#[tokio::test]
async fn a_hang_times_out_on_every_attempt() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::new(200).hang());
    let read_timeout = Duration::from_millis(200);
    let client = fast().read_timeout(read_timeout).build();
    let started = Instant::now();
    let error = client.send(get(&server.uri("/"))).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.kind(), HttpErrorKind::Timeout);
    assert!(error.is_timeout());
    // A read timeout: the connection was made.
    assert!(!error.during_connect());
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.request_count(), 3);
    // Three read timeouts and two sleeps of at most 5 and 10 ms; generous slack.
    assert!(elapsed >= read_timeout * 3, "{elapsed:?}");
    assert!(
        elapsed < read_timeout * 3 + Duration::from_secs(2),
        "{elapsed:?}"
    );
    assert!(
        error
            .to_string()
            .contains("did not answer within the read timeout of 200ms"),
        "{error}"
    );
}

#[tokio::test]
async fn timeouts_are_not_retried_when_told_so() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::new(200).hang());
    let client = fast()
        .read_timeout(Duration::from_millis(100))
        .retry(fast_retry().retry_timeouts(false))
        .build();
    let error = client.send(get(&server.uri("/"))).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Timeout);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_delay_within_the_read_timeout_is_waited_for() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/",
        Reply::ok("late").delay(Duration::from_millis(150)),
    );
    let client = fast().read_timeout(Duration::from_secs(2)).build();
    let response = client.send(get(&server.uri("/"))).await.unwrap();
    assert_eq!(response.body(), "late");
}

#[tokio::test]
async fn a_delay_past_the_read_timeout_times_out() {
    let server = TestServer::start().await;
    server
        .route(
            Method::GET,
            "/",
            Reply::ok("too late").delay(Duration::from_secs(5)),
        )
        .then(Reply::ok("on time"));
    let client = fast().read_timeout(Duration::from_millis(150)).build();
    let response = client.send(get(&server.uri("/"))).await.unwrap();
    assert_eq!(response.body(), "on time");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_body_slower_than_the_read_timeout_between_chunks_times_out() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/",
        Reply::ok("0123456789").trickle(2, Duration::from_millis(600)),
    );
    let client = fast()
        .read_timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build();
    let started = Instant::now();
    let error = client.send(get(&server.uri("/"))).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Timeout);
    assert!(
        error.to_string().contains("stopped sending its response"),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_slow_body_within_the_read_timeout_arrives_whole() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/",
        Reply::ok("0123456789").trickle(3, Duration::from_millis(40)),
    );
    // The whole body takes longer than the read timeout; no silence does.
    let client = fast().read_timeout(Duration::from_millis(100)).build();
    let response = client.send(get(&server.uri("/"))).await.unwrap();
    assert_eq!(response.body(), "0123456789");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_100_mb_body_stops_at_the_cap() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/",
        Reply::new(200).oversized(100 * 1024 * 1024),
    );
    let client = fast().build(); // 1 MiB cap
    let started = Instant::now();
    let error = client.send(get(&server.uri("/"))).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::BodyTooLarge);
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.request_count(), 1);
    assert!(
        error
            .to_string()
            .contains("larger than the limit of 1048576 bytes"),
        "{error}"
    );
    // Reading 100 MB on loopback would take far longer than stopping at 1 MiB.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_declared_length_over_the_cap_fails_before_reading() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::ok(vec![b'a'; 2 * 1024 * 1024]));
    let error = fast()
        .build()
        .send(get(&server.uri("/")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::BodyTooLarge);
}

#[tokio::test]
async fn a_head_response_declares_a_length_it_does_not_send() {
    let server = TestServer::start().await;
    server.route(Method::HEAD, "/", Reply::ok(vec![b'a'; 2 * 1024 * 1024]));
    let request = http::Request::head(server.uri("/"))
        .body(bytes::Bytes::new())
        .unwrap();
    let response = fast().build().send(request).await.unwrap();
    assert_eq!(response.headers()["content-length"], "2097152");
    assert!(response.body().is_empty());
}

#[tokio::test]
async fn the_cap_is_inclusive() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/fits", Reply::ok(vec![b'a'; 1000]));
    server.route(Method::GET, "/over", Reply::ok(vec![b'a'; 1001]));
    server.route(Method::GET, "/streamed", Reply::new(200).oversized(1000));
    let client = fast().max_body_bytes(1000).build();
    assert_eq!(
        client
            .send(get(&server.uri("/fits")))
            .await
            .unwrap()
            .body()
            .len(),
        1000
    );
    assert_eq!(
        client
            .send(get(&server.uri("/streamed")))
            .await
            .unwrap()
            .body()
            .len(),
        1000
    );
    let error = client.send(get(&server.uri("/over"))).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::BodyTooLarge);
}

#[tokio::test]
async fn the_total_timeout_bounds_a_hang() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::new(200).hang());
    let client = fast()
        .read_timeout(Duration::from_secs(10))
        .total_timeout(Duration::from_millis(300))
        .build();
    let started = Instant::now();
    let error = client.send(get(&server.uri("/"))).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.kind(), HttpErrorKind::Timeout);
    assert!(
        error.to_string().contains("total timeout of 300ms"),
        "{error}"
    );
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn only_http_and_https_urls() {
    for url in [
        "ftp://127.0.0.1/x",
        "unix://localhost/var/run/x",
        "/relative",
    ] {
        let request = http::Request::get(url).body(bytes::Bytes::new()).unwrap();
        let error = fast().build().send(request).await.unwrap_err();
        assert_eq!(error.kind(), HttpErrorKind::InvalidRequest, "{url}");
        assert_eq!(
            error.to_credentials_error("container").kind(),
            creds_core::ErrorKind::InvalidConfig
        );
    }
}

#[tokio::test]
async fn an_endpoint_that_does_not_speak_http() {
    // Answers the request in another protocol.
    let listener = Listener::start(|mut stream| async move {
        let mut request = [0u8; 1024];
        let _ = stream.read(&mut request).await;
        let _ = stream.write_all(b"-ERR unknown command 'GET'\r\n").await;
    })
    .await;
    let url = format!("http://{}/", listener.addr);
    let error = fast().build().send(get(&url)).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::InvalidResponse, "{error}");
    assert_eq!(error.attempts(), 1);
    assert!(
        error.to_string().contains("is it an HTTP endpoint?"),
        "{error}"
    );

    // Speaks first (an SSH banner): the connection fails before the request.
    let banner = Listener::start(|mut stream| async move {
        let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await;
    })
    .await;
    let url = format!("http://{}/", banner.addr);
    let error = fast().build().send(get(&url)).await.unwrap_err();
    assert!(
        error.to_string().contains("is it an HTTP endpoint?"),
        "{error}"
    );
}
