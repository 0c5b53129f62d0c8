//! How this crate joins `creds`: a place in the default chain, a kind of profile and a
//! `credential_source`, registered with [`inventory::submit!`] as any third-party crate
//! does, without a change to any `creds` crate.

use std::sync::Arc;

use creds_core::profile::{Profile, ProfileSet};
use creds_core::registry::{CredentialSource, ProfileHandler, ProviderFactory, order, priority};
use creds_core::{CredentialsError, ProfileSource, ProviderConfig, SharedProvider, inventory};

use crate::provider::{JsonFileProvider, NAME};

/// The place of [`JsonFileProvider`] in the default chain: right after the environment
/// keys, before the shared files.
///
/// - **After [`order::ENVIRONMENT`]**: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
///   come first in every SDK, and a program that has them must get the identity that
///   every other AWS tool in the same environment gets.
/// - **Before [`order::PROFILE`]**: [`ENV_VAR`](crate::ENV_VAR) is, like the keys, set
///   for one process or one deployment, which is more specific than the shared files
///   that every program of the user reads; after the profile, a `default` profile
///   would always shadow it. Before web identity, the container endpoint and instance
///   metadata for the same reason: those are what the machine offers anyone.
///
/// The gap of 50 leaves room on both sides for other crates. Like the environment keys,
/// it sits the chain out when the program names a profile explicitly (`--profile`,
/// [`with_profile_name`](ProviderConfig::with_profile_name)): that means "use this
/// profile", which [`PROFILE_KEY`] then can.
pub const ORDER: u32 = order::ENVIRONMENT + 50;

/// The priority of the `json_credentials_file` profile handler: after every handler of
/// the `creds` crates ([`priority::PROCESS`] is the last).
///
/// A handler's priority only matters for a profile that two handlers claim. The aws
/// CLI and the SDKs do not know `json_credentials_file`, so a profile that also sets
/// `credential_process`, `sso_session` or `web_identity_token_file` means that to
/// them; asked last, this handler leaves such a profile to the handler that gives the
/// identity every other AWS tool gives, and claims only the profiles that nothing else
/// would. (Static keys in the profile win before any handler is asked: creds-profile
/// checks them first.)
pub const PRIORITY: u32 = priority::PROCESS + 100;

/// The profile key that names a JSON credentials file: `json_credentials_file = PATH`.
/// The path is used as written (relative paths are relative to the working directory).
pub const PROFILE_KEY: &str = "json_credentials_file";

/// The `credential_source` of role profiles that this crate answers to: the file that
/// [`ENV_VAR`](crate::ENV_VAR) names, as `credential_source = Environment` is the
/// environment keys.
pub const CREDENTIAL_SOURCE: &str = "JsonCredentialsFile";

const _: () = assert!(order::ENVIRONMENT < ORDER && ORDER < order::PROFILE);
const _: () = assert!(priority::PROCESS < PRIORITY);

/// The default chain's entry: the file [`ENV_VAR`](crate::ENV_VAR) names, cached.
fn default_chain_entry(config: &ProviderConfig) -> Option<SharedProvider> {
    // An explicitly named profile means "use that profile", as for the environment keys.
    if config.selected_profile().source == ProfileSource::Explicit {
        return None;
    }
    Some(Arc::new(JsonFileProvider::from_env(config).cached()))
}

/// Claims every profile that sets the key, an empty one too, so that it is reported as
/// empty rather than as a profile without credentials.
fn claims(profile: &Profile) -> bool {
    profile.property(PROFILE_KEY).is_some()
}

fn build(
    config: &ProviderConfig,
    _profiles: &ProfileSet,
    profile: &Profile,
) -> Result<SharedProvider, CredentialsError> {
    let property = profile.property(PROFILE_KEY).ok_or_else(|| {
        CredentialsError::not_configured(
            NAME,
            format!("profile '{}' has no {PROFILE_KEY}", profile.name()),
        )
    })?;
    let path = property.value().trim();
    if path.is_empty() {
        return Err(CredentialsError::invalid_config(
            NAME,
            format!(
                "{PROFILE_KEY} of profile '{}' is empty; set the path of the file, or remove the line",
                profile.name()
            ),
        )
        .with_location(property.location().clone()));
    }
    let provider =
        JsonFileProvider::from_profile(config, path, profile.name(), property.location());
    Ok(Arc::new(provider.cached()))
}

fn credential_source(config: &ProviderConfig) -> Result<SharedProvider, CredentialsError> {
    Ok(Arc::new(JsonFileProvider::from_env(config).cached()))
}

inventory::submit! { ProviderFactory::new(NAME, ORDER, default_chain_entry) }
inventory::submit! { ProfileHandler::new(NAME, PRIORITY, claims, build) }
inventory::submit! { CredentialSource::new(CREDENTIAL_SOURCE, credential_source) }

/// Makes sure this crate is linked into the program that calls it, so that its
/// registrations are there: inventory sees only the crates a program references, and
/// a crate that is only a dependency in `Cargo.toml` is silently left out. A binary
/// that wants this provider in its default chain calls it (it costs nothing at run
/// time):
///
/// ```
/// creds_example_json_file::link();
/// let names: Vec<_> = creds_core::registry::provider_factories().iter().map(|f| f.name()).collect();
/// assert!(names.contains(&"json-file"));
/// ```
pub fn link() {
    std::hint::black_box(default_chain_entry as fn(&ProviderConfig) -> Option<SharedProvider>);
}
