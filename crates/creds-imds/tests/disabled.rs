//! `AWS_EC2_METADATA_DISABLED=true` (any case), or the profile's
//! `disable_ec2_metadata = true`: not configured, and the server sees nothing.

use creds_core::{CredentialsChain, ErrorKind, ProvideCredentials, registry};
use creds_imds::ImdsProvider;

use crate::support::*;

#[tokio::test]
async fn the_off_switch_sends_nothing() {
    let server = imds().await;
    let url = server.url();
    for value in ["true", "TRUE", "True"] {
        // Built directly, with the endpoint from the builder or the variable.
        let env = [("AWS_EC2_METADATA_DISABLED", value)];
        let direct = ImdsProvider::builder()
            .config(config(&env))
            .endpoint(&url)
            .build();
        let from_env = ImdsProvider::new(&config(&[
            ("AWS_EC2_METADATA_DISABLED", value),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
        ]));
        for provider in [direct, from_env] {
            let err = expect_err(provider.provide_credentials().await);
            assert_eq!(err.kind(), ErrorKind::NotConfigured);
            assert_eq!(err.message(), "AWS_EC2_METADATA_DISABLED is true");
        }
    }
    let by_profile = ImdsProvider::new(&config_with_file(
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)],
        "[default]\ndisable_ec2_metadata = true\n",
    ));
    let err = expect_err(by_profile.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
    assert!(err.message().contains("disable_ec2_metadata"), "{err}");
    assert_eq!(server.request_count(), 0);
    assert_eq!(server.connection_count(), 0, "not even a connection");
}

#[tokio::test]
async fn the_off_switch_in_the_default_chain() {
    let server = imds().await;
    let url = server.url();
    let config = config(&[
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
    ]);
    std::hint::black_box(ImdsProvider::new as fn(&_) -> _);
    let chain = CredentialsChain::from_registry(&config);
    assert!(
        chain.providers().iter().any(|p| p.name() == "imds"),
        "the registry builds the provider"
    );
    let (result, trace) = chain.provide_traced().await;
    let err = expect_err(result);
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
    let entry = trace
        .entries()
        .iter()
        .find(|e| e.provider == "imds")
        .unwrap();
    assert!(
        matches!(&entry.outcome, creds_core::Outcome::NotConfigured(why) if why.message().contains("AWS_EC2_METADATA_DISABLED")),
        "{trace:?}"
    );
    assert_eq!(server.connection_count(), 0);

    // Without the switch the same chain reaches the server.
    let factory = registry::provider_factories()
        .into_iter()
        .find(|f| f.name() == "imds")
        .unwrap();
    let provider = factory
        .build(&crate::support::config(&[(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            &url,
        )]))
        .unwrap();
    expect_ok(provider.provide_credentials().await);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn other_values_leave_it_on() {
    let server = imds().await;
    let url = server.url();
    for value in ["false", "1", "yes"] {
        let provider = ImdsProvider::new(&config(&[
            ("AWS_EC2_METADATA_DISABLED", value),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
        ]));
        expect_ok(provider.provide_credentials().await);
    }
}
