//! The timeout, the attempts and the role name from the environment and the profile.

use std::time::{Duration, Instant};

use creds_core::{ErrorKind, ProvideCredentials};
use creds_imds::ImdsProvider;
use creds_testkit::{Method, Reply};

use crate::support::*;

#[tokio::test]
async fn the_timeout_from_the_variable_and_the_profile() {
    let server = imds().await;
    server.route(
        Method::GET,
        &role_path(EXT, ROLE),
        Reply::ok(document()).hang(),
    );
    let url = server.url();
    for config in [
        config(&[
            ("AWS_METADATA_SERVICE_TIMEOUT", "0.2"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
        ]),
        config_with_file(
            &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)],
            "[default]\nmetadata_service_timeout = 0.2\n",
        ),
    ] {
        let started = Instant::now();
        let err = expect_err(ImdsProvider::new(&config).provide_credentials().await);
        let elapsed = started.elapsed();
        assert!(err.message().contains("200ms"), "{err}");
        assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    }
}

#[tokio::test]
async fn the_attempts_from_the_variable_and_the_profile() {
    let server = imds().await;
    server.route(Method::GET, &role_path(EXT, ROLE), Reply::new(500));
    let url = server.url();
    for (config, attempts) in [
        (
            config(&[
                ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "5"),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
            ]),
            5,
        ),
        (
            config_with_file(
                &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)],
                "[default]\nmetadata_service_num_attempts = 1\n",
            ),
            1,
        ),
        (config(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)]), 3),
    ] {
        server.clear_requests();
        let err = expect_err(ImdsProvider::new(&config).provide_credentials().await);
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(
            count(&server, Method::GET, &role_path(EXT, ROLE)),
            attempts,
            "{err}"
        );
    }
}

#[tokio::test]
async fn the_role_name_from_the_variable_and_the_profile() {
    let server = imds().await;
    server.route(
        Method::GET,
        &role_path(EXT, "from-env"),
        Reply::ok(document_of("ASIAENV", LATER)),
    );
    server.route(
        Method::GET,
        &role_path(EXT, "from-file"),
        Reply::ok(document_of("ASIAFILE", LATER)),
    );
    let url = server.url();
    let from_env = config_with_file(
        &[
            ("AWS_EC2_INSTANCE_PROFILE_NAME", "from-env"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
        ],
        "[default]\nec2_instance_profile_name = from-file\n",
    );
    let creds = expect_ok(ImdsProvider::new(&from_env).provide_credentials().await);
    assert_eq!(creds.access_key_id(), "ASIAENV");
    let from_file = config_with_file(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)],
        "[default]\nec2_instance_profile_name = from-file\n",
    );
    let creds = expect_ok(ImdsProvider::new(&from_file).provide_credentials().await);
    assert_eq!(creds.access_key_id(), "ASIAFILE");
    // Neither listed the roles.
    assert_eq!(count(&server, Method::GET, EXT), 0);
}

#[tokio::test]
async fn the_selected_profile_is_the_one_read() {
    let server = imds().await;
    server.route(
        Method::GET,
        &role_path(EXT, "dev-role"),
        Reply::ok(document_of("ASIADEV", LATER)),
    );
    let config = config_with_file(
        &[("AWS_PROFILE", "dev")],
        &format!(
            "[default]\nec2_instance_profile_name = wrong\n\
             [profile dev]\nec2_instance_profile_name = dev-role\nec2_metadata_service_endpoint = {}\n",
            server.url()
        ),
    );
    let creds = expect_ok(ImdsProvider::new(&config).provide_credentials().await);
    assert_eq!(creds.access_key_id(), "ASIADEV");
}

#[tokio::test]
async fn wrong_settings_are_configuration_errors_and_send_nothing() {
    let server = imds().await;
    let url = server.url();
    for (env, file, needle, line) in [
        (
            vec![("AWS_METADATA_SERVICE_TIMEOUT", "soon")],
            "",
            "AWS_METADATA_SERVICE_TIMEOUT",
            None,
        ),
        (
            vec![("AWS_EC2_METADATA_V1_DISABLED", "yes")],
            "",
            "AWS_EC2_METADATA_V1_DISABLED must be true or false",
            None,
        ),
        (
            vec![],
            "[default]\nmetadata_service_num_attempts = 0\n",
            "metadata_service_num_attempts of profile 'default'",
            Some(2),
        ),
        (
            vec![],
            "[default]\nec2_instance_profile_name = a/b\n",
            "not an instance profile name",
            Some(2),
        ),
    ] {
        let mut env = env.clone();
        env.push(("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url));
        let err = expect_err(
            ImdsProvider::new(&config_with_file(&env, file))
                .provide_credentials()
                .await,
        );
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
        assert!(err.message().contains(needle), "{err}");
        assert_eq!(err.location().map(|l| l.line()), line, "{err}");
    }
    assert_eq!(server.request_count(), 0);
}
