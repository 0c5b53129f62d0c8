//! The IMDSv1 fallback: after a 403, 404 or 405 to the token request or a token
//! timeout, unless disabled (by the variable, the profile or the builder, each named in
//! the error); a 400 is terminal; a 401 to an IMDSv1 request brings IMDSv2 back.

use std::time::Duration;

use creds_core::{ErrorKind, ProvideCredentials};
use creds_imds::ImdsProvider;
use creds_testkit::{Method, Reply, TestServer};

use crate::support::*;

/// Every GET went without a token.
fn all_v1(server: &TestServer) {
    for request in server.requests().iter().filter(|r| r.method == Method::GET) {
        assert_eq!(token_of(request), None, "{request:?}");
    }
}

#[tokio::test]
async fn a_403_404_or_405_to_the_token_request_falls_back_to_v1_for_good() {
    for status in [403, 404, 405] {
        let server = imds().await;
        server.route(Method::PUT, TOKEN_PATH, Reply::new(status));
        let provider = builder(&server).build();
        let creds = expect_ok(provider.provide_credentials().await);
        assert_eq!(creds.access_key_id(), "ASIAIMDS");
        all_v1(&server);
        assert_eq!(
            seen(&server),
            [
                format!("PUT {TOKEN_PATH}"),
                format!("GET {EXT}"),
                format!("GET {EXT}{ROLE}"),
            ],
            "{status}"
        );
        // Remembered: the next refresh asks for no token.
        server.clear_requests();
        expect_ok(provider.provide_credentials().await);
        assert_eq!(seen(&server), [format!("GET {EXT}{ROLE}")], "{status}");
        all_v1(&server);
    }
}

#[tokio::test]
async fn a_token_timeout_falls_back_to_v1() {
    // The container case: the token's answer never arrives (hop limit), GETs do.
    let server = imds().await;
    server.route(Method::PUT, TOKEN_PATH, Reply::ok(TOKEN).hang());
    let provider = builder(&server).timeout(Duration::from_millis(200)).build();
    expect_ok(provider.provide_credentials().await);
    all_v1(&server);
    assert_eq!(count(&server, Method::PUT, TOKEN_PATH), 1, "not retried");
    server.clear_requests();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(seen(&server), [format!("GET {EXT}{ROLE}")]);
}

#[tokio::test]
async fn a_400_is_terminal() {
    let server = imds().await;
    server.route(Method::PUT, TOKEN_PATH, Reply::new(400));
    let err = expect_err(builder(&server).build().provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert!(err.message().contains("400"), "{err}");
    assert!(err.message().contains("IMDSv1 is not tried"), "{err}");
    assert_eq!(seen(&server), [format!("PUT {TOKEN_PATH}")]);
}

#[tokio::test]
async fn v1_disabled_refuses_the_fallback_and_names_the_setting() {
    let server = imds().await;
    server.route(Method::PUT, TOKEN_PATH, Reply::new(403));
    let url = server.url();

    let by_env = ImdsProvider::builder()
        .config(config(&[("AWS_EC2_METADATA_V1_DISABLED", "true")]))
        .endpoint(&url)
        .build();
    let by_profile = ImdsProvider::builder()
        .config(config_with_file(
            &[],
            "[default]\nregion = eu-west-1\nec2_metadata_v1_disabled = true\n",
        ))
        .endpoint(&url)
        .build();
    let by_builder = builder(&server).ec2_metadata_v1_disabled(true).build();
    for (provider, setting) in [
        (by_env, "AWS_EC2_METADATA_V1_DISABLED"),
        (by_profile, "ec2_metadata_v1_disabled of profile 'default'"),
        (by_builder, "the builder option ec2_metadata_v1_disabled"),
    ] {
        server.clear_requests();
        let err = expect_err(provider.provide_credentials().await);
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
        assert!(err.message().contains(setting), "{err}");
        assert!(
            err.message().contains("IMDSv1 fallback is disabled"),
            "{err}"
        );
        assert!(err.message().contains("HTTP 403"), "{err}");
        assert_eq!(
            seen(&server),
            [format!("PUT {TOKEN_PATH}")],
            "no v1 request"
        );
        if setting.contains("profile") {
            assert_eq!(err.location().unwrap().line(), 3, "{err}");
        }
    }

    // The variable set to false wins over the profile.
    let allowed = ImdsProvider::builder()
        .config(config_with_file(
            &[("AWS_EC2_METADATA_V1_DISABLED", "false")],
            "[default]\nec2_metadata_v1_disabled = true\n",
        ))
        .endpoint(&url)
        .build();
    expect_ok(allowed.provide_credentials().await);
}

#[tokio::test]
async fn v1_disabled_and_a_token_timeout_say_what_to_do() {
    let server = imds().await;
    server.route(Method::PUT, TOKEN_PATH, Reply::ok(TOKEN).hang());
    let provider = builder(&server)
        .timeout(Duration::from_millis(100))
        .ec2_metadata_v1_disabled(true)
        .build();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("timed out"), "{err}");
    assert!(
        err.message()
            .contains("the builder option ec2_metadata_v1_disabled"),
        "{err}"
    );
    assert!(err.message().contains("hop limit"), "{err}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn with_v1_disabled_the_v2_path_still_works() {
    let server = imds().await;
    let provider = builder(&server).ec2_metadata_v1_disabled(true).build();
    expect_ok(provider.provide_credentials().await);
}

#[tokio::test]
async fn a_401_to_a_v1_request_brings_v2_back() {
    let server = imds().await;
    server
        .route(Method::PUT, TOKEN_PATH, Reply::new(404))
        .then(Reply::ok(TOKEN));
    let provider = builder(&server).build();
    expect_ok(provider.provide_credentials().await);
    all_v1(&server);
    // IMDSv2 is required now: v1 requests get 401.
    server
        .route(Method::GET, &role_path(EXT, ROLE), Reply::new(401))
        .then(Reply::ok(document()));
    server.clear_requests();
    expect_ok(provider.provide_credentials().await);
    let requests = server.requests();
    assert_eq!(
        seen(&server),
        [
            format!("GET {EXT}{ROLE}"),
            format!("PUT {TOKEN_PATH}"),
            format!("GET {EXT}{ROLE}"),
        ]
    );
    assert_eq!(token_of(&requests[0]), None);
    assert_eq!(token_of(&requests[2]), Some(TOKEN));
}
