//! Two crates registering the provider name `json-file`: this crate, and a second
//! registration standing for another crate that chose the same name. A binary of its
//! own, because a conflict fails every use of the registry in the process.

use std::sync::Arc;

use creds::core::inventory;
use creds::core::registry::{self, ProviderFactory, order};
use creds::{Credentials, Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig, SharedProvider};

fn other(_: &ProviderConfig) -> Option<SharedProvider> {
    Some(Arc::new(Credentials::from_keys(
        "AKIDOTHER",
        "other-secret",
        "json-file",
    )))
}

inventory::submit! { ProviderFactory::new("json-file", order::ENVIRONMENT + 60, other) }

#[test]
fn a_second_json_file_provider_fails_the_chain_and_the_profiles_naming_both() {
    creds_example_json_file::link();
    let err = registry::check().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let message = err.message();
    assert!(
        message.starts_with("two crates register the provider 'json-file': "),
        "{message}"
    );
    // Both, by crate, file and line.
    assert!(
        message.contains("custom-provider (examples/custom-provider/src/registration.rs:"),
        "{message}"
    );
    assert!(message.contains("tests/conflict.rs:"), "{message}");
    assert!(
        message.ends_with(
            "link only one of them (check the features of `creds` and of your dependencies)"
        ),
        "{message}"
    );

    let config = ProviderConfig::empty()
        .with_env(Env::from_pairs([
            ("HOME", "/home/me"),
            ("JSON_CREDENTIALS_FILE", "/run/creds.json"),
        ]))
        .with_fs(Fs::from_files([
            (
                "/run/creds.json",
                r#"{"AccessKeyId": "ASIAJSON", "SecretAccessKey": "json-secret"}"#,
            ),
            (
                "/home/me/.aws/credentials",
                "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n",
            ),
        ]));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    // The default chain: one entry that fails with the conflict; neither provider ran.
    let chain = creds::DefaultChain::builder()
        .config(config.clone())
        .build_chain();
    let (result, trace) = runtime.block_on(chain.provide_traced());
    let failure = result.unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::InvalidConfig);
    assert_eq!(failure.message(), message);
    assert_eq!(trace.entries().len(), 1);
    assert!(!format!("{trace:?}").contains("AKID"));

    // The profiles too, whatever kind they are.
    let profile = creds::ProfileProvider::builder().config(config).build();
    let failure = runtime.block_on(profile.provide_credentials()).unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::InvalidConfig);
    assert_eq!(failure.message(), message);
}
