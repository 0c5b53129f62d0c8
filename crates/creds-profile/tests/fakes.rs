//! Registry entries that stand in for creds-sts and other provider crates.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use creds_core::profile::{Profile, ProfileSet};
use creds_core::registry::{CredentialSource, ProfileHandler, RoleAssumer};
use creds_core::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, ProviderConfig,
    SharedProvider, inventory,
};

/// "Assumes" a role: fetches the source credentials and answers with an access key id
/// that records the hop, `role_arn<-source_key_id`.
#[derive(Debug)]
struct FakeRole {
    role_arn: String,
    source: SharedProvider,
}

impl ProvideCredentials for FakeRole {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let source = self.source.provide_credentials().await?;
            Ok(Credentials::builder()
                .access_key_id(format!("{}<-{}", self.role_arn, source.access_key_id()))
                .secret_access_key("ROLESECRET")
                .session_token("ROLETOKEN")
                .provider_name("fake-sts")
                .build())
        })
    }

    fn name(&self) -> &'static str {
        "fake-sts"
    }
}

/// How many times each role ARN's hop was built, for the tests that count builds.
static BUILDS: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

/// How many times the hop of `role_arn` was built.
pub(crate) fn builds_of(role_arn: &str) -> usize {
    BUILDS.lock().unwrap().get(role_arn).copied().unwrap_or(0)
}

fn assume(
    _config: &ProviderConfig,
    _profiles: &ProfileSet,
    profile: &Profile,
    source: SharedProvider,
) -> Result<SharedProvider, CredentialsError> {
    let role_arn = profile.get("role_arn").unwrap_or_default().to_owned();
    *BUILDS.lock().unwrap().entry(role_arn.clone()).or_default() += 1;
    Ok(Arc::new(FakeRole { role_arn, source }))
}

inventory::submit! { RoleAssumer::new("fake-sts", assume) }

fn claims_fake(profile: &Profile) -> bool {
    profile.get("fake_kind").is_some()
}

fn build_fake(
    _config: &ProviderConfig,
    _profiles: &ProfileSet,
    profile: &Profile,
) -> Result<SharedProvider, CredentialsError> {
    let id = format!("fake:{}", profile.get("fake_kind").unwrap_or_default());
    Ok(Arc::new(Credentials::from_keys(
        id,
        "FAKESECRET",
        "fake-kind",
    )))
}

inventory::submit! { ProfileHandler::new("fake-kind", 100, claims_fake, build_fake) }

fn environment_source(_config: &ProviderConfig) -> Result<SharedProvider, CredentialsError> {
    Ok(Arc::new(Credentials::from_keys(
        "ENVSOURCE",
        "ENVSECRET",
        "fake-env",
    )))
}

inventory::submit! { CredentialSource::new("Environment", environment_source) }
