//! The registration: the handler of SSO profiles (`sso_session`, or `sso_start_url`
//! and the other `sso_*` keys of the legacy form).

use std::sync::Arc;

use creds_core::profile::{Profile, ProfileSet};
use creds_core::registry::{ProfileHandler, priority};
use creds_core::{
    CredentialsCacheBuilder, CredentialsError, ProviderConfig, SharedProvider, inventory,
};

use crate::NAME;
use crate::provider::SsoProvider;

/// Profiles with any `sso_*` key the SDKs read as SSO (the JavaScript SDK's
/// `isSsoProfile`): a half-written one is an error that names what is missing, never a
/// profile skipped for the next source. One exception: `sso_session` alone beside
/// `login_session` is an `aws login` profile that names an SSO session for tokens
/// (which `aws login` accepts, and botocore then resolves with the login session).
fn claims(profile: &Profile) -> bool {
    let has = |key: &str| profile.property(key).is_some();
    [
        "sso_start_url",
        "sso_account_id",
        "sso_role_name",
        "sso_region",
    ]
    .iter()
    .any(|key| has(key))
        || (has("sso_session") && !has("login_session"))
}

fn build(
    config: &ProviderConfig,
    profiles: &ProfileSet,
    profile: &Profile,
) -> Result<SharedProvider, CredentialsError> {
    let provider = SsoProvider::from_profile(config, profiles, profile)?;
    Ok(Arc::new(
        CredentialsCacheBuilder::for_config(config).build(provider),
    ))
}

inventory::submit! { ProfileHandler::new(NAME, priority::SSO, claims, build) }
