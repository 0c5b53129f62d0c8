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
/// profile skipped for the next source.
fn claims(profile: &Profile) -> bool {
    [
        "sso_session",
        "sso_start_url",
        "sso_account_id",
        "sso_role_name",
    ]
    .iter()
    .any(|key| profile.property(key).is_some())
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
