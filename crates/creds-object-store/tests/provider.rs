//! Through object_store's `CredentialProvider` trait.

use std::sync::Arc;

use creds::{DefaultChain, Env, Fs, ProviderConfig};
use creds_core::{Credentials, CredentialsCache, ProvideCredentials as _};
use creds_object_store::S3CredentialProvider;
use creds_testkit::{assert_no_secret, clock_at};
use object_store::CredentialProvider;
use object_store::aws::{AwsCredential, AwsCredentialProvider};

use crate::support::{SECRET, Scripted, TOKEN, temporary};

#[tokio::test]
async fn keys_and_token_are_carried_over() {
    let provider = S3CredentialProvider::new(temporary("ASIAEXAMPLE", "2026-01-01T01:00:00Z"));
    let aws = provider.get_credential().await.unwrap();
    assert_eq!(
        *aws,
        AwsCredential {
            key_id: "ASIAEXAMPLE".to_owned(),
            secret_key: SECRET.to_owned(),
            token: Some(TOKEN.to_owned()),
        }
    );
    assert_no_secret(&format!("{aws:?} {provider:?}"), &[SECRET, TOKEN]);
}

#[tokio::test]
async fn long_lived_keys_have_no_token() {
    let provider = S3CredentialProvider::new(Credentials::from_keys("AKIDEXAMPLE", SECRET, "env"));
    let aws = provider.get_credential().await.unwrap();
    assert_eq!(aws.key_id, "AKIDEXAMPLE");
    assert_eq!(aws.secret_key, SECRET);
    assert_eq!(aws.token, None);
}

#[tokio::test]
async fn the_same_credentials_give_the_same_aws_credential() {
    let scripted = Arc::new(Scripted::new(vec![
        Ok(temporary("ASIAFIRST", "2026-01-01T01:00:00Z")),
        // Equal but not the same allocation: still the kept copy.
        Ok(temporary("ASIAFIRST", "2026-01-01T01:00:00Z")),
        // Refreshed: a new copy.
        Ok(temporary("ASIASECOND", "2026-01-01T02:00:00Z")),
        // The same keys with a new expiration are new credentials too.
        Ok(temporary("ASIASECOND", "2026-01-01T03:00:00Z")),
    ]));
    let provider = S3CredentialProvider::new(Arc::clone(&scripted));
    let first = provider.get_credential().await.unwrap();
    let again = provider.get_credential().await.unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    let second = provider.get_credential().await.unwrap();
    assert_eq!(second.key_id, "ASIASECOND");
    assert!(!Arc::ptr_eq(&first, &second));
    let third = provider.get_credential().await.unwrap();
    assert_eq!(*third, *second);
    assert!(!Arc::ptr_eq(&second, &third));
    // A bare provider is asked on every request: why `cached` exists.
    assert_eq!(scripted.calls(), 4);
}

#[tokio::test]
async fn cached_fetches_once_for_many_requests() {
    let scripted = Arc::new(Scripted::new(vec![Ok(temporary(
        "ASIAEXAMPLE",
        "2999-01-01T00:00:00Z",
    ))]));
    let provider = S3CredentialProvider::cached(Arc::clone(&scripted));
    let first = provider.get_credential().await.unwrap();
    for _ in 0..10 {
        assert!(Arc::ptr_eq(
            &first,
            &provider.get_credential().await.unwrap()
        ));
    }
    assert_eq!(scripted.calls(), 1);
    assert_eq!(provider.get_ref().name(), "scripted");
}

#[tokio::test]
async fn a_cache_refresh_reaches_object_store() {
    let clock = clock_at("2026-01-01T00:00:00Z");
    let scripted = Arc::new(Scripted::new(vec![
        Ok(temporary("ASIAFIRST", "2026-01-01T01:00:00Z")),
        Ok(temporary("ASIASECOND", "2026-01-01T02:00:00Z")),
    ]));
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .build(Arc::clone(&scripted));
    let provider = S3CredentialProvider::new(cache);
    assert_eq!(provider.get_credential().await.unwrap().key_id, "ASIAFIRST");
    // Past the mandatory window: the next request waits for the refresh.
    clock.advance(std::time::Duration::from_secs(3590));
    assert_eq!(
        provider.get_credential().await.unwrap().key_id,
        "ASIASECOND"
    );
    assert_eq!(scripted.calls(), 2);
}

#[tokio::test]
async fn the_default_chain_over_an_injected_world() {
    let config = ProviderConfig::empty()
        .with_env(Env::from_pairs([
            ("HOME", "/home/me"),
            ("AWS_PROFILE", "data"),
        ]))
        .with_fs(Fs::from_files([(
            "/home/me/.aws/credentials",
            format!(
                "[data]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = {SECRET}\n\
                 aws_session_token = {TOKEN}\n"
            ),
        )]));
    let provider = S3CredentialProvider::new(DefaultChain::builder().config(config).build());
    let aws = provider.get_credential().await.unwrap();
    assert_eq!(aws.key_id, "AKIDPROFILE");
    assert_eq!(aws.secret_key, SECRET);
    assert_eq!(aws.token.as_deref(), Some(TOKEN));
    assert_no_secret(&format!("{provider:?} {provider:#?}"), &[SECRET, TOKEN]);
}

#[test]
fn it_is_what_amazon_s3_builder_takes() {
    let provider = S3CredentialProvider::new(temporary("ASIAEXAMPLE", "2026-01-01T01:00:00Z"));
    assert_no_secret(&format!("{provider:?} {provider:#?}"), &[SECRET, TOKEN]);
    let shared: AwsCredentialProvider = Arc::new(provider);
    let builder = object_store::aws::AmazonS3Builder::new().with_credentials(shared);
    assert_no_secret(&format!("{builder:?}"), &[SECRET, TOKEN]);
    let provider = S3CredentialProvider::new(Credentials::from_keys("AKID", SECRET, "env"));
    assert_eq!(provider.into_inner().access_key_id(), "AKID");
}
