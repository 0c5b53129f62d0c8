//! The `login_session` handler through the registry, as `creds-profile` uses it.

use std::time::Duration;

use creds_core::ProvideCredentials;
use creds_core::registry::{self, priority};
use creds_profile::ProfileProvider;
use creds_testkit::{Method, TestServer};

use crate::support::*;

#[test]
fn the_handler_is_registered_once_at_its_priority() {
    let handlers: Vec<_> = registry::profile_handlers()
        .into_iter()
        .filter(|h| h.name() == "login")
        .collect();
    assert_eq!(handlers.len(), 1);
    assert_eq!(handlers[0].priority(), priority::LOGIN);
    assert_eq!(handlers[0].origin().crate_name(), "creds-login");
    registry::check().unwrap();
}

#[tokio::test]
async fn a_login_profile_through_the_profile_provider_is_cached_and_refreshed() {
    let server = TestServer::start().await;
    server.route(Method::POST, "/v1/token", refreshed("ASIANEW", Some(900)));
    let clock = clock();
    let config = signin_world(&server.url(), &cache_file(900), &clock).with_profile_name("dev");
    let provider = ProfileProvider::new(&config);
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAOLD");
    assert_eq!(creds.provider_name(), "login");

    // Another process refreshes the file while the cache holds the old credentials;
    // when they come due the file's are used, without a call.
    let other = serde_json::to_string(&cache_doc("ASIAOTHER", &at(1800), P256)).unwrap();
    config
        .fs()
        .write_atomic(std::path::Path::new(CACHE_FILE), other.as_bytes())
        .unwrap();
    clock.advance(Duration::from_secs(660));
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAOTHER");
    assert_eq!(server.request_count(), 0);

    // Then they come due with nobody else refreshing: one call.
    clock.advance(Duration::from_secs(1800 - 660 - 60));
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIANEW");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_broken_login_profile_stops_the_chain() {
    let clock = clock();
    let config = world(&[], &[], &clock).with_profile_name("dev");
    let err = ProfileProvider::new(&config)
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), creds_core::ErrorKind::InvalidConfig, "{err}");
    assert!(err.message().contains("aws login"), "{err}");
}
