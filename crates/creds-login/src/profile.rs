//! The registration: the handler of `login_session` profiles.

use std::sync::Arc;

use creds_core::profile::{Profile, ProfileSet};
use creds_core::registry::{ProfileHandler, priority};
use creds_core::{
    CredentialsCacheBuilder, CredentialsError, ProviderConfig, SharedProvider, inventory,
};

use crate::NAME;
use crate::provider::{KEY, LoginProvider};

/// Profiles with `login_session`, whatever its value: an empty one is this handler's
/// error to report, not a reason for another handler (or instance metadata) to step
/// in.
fn claims(profile: &Profile) -> bool {
    profile.property(KEY).is_some()
}

/// The profile's provider behind a cache of its own, so that the file is read again
/// only when the credentials come close to expiring, and one refresh runs at a time.
fn build(
    config: &ProviderConfig,
    _profiles: &ProfileSet,
    profile: &Profile,
) -> Result<SharedProvider, CredentialsError> {
    let provider = LoginProvider::from_profile(config, profile)?;
    Ok(Arc::new(
        CredentialsCacheBuilder::for_config(config).build(provider),
    ))
}

inventory::submit! { ProfileHandler::new(NAME, priority::LOGIN, claims, build) }
