//! Resolving a profile into a provider: static keys, a claimed kind of profile, or a
//! role chain over a source.

use std::sync::Arc;

use creds_core::profile::{Profile, ProfileSet};
use creds_core::{CredentialsError, ProfileSource, ProviderConfig, SharedProvider, registry};

use crate::kinds::{CREDENTIAL_SOURCES, credential_source_crate, known_kind};
use crate::provider::NAME;
use crate::static_keys::{has_static_keys, static_credentials};

/// Resolves profile `name` of `profiles` into a provider, following its role chain.
///
/// Each `role_arn` hop is layered, innermost first, over the base credentials by the
/// registered role assumer. The base is the first of: static keys (on hops after the
/// first), the `source_profile`, the `credential_source`, static keys, a registered
/// handler that claims the profile.
pub fn resolve_profile(
    config: &ProviderConfig,
    profiles: &ProfileSet,
    name: &str,
) -> Result<SharedProvider, CredentialsError> {
    let mut profile = match profiles.profile(name) {
        Some(profile) => profile,
        None => return Err(missing_profile(config, profiles, name)),
    };
    // The hops whose roles are assumed, outermost (the selected profile) first.
    let mut roles: Vec<&Profile> = Vec::new();
    let mut visited: Vec<&str> = Vec::new();
    let base: SharedProvider = loop {
        let first = visited.is_empty();
        visited.push(profile.name());
        if !first && has_static_keys(profile) {
            break Arc::new(static_credentials(profile)?);
        }
        if let Some(role_arn) = profile
            .property("role_arn")
            .filter(|p| !p.value().is_empty())
        {
            let source_profile = profile.property("source_profile");
            let credential_source = profile.property("credential_source");
            match (source_profile, credential_source) {
                (Some(_), Some(_)) => {
                    return Err(CredentialsError::invalid_config(
                        NAME,
                        format!(
                            "profile '{}' sets both source_profile and credential_source; keep one",
                            profile.name()
                        ),
                    )
                    .with_location(role_arn.location().clone()));
                }
                (Some(source), None) => {
                    roles.push(profile);
                    let next = source.value();
                    if next == profile.name() {
                        if has_static_keys(profile) {
                            break Arc::new(static_credentials(profile)?);
                        }
                        return Err(cycle(&visited, next, source.location()));
                    }
                    if visited.contains(&next) {
                        return Err(cycle(&visited, next, source.location()));
                    }
                    profile = profiles.profile(next).ok_or_else(|| {
                        CredentialsError::invalid_config(
                            NAME,
                            format!(
                                "source_profile '{next}' of profile '{}' does not exist",
                                profile.name()
                            ),
                        )
                        .with_location(source.location().clone())
                    })?;
                    continue;
                }
                (None, Some(source)) => {
                    roles.push(profile);
                    break named_source(config, source.value(), source.location())?;
                }
                (None, None) => {
                    // A role with no source: web identity (a handler claims it), or wrong.
                    if let Some(provider) = claimed(config, profiles, profile)? {
                        break provider;
                    }
                    return Err(match known_kind(profile) {
                        Some(kind) => unlinked(profile, kind.what, kind.krate, kind.feature),
                        None => CredentialsError::invalid_config(
                            NAME,
                            format!(
                                "profile '{}' sets role_arn but no source_profile, credential_source \
                                 or web_identity_token_file; add one",
                                profile.name()
                            ),
                        )
                        .with_location(role_arn.location().clone()),
                    });
                }
            }
        }
        if has_static_keys(profile) {
            break Arc::new(static_credentials(profile)?);
        }
        if let Some(provider) = claimed(config, profiles, profile)? {
            break provider;
        }
        if let Some(kind) = known_kind(profile) {
            return Err(unlinked(profile, kind.what, kind.krate, kind.feature));
        }
        let message = format!(
            "profile '{}' holds no credentials (no aws_access_key_id, role_arn, credential_process, \
             sso_session or web_identity_token_file)",
            profile.name()
        );
        return Err(if first {
            CredentialsError::not_configured(NAME, message)
        } else {
            CredentialsError::invalid_config(
                NAME,
                format!("{message}, but a role chain uses it as source_profile"),
            )
            .with_location(profile.location().clone())
        });
    };
    if roles.is_empty() {
        return Ok(base);
    }
    let Some(assumer) = registry::role_assumer() else {
        let outer = roles[0];
        return Err(unlinked(
            outer,
            "a role profile (role_arn)",
            "creds-sts",
            "sts",
        ));
    };
    if visited.len() > 1 || roles.len() > 1 {
        tracing::debug!(chain = %visited.join(" -> "), "role chain");
    }
    let mut provider = base;
    for role in roles.iter().rev() {
        provider = assumer.build(config, profiles, role, provider)?;
    }
    Ok(provider)
}

/// A profile that is not there: the chain moves on for `default`, else it is an error
/// that lists the profiles that exist.
fn missing_profile(config: &ProviderConfig, profiles: &ProfileSet, name: &str) -> CredentialsError {
    let files = profiles.files();
    let shown = |p: &Option<std::path::PathBuf>| {
        p.as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "(no home directory)".to_owned())
    };
    let where_ = format!("{} or {}", shown(&files.config), shown(&files.credentials));
    if config.selected_profile().name == name
        && config.selected_profile().source == ProfileSource::Default
    {
        return CredentialsError::not_configured(NAME, format!("no profile 'default' in {where_}"));
    }
    let names = profiles.profile_names();
    const SHOWN: usize = 20;
    let mut list = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        list.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    let hint = if names.is_empty() {
        "there are no profiles".to_owned()
    } else {
        format!("the profiles are: {list}")
    };
    CredentialsError::invalid_config(
        NAME,
        format!("profile '{name}' does not exist in {where_}; {hint}"),
    )
}

fn claimed(
    config: &ProviderConfig,
    profiles: &ProfileSet,
    profile: &Profile,
) -> Result<Option<SharedProvider>, CredentialsError> {
    for handler in registry::profile_handlers() {
        if handler.claims(profile) {
            tracing::debug!(
                profile = profile.name(),
                handler = handler.name(),
                "profile claimed"
            );
            return handler.build(config, profiles, profile).map(Some);
        }
    }
    Ok(None)
}

fn named_source(
    config: &ProviderConfig,
    name: &str,
    location: &creds_core::Location,
) -> Result<SharedProvider, CredentialsError> {
    if let Some(source) = registry::credential_source(name) {
        return source.build(config);
    }
    let message = match credential_source_crate(name) {
        Some((krate, feature)) => format!(
            "credential_source = {name} needs the {krate} crate, which is not linked: enable the \
             `{feature}` feature of `creds`"
        ),
        None => format!("credential_source '{name}' is not one of {CREDENTIAL_SOURCES}"),
    };
    Err(CredentialsError::invalid_config(NAME, message).with_location(location.clone()))
}

fn unlinked(profile: &Profile, what: &str, krate: &str, feature: &str) -> CredentialsError {
    CredentialsError::invalid_config(
        NAME,
        format!(
            "profile '{}' is {what}, which needs the {krate} crate, not linked into this program: \
             enable the `{feature}` feature of `creds`",
            profile.name()
        ),
    )
    .with_location(profile.location().clone())
}

fn cycle(visited: &[&str], back_to: &str, location: &creds_core::Location) -> CredentialsError {
    let mut path = visited.join(" -> ");
    path.push_str(" -> ");
    path.push_str(back_to);
    CredentialsError::invalid_config(
        NAME,
        format!("the role chain loops: {path}; break the cycle of source_profile settings"),
    )
    .with_location(location.clone())
}
