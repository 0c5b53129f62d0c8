//! `WebIdentityProvider` against a loopback STS.

use std::path::Path;

use creds_core::{ErrorKind, ProvideCredentials};
use creds_sts::WebIdentityProvider;
use creds_testkit::{Method, TestServer, expect_error};

use crate::support::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/eks-pod";
const TOKEN_FILE: &str = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";

fn web(key: &str, hours: i64) -> creds_testkit::Reply {
    sts_ok(
        "AssumeRoleWithWebIdentity",
        key,
        &hours_after_t0(hours),
        "arn:aws:sts::123456789012:assumed-role/eks-pod/s",
    )
}

fn irsa_env(server_url: &str) -> Vec<(&str, &str)> {
    vec![
        ("AWS_ENDPOINT_URL_STS", server_url),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", TOKEN_FILE),
        ("AWS_ROLE_ARN", ROLE),
        ("AWS_ROLE_SESSION_NAME", "pod-session"),
    ]
}

#[tokio::test]
async fn the_variables_give_an_unsigned_call_with_the_token_read_at_every_fetch() {
    let server = TestServer::start().await;
    server
        .route(Method::POST, "/", web("ASIAWEB1", 1))
        .then(web("ASIAWEB2", 2));
    let url = server.url();
    let clock = clock();
    let config = world(
        &[(TOKEN_FILE, &format!("{WEB_TOKEN}\n"))],
        &irsa_env(&url),
        &clock,
    );
    let provider = WebIdentityProvider::from_env(&config).unwrap();
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAWEB1");
    assert_eq!(creds.provider_name(), "web-identity");
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert!(
        creds.origin().unwrap().ends_with(&format!(
            "with the token file {TOKEN_FILE} (AWS_WEB_IDENTITY_TOKEN_FILE)"
        )),
        "{:?}",
        creds.origin()
    );
    let request = &server.requests()[0];
    assert_eq!(request.header("authorization"), None, "unsigned");
    assert_eq!(request.header("x-amz-security-token"), None);
    let body = request.body_text();
    assert_eq!(
        form(&body),
        [
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", ROLE),
            ("RoleSessionName", "pod-session"),
            ("WebIdentityToken", WEB_TOKEN),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );

    // EKS rotates the file: the next fetch sends the new token.
    config
        .fs()
        .write_atomic(Path::new(TOKEN_FILE), b"eyJrotated.eyJ2.c2ln")
        .unwrap();
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAWEB2");
    let body = server.requests()[1].body_text();
    assert_eq!(
        field(&body, "WebIdentityToken").as_deref(),
        Some("eyJrotated.eyJ2.c2ln")
    );
}

#[tokio::test]
async fn idp_communication_errors_are_retried_and_refusals_are_not() {
    let server = TestServer::start().await;
    server
        .route(
            Method::POST,
            "/",
            sts_error(
                400,
                "IDPCommunicationError",
                "the identity provider could not be reached",
            ),
        )
        .then(web("ASIAWEB", 1));
    let url = server.url();
    let config = world(&[(TOKEN_FILE, WEB_TOKEN)], &irsa_env(&url), &clock());
    let creds = WebIdentityProvider::from_env(&config)
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAWEB");
    assert_eq!(server.request_count(), 2);

    // STS echoes the token it refuses: the error blanks it out.
    let server = TestServer::start().await;
    server.route(
        Method::POST,
        "/",
        sts_error(
            400,
            "InvalidIdentityToken",
            &format!("Couldn't verify {WEB_TOKEN}"),
        ),
    );
    let url = server.url();
    let config = world(&[(TOKEN_FILE, WEB_TOKEN)], &irsa_env(&url), &clock());
    let err = expect_error(
        WebIdentityProvider::from_env(&config)
            .unwrap()
            .provide_credentials()
            .await,
        SECRETS,
    );
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(err.service_code(), Some("InvalidIdentityToken"));
    assert!(err.message().contains("** redacted **"), "{err}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn the_variables_absent_or_half_set() {
    let config = world(&[], &[], &clock());
    let err = WebIdentityProvider::from_env(&config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotConfigured);

    let config = world(
        &[],
        &[("AWS_WEB_IDENTITY_TOKEN_FILE", TOKEN_FILE)],
        &clock(),
    );
    let err = WebIdentityProvider::from_env(&config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("AWS_ROLE_ARN is not"), "{err}");

    // A token file that is not there, or empty: the file is named.
    for files in [vec![], vec![(TOKEN_FILE, " \n")]] {
        let config = world(
            &files,
            &[
                ("AWS_WEB_IDENTITY_TOKEN_FILE", TOKEN_FILE),
                ("AWS_ROLE_ARN", ROLE),
            ],
            &clock(),
        );
        let err = WebIdentityProvider::from_env(&config)
            .unwrap()
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().contains(TOKEN_FILE), "{err}");
    }
}

#[tokio::test]
async fn a_token_given_and_the_optional_parameters() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/", web("ASIAWEB", 1));
    let config = world(&[], &[("AWS_ENDPOINT_URL_STS", &server.url())], &clock());
    WebIdentityProvider::builder(ROLE)
        .config(config)
        .token(WEB_TOKEN)
        .provider_id("graph.facebook.com")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .duration(std::time::Duration::from_secs(900))
        .build()
        .provide_credentials()
        .await
        .unwrap();
    let body = server.requests()[0].body_text();
    assert_eq!(
        field(&body, "ProviderId").as_deref(),
        Some("graph.facebook.com")
    );
    assert_eq!(field(&body, "DurationSeconds").as_deref(), Some("900"));
    assert_eq!(
        field(&body, "PolicyArns.member.1.arn").as_deref(),
        Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
    );
    assert!(
        field(&body, "RoleSessionName")
            .unwrap()
            .starts_with("creds-")
    );
}
