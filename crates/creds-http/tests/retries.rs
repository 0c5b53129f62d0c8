//! What is retried and what is not.

use std::time::{Duration, Instant};

use creds_http::{HttpErrorKind, RetryPolicy};
use creds_testkit::{Method, Reply, TestServer, refused_url};

use crate::support::{fast, fast_retry, get};

#[tokio::test]
async fn a_500_then_a_200_is_retried() {
    let server = TestServer::start().await;
    server
        .route(Method::GET, "/creds", Reply::new(500))
        .then(Reply::ok("fine"));
    let response = fast()
        .build()
        .send(get(&server.uri("/creds")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "fine");
    assert_eq!(server.requests_to("/creds").len(), 2);
}

#[tokio::test]
async fn a_503_on_every_attempt_returns_the_last_response() {
    let server = TestServer::start().await;
    server
        .route(Method::GET, "/", Reply::new(503).body("first"))
        .then(Reply::new(503).body("second"))
        .then(Reply::new(503).body("last"));
    let response = fast().build().send(get(&server.uri("/"))).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.body(), "last");
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_429_is_retried() {
    let server = TestServer::start().await;
    server
        .route(Method::POST, "/", Reply::new(429))
        .then(Reply::ok("ok"));
    let request = http::Request::post(server.uri("/"))
        .body(bytes::Bytes::from_static(b"Action=GetId"))
        .unwrap();
    let response = fast().build().send(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    // The body is sent again on the retry.
    assert_eq!(seen[1].body_text(), "Action=GetId");
}

#[tokio::test]
async fn other_4xx_are_not_retried() {
    for status in [400, 401, 403, 404] {
        let server = TestServer::start().await;
        server
            .route(Method::GET, "/", Reply::new(status))
            .then(Reply::ok("never"));
        let response = fast().build().send(get(&server.uri("/"))).await.unwrap();
        assert_eq!(response.status(), status);
        assert_eq!(server.request_count(), 1, "{status}");
    }
}

#[tokio::test]
async fn a_redirect_is_returned_as_it_is() {
    let server = TestServer::start().await;
    server.route(
        Method::GET,
        "/moved",
        Reply::new(302).header("location", "/elsewhere"),
    );
    server.route(Method::GET, "/elsewhere", Reply::ok("followed"));
    let response = fast()
        .build()
        .send(get(&server.uri("/moved")))
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/elsewhere");
    assert_eq!(server.request_count(), 1);
    assert!(server.requests_to("/elsewhere").is_empty());
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let server = TestServer::start().await;
    server
        .route(Method::GET, "/", Reply::new(200).drop_connection())
        .then(Reply::ok("second time"));
    let response = fast().build().send(get(&server.uri("/"))).await.unwrap();
    assert_eq!(response.body(), "second time");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn connections_dropped_every_time_fail_as_io_after_every_attempt() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::new(200).drop_connection());
    let error = fast()
        .build()
        .send(get(&server.uri("/")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Io);
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.request_count(), 3);
    assert!(
        error.to_string().contains("closed before a response"),
        "{error}"
    );
}

#[tokio::test]
async fn a_refused_port_fails_at_once_without_connect_retries() {
    let url = refused_url();
    let client = fast()
        .retry(fast_retry().retry_connect_errors(false))
        .build();
    let started = Instant::now();
    let error = client
        .send(get(&format!("{url}/latest/api/token")))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.kind(), HttpErrorKind::Connect);
    assert_eq!(error.attempts(), 1);
    assert_eq!(
        error.to_string(),
        format!("could not connect to {url}: connection refused; is the endpoint right?")
    );
    assert_eq!(error.endpoint(), Some(url.as_str()));
}

#[tokio::test]
async fn a_refused_port_is_retried_by_default() {
    let error = fast().build().send(get(&refused_url())).await.unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Connect);
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().ends_with("(after 3 attempts)"), "{error}");
}

#[tokio::test]
async fn no_retry_policy_makes_one_attempt() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::new(500));
    let client = fast().retry(RetryPolicy::none()).build();
    let response = client.send(get(&server.uri("/"))).await.unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn more_attempts_when_asked() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::new(502));
    let client = fast().retry(fast_retry().max_attempts(5)).build();
    let response = client.send(get(&server.uri("/"))).await.unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(server.request_count(), 5);
}

#[tokio::test]
async fn the_total_timeout_bounds_backoff_sleeps() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::new(503));
    // Backoff of up to 10 s, a total of 300 ms: no sleep may pass the deadline, so
    // the last 503 comes back before it.
    let client = fast()
        .total_timeout(Duration::from_millis(300))
        .retry(
            RetryPolicy::new()
                .max_attempts(10)
                .base_delay(Duration::from_secs(10))
                .max_delay(Duration::from_secs(10)),
        )
        .build();
    let started = Instant::now();
    let response = client.send(get(&server.uri("/"))).await.unwrap();
    assert_eq!(response.status(), 503);
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn backoff_waits_between_attempts() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::new(500));
    // Full jitter: each of the two sleeps is random up to 100 ms then 200 ms, so all
    // that can be said is that they end within their ceilings.
    let client = fast()
        .retry(
            RetryPolicy::new()
                .base_delay(Duration::from_millis(100))
                .max_delay(Duration::from_secs(1)),
        )
        .build();
    let started = Instant::now();
    client.send(get(&server.uri("/"))).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(300 + 500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_4xx_with_a_retryable_service_code_is_retried() {
    let server = TestServer::start().await;
    let throttled = "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
    server
        .route(Method::POST, "/", Reply::new(400).body(throttled))
        .then(Reply::new(400).body(throttled))
        .then(Reply::ok("assumed"));
    let post = || {
        http::Request::post(server.uri("/"))
            .body(bytes::Bytes::from_static(b"Action=AssumeRole"))
            .unwrap()
    };
    // Not by default.
    let response = fast().build().send(post()).await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(server.request_count(), 1);
    // With the code added: the throttled reply is retried, the next one answers.
    let client = fast()
        .retry(fast_retry().retry_codes(["Throttling", "IDPCommunicationError"]))
        .build();
    let response = client.send(post()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "assumed");
    assert_eq!(server.request_count(), 3);
}

fn refresh(url: &str) -> http::Request<bytes::Bytes> {
    let mut request = http::Request::post(url)
        .body(bytes::Bytes::from_static(
            br#"{"grantType": "refresh_token"}"#,
        ))
        .unwrap();
    request.extensions_mut().insert(creds_http::NonIdempotent);
    request
}

#[tokio::test]
async fn a_non_idempotent_request_is_never_sent_twice() {
    // A 5xx, a dropped connection and a read timeout may all follow a request that
    // reached the server: none of them is retried.
    for first in [
        Reply::new(500),
        Reply::ok("").drop_connection(),
        Reply::ok("late").delay(Duration::from_secs(3)),
    ] {
        let server = TestServer::start().await;
        server
            .route(Method::POST, "/token", first)
            .then(Reply::ok("second"));
        let result = fast().build().send(refresh(&server.uri("/token"))).await;
        assert_eq!(server.request_count(), 1, "{result:?}");
        match result {
            Ok(response) => assert_eq!(response.status(), 500),
            Err(error) => assert_eq!(error.attempts(), 1),
        }
    }
}

#[tokio::test]
async fn a_non_idempotent_request_is_retried_when_it_could_not_connect() {
    let error = fast()
        .build()
        .send(refresh(&refused_url()))
        .await
        .unwrap_err();
    assert!(error.is_connect());
    assert_eq!(error.attempts(), 3);
}

#[tokio::test]
async fn a_timeout_keeps_its_duration_in_the_provider_error() {
    let server = TestServer::start().await;
    server.route(Method::GET, "/", Reply::ok("x").hang());
    let error = fast()
        .read_timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .build()
        .send(get(&server.uri("/")))
        .await
        .unwrap_err();
    assert_eq!(error.timeout(), Some(Duration::from_millis(100)));
    let error = error.to_credentials_error("sts");
    assert!(error.is_timeout());
    assert_eq!(error.timeout(), Some(Duration::from_millis(100)));
}
