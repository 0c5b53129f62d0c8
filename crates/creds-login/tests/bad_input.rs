//! Broken files, keys and replies: each a clear error that names the file or the
//! endpoint, holds no secret, and leaves the cache file as it was.

use std::path::Path;

use creds_core::{ErrorKind, ProvideCredentials, ProviderConfig};
use creds_login::{LoginToken, MAX_REPLY_BYTES};
use creds_testkit::{Method, Reply, TestServer, assert_no_secret, expect_error};
use serde_json::json;

use crate::support::*;

/// The error of a fetch from `file`, checked for secrets, after checking that the
/// file is as it was and nothing was written.
async fn error_of(config: &ProviderConfig, file: &str) -> creds_core::CredentialsError {
    let err = expect_error(provider(config).provide_credentials().await, &secrets());
    assert_eq!(read_text(config, CACHE_FILE), file);
    assert!(config.fs().writes().is_empty());
    err
}

#[tokio::test]
async fn files_that_are_not_cache_files() {
    let whole = cache_file(3600);
    let mut cases = vec![
        (
            whole[..whole.len() / 2].to_owned(),
            "ends in the middle of its JSON (is it cut off?)",
        ),
        (
            "not json at all".to_owned(),
            "is not valid JSON (at line 1, column 2)",
        ),
        (String::new(), "is empty"),
        ("[1, 2]".to_owned(), "is not a JSON object"),
        (format!("{whole} {{}}"), "has more after its JSON document"),
        (" ".repeat(300 * 1024), "is larger than 256 KiB"),
    ];
    let mut doc = cache_doc("ASIAOLD", "tomorrow at noon", P256);
    cases.push((
        doc.to_string(),
        "has an accessToken.expiresAt that is not a timestamp",
    ));
    doc["accessToken"]["expiresAt"] = 1780000000.into();
    cases.push((
        doc.to_string(),
        "has fields of the wrong type: accessToken.expiresAt",
    ));
    let mut doc = cache_doc("ASIAOLD", &at(3600), P256);
    doc.as_object_mut().unwrap().remove("refreshToken");
    doc["accessToken"]
        .as_object_mut()
        .unwrap()
        .remove("accountId");
    doc["clientId"] = "".into();
    cases.push((
        doc.to_string(),
        "is missing required fields: accessToken.accountId, refreshToken, clientId",
    ));
    let mut doc = cache_doc("ASIAOLD", &at(3600), P256);
    doc["accessToken"] = "ASIAOLD".into();
    doc["refreshToken"] = json!({"token": OLD_REFRESH});
    cases.push((
        doc.to_string(),
        "has fields of the wrong type: accessToken, refreshToken",
    ));
    cases.push((
        json!({"dpopKey": P256}).to_string(),
        "is missing required fields: accessToken, refreshToken, clientId",
    ));
    for (file, says) in cases {
        let server = TestServer::start().await;
        let config = signin_world(&server.url(), &file, &clock());
        let err = error_of(&config, &file).await;
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{says}");
        let message = err.message();
        assert!(
            message.starts_with(&format!("the login cache file {CACHE_FILE} {says}")),
            "{message}"
        );
        assert!(
            message.ends_with("; run `aws login` to sign in again"),
            "{message}"
        );
        assert_eq!(server.request_count(), 0);
    }
}

#[tokio::test]
async fn keys_that_are_not_p256_are_named_and_never_shown() {
    for (key, says) in [
        (P384, "is a P-384 key, not a P-256 one"),
        (RSA, "is an RSA key, not an EC P-256 key"),
        (
            P256_NO_PUBLIC,
            "has no public key, which is needed to sign with it",
        ),
        (
            "-----BEGIN EC PRIVATE KEY-----\nnot base64!\n-----END EC PRIVATE KEY-----\n",
            "is not a PEM private key",
        ),
        (
            "MHcCAQEEIMWgK3WZi9It685Zs3qO3YdO59ZdVbRXGdP5qKAmDdAq",
            "is not a PEM private key",
        ),
    ] {
        let server = TestServer::start().await;
        let file = cache_doc("ASIAOLD", &at(-1), key).to_string();
        let config = signin_world(&server.url(), &file, &clock());
        let err = error_of(&config, &file).await;
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{says}");
        assert!(
            err.message().contains(&format!(
                "the dpopKey of the login cache file {CACHE_FILE} {says}"
            )),
            "{err}"
        );
        assert_no_secret(
            &err.to_string(),
            &["MHcCAQEEIMWgK3WZi9It685Zs3qO3YdO59ZdVbRXGdP5qKAmDdAq"],
        );
        assert_eq!(server.request_count(), 0);
    }
}

#[tokio::test]
async fn replies_that_are_not_sign_ins() {
    let missing = json!({
        "accessToken": {"accessKeyId": "ASIANEW", "sessionToken": NEW_TOKEN},
        "expiresIn": 900
    });
    for (reply, says) in [
        (
            Reply::json(missing),
            "answered the refresh with a reply that lacks accessToken.secretAccessKey, refreshToken",
        ),
        (
            Reply::ok("<html>hello</html>"),
            "answered the refresh with a reply that is not JSON",
        ),
        (Reply::json(json!(["x"])), "is not a JSON object"),
        (
            Reply::json(json!({
                "accessToken": {"accessKeyId": "A", "secretAccessKey": NEW_SECRET, "sessionToken": NEW_TOKEN},
                "refreshToken": NEW_REFRESH,
                "expiresIn": -5
            })),
            "has an expiresIn that is not 1 to 86400 seconds",
        ),
        (Reply::ok("").malformed_json(), "is not JSON"),
        (Reply::new(200).oversized(1024 * 1024), "larger than"),
    ] {
        let server = TestServer::start().await;
        server.route(Method::POST, "/v1/token", reply);
        let file = cache_file(-1);
        let config = signin_world(&server.url(), &file, &clock());
        let err = error_of(&config, &file).await;
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{says}");
        assert!(err.message().contains(says), "{says}: {err}");
        assert!(err.message().contains(&server.url()), "{err}");
        assert_eq!(server.request_count(), 1);
    }
    const { assert!(MAX_REPLY_BYTES < 1024 * 1024) };
}

#[test]
fn debug_never_shows_secrets() {
    let token = LoginToken::parse(cache_file(60).as_bytes(), Path::new(CACHE_FILE)).unwrap();
    let shown = format!("{token:?} {token:#?}");
    assert_no_secret(&shown, &secrets());
    assert!(shown.contains("012345678901"), "{shown}");
    let builder = creds_login::LoginProvider::builder().login_session(SESSION);
    assert_no_secret(&format!("{builder:?}"), &secrets());
    let provider = builder.build();
    assert_no_secret(&format!("{provider:?}"), &secrets());
}

#[test]
fn parse_errors_never_quote_the_file() {
    for file in [
        format!(r#"{{"accessToken": {{"accessKeyId": "{OLD_SECRET}"}}, "refreshToken": 5}}"#),
        format!(r#"{{"refreshToken": "{OLD_REFRESH}" "#),
        format!(r#"{{"refreshToken": "{OLD_REFRESH}", "#),
        OLD_TOKEN.to_owned(),
    ] {
        let err = LoginToken::parse(file.as_bytes(), Path::new("/c/x.json")).unwrap_err();
        assert_no_secret(&format!("{err} {err:?}"), &secrets());
    }
}
