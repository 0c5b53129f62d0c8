//! `credential_process` in the shared files: the [`ProfileHandler`] that claims such
//! profiles, and the lookup of a named profile's command.

use std::sync::Arc;

use creds_core::profile::{Profile, ProfileSet};
use creds_core::registry::{ProfileHandler, priority};
use creds_core::{CredentialsError, Location, ProviderConfig, SharedProvider, inventory};

use crate::ProcessProviderBuilder;
use crate::command::Program;
use crate::provider::{NAME, Source};

/// The property that names the command.
const KEY: &str = "credential_process";

/// A profile's command, its account id and where the command was written.
pub(crate) struct Found {
    pub(crate) program: Program,
    pub(crate) account_id: Option<String>,
    pub(crate) location: Location,
}

/// The `credential_process` of profile `name` (the selected one for `None`).
pub(crate) fn lookup(
    config: &ProviderConfig,
    name: Option<&str>,
) -> Result<Found, CredentialsError> {
    let profiles = config.profile_set()?;
    let name = name.unwrap_or(&profiles.selected().name);
    let Some(profile) = profiles.profile(name) else {
        let files = profiles.files();
        let shown = |p: &Option<std::path::PathBuf>| {
            p.as_ref().map_or_else(
                || "(no home directory)".to_owned(),
                |p| p.display().to_string(),
            )
        };
        return Err(CredentialsError::not_configured(
            NAME,
            format!(
                "profile '{name}' does not exist in {} or {}",
                shown(&files.config),
                shown(&files.credentials)
            ),
        ));
    };
    command_of(profile)?.ok_or_else(|| {
        CredentialsError::not_configured(
            NAME,
            format!("profile '{name}' has no credential_process"),
        )
        .with_location(profile.location().clone())
    })
}

/// The profile's command, `None` without `credential_process`; an empty one is an
/// error at its line.
fn command_of(profile: &Profile) -> Result<Option<Found>, CredentialsError> {
    let Some(property) = profile.property(KEY) else {
        return Ok(None);
    };
    if property.value().trim().is_empty() {
        return Err(CredentialsError::invalid_config(
            NAME,
            format!(
                "credential_process of profile '{}' is empty; set the command to run, or remove the line",
                profile.name()
            ),
        )
        .with_location(property.location().clone()));
    }
    Ok(Some(Found {
        program: Program::Shell(property.value().to_owned()),
        account_id: profile
            .get("aws_account_id")
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        location: property.location().clone(),
    }))
}

/// Claims every profile that sets `credential_process`, an empty one too, so that it
/// is reported as empty rather than as a kind of profile nobody handles.
fn claims(profile: &Profile) -> bool {
    profile.property(KEY).is_some()
}

fn build(
    config: &ProviderConfig,
    _profiles: &ProfileSet,
    profile: &Profile,
) -> Result<SharedProvider, CredentialsError> {
    let found = command_of(profile)?.ok_or_else(|| {
        CredentialsError::not_configured(
            NAME,
            format!("profile '{}' has no credential_process", profile.name()),
        )
    })?;
    let mut provider = ProcessProviderBuilder::default()
        .config(config.clone())
        .build();
    provider.source = Source::Program {
        program: found.program,
        account_id: found.account_id,
        location: Some(found.location),
    };
    Ok(Arc::new(provider))
}

// After web identity and SSO profiles, as Go v2, botocore and aws-config order them
// (JS checks `credential_process` before SSO).
inventory::submit! { ProfileHandler::new(NAME, priority::PROCESS, claims, build) }
