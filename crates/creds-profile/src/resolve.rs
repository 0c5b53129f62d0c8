//! Resolving a profile into a provider: building the chain [`walk`] plans, so that
//! [`plan_profile`](crate::plan_profile) and [`resolve_profile`] never disagree.

use std::sync::Arc;

use creds_core::profile::ProfileSet;
use creds_core::{CredentialsError, ProviderConfig, SharedProvider, registry};

use crate::kinds::{CREDENTIAL_SOURCES, credential_source_crate};
use crate::plan::{Base, unlinked, walk};
use crate::provider::NAME;
use crate::static_keys::static_credentials;

/// Resolves profile `name` of `profiles` into a provider, following its role chain.
///
/// Each `role_arn` hop is layered, innermost first, over the base credentials by the
/// registered role assumer. The base is the first of: static keys (on hops after the
/// first), the `source_profile`, the `credential_source`, static keys, a registered
/// handler that claims the profile. [`plan_profile`](crate::plan_profile) describes
/// the same chain without building it.
pub fn resolve_profile(
    config: &ProviderConfig,
    profiles: &ProfileSet,
    name: &str,
) -> Result<SharedProvider, CredentialsError> {
    let walk = walk(config, profiles, name)?;
    let base: SharedProvider = match walk.base {
        Base::StaticKeys(profile) => Arc::new(static_credentials(profile)?),
        Base::Source(source) => named_source(config, source.value(), source.location())?,
        Base::Claimed(profile, handler) => {
            tracing::debug!(
                profile = profile.name(),
                handler = handler.name(),
                "profile claimed"
            );
            handler.build(config, profiles, profile)?
        }
    };
    if walk.roles.is_empty() {
        return Ok(base);
    }
    let Some(assumer) = registry::role_assumer() else {
        let outer = walk.roles[0].profile;
        return Err(unlinked(
            outer,
            "a role profile (role_arn)",
            "creds-sts",
            "sts",
        ));
    };
    if walk.visited.len() > 1 || walk.roles.len() > 1 {
        tracing::debug!(chain = %walk.visited.join(" -> "), "role chain");
    }
    let mut provider = base;
    for role in walk.roles.iter().rev() {
        provider = assumer.build(config, profiles, role.profile, provider)?;
    }
    Ok(provider)
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

#[cfg(test)]
mod tests {
    use creds_core::{Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig};

    use crate::ProfileProvider;

    /// The library's own tests link no role assumer (the integration tests link a fake
    /// one): a role profile must say which crate and feature it needs.
    #[test]
    fn a_role_profile_without_creds_sts_names_the_crate_and_feature() {
        assert!(creds_core::registry::role_assumer().is_none());
        let config = ProviderConfig::empty()
            .with_env(Env::from_pairs([("HOME", "/h")]))
            .with_fs(Fs::from_files([
                (
                    "/h/.aws/config",
                    "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n",
                ),
                (
                    "/h/.aws/credentials",
                    "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = BASESECRET\n",
                ),
            ]))
            .with_profile_name("dev");
        let provider = ProfileProvider::new(&config);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let err = runtime
            .block_on(provider.provide_credentials())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(
            err.message(),
            "profile 'dev' is a role profile (role_arn), which needs the creds-sts crate, not \
             linked into this program: enable the `sts` feature of `creds`"
        );
        assert!(!format!("{err} {err:?}").contains("BASESECRET"));
    }
}
