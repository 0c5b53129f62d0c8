//! What the SDK gets on success.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::{ProvideCredentials as _, SharedCredentialsProvider};
use creds::{DefaultChain, Env, Fs, ProviderConfig};
use creds_aws_sdk::{NAME, SdkCredentialsProvider};
use creds_core::{Credentials, CredentialsCache};
use creds_testkit::{assert_no_secret, clock_at};

use crate::support::{SECRET, Scripted, TOKEN, full_credentials};

#[tokio::test]
async fn every_field_is_carried_over() {
    let provider = SdkCredentialsProvider::new(full_credentials());
    let sdk = provider.provide_credentials().await.unwrap();
    assert_eq!(sdk.access_key_id(), "ASIAEXAMPLE");
    assert_eq!(sdk.secret_access_key(), SECRET);
    assert_eq!(sdk.session_token(), Some(TOKEN));
    assert_eq!(sdk.account_id().unwrap().as_str(), "123456789012");
    // 2026-01-01T00:15:00Z
    assert_eq!(
        sdk.expiry(),
        Some(UNIX_EPOCH + Duration::from_secs(1_767_225_600 + 15 * 60))
    );
    let debug = format!("{sdk:?}");
    assert!(debug.contains("provider_name: \"sts\""), "{debug}");
    assert_no_secret(&debug, &[SECRET, TOKEN]);
}

#[tokio::test]
async fn sub_second_expirations_are_kept() {
    let creds = full_credentials()
        .to_builder()
        .expiration("2026-01-01T00:15:00.250Z".parse().unwrap())
        .build();
    let sdk = SdkCredentialsProvider::new(creds)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(
        sdk.expiry(),
        Some(UNIX_EPOCH + Duration::from_millis((1_767_225_600 + 15 * 60) * 1000 + 250))
    );
}

#[tokio::test]
async fn long_lived_keys_have_no_token_expiry_or_account() {
    let creds = Credentials::from_keys("AKIDEXAMPLE", SECRET, "environment");
    let sdk = SdkCredentialsProvider::new(creds)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(sdk.access_key_id(), "AKIDEXAMPLE");
    assert_eq!(sdk.session_token(), None);
    assert_eq!(sdk.expiry(), None);
    assert!(sdk.account_id().is_none());
    assert!(format!("{sdk:?}").contains("provider_name: \"environment\""));
}

#[tokio::test]
async fn credentials_without_a_provider_name_are_named_creds() {
    let creds = Credentials::builder()
        .access_key_id("AKIDEXAMPLE")
        .secret_access_key(SECRET)
        .build();
    let sdk = SdkCredentialsProvider::new(creds)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(NAME, "creds");
    assert!(format!("{sdk:?}").contains("provider_name: \"creds\""));
}

#[tokio::test]
async fn each_sdk_call_asks_the_creds_provider() {
    let second = full_credentials()
        .to_builder()
        .access_key_id("ASIASECOND")
        .build();
    let scripted = Arc::new(Scripted::new(vec![Ok(full_credentials()), Ok(second)]));
    let provider = SdkCredentialsProvider::new(Arc::clone(&scripted));
    assert_eq!(
        provider
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIAEXAMPLE"
    );
    assert_eq!(
        provider
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIASECOND"
    );
    assert_eq!(scripted.calls(), 2);
}

#[tokio::test]
async fn a_creds_cache_underneath_fetches_once() {
    let scripted = Arc::new(Scripted::new(vec![Ok(full_credentials())]));
    let cache = CredentialsCache::builder()
        .clock(clock_at("2026-01-01T00:00:00Z"))
        .build(Arc::clone(&scripted));
    let provider = SharedCredentialsProvider::new(SdkCredentialsProvider::new(cache));
    for _ in 0..3 {
        let sdk = provider.provide_credentials().await.unwrap();
        assert_eq!(sdk.session_token(), Some(TOKEN));
    }
    assert_eq!(scripted.calls(), 1);
}

#[tokio::test]
async fn the_default_chain_over_an_injected_world() {
    let config = ProviderConfig::empty()
        .with_env(Env::from_pairs([
            ("HOME", "/home/me"),
            ("AWS_PROFILE", "demo"),
        ]))
        .with_fs(Fs::from_files([(
            "/home/me/.aws/credentials",
            format!(
                "[demo]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = {SECRET}\n\
                 aws_session_token = {TOKEN}\naws_account_id = 210987654321\n"
            ),
        )]));
    let provider = SdkCredentialsProvider::new(DefaultChain::builder().config(config).build());
    let sdk = provider.provide_credentials().await.unwrap();
    assert_eq!(sdk.access_key_id(), "AKIDPROFILE");
    assert_eq!(sdk.secret_access_key(), SECRET);
    assert_eq!(sdk.session_token(), Some(TOKEN));
    assert_eq!(sdk.account_id().unwrap().as_str(), "210987654321");
    assert!(sdk.expiry().is_none());
    assert_no_secret(&format!("{provider:?} {sdk:?}"), &[SECRET, TOKEN]);
}

#[test]
fn the_provider_hides_secrets_and_goes_where_the_sdk_wants_one() {
    let provider = SdkCredentialsProvider::new(full_credentials());
    assert_no_secret(&format!("{provider:?} {provider:#?}"), &[SECRET, TOKEN]);
    assert_eq!(provider.get_ref().access_key_id(), "ASIAEXAMPLE");
    let shared = SharedCredentialsProvider::new(provider.clone());
    assert_no_secret(&format!("{shared:?}"), &[SECRET, TOKEN]);
    assert_eq!(provider.into_inner(), full_credentials());
    // Expirations come out as SystemTime, comparable with the SDK's clock.
    let expiry: SystemTime = full_credentials().expiration().unwrap().into();
    assert!(expiry > UNIX_EPOCH);
}
