//! The refresh of a named session's token through SSO-OIDC `CreateToken`.

use std::path::Path;
use std::time::Duration;

use creds_core::{ErrorKind, FsFault, ProvideCredentials};
use creds_sso::{SsoProvider, SsoSession, SsoTokenProvider};
use creds_testkit::{
    Method, Reply, TestServer, assert_no_secret, capture_logs, captured_logs, expect_credentials,
};
use serde_json::json;

use crate::support::*;

fn tokens(config: &creds_core::ProviderConfig) -> SsoTokenProvider {
    let session = SsoSession::for_profile(config, Some("dev")).unwrap();
    SsoTokenProvider::new(config, session)
}

#[tokio::test]
async fn a_token_inside_the_window_is_refreshed_and_written_back_with_its_other_fields() {
    capture_logs();
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/token",
        new_token(NEW_ACCESS_TOKEN, Some(NEW_REFRESH_TOKEN), 28800),
    );
    server.route(
        Method::GET,
        "/federation/credentials",
        role_credentials("ASIAR", ms_at(60)),
    );
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            // Four minutes left: inside the five-minute window.
            (SESSION_TOKEN_FILE, &session_token(&at(4))),
        ],
        &[],
        &clock,
    );
    let provider = SsoProvider::builder()
        .config(config.clone())
        .profile("dev")
        .build();
    expect_credentials(provider.provide_credentials().await, SECRETS);
    let refresh = &server.requests_to("/token")[0];
    assert_eq!(refresh.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&refresh.body_text()).unwrap();
    assert_eq!(
        body,
        json!({"clientId": "client-id-1", "clientSecret": CLIENT_SECRET,
               "grantType": "refresh_token", "refreshToken": REFRESH_TOKEN})
    );
    let portal = &server.requests_to("/federation/credentials")[0];
    assert_eq!(
        portal.header("x-amz-sso_bearer_token"),
        Some(NEW_ACCESS_TOKEN)
    );

    let writes = config.fs().writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].path, Path::new(SESSION_TOKEN_FILE));
    assert_eq!(writes[0].mode, 0o600);
    let written = file_json(&config, SESSION_TOKEN_FILE);
    assert_eq!(written["accessToken"], NEW_ACCESS_TOKEN);
    assert_eq!(written["refreshToken"], NEW_REFRESH_TOKEN);
    assert_eq!(written["expiresAt"], at(8 * 60));
    assert_eq!(written["clientSecret"], CLIENT_SECRET);
    assert_eq!(written["startUrl"], START_URL);
    assert_eq!(
        written["futureField"],
        json!({"kept": true}),
        "unknown fields are kept"
    );
    assert_no_secret(&captured_logs(), SECRETS);
}

#[tokio::test]
async fn a_token_outside_the_window_is_not_refreshed() {
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/token",
        new_token(NEW_ACCESS_TOKEN, None, 3600),
    );
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &session_token(&at(6))),
        ],
        &[],
        &clock,
    );
    let tokens = tokens(&config);
    assert_eq!(tokens.token().await.unwrap().as_str(), ACCESS_TOKEN);
    assert_eq!(server.request_count(), 0);
    // Two minutes later it is inside the window.
    clock.advance(Duration::from_secs(120));
    assert_eq!(tokens.token().await.unwrap().as_str(), NEW_ACCESS_TOKEN);
    assert_eq!(server.requests_to("/token").len(), 1);
    // The new token (an hour) is read back from the file, with no more calls.
    assert_eq!(tokens.token().await.unwrap().as_str(), NEW_ACCESS_TOKEN);
    assert_eq!(server.requests_to("/token").len(), 1);
    // No refresh token in the reply: the old one is kept.
    assert_eq!(
        file_json(&config, SESSION_TOKEN_FILE)["refreshToken"],
        REFRESH_TOKEN
    );
}

#[tokio::test]
async fn a_failed_refresh_keeps_a_valid_token_and_is_tried_again_after_30_seconds() {
    capture_logs();
    let server = TestServer::start().await;
    server
        .route(
            Method::POST,
            "/token",
            Reply::new(500).json_body(&json!({"error": "server_error"})),
        )
        .then(new_token(NEW_ACCESS_TOKEN, None, 3600));
    let clock = clock();
    let original = session_token(&at(3));
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &original),
        ],
        &[],
        &clock,
    );
    let tokens = tokens(&config);
    assert_eq!(tokens.token().await.unwrap().as_str(), ACCESS_TOKEN);
    assert_eq!(
        server.requests_to("/token").len(),
        1,
        "a refresh is sent once"
    );
    assert!(
        captured_logs()
            .contains("the SSO token could not be refreshed; it is used until it expires"),
        "a warning"
    );
    assert_eq!(
        config.fs().read(Path::new(SESSION_TOKEN_FILE)).unwrap(),
        original.as_bytes(),
        "the file is left as it was"
    );
    // Within 30 s: no new attempt.
    clock.advance(Duration::from_secs(29));
    assert_eq!(tokens.token().await.unwrap().as_str(), ACCESS_TOKEN);
    assert_eq!(server.requests_to("/token").len(), 1);
    clock.advance(Duration::from_secs(2));
    assert_eq!(tokens.token().await.unwrap().as_str(), NEW_ACCESS_TOKEN);
    assert_eq!(server.requests_to("/token").len(), 2);
}

#[tokio::test]
async fn an_expired_token_that_cannot_be_refreshed_says_to_sign_in() {
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/token",
        Reply::new(400)
            .header("x-amzn-ErrorType", "InvalidGrantException")
            .json_body(&json!({"error": "invalid_grant",
                "error_description": format!("Invalid refresh token {REFRESH_TOKEN}")})),
    );
    let clock = clock();
    let expired = session_token(&at(-1));
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &expired),
        ],
        &[],
        &clock,
    );
    let error = tokens(&config).token().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Rejected);
    let message = error.to_string();
    assert!(
        message.contains("expired at 2026-05-31T23:59:00Z and could not be refreshed"),
        "{message}"
    );
    assert!(
        message.contains("invalid_grant") || message.contains("InvalidGrantException"),
        "{message}"
    );
    assert!(
        message.contains("run `creds sso login --profile dev`"),
        "{message}"
    );
    assert_no_secret(&format!("{message} {error:?}"), SECRETS);

    // An expired registration: no call at all.
    let mut doc: serde_json::Value = serde_json::from_str(&expired).unwrap();
    doc["registrationExpiresAt"] = at(-60).into();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &doc.to_string()),
        ],
        &[],
        &clock,
    );
    let before = server.request_count();
    let message = tokens(&config).token().await.unwrap_err().to_string();
    assert!(
        message.contains("its client registration expired at 2026-05-31T23:00:00Z"),
        "{message}"
    );
    assert!(message.contains("creds sso login"), "{message}");
    assert_eq!(server.request_count(), before);

    // No refresh token (a legacy login): the same.
    doc["registrationExpiresAt"] = at(60).into();
    doc.as_object_mut().unwrap().remove("refreshToken");
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &doc.to_string()),
        ],
        &[],
        &clock,
    );
    let message = tokens(&config).token().await.unwrap_err().to_string();
    assert!(message.contains("has no refresh token"), "{message}");
    assert_eq!(server.request_count(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_callers_make_one_refresh() {
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/token",
        new_token(NEW_ACCESS_TOKEN, Some(NEW_REFRESH_TOKEN), 3600)
            .delay(Duration::from_millis(200)),
    );
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &session_token(&at(2))),
        ],
        &[],
        &clock,
    );
    // Providers of one config share the session's token provider.
    let session = SsoSession::for_profile(&config, Some("dev")).unwrap();
    let callers: Vec<_> = (0..100)
        .map(|_| {
            let tokens = SsoTokenProvider::new(&config, session.clone());
            tokio::spawn(async move { tokens.token().await.map(|t| t.as_str().to_owned()) })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap().unwrap(), NEW_ACCESS_TOKEN);
    }
    assert_eq!(server.requests_to("/token").len(), 1);
    assert_eq!(config.fs().writes().len(), 1);
}

#[tokio::test]
async fn a_refresh_that_cannot_be_written_back_still_gives_the_new_token() {
    capture_logs();
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/token",
        new_token(NEW_ACCESS_TOKEN, None, 3600),
    );
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &session_token(&at(1))),
        ],
        &[],
        &clock,
    );
    let fs = config
        .fs()
        .clone()
        .with_fault("/home/me/.aws/sso", FsFault::NoSpace);
    let config = config.with_fs(fs);
    assert_eq!(
        tokens(&config).token().await.unwrap().as_str(),
        NEW_ACCESS_TOKEN
    );
    assert!(captured_logs().contains("the refreshed SSO token was not written back"));
}

#[tokio::test]
async fn a_legacy_token_is_never_refreshed() {
    let server = TestServer::start().await;
    let clock = clock();
    let token = session_token(&at(2));
    let config = world(
        &[(LEGACY_TOKEN_FILE, &token)],
        &[("AWS_ENDPOINT_URL", &server.url())],
        &clock,
    );
    let tokens = SsoTokenProvider::new(&config, SsoSession::legacy(START_URL, "eu-west-1"));
    assert_eq!(tokens.token().await.unwrap().as_str(), ACCESS_TOKEN);
    assert_eq!(server.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_whose_caller_stops_waiting_still_writes_its_token_back() {
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/token",
        new_token(NEW_ACCESS_TOKEN, Some(NEW_REFRESH_TOKEN), 3600)
            .delay(Duration::from_millis(300)),
    );
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &session_token(&at(2))),
        ],
        &[],
        &clock,
    );
    let tokens = tokens(&config);
    // The caller gives up while SSO-OIDC is answering.
    let gave_up = tokio::time::timeout(Duration::from_millis(50), tokens.token()).await;
    assert!(gave_up.is_err());
    // The refresh goes on to write the rotated refresh token back.
    for _ in 0..50 {
        if !config.fs().writes().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let written = file_json(&config, SESSION_TOKEN_FILE);
    assert_eq!(written["refreshToken"], NEW_REFRESH_TOKEN);
    assert_eq!(written["accessToken"], NEW_ACCESS_TOKEN);
    assert_eq!(server.requests_to("/token").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_of_one_token_file_share_the_refresh_whatever_their_settings() {
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/token",
        new_token(NEW_ACCESS_TOKEN, Some(NEW_REFRESH_TOKEN), 3600)
            .delay(Duration::from_millis(200)),
    );
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &session_token(&at(2))),
        ],
        &[("AWS_ENDPOINT_URL_SSO_OIDC", &server.url())],
        &clock,
    );
    // The profile's session (with its scopes) and the same session given without them.
    let from_profile = tokens(&config);
    let given = SsoTokenProvider::new(&config, SsoSession::named("my-sso", START_URL, "eu-west-1"));
    let (a, b) = tokio::join!(from_profile.token(), given.token());
    assert_eq!(a.unwrap().as_str(), NEW_ACCESS_TOKEN);
    assert_eq!(b.unwrap().as_str(), NEW_ACCESS_TOKEN);
    assert_eq!(server.requests_to("/token").len(), 1);
}

#[tokio::test]
async fn a_refreshed_token_that_could_not_be_written_is_kept_in_memory() {
    let server = TestServer::start().await;
    server
        .route(
            Method::POST,
            "/token",
            new_token(NEW_ACCESS_TOKEN, Some(NEW_REFRESH_TOKEN), 3600),
        )
        .then(Reply::new(400).json_body(&json!({"error": "invalid_grant"})));
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &session_token(&at(1))),
        ],
        &[],
        &clock,
    );
    let fs = config
        .fs()
        .clone()
        .with_fault("/home/me/.aws/sso", FsFault::ReadOnly);
    let config = config.with_fs(fs);
    let tokens = tokens(&config);
    assert_eq!(tokens.token().await.unwrap().as_str(), NEW_ACCESS_TOKEN);
    // The file's token has expired since; the one kept in memory is still good, and
    // no refresh is tried with the spent refresh token of the file.
    clock.advance(Duration::from_secs(10 * 60));
    assert_eq!(tokens.token().await.unwrap().as_str(), NEW_ACCESS_TOKEN);
    assert_eq!(server.requests_to("/token").len(), 1);
}
