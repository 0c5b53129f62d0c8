//! A profile's chain of providers is built at the first fetch and kept: built again
//! only when the files change or on `reload`.

use std::path::Path;
use std::time::Duration;

use creds_core::{CredentialsCache, Env, Fs, ManualClock, ProvideCredentials, ProviderConfig};
use creds_profile::ProfileProvider;

use crate::fakes::builds_of;

const CONFIG: &str = "/home/me/.aws/config";

fn config_text(role: &str) -> String {
    format!(
        "[profile dev]\nrole_arn = {role}\nsource_profile = base\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = BASESECRET\n"
    )
}

#[tokio::test(flavor = "current_thread")]
async fn ten_refreshes_build_the_chain_once_and_an_edit_builds_it_again() {
    let role = "arn:aws:iam::123456789012:role/built-once";
    let edited = "arn:aws:iam::123456789012:role/built-once-edited";
    let fs = Fs::from_files([(CONFIG, config_text(role))]);
    let clock = ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap());
    let config = ProviderConfig::empty()
        .with_env(Env::from_pairs([("HOME", "/home/me")]))
        .with_fs(fs.clone())
        .with_clock(clock.clone())
        .with_profile_name("dev");
    let provider = ProfileProvider::new(&config);
    // The fake role's credentials carry no expiration: the cache gives them 15 minutes.
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .expire_after(Duration::from_secs(15 * 60))
        .build(provider.clone());

    for _ in 0..10 {
        let creds = cache.provide_credentials().await.unwrap();
        assert_eq!(creds.access_key_id(), format!("{role}<-AKIDBASE"));
        clock.advance(Duration::from_secs(20 * 60));
    }
    assert_eq!(
        builds_of(role),
        1,
        "10 refreshes built the chain more than once"
    );

    // The file is edited: the next fetch builds the new chain, once.
    fs.write_atomic(Path::new(CONFIG), config_text(edited).as_bytes())
        .unwrap();
    for _ in 0..3 {
        let creds = cache.provide_credentials().await.unwrap();
        assert_eq!(creds.access_key_id(), format!("{edited}<-AKIDBASE"));
        clock.advance(Duration::from_secs(20 * 60));
    }
    assert_eq!(builds_of(edited), 1);
    assert_eq!(builds_of(role), 1);

    // reload() builds it again at the next fetch.
    provider.reload();
    provider.provide_credentials().await.unwrap();
    provider.provide_credentials().await.unwrap();
    assert_eq!(builds_of(edited), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn ignore_cache_builds_at_every_fetch() {
    let role = "arn:aws:iam::123456789012:role/ignore-cache";
    let config = ProviderConfig::empty()
        .with_env(Env::from_pairs([("HOME", "/home/me")]))
        .with_fs(Fs::from_files([(CONFIG, config_text(role))]));
    let provider = ProfileProvider::builder()
        .config(config)
        .profile_name("dev")
        .ignore_cache(true)
        .build();
    for _ in 0..3 {
        provider.provide_credentials().await.unwrap();
    }
    assert_eq!(builds_of(role), 3);
}
