//! The registrations: the default chain's factory, last, and `credential_source =
//! Ec2InstanceMetadata`.

use creds_core::registry::{self, order};
use creds_core::{ErrorKind, ProvideCredentials};

use crate::support::*;

/// Links the crate, so that its registrations are there (inventory#7).
fn link() {
    std::hint::black_box(creds_imds::ImdsProvider::builder as fn() -> _);
}

#[test]
fn the_factory_is_registered_last() {
    link();
    let factories = registry::provider_factories();
    let factory = factories
        .iter()
        .find(|f| f.name() == "imds")
        .expect("the imds factory is registered");
    assert_eq!(factory.order(), order::INSTANCE_METADATA);
    assert_eq!(factories.last().unwrap().name(), "imds");
    assert_eq!(
        factories.iter().filter(|f| f.name() == "imds").count(),
        1,
        "registered once"
    );
    assert!(registry::credential_source("Ec2InstanceMetadata").is_some());
}

#[tokio::test]
async fn as_a_credential_source() {
    link();
    let source = registry::credential_source("Ec2InstanceMetadata").unwrap();

    // Turned off: a configuration error, not a reason to move on.
    let provider = source
        .build(&config(&[("AWS_EC2_METADATA_DISABLED", "true")]))
        .unwrap();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message()
            .contains("credential_source = Ec2InstanceMetadata"),
        "{err}"
    );

    // Unreachable: named by the profile, so a configuration error too (not on EC2).
    let refused = creds_testkit::refused_url();
    let provider = source
        .build(&config(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &refused)]))
        .unwrap();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
    assert!(
        err.message().starts_with(
            "credential_source = Ec2InstanceMetadata, but no instance metadata service at"
        ),
        "{err}"
    );

    let server = imds().await;
    let url = server.url();
    let provider = source
        .build(&config(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)]))
        .unwrap();
    let creds = expect_ok(provider.provide_credentials().await);
    assert_eq!(creds.provider_name(), "imds");
}
