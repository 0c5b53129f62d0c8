//! The registrations: the role assumer of every `role_arn` hop, the handler of
//! `web_identity_token_file` profiles, and the web identity variables in the default
//! chain.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use creds_core::profile::{Profile, ProfileSet};
use creds_core::registry::{ProfileHandler, ProviderFactory, RoleAssumer, order, priority};
use creds_core::{
    CredentialsCacheBuilder, CredentialsError, ProvideCredentials, ProvideFuture, ProviderConfig,
    SharedProvider, inventory,
};

use crate::assume_role::{self, AssumeRoleProvider, check_role_arn, check_session_name};
use crate::web_identity::{self, WebIdentityProvider};

/// `duration_seconds` of `profile`: a whole number of seconds, 900 to 43200.
pub(crate) fn duration_of(
    profile: &Profile,
    provider: &'static str,
) -> Result<Option<Duration>, CredentialsError> {
    let Some(property) = profile.property("duration_seconds") else {
        return Ok(None);
    };
    let bad = |why: String| {
        CredentialsError::invalid_config(provider, format!("profile '{}': {why}", profile.name()))
            .with_location(property.location().clone())
    };
    let seconds: u64 = property.value().trim().parse().map_err(|_| {
        bad("duration_seconds must be a whole number of seconds (900 to 43200)".to_owned())
    })?;
    let duration = Duration::from_secs(seconds);
    assume_role::check_duration(duration).map_err(bad)?;
    Ok(Some(duration))
}

/// Each hop is cached on its own, so that a refresh of the outer role uses the inner
/// one's credentials while they are valid: one STS call per hop that is due.
fn cached(config: &ProviderConfig, provider: impl ProvideCredentials + 'static) -> SharedProvider {
    Arc::new(CredentialsCacheBuilder::for_config(config).build(provider))
}

/// A `role_arn` hop over `source`: `role_session_name`, `external_id`, `mfa_serial` and
/// `duration_seconds` of the hop's profile, its region and endpoint settings.
fn assume(
    config: &ProviderConfig,
    _profiles: &ProfileSet,
    profile: &Profile,
    source: SharedProvider,
) -> Result<SharedProvider, CredentialsError> {
    let name = profile.name();
    let invalid = |what: String, at: &creds_core::Location| {
        CredentialsError::invalid_config(assume_role::NAME, format!("profile '{name}': {what}"))
            .with_location(at.clone())
    };
    let role_arn = profile
        .property("role_arn")
        .ok_or_else(|| invalid("no role_arn".to_owned(), profile.location()))?;
    check_role_arn(role_arn.value())
        .map_err(|why| invalid(format!("role_arn {why}"), role_arn.location()))?;
    let mfa = profile
        .property("mfa_serial")
        .filter(|p| !p.value().is_empty());
    let mut builder = AssumeRoleProvider::builder(role_arn.value())
        .config(config.clone())
        .source_shared(source)
        .for_profile(name, mfa.map(|p| p.location().clone()));
    if let Some(session) = profile.property("role_session_name") {
        check_session_name(session.value())
            .map_err(|why| invalid(format!("role_session_name {why}"), session.location()))?;
        builder = builder.session_name(session.value());
    }
    if let Some(id) = profile
        .property("external_id")
        .filter(|p| !p.value().is_empty())
    {
        builder = builder.external_id(id.value());
    }
    if let Some(serial) = mfa {
        builder = builder.mfa_serial(serial.value());
    }
    if let Some(duration) = duration_of(profile, assume_role::NAME)? {
        builder = builder.duration(duration);
    }
    Ok(cached(config, builder.build()))
}

inventory::submit! { RoleAssumer::new("creds-sts", assume) }

/// Profiles with `web_identity_token_file` (and `role_arn`).
fn claims_web_identity(profile: &Profile) -> bool {
    profile.property("web_identity_token_file").is_some()
}

fn build_web_identity(
    config: &ProviderConfig,
    _profiles: &ProfileSet,
    profile: &Profile,
) -> Result<SharedProvider, CredentialsError> {
    Ok(cached(
        config,
        WebIdentityProvider::from_profile(config, profile)?,
    ))
}

inventory::submit! {
    ProfileHandler::new(web_identity::NAME, priority::WEB_IDENTITY, claims_web_identity, build_web_identity)
}

/// The default chain's web identity entry: `AWS_WEB_IDENTITY_TOKEN_FILE` and
/// `AWS_ROLE_ARN`, read once (the token file at every fetch).
#[derive(Debug)]
struct FromEnv {
    config: ProviderConfig,
    built: OnceLock<Result<WebIdentityProvider, CredentialsError>>,
}

impl ProvideCredentials for FromEnv {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let provider = self
                .built
                .get_or_init(|| WebIdentityProvider::from_env(&self.config))
                .as_ref()
                .map_err(Clone::clone)?;
            provider.provide_credentials().await
        })
    }

    fn name(&self) -> &'static str {
        web_identity::NAME
    }

    fn running(&self) -> Option<String> {
        self.built.get()?.as_ref().ok()?.running()
    }
}

fn default_chain_entry(config: &ProviderConfig) -> Option<SharedProvider> {
    Some(Arc::new(FromEnv {
        config: config.clone(),
        built: OnceLock::new(),
    }))
}

inventory::submit! { ProviderFactory::new(web_identity::NAME, order::WEB_IDENTITY, default_chain_entry) }
