//! Two registrations of one name: a binary of its own, because a conflict fails every
//! use of the registry in the process.

use std::sync::Arc;

use creds_core::registry::{self, ProviderFactory, order};
use creds_core::{
    Credentials, CredentialsChain, ErrorKind, ProviderConfig, SharedProvider, inventory,
};

fn first(_: &ProviderConfig) -> Option<SharedProvider> {
    Some(Arc::new(Credentials::from_keys("AKIDFIRST", "S1", "first")))
}

fn second(_: &ProviderConfig) -> Option<SharedProvider> {
    Some(Arc::new(Credentials::from_keys(
        "AKIDSECOND",
        "S2",
        "second",
    )))
}

inventory::submit! { ProviderFactory::new("vault", order::ENVIRONMENT + 10, first) }
inventory::submit! { ProviderFactory::new("vault", order::ENVIRONMENT + 20, second) }

#[test]
fn a_name_registered_twice_fails_the_default_chain_naming_both() {
    let err = registry::check().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let message = err.to_string();
    assert!(
        message.contains("two crates register the provider 'vault'"),
        "{message}"
    );
    // Both registrations, by file and line.
    assert_eq!(
        message.matches("registry_conflict.rs:").count(),
        2,
        "{message}"
    );

    let chain = CredentialsChain::from_registry(&ProviderConfig::empty());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (result, trace) = runtime.block_on(chain.provide_traced());
    let failure = result.unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::InvalidConfig);
    assert_eq!(failure.message(), err.message());
    assert_eq!(trace.entries().len(), 1);
    // Neither of the two ran.
    assert!(!format!("{trace:?}").contains("AKID"));
}
