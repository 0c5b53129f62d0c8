//! The registrations: the default chain's factory and `credential_source = EcsContainer`.

use creds_container::{ENV_FULL_URI, ENV_RELATIVE_URI};
use creds_core::registry::{self, order};
use creds_core::{ErrorKind, ProvideCredentials};
use creds_testkit::{Method, Reply, TestServer};

use crate::support::*;

/// Links the crate, so that its registrations are there (inventory#7).
fn link() {
    std::hint::black_box(creds_container::ContainerProvider::builder as fn() -> _);
}

#[test]
fn the_factory_is_registered_at_the_container_place() {
    link();
    let factory = registry::provider_factories()
        .into_iter()
        .find(|f| f.name() == "container")
        .expect("the container factory is registered");
    assert_eq!(factory.order(), order::CONTAINER);
    assert!(registry::credential_source("EcsContainer").is_some());
}

#[tokio::test]
async fn the_factory_builds_a_provider_that_is_not_configured_without_uris() {
    link();
    let factory = registry::provider_factories()
        .into_iter()
        .find(|f| f.name() == "container")
        .unwrap();
    let provider = factory.build(&config(&[])).expect("always built");
    assert_eq!(provider.name(), "container");
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::NotConfigured);

    let server = TestServer::start().await;
    server.route(Method::GET, "/creds", Reply::ok(document()));
    let uri = server.uri("/creds");
    let provider = factory.build(&config(&[(ENV_FULL_URI, &uri)])).unwrap();
    expect_ok(provider.provide_credentials().await);
}

#[tokio::test]
async fn as_a_credential_source_no_uri_is_a_configuration_error() {
    link();
    let source = registry::credential_source("EcsContainer").unwrap();
    let provider = source.build(&config(&[])).unwrap();
    let err = expect_err(provider.provide_credentials().await);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message().contains("credential_source = EcsContainer"),
        "{err}"
    );
    assert!(err.message().contains(ENV_RELATIVE_URI), "{err}");

    let server = TestServer::start().await;
    server.route(Method::GET, "/v2/credentials/x", Reply::ok(document()));
    let uri = server.uri("/v2/credentials/x");
    let provider = source.build(&config(&[(ENV_FULL_URI, &uri)])).unwrap();
    expect_ok(provider.provide_credentials().await);
}
