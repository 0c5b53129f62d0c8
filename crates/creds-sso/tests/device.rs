//! The device login against a loopback SSO-OIDC, and the logout.

use std::path::Path;

use creds_core::ErrorKind;
use creds_sso::SsoSession;
use creds_sso::device::{DeviceLogin, LoggedOut, logout};
use creds_testkit::{Method, Reply, TestServer, assert_no_secret};
use serde_json::{Value, json};

use crate::support::*;

/// The registration file of `my-sso` with its scopes (python3: sha1 of json.dumps({"tool":
/// "botocore", "startUrl": START_URL, "region": "eu-west-1", "scopes":
/// ["sso:account:access"], "session_name": "my-sso"}, sort_keys=True)).
const REGISTRATION_FILE: &str =
    "/home/me/.aws/sso/cache/bad1b99972dcdbd398df369048920b52e74d64ef.json";

fn registered() -> Reply {
    Reply::json(
        json!({"clientId": "client-id-1", "clientSecret": CLIENT_SECRET,
        "clientIdIssuedAt": 1_780_272_000, "clientSecretExpiresAt": 1_788_048_000}),
    )
}

fn authorization(expires_in: u64, interval: u64) -> Reply {
    Reply::json(json!({"deviceCode": DEVICE_CODE, "userCode": "ABCD-EFGH",
        "verificationUri": "https://device.sso.eu-west-1.amazonaws.com/",
        "verificationUriComplete": "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH",
        "expiresIn": expires_in, "interval": interval}))
}

fn oauth_error(status: u16, exception: &str, error: &str) -> Reply {
    Reply::new(status)
        .header("x-amzn-ErrorType", exception)
        .json_body(&json!({"error": error, "error_description": "see RFC 8628"}))
}

fn session(config: &creds_core::ProviderConfig) -> SsoSession {
    SsoSession::for_profile(config, Some("dev")).unwrap()
}

#[tokio::test]
async fn a_login_polls_while_pending_and_writes_the_aws_clis_files() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/client/register", registered());
    server.route(Method::POST, "/device_authorization", authorization(600, 1));
    server
        .route(
            Method::POST,
            "/token",
            oauth_error(
                400,
                "AuthorizationPendingException",
                "authorization_pending",
            ),
        )
        .then(oauth_error(
            400,
            "AuthorizationPendingException",
            "authorization_pending",
        ))
        .then(new_token(ACCESS_TOKEN, Some(REFRESH_TOKEN), 28800));
    let clock = clock();
    let config = world(&[(CONFIG, &session_config(&server.url(), ""))], &[], &clock);
    let login = DeviceLogin::start(&config, &session(&config))
        .await
        .unwrap();
    assert_eq!(login.user_code(), "ABCD-EFGH");
    assert_eq!(
        login.verification_uri(),
        "https://device.sso.eu-west-1.amazonaws.com/"
    );
    assert!(
        login
            .verification_uri_complete()
            .ends_with("?user_code=ABCD-EFGH")
    );
    assert_eq!(login.expires_at().to_string(), at(10));
    assert_no_secret(&format!("{login:?}"), SECRETS);
    let mut waits = Vec::new();
    let done = login.finish(|w| waits.push(w.polls)).await.unwrap();
    assert_eq!(waits, [1, 2], "a progress line before each wait");
    assert_eq!(done.token_file(), Path::new(SESSION_TOKEN_FILE));
    assert_eq!(done.expires_at().to_string(), at(8 * 60));

    let register: serde_json::Value =
        serde_json::from_str(&server.requests_to("/client/register")[0].body_text()).unwrap();
    assert_eq!(register["clientType"], "public");
    assert_eq!(register["clientName"], "creds-client-my-sso");
    assert_eq!(register["scopes"], json!(["sso:account:access"]));
    let start: serde_json::Value =
        serde_json::from_str(&server.requests_to("/device_authorization")[0].body_text()).unwrap();
    assert_eq!(
        start,
        json!({"clientId": "client-id-1", "clientSecret": CLIENT_SECRET, "startUrl": START_URL})
    );
    let polls = server.requests_to("/token");
    assert_eq!(polls.len(), 3);
    let poll: serde_json::Value = serde_json::from_str(&polls[2].body_text()).unwrap();
    assert_eq!(
        poll,
        json!({"clientId": "client-id-1", "clientSecret": CLIENT_SECRET,
               "grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": DEVICE_CODE})
    );

    // The token file, as the aws CLI writes it.
    let token = file_json(&config, SESSION_TOKEN_FILE);
    assert_eq!(
        token,
        json!({"startUrl": START_URL, "region": "eu-west-1", "accessToken": ACCESS_TOKEN,
               "expiresAt": at(8 * 60), "clientId": "client-id-1", "clientSecret": CLIENT_SECRET,
               "registrationExpiresAt": "2026-08-30T00:00:00Z", "refreshToken": REFRESH_TOKEN})
    );
    let registration = file_json(&config, REGISTRATION_FILE);
    assert_eq!(
        registration,
        json!({"clientId": "client-id-1", "clientSecret": CLIENT_SECRET,
               "expiresAt": "2026-08-30T00:00:00Z", "scopes": ["sso:account:access"]})
    );
    for write in config.fs().writes() {
        let file = write.path.extension().is_some();
        assert_eq!(write.mode, if file { 0o600 } else { 0o700 }, "{write:?}");
    }

    // A second login reuses the registration.
    server.route(
        Method::POST,
        "/token",
        new_token(NEW_ACCESS_TOKEN, None, 3600),
    );
    let login = DeviceLogin::start(&config, &session(&config))
        .await
        .unwrap();
    login.finish(|_| {}).await.unwrap();
    assert_eq!(server.requests_to("/client/register").len(), 1);
    assert_eq!(server.requests_to("/device_authorization").len(), 2);
    assert_eq!(
        file_json(&config, SESSION_TOKEN_FILE)["accessToken"],
        NEW_ACCESS_TOKEN
    );
}

#[tokio::test]
async fn slow_down_lengthens_the_interval() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/client/register", registered());
    server.route(Method::POST, "/device_authorization", authorization(600, 1));
    server
        .route(
            Method::POST,
            "/token",
            oauth_error(400, "SlowDownException", "slow_down"),
        )
        .then(new_token(ACCESS_TOKEN, None, 3600));
    let clock = clock();
    let config = world(&[(CONFIG, &session_config(&server.url(), ""))], &[], &clock);
    let login = DeviceLogin::start(&config, &session(&config))
        .await
        .unwrap();
    let mut intervals = Vec::new();
    login
        .finish(|w| intervals.push(w.interval.as_secs()))
        .await
        .unwrap();
    assert_eq!(
        intervals,
        [6],
        "1 s, and 5 s more after slow_down (RFC 8628)"
    );
}

#[tokio::test]
async fn a_login_ends_when_the_code_expires_or_the_service_refuses() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/client/register", registered());
    server.route(Method::POST, "/device_authorization", authorization(1, 1));
    server.route(
        Method::POST,
        "/token",
        oauth_error(
            400,
            "AuthorizationPendingException",
            "authorization_pending",
        ),
    );
    let clock = clock();
    let config = world(&[(CONFIG, &session_config(&server.url(), ""))], &[], &clock);
    let login = DeviceLogin::start(&config, &session(&config))
        .await
        .unwrap();
    let error = login.finish(|_| {}).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Rejected);
    assert!(
        error
            .to_string()
            .contains("was not approved before its code expired"),
        "{error}"
    );

    server.route(Method::POST, "/device_authorization", authorization(600, 1));
    server.route(
        Method::POST,
        "/token",
        oauth_error(400, "AccessDeniedException", "access_denied"),
    );
    let login = DeviceLogin::start(&config, &session(&config))
        .await
        .unwrap();
    let error = login.finish(|_| {}).await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("the sign-in was denied"), "{message}");
    assert_no_secret(&format!("{message} {error:?}"), SECRETS);
    assert!(
        config.fs().read(Path::new(SESSION_TOKEN_FILE)).is_err(),
        "no token written"
    );
}

#[tokio::test]
async fn logout_tells_the_portal_and_removes_the_token() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/logout", Reply::new(200));
    let clock = clock();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (SESSION_TOKEN_FILE, &session_token(&at(60))),
        ],
        &[],
        &clock,
    );
    let out = logout(&config, &session(&config)).await.unwrap();
    assert_eq!(out, LoggedOut::Removed(SESSION_TOKEN_FILE.into()));
    assert_eq!(
        server.requests_to("/logout")[0].header("x-amz-sso_bearer_token"),
        Some(ACCESS_TOKEN)
    );
    assert!(config.fs().read(Path::new(SESSION_TOKEN_FILE)).is_err());
    let again = logout(&config, &session(&config)).await.unwrap();
    assert_eq!(again, LoggedOut::NoToken(SESSION_TOKEN_FILE.into()));
    assert_eq!(server.requests_to("/logout").len(), 1);
}

#[tokio::test]
async fn a_registration_is_reused_only_with_15_minutes_left_and_for_the_device_flow() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/client/register", registered());
    server.route(Method::POST, "/device_authorization", authorization(600, 1));
    server.route(Method::POST, "/token", new_token(ACCESS_TOKEN, None, 3600));
    let clock = clock();
    let cached = |expires_at: String, grants: Option<Value>| {
        let mut doc = json!({"clientId": "cached-client", "clientSecret": CLIENT_SECRET,
            "expiresAt": expires_at, "scopes": ["sso:account:access"]});
        if let Some(grants) = grants {
            doc["grantTypes"] = grants;
        }
        doc.to_string()
    };
    for (registration, reused) in [
        (cached(at(16), None), true),
        (cached(at(14), None), false),
        (
            cached(
                at(90 * 24 * 60),
                Some(json!(["authorization_code", "refresh_token"])),
            ),
            false,
        ),
    ] {
        server.clear_requests();
        let config = world(
            &[
                (CONFIG, &session_config(&server.url(), "")),
                (REGISTRATION_FILE, &registration),
            ],
            &[],
            &clock,
        );
        let login = DeviceLogin::start(&config, &session(&config))
            .await
            .unwrap();
        login.finish(|_| {}).await.unwrap();
        assert_eq!(
            server.requests_to("/client/register").is_empty(),
            reused,
            "{registration}"
        );
        let client: Value =
            serde_json::from_str(&server.requests_to("/device_authorization")[0].body_text())
                .unwrap();
        let expected = if reused {
            "cached-client"
        } else {
            "client-id-1"
        };
        assert_eq!(client["clientId"], expected);
    }
}

#[tokio::test]
async fn a_cached_registration_the_service_refuses_is_replaced_once() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/client/register", registered());
    server
        .route(
            Method::POST,
            "/device_authorization",
            oauth_error(400, "InvalidClientException", "invalid_client"),
        )
        .then(authorization(600, 1));
    server.route(Method::POST, "/token", new_token(ACCESS_TOKEN, None, 3600));
    let clock = clock();
    let stale = json!({"clientId": "revoked-client", "clientSecret": "old-secret",
        "expiresAt": at(60 * 24 * 60), "scopes": ["sso:account:access"]})
    .to_string();
    let config = world(
        &[
            (CONFIG, &session_config(&server.url(), "")),
            (REGISTRATION_FILE, &stale),
        ],
        &[],
        &clock,
    );
    let login = DeviceLogin::start(&config, &session(&config))
        .await
        .unwrap();
    login.finish(|_| {}).await.unwrap();
    assert_eq!(server.requests_to("/client/register").len(), 1);
    assert_eq!(
        file_json(&config, REGISTRATION_FILE)["clientId"],
        "client-id-1"
    );

    // A new registration refused too is the error (no loop).
    server.route(
        Method::POST,
        "/device_authorization",
        oauth_error(400, "InvalidClientException", "invalid_client"),
    );
    let error = DeviceLogin::start(&config, &session(&config))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("invalid_client")
            || error.to_string().contains("InvalidClientException"),
        "{error}"
    );
    assert_eq!(server.requests_to("/client/register").len(), 2);
}

#[tokio::test]
async fn an_expired_device_code_ends_the_login() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/client/register", registered());
    server.route(Method::POST, "/device_authorization", authorization(600, 1));
    server.route(
        Method::POST,
        "/token",
        oauth_error(400, "ExpiredTokenException", "expired_token"),
    );
    let clock = clock();
    let config = world(&[(CONFIG, &session_config(&server.url(), ""))], &[], &clock);
    let login = DeviceLogin::start(&config, &session(&config))
        .await
        .unwrap();
    let error = login.finish(|_| {}).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("has expired: run `creds sso login` again"),
        "{error}"
    );
    assert_eq!(server.requests_to("/token").len(), 1);
}

#[tokio::test]
async fn a_legacy_login_writes_the_token_under_the_start_urls_hash() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/client/register", registered());
    server.route(Method::POST, "/device_authorization", authorization(600, 1));
    server.route(Method::POST, "/token", new_token(ACCESS_TOKEN, None, 3600));
    server.route(Method::POST, "/logout", Reply::new(200));
    let clock = clock();
    let file = format!(
        "[profile old]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n\
         sso_account_id = 1\nsso_role_name = R\nsso_registration_scopes = ignored:scope\n"
    );
    let config = world(
        &[(CONFIG, &file)],
        &[("AWS_ENDPOINT_URL", &server.url())],
        &clock,
    );
    let session = SsoSession::for_profile(&config, Some("old")).unwrap();
    assert!(
        session.scopes().is_empty(),
        "the legacy form has no scopes (the aws CLI's rule)"
    );
    let done = DeviceLogin::start(&config, &session)
        .await
        .unwrap()
        .finish(|_| {})
        .await
        .unwrap();
    assert_eq!(done.token_file(), Path::new(LEGACY_TOKEN_FILE));
    let register: Value =
        serde_json::from_str(&server.requests_to("/client/register")[0].body_text()).unwrap();
    assert!(
        register["clientName"]
            .as_str()
            .unwrap()
            .starts_with("creds-client-")
    );
    assert_eq!(register.get("scopes"), None);
    assert_eq!(
        logout(&config, &session).await.unwrap(),
        LoggedOut::Removed(LEGACY_TOKEN_FILE.into())
    );
}
