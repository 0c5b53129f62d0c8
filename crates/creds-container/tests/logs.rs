//! Nothing secret in the logs, at TRACE, of a fetch that succeeds and of fetches that
//! fail (hyper's and creds-http's lines included).

use creds_container::ContainerProvider;
use creds_core::ProvideCredentials;
use creds_testkit::{Method, Reply, TestServer};

use crate::support::*;

#[tokio::test]
async fn no_secret_in_any_log_line() {
    capture_logs();
    let server = TestServer::start().await;
    server
        .route(Method::GET, "/creds", Reply::new(500))
        .then(Reply::ok(document()))
        .then(Reply::new(403).json_body(&serde_json::json!({
            "Code": "AccessDenied",
            "Message": format!("token {AUTH} refused"),
        })));
    let provider: ContainerProvider = builder(&[])
        .full_uri(server.uri("/creds"))
        .authorization_token(AUTH)
        .build();
    expect_ok(provider.provide_credentials().await);
    let err = expect_err(provider.provide_credentials().await);
    // The server echoed the token in its message: it is blanked out.
    assert!(
        err.message().contains("token ** redacted ** refused"),
        "{err}"
    );
    let logs = logs();
    assert!(
        logs.contains("fetching container credentials"),
        "the provider's lines are captured"
    );
    assert_secret_free(&logs);
}
