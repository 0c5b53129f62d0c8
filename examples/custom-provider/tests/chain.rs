//! The default chain: the provider in its place, after the environment keys and before
//! the shared files, watching its file, behind the cache.

use std::path::Path;
use std::time::Duration;

use creds::core::registry;
use creds::{ErrorKind, Outcome, ProvideCredentials};
use creds_example_json_file::{
    CREDENTIAL_SOURCE, ENV_VAR, JsonFileProvider, NAME, ORDER, PRIORITY, RECHECK_AFTER,
};
use creds_testkit::expect_credentials;

use crate::support::*;

#[test]
fn it_registers_its_provider_handler_and_source_in_their_places() {
    creds_example_json_file::link();
    assert!(registry_is_sound());
    assert_eq!(ORDER, registry::order::ENVIRONMENT + 50);

    let factories = registry::provider_factories();
    let at = |name: &str| {
        factories
            .iter()
            .position(|f| f.name() == name)
            .unwrap_or_else(|| panic!("{name} is not registered"))
    };
    assert!(at("environment") < at(NAME) && at(NAME) < at("profile"));
    let ours = factories[at(NAME)];
    assert_eq!(ours.order(), ORDER);
    assert!(
        ours.origin().file().ends_with("src/registration.rs"),
        "{}",
        ours.origin()
    );
    assert!(creds::linked_providers().contains(&NAME));

    // Asked last, after every handler of the creds crates.
    let handlers: Vec<_> = registry::profile_handlers()
        .iter()
        .map(|h| (h.name(), h.priority()))
        .collect();
    assert_eq!(handlers.last(), Some(&(NAME, PRIORITY)), "{handlers:?}");
    assert!(handlers.contains(&("process", registry::priority::PROCESS)));

    assert!(registry::credential_source(CREDENTIAL_SOURCE).is_some());
}

#[tokio::test]
async fn the_file_comes_after_the_environment_keys_and_before_the_profile() {
    let file = document("ASIAJSON", Some(&after_t0(3600)));
    let credentials = default_profile();
    let files = [(FILE, file.as_str()), (CREDENTIALS, credentials.as_str())];
    let config = world(&files, &[(ENV_VAR, FILE)], &clock());

    let chain = default_chain(&config);
    let names = names(&chain);
    assert_eq!(&names[..3], ["environment", NAME, "profile"], "{names:?}");
    let (result, trace) = chain.provide_traced().await;
    let creds = expect_credentials(result, SECRETS);
    assert_eq!(creds.access_key_id(), "ASIAJSON");
    assert_eq!(creds.secret_access_key(), SECRET);
    assert_eq!(creds.session_token(), Some(TOKEN));
    assert_eq!(creds.provider_name(), NAME);
    assert_eq!(creds.expiration().unwrap().to_string(), after_t0(3600));
    assert_eq!(creds.origin(), Some(&*format!("{FILE} ({ENV_VAR})")));
    let entries = trace.entries();
    assert_eq!(entries.len(), 2, "{trace:?}");
    assert!(matches!(entries[0].outcome, Outcome::NotConfigured(_)));
    assert_eq!(entries[1].provider, NAME);
    assert!(matches!(entries[1].outcome, Outcome::Found(_)));
    creds_testkit::assert_no_secret(&format!("{chain:?} {trace:?}"), SECRETS);

    // The environment keys come first, as in every SDK.
    let config = world(
        &files,
        &[
            (ENV_VAR, FILE),
            ("AWS_ACCESS_KEY_ID", "AKIDENV"),
            ("AWS_SECRET_ACCESS_KEY", "env-secret"),
        ],
        &clock(),
    );
    let (result, trace) = default_chain(&config).provide_traced().await;
    assert_eq!(result.unwrap().access_key_id(), "AKIDENV");
    assert_eq!(trace.entries().len(), 1);
}

#[tokio::test]
async fn without_the_variable_the_chain_moves_on_to_the_profile() {
    let credentials = default_profile();
    let config = world(&[(CREDENTIALS, &credentials)], &[], &clock());
    let (result, trace) = default_chain(&config).provide_traced().await;
    assert_eq!(result.unwrap().access_key_id(), "AKIDPROFILE");
    let Outcome::NotConfigured(why) = &trace.entries()[1].outcome else {
        panic!("{trace:?}");
    };
    assert_eq!(why.provider(), NAME);
    assert_eq!(why.message(), "JSON_CREDENTIALS_FILE is not set");

    // Blank is unset.
    let config = world(&[(CREDENTIALS, &credentials)], &[(ENV_VAR, "  ")], &clock());
    let (result, _) = default_chain(&config).provide_traced().await;
    assert_eq!(result.unwrap().access_key_id(), "AKIDPROFILE");
}

#[tokio::test]
async fn a_profile_named_by_the_program_skips_the_file_as_it_skips_the_environment_keys() {
    let file = document("ASIAJSON", None);
    let credentials =
        format!("[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = {PROFILE_SECRET}\n");
    let config = world(
        &[(FILE, &file), (CREDENTIALS, &credentials)],
        &[(ENV_VAR, FILE)],
        &clock(),
    );
    creds_example_json_file::link();
    let chain = creds::DefaultChain::builder()
        .config(config.clone())
        .profile_name("work")
        .build_chain();
    assert!(!names(&chain).contains(&NAME), "{:?}", names(&chain));
    assert_eq!(
        chain.provide_credentials().await.unwrap().access_key_id(),
        "AKIDWORK"
    );

    // Named by AWS_PROFILE, the profile is not explicit: the file still comes first.
    let config = world(
        &[(FILE, &file), (CREDENTIALS, &credentials)],
        &[(ENV_VAR, FILE), ("AWS_PROFILE", "work")],
        &clock(),
    );
    let creds = default_chain(&config).provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAJSON");
}

#[tokio::test]
async fn an_edited_file_is_seen_at_the_next_fetch_of_the_provider() {
    let fs_file = document("ASIAFIRST", None);
    let config = world(&[(FILE, &fs_file)], &[], &clock());
    let provider = JsonFileProvider::new(&config, FILE);
    let first = provider.provide_credentials().await.unwrap();
    assert_eq!(first.access_key_id(), "ASIAFIRST");
    // Unchanged: the same credentials.
    assert_eq!(provider.provide_credentials().await.unwrap(), first);

    let path = Path::new(FILE);
    config
        .fs()
        .write_atomic(path, document("ASIASECOND", None).as_bytes())
        .unwrap();
    let second = provider.provide_credentials().await.unwrap();
    assert_eq!(second.access_key_id(), "ASIASECOND");

    // Removed: the provider says so, and does not serve what it read before.
    config.fs().remove_file(path).unwrap();
    let err = provider.provide_credentials().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("does not exist"), "{err}");
}

#[tokio::test]
async fn behind_the_default_chains_cache_a_file_without_expiration_is_looked_at_again_after_a_minute()
 {
    let clock = clock();
    let config = world(
        &[(FILE, &document("ASIAFIRST", None))],
        &[(ENV_VAR, FILE)],
        &clock,
    );
    creds_example_json_file::link();
    let provider = creds::DefaultChain::builder()
        .config(config.clone())
        .build();
    let first = provider.provide_credentials().await.unwrap();
    assert_eq!(first.access_key_id(), "ASIAFIRST");
    assert_eq!(first.expiration().unwrap().to_string(), after_t0(60));
    assert_eq!(RECHECK_AFTER, Duration::from_secs(60));

    config
        .fs()
        .write_atomic(Path::new(FILE), document("ASIASECOND", None).as_bytes())
        .unwrap();
    // Cached for now: a fetch costs nothing.
    clock.advance(Duration::from_secs(5));
    assert_eq!(
        provider
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIAFIRST"
    );
    // Past the recheck: the new file.
    clock.advance(Duration::from_secs(60));
    let second = provider.provide_credentials().await.unwrap();
    assert_eq!(second.access_key_id(), "ASIASECOND");
    assert_eq!(second.expiration().unwrap().to_string(), after_t0(65 + 60));
}

#[tokio::test]
async fn credentials_that_expire_are_refreshed_from_the_file_before_they_do() {
    let clock = clock();
    let config = world(
        &[(FILE, &document("ASIAFIRST", Some(&after_t0(3600))))],
        &[(ENV_VAR, FILE)],
        &clock,
    );
    let provider = JsonFileProvider::from_env(&config).cached();
    assert_eq!(
        provider
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIAFIRST"
    );
    // The writer refreshes the file half an hour before expiry.
    clock.advance(Duration::from_secs(1800));
    config
        .fs()
        .write_atomic(
            Path::new(FILE),
            document("ASIASECOND", Some(&after_t0(7200))).as_bytes(),
        )
        .unwrap();
    assert_eq!(
        provider
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIAFIRST"
    );
    // Inside the mandatory window (a minute before expiry): the cache asks again.
    clock.advance(Duration::from_secs(1800 - 30));
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIASECOND");
    assert_eq!(creds.expiration().unwrap().to_string(), after_t0(7200));
}
