//! Time bounds: a refused port fails at once, a silent endpoint costs one timeout per
//! request, 5xx and dropped connections are retried up to the attempts, nothing else
//! is.

use std::time::{Duration, Instant};

use creds_core::{ErrorKind, ProvideCredentials};
use creds_imds::ImdsProvider;
use creds_testkit::{Method, Reply, TestServer, refused_url};

use crate::support::*;

#[tokio::test]
#[allow(clippy::print_stderr)]
async fn a_refused_port_fails_at_once_and_is_not_configured() {
    let provider = ImdsProvider::builder()
        .config(config(&[]))
        .endpoint(refused_url())
        .build();
    let started = Instant::now();
    let err = expect_err(provider.provide_credentials().await);
    let elapsed = started.elapsed();
    eprintln!("a refused port failed in {elapsed:?}");
    assert_eq!(err.kind(), ErrorKind::NotConfigured, "{err}");
    assert!(err.message().contains("connection refused"), "{err}");
    assert!(err.message().contains("not running on EC2?"), "{err}");
    // Under 100 ms is the target (it takes well under a millisecond on loopback); the
    // bound is generous for a loaded CI machine.
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");

    // Again, through the variable, with v1 disabled: the same, no fallback.
    let endpoint = refused_url();
    let provider = ImdsProvider::new(&config(&[
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str()),
        ("AWS_EC2_METADATA_V1_DISABLED", "true"),
    ]));
    let started = Instant::now();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::NotConfigured, "{err}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

fn silent(server: &TestServer) {
    server.route(Method::PUT, TOKEN_PATH, Reply::ok(TOKEN).hang());
    server.route(Method::GET, EXT, Reply::ok(ROLE).hang());
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(document()).hang(),
    );
}

#[tokio::test]
#[allow(clippy::print_stderr)]
async fn a_server_that_never_answers_costs_one_timeout_per_request() {
    let server = imds().await;
    silent(&server);
    let timeout = Duration::from_millis(200);
    let provider = builder(&server).timeout(timeout).build();
    let started = Instant::now();
    let err = expect_err(provider.provide_credentials().await);
    let elapsed = started.elapsed();
    eprintln!("a silent server ({timeout:?} timeout) failed in {elapsed:?}");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("read timeout"), "{err}");
    // The token request, then the IMDSv1 role request: one timeout each, no retry.
    assert_eq!(
        seen(&server),
        [format!("PUT {TOKEN_PATH}"), format!("GET {EXT}")]
    );
    assert!(elapsed >= timeout * 2, "{elapsed:?}");
    assert!(
        elapsed < timeout * 2 + Duration::from_secs(1),
        "{elapsed:?}"
    );

    // With IMDSv1 disabled: the token request alone.
    server.clear_requests();
    let provider = builder(&server)
        .timeout(timeout)
        .ec2_metadata_v1_disabled(true)
        .build();
    let started = Instant::now();
    expect_err(provider.provide_credentials().await);
    assert!(started.elapsed() < timeout + Duration::from_secs(1));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
#[allow(clippy::print_stderr)]
async fn with_the_defaults_a_silent_server_gives_up_within_two_seconds() {
    let server = imds().await;
    silent(&server);
    let provider = ImdsProvider::new(&config(&[(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        server.url().as_str(),
    )]));
    let started = Instant::now();
    expect_err(provider.provide_credentials().await);
    let elapsed = started.elapsed();
    eprintln!("a silent server (default 1 s timeout) failed in {elapsed:?}");
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_5xx_is_retried_up_to_the_attempts() {
    let server = imds().await;
    server
        .route(Method::GET, &role_path(EXT, ROLE), Reply::new(500))
        .then(Reply::new(503))
        .then(Reply::ok(document()));
    expect_ok(builder(&server).build().provide_credentials().await);
    assert_eq!(count(&server, Method::GET, &role_path(EXT, ROLE)), 3);

    // Two attempts are not enough.
    let server = imds().await;
    server
        .route(Method::GET, &role_path(EXT, ROLE), Reply::new(500))
        .then(Reply::new(503))
        .then(Reply::ok(document()));
    let err = expect_err(
        builder(&server)
            .max_attempts(2)
            .build()
            .provide_credentials()
            .await,
    );
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("503"), "{err}");
    assert_eq!(count(&server, Method::GET, &role_path(EXT, ROLE)), 2);

    // The token request is retried too.
    let server = imds().await;
    server
        .route(Method::PUT, TOKEN_PATH, Reply::new(500))
        .then(Reply::ok(TOKEN));
    expect_ok(builder(&server).build().provide_credentials().await);
    assert_eq!(count(&server, Method::PUT, TOKEN_PATH), 2);
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let server = imds().await;
    server
        .route(
            Method::GET,
            &role_path(EXT, ROLE),
            Reply::new(200).drop_connection(),
        )
        .then(Reply::ok(document()));
    expect_ok(builder(&server).build().provide_credentials().await);
    assert_eq!(count(&server, Method::GET, &role_path(EXT, ROLE)), 2);
}

#[tokio::test]
async fn a_read_timeout_on_a_get_is_not_retried() {
    let server = imds().await;
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(document()).hang(),
    );
    let err = expect_err(
        builder(&server)
            .timeout(Duration::from_millis(100))
            .build()
            .provide_credentials()
            .await,
    );
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(count(&server, Method::GET, &role_path(EXT, ROLE)), 1);
}

#[tokio::test]
async fn a_slow_answer_within_the_timeout_is_fine() {
    let server = imds().await;
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(document()).delay(Duration::from_millis(50)),
    );
    expect_ok(builder(&server).build().provide_credentials().await);
}

#[tokio::test]
async fn oversized_answers_fail() {
    let server = imds().await;
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::new(200).oversized(1024 * 1024),
    );
    let err = expect_err(builder(&server).build().provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("larger than"), "{err}");
}
