//! Nothing secret in the logs, at TRACE, of fetches that succeed and fail (hyper's and
//! creds-http's lines included): not the keys, not the session token, not the IMDSv2
//! token.

use creds_core::ProvideCredentials;
use creds_testkit::{Method, Reply};

use crate::support::*;

#[tokio::test]
async fn no_secret_in_any_log_line() {
    capture_logs();
    let server = imds().await;
    server
        .route(Method::GET, &role_path(EXT, ROLE), Reply::new(401))
        .then(Reply::ok(document()))
        .then(Reply::new(500).body(format!("echo {TOKEN} {SECRET}")))
        .then(Reply::ok(format!(
            r#"{{"Code": "Oops {TOKEN}", "Message": "{SECRET}"}}"#
        )));
    let provider = builder(&server).max_attempts(1).build();
    expect_ok(provider.provide_credentials().await);
    // The 500: static stability serves the last credentials, with a warning.
    expect_ok(provider.provide_credentials().await);
    let logs = logs();
    assert!(
        logs.contains("requesting an IMDSv2 session token"),
        "the provider's lines are captured"
    );
    assert!(logs.contains("static stability"));
    assert_secret_free(&logs);
    assert_secret_free(&format!("{provider:?}"));

    // The Code and Message are shown (IMDS does not put secrets there); a fresh
    // provider has nothing to fall back on.
    let fresh = builder(&server).build();
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(r#"{"Code": "Failure", "Message": "role not ready"}"#),
    );
    let err = expect_err(fresh.provide_credentials().await);
    assert!(err.message().contains("role not ready"), "{err}");
    assert_secret_free(&crate::support::logs());
}
