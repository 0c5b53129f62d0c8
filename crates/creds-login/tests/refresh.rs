//! Refreshes through a loopback Sign-In: when, what is sent, what is written back, and
//! what happens when Sign-In fails or refuses.

use creds_core::{ErrorKind, FsFault, ProvideCredentials};
use creds_testkit::{
    Method, Reply, TestServer, assert_no_secret, capture_logs, captured_logs, expect_credentials,
    expect_error,
};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn credentials_are_refreshed_with_five_minutes_left_and_not_before() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/v1/token", refreshed("ASIANEW", Some(900)));
    let clock = clock();
    let url = server.url();

    // Five minutes and a second: used as they are.
    let config = signin_world(&url, &cache_file(301), &clock);
    let creds = provider(&config).provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAOLD");
    assert_eq!(server.request_count(), 0);

    // Five minutes exactly: refreshed.
    let config = signin_world(&url, &cache_file(300), &clock);
    let creds = expect_credentials(provider(&config).provide_credentials().await, &secrets());
    assert_eq!(creds.access_key_id(), "ASIANEW");
    assert_eq!(creds.secret_access_key(), NEW_SECRET);
    assert_eq!(creds.session_token(), Some(NEW_TOKEN));
    assert_eq!(creds.account_id(), Some("012345678901"));
    assert_eq!(creds.expiration().unwrap().to_string(), at(900));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn the_request_is_an_unsigned_json_post_with_a_dpop_proof() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/v1/token", refreshed("ASIANEW", Some(900)));
    let clock = clock();
    let config = signin_world(&server.url(), &cache_file(-60), &clock);
    provider(&config).provide_credentials().await.unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.target, "/v1/token");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert!(
        request
            .header("dpop")
            .is_some_and(|p| p.split('.').count() == 3)
    );
    assert_eq!(request.header("authorization"), None, "unsigned");
    assert_eq!(request.header("x-amz-security-token"), None);
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({
            "clientId": "arn:aws:signin:::devtools/same-device",
            "grantType": "refresh_token",
            "refreshToken": OLD_REFRESH
        })
    );
    assert_no_secret(&format!("{request:?}"), &secrets());
}

#[tokio::test]
async fn the_write_back_updates_keys_expiry_and_refresh_token_and_keeps_the_rest() {
    let server = TestServer::start().await;
    server
        .route(Method::POST, "/v1/token", refreshed("ASIANEW", Some(600)))
        .then(refreshed("ASIANEWER", None));
    let clock = clock();
    clock.advance(std::time::Duration::from_millis(1500));
    let config = signin_world(&server.url(), &cache_file(120), &clock);
    let provider = provider(&config);
    provider.provide_credentials().await.unwrap();

    let mut expected = cache_doc("ASIANEW", "2026-06-01T00:10:01Z", P256);
    expected["accessToken"]["secretAccessKey"] = NEW_SECRET.into();
    expected["accessToken"]["sessionToken"] = NEW_TOKEN.into();
    expected["refreshToken"] = NEW_REFRESH.into();
    assert_eq!(read_json(&config, CACHE_FILE), expected);
    let writes = config.fs().writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].path, std::path::Path::new(CACHE_FILE));
    assert_eq!(writes[0].mode, 0o600);
    // Indented, as the JavaScript SDK writes it.
    assert!(read_text(&config, CACHE_FILE).starts_with("{\n  \"accessToken\": {\n"));

    // The next refresh sends the new refresh token; no expiresIn is 900 seconds.
    clock.advance(std::time::Duration::from_secs(400));
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIANEWER");
    assert_eq!(
        creds.expiration().unwrap().to_string(),
        "2026-06-01T00:21:41Z"
    );
    let body: serde_json::Value = serde_json::from_slice(&server.requests()[1].body).unwrap();
    assert_eq!(body["refreshToken"], NEW_REFRESH);
    assert_eq!(
        read_json(&config, CACHE_FILE)["accessToken"]["expiresAt"],
        "2026-06-01T00:21:41Z"
    );
}

#[tokio::test]
async fn a_file_another_process_refreshed_is_used_without_a_call() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/v1/token", refreshed("ASIANEW", Some(900)));
    let clock = clock();
    let config = signin_world(&server.url(), &cache_file(900), &clock);
    let provider = provider(&config);
    assert_eq!(
        provider
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIAOLD"
    );

    // Four minutes left by the first read: but the aws CLI refreshed in between.
    clock.advance(std::time::Duration::from_secs(660));
    let other = serde_json::to_string(&cache_doc("ASIAOTHER", &at(1800), P256)).unwrap();
    config
        .fs()
        .write_atomic(std::path::Path::new(CACHE_FILE), other.as_bytes())
        .unwrap();
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAOTHER");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_failed_refresh_keeps_valid_credentials_and_fails_expired_ones() {
    capture_logs();
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/v1/token",
        Reply::new(500)
            .json_body(&json!({"error": "server_error", "message": format!("oops {OLD_REFRESH}")})),
    );
    let clock = clock();
    let file = cache_file(120);
    let config = signin_world(&server.url(), &file, &clock);
    let creds = expect_credentials(provider(&config).provide_credentials().await, &secrets());
    assert_eq!(creds.access_key_id(), "ASIAOLD");
    // Never resent: the refresh token may be good for one use.
    assert_eq!(server.request_count(), 1);
    assert!(captured_logs().contains("cannot refresh the aws login session"));
    assert_eq!(read_text(&config, CACHE_FILE), file);

    let file = cache_file(-1);
    let config = signin_world(&server.url(), &file, &clock);
    let err = expect_error(provider(&config).provide_credentials().await, &secrets());
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(
        err.message().contains(&format!("expired at {}", at(-1))),
        "{err}"
    );
    assert!(err.message().contains(&server.url()), "{err}");
    assert!(err.message().contains("HTTP 500"), "{err}");
    assert_eq!(read_text(&config, CACHE_FILE), file);
    assert!(config.fs().writes().is_empty());
}

#[tokio::test]
async fn each_refusal_says_what_to_do_even_while_the_credentials_are_valid() {
    capture_logs();
    for (code, says) in [
        (
            "TOKEN_EXPIRED",
            "the `aws login` session has expired: run `aws login --profile dev`",
        ),
        (
            "USER_CREDENTIALS_CHANGED",
            "the password changed since `aws login`: run `aws login --profile dev` and sign in with the new password",
        ),
        (
            "INSUFFICIENT_PERMISSIONS",
            "lacks the signin:CreateOAuth2Token permission that refreshing an `aws login` session needs: have it granted, then run `aws login --profile dev` again",
        ),
        (
            "AUTHCODE_EXPIRED",
            "Sign-In refused the session: run `aws login --profile dev`",
        ),
    ] {
        let server = TestServer::start().await;
        server.route(Method::POST, "/v1/token", denied(code));
        let clock = clock();
        let file = cache_file(60);
        let config = signin_world(&server.url(), &file, &clock);
        let err = expect_error(provider(&config).provide_credentials().await, &secrets());
        assert_eq!(err.kind(), ErrorKind::Rejected, "{code}");
        assert_eq!(err.service_code(), Some("AccessDeniedException"));
        assert_eq!(err.request_id(), Some("a1b2-denied"));
        assert!(err.message().contains(says), "{code}: {err}");
        assert!(err.message().contains(code), "{code}: {err}");
        assert!(err.message().contains("** redacted **"), "{err}");
        assert_eq!(read_text(&config, CACHE_FILE), file);
    }

    // Without x-amzn-errortype, ServiceError takes the code from `error`.
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/v1/token",
        Reply::new(403).json_body(&json!({"error": "TOKEN_EXPIRED", "message": "expired"})),
    );
    let config = signin_world(&server.url(), &cache_file(-5), &clock());
    let err = expect_error(provider(&config).provide_credentials().await, &secrets());
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(err.service_code(), Some("TOKEN_EXPIRED"));
    assert!(
        err.message()
            .contains("run `aws login --profile dev` to sign in again"),
        "{err}"
    );

    // And from `__type` when the body has one.
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/v1/token",
        Reply::new(403).json_body(&json!({
            "__type": "com.amazonaws.signin#AccessDeniedException",
            "error": "USER_CREDENTIALS_CHANGED",
            "message": "changed"
        })),
    );
    let config = signin_world(&server.url(), &cache_file(-5), &clock());
    let err = expect_error(provider(&config).provide_credentials().await, &secrets());
    assert_eq!(err.service_code(), Some("AccessDeniedException"));
    assert!(err.message().contains("new password"), "{err}");
}

#[tokio::test]
async fn a_write_that_fails_keeps_the_refreshed_session_in_memory() {
    capture_logs();
    let server = TestServer::start().await;
    server
        .route(Method::POST, "/v1/token", refreshed("ASIANEW", Some(900)))
        .then(denied("TOKEN_EXPIRED"));
    let clock = clock();
    let file = cache_file(-10);
    let config = signin_world(&server.url(), &file, &clock);
    let config = config.clone().with_fs(
        config
            .fs()
            .clone()
            .with_fault("/home/me/.aws/login", FsFault::NoSpace),
    );
    let provider = provider(&config);
    // The new credentials are used, though they could not be kept in the file...
    let creds = expect_credentials(provider.provide_credentials().await, &secrets());
    assert_eq!(creds.access_key_id(), "ASIANEW");
    assert_eq!(read_text(&config, CACHE_FILE), file);
    assert!(
        captured_logs().contains(&format!("cannot write {CACHE_FILE}: the disk is full")),
        "a warning"
    );
    // ...and kept in memory: the file's spent refresh token is not sent again while
    // they are good.
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIANEW");
    assert_eq!(server.requests_to("/v1/token").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_whose_caller_stops_waiting_still_writes_its_session_back() {
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/v1/token",
        refreshed("ASIANEW", Some(900)).delay(std::time::Duration::from_millis(300)),
    );
    let clock = clock();
    let config = signin_world(&server.url(), &cache_file(60), &clock);
    let provider = provider(&config);
    let gave_up = tokio::time::timeout(
        std::time::Duration::from_millis(50),
        provider.provide_credentials(),
    )
    .await;
    assert!(gave_up.is_err());
    for _ in 0..50 {
        if !config.fs().writes().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let written = read_json(&config, CACHE_FILE);
    assert_eq!(written["refreshToken"], NEW_REFRESH);
    assert_eq!(written["accessToken"]["accessKeyId"], "ASIANEW");
}

#[tokio::test]
async fn the_sign_in_region_of_the_file_is_not_needed_with_an_override() {
    // `signInRegion` picks the default endpoint; an override wins over it, as over the
    // region in every SDK.
    let server = TestServer::start().await;
    server.route(Method::POST, "/v1/token", refreshed("ASIANEW", Some(900)));
    let mut doc = cache_doc("ASIAOLD", &at(0), P256);
    doc["signInRegion"] = "ap-southeast-2".into();
    let config = signin_world(&server.url(), &doc.to_string(), &clock());
    let creds = provider(&config).provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIANEW");
    assert_eq!(
        read_json(&config, CACHE_FILE)["signInRegion"],
        "ap-southeast-2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_of_one_session_refresh_once_between_them() {
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/v1/token",
        refreshed("ASIANEW", Some(900)).delay(std::time::Duration::from_millis(200)),
    );
    let clock = clock();
    let config = signin_world(&server.url(), &cache_file(60), &clock);
    // Two providers of the same session (as two profiles naming it, or a role chain
    // over the profile, would build), fetching at once: a second refresh with the
    // same refresh token would be refused once the first rotated it.
    let callers: Vec<_> = (0..20)
        .map(|_| {
            let provider = provider(&config);
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap().unwrap().access_key_id(), "ASIANEW");
    }
    assert_eq!(server.requests_to("/v1/token").len(), 1);
}
