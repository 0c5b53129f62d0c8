//! Where the cache file is, and credentials from a valid one.

use std::path::Path;

use creds_core::{ErrorKind, ProvideCredentials};
use creds_login::{LoginProvider, cache_file_name, cache_file_path};
use creds_testkit::{TestServer, assert_no_secret, expect_credentials, expect_error};

use crate::support::*;

#[test]
fn the_file_is_named_by_the_sha256_of_the_session() {
    assert_eq!(cache_file_name(SESSION), FILE_NAME);
    // printf %s 'arn:aws:sts::123456789012:assumed-role/Admin/me' | sha256sum
    assert_eq!(
        cache_file_name("arn:aws:sts::123456789012:assumed-role/Admin/me"),
        "c03a7323bda916bba892295dd46ea73c98866a0ad0a2606cb839909f35fbc865.json"
    );
    let config = world(&[], &[], &clock());
    assert_eq!(
        cache_file_path(&config, SESSION).unwrap(),
        Path::new(CACHE_FILE)
    );
}

#[test]
fn aws_login_cache_directory_moves_it() {
    let clock = clock();
    for (dir, expected) in [
        ("/srv/login", "/srv/login"),
        ("~/custom/cache", "/home/me/custom/cache"),
        ("$XDG_CACHE_HOME/aws", "/home/me/.cache/aws"),
        ("${XDG_CACHE_HOME}/aws", "/home/me/.cache/aws"),
    ] {
        let config = world(
            &[],
            &[
                ("AWS_LOGIN_CACHE_DIRECTORY", dir),
                ("XDG_CACHE_HOME", "/home/me/.cache"),
            ],
            &clock,
        );
        assert_eq!(
            cache_file_path(&config, SESSION).unwrap(),
            Path::new(expected).join(FILE_NAME),
            "{dir}"
        );
    }
    // Blank is unset.
    let config = world(&[], &[("AWS_LOGIN_CACHE_DIRECTORY", " ")], &clock);
    assert_eq!(
        cache_file_path(&config, SESSION).unwrap(),
        Path::new(CACHE_FILE)
    );
}

#[tokio::test]
async fn a_valid_file_gives_its_credentials_without_a_call() {
    let server = TestServer::start().await;
    let clock = clock();
    let file = format!("/srv/login/{FILE_NAME}");
    let config = world(
        &[(&file, &cache_file(3600))],
        &[
            ("AWS_LOGIN_CACHE_DIRECTORY", "/srv/login"),
            ("AWS_ENDPOINT_URL_SIGNIN", &server.url()),
        ],
        &clock,
    );
    let provider = provider(&config);
    let creds = expect_credentials(provider.provide_credentials().await, &secrets());
    assert_eq!(creds.access_key_id(), "ASIAOLD");
    assert_eq!(creds.secret_access_key(), OLD_SECRET);
    assert_eq!(creds.session_token(), Some(OLD_TOKEN));
    assert_eq!(creds.account_id(), Some("012345678901"));
    assert_eq!(creds.expiration().unwrap().to_string(), at(3600));
    assert_eq!(creds.provider_name(), "login");
    assert_eq!(
        creds.origin(),
        Some(format!("the `aws login` session of profile 'dev' ({file})").as_str())
    );
    assert_eq!(server.request_count(), 0);
    assert!(config.fs().writes().is_empty());
    assert_no_secret(&format!("{provider:?}"), &secrets());
}

#[tokio::test]
async fn the_session_can_be_named_and_the_selected_profile_is_the_default() {
    let clock = clock();
    let config = world(
        &[(CACHE_FILE, &cache_file(3600))],
        &[("AWS_PROFILE", "dev")],
        &clock,
    );
    let by_profile = LoginProvider::builder().config(config.clone()).build();
    assert_eq!(
        by_profile.provide_credentials().await.unwrap().account_id(),
        Some("012345678901")
    );
    let config = world(&[(CACHE_FILE, &cache_file(3600))], &[], &clock);
    let named = LoginProvider::builder()
        .config(config)
        .login_session(SESSION)
        .build();
    let creds = named.provide_credentials().await.unwrap();
    assert!(creds.origin().unwrap().contains("of profile 'default'"));
}

#[tokio::test]
async fn a_profile_without_a_session_is_not_configured_and_a_missing_file_is_an_error() {
    let clock = clock();
    let config = world(&[], &[], &clock);
    for profile in ["default", "nowhere"] {
        let err = LoginProvider::builder()
            .config(config.clone())
            .profile(profile)
            .build()
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotConfigured, "{err}");
    }

    let err = expect_error(provider(&config).provide_credentials().await, &secrets());
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert_eq!(err.provider(), "login");
    assert!(err.message().contains(CACHE_FILE), "{err}");
    assert!(
        err.message()
            .contains("no `aws login` session 'arn:aws:iam::0123456789012:user/Admin' is cached"),
        "{err}"
    );
    assert!(
        err.message().contains("run `aws login --profile dev`"),
        "{err}"
    );
}
