//! Planning a profile's role chain without building it: [`plan_profile`] and the plain
//! data it returns, which [`resolve_profile`](crate::resolve_profile) builds from.

use creds_core::profile::{Profile, ProfileSet, Property};
use creds_core::registry::{self, ProfileHandler};
use creds_core::{CredentialsError, Location, ProfileSource, ProviderConfig};

use crate::kinds::known_kind;
use crate::provider::NAME;
use crate::static_keys::{KEY_ID, SECRET, has_static_keys};

/// A profile's role chain as the files describe it: the roles to assume, outermost
/// first, and where the credentials of the innermost one come from.
///
/// It is what [`resolve_profile`](crate::resolve_profile) builds, planned without
/// building anything: no role assumer, credential source or handler is run, so it is
/// there even when the crate that would assume the roles is not linked. It holds no
/// secret: static keys show their access key id only.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleChain {
    /// The roles to assume, the selected profile's first; empty when the profile holds
    /// its credentials itself.
    pub hops: Vec<RoleHop>,
    /// Where the credentials of the innermost role (or of the profile, without roles)
    /// come from.
    pub base: ChainBase,
}

impl RoleChain {
    /// The profiles the chain passes through, in order: each hop's, then the base's
    /// (`["dev", "ops", "base"]`). A profile that is its own `source_profile` appears
    /// twice.
    pub fn profile_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.hops.iter().map(|hop| hop.profile.as_str()).collect();
        if let Some(profile) = self.base.profile() {
            names.push(profile);
        }
        names
    }
}

/// One role of a chain: a profile with a `role_arn` and the source of the credentials
/// that assume it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleHop {
    /// The profile's name.
    pub profile: String,
    /// The role to assume (`role_arn`).
    pub role_arn: String,
    /// Where `role_arn` is written.
    pub location: Location,
    /// How the hop gets the credentials that assume the role.
    pub via: HopSource,
}

/// How a role hop gets the credentials that assume its role.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HopSource {
    /// `source_profile`: the next hop, or the base, is that profile.
    #[non_exhaustive]
    SourceProfile {
        /// The profile named.
        name: String,
        /// Where `source_profile` is written.
        location: Location,
    },
    /// `credential_source`: the base is that named source.
    #[non_exhaustive]
    CredentialSource {
        /// The source named (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`, or
        /// one a third-party crate registered).
        name: String,
        /// Where `credential_source` is written.
        location: Location,
    },
}

/// Where the credentials at the bottom of a chain come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainBase {
    /// The static keys (`aws_access_key_id`, `aws_secret_access_key`) of a profile.
    #[non_exhaustive]
    StaticKeys {
        /// The profile that holds them.
        profile: String,
        /// The access key id; `None` when the profile sets only the secret half, or
        /// an empty id (building it then fails). Never the secret.
        access_key_id: Option<String>,
        /// Where the access key id is written (or the secret, without an id).
        location: Location,
    },
    /// A named `credential_source`.
    #[non_exhaustive]
    CredentialSource {
        /// The source named (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`, or
        /// one a third-party crate registered); building fails when no linked crate
        /// serves it.
        name: String,
        /// Where `credential_source` is written.
        location: Location,
    },
    /// A profile claimed by a registered
    /// [`ProfileHandler`](creds_core::registry::ProfileHandler) (`credential_process`,
    /// SSO, web identity, ...).
    #[non_exhaustive]
    Handler {
        /// The profile claimed.
        profile: String,
        /// The handler's name (`process` for `credential_process`).
        handler: &'static str,
        /// Where the profile's section starts.
        location: Location,
    },
}

impl ChainBase {
    /// The profile of the base; `None` for a named `credential_source`.
    pub fn profile(&self) -> Option<&str> {
        match self {
            ChainBase::StaticKeys { profile, .. } | ChainBase::Handler { profile, .. } => {
                Some(profile)
            }
            ChainBase::CredentialSource { .. } => None,
        }
    }

    /// Where the base is written.
    pub fn location(&self) -> &Location {
        match self {
            ChainBase::StaticKeys { location, .. }
            | ChainBase::CredentialSource { location, .. }
            | ChainBase::Handler { location, .. } => location,
        }
    }
}

/// Plans the role chain of profile `name` of `profiles`, as
/// [`resolve_profile`](crate::resolve_profile) follows it, without building it.
///
/// The base is the first of: static keys (on hops after the first), the
/// `source_profile`, the `credential_source`, static keys, a registered handler that
/// claims the profile. The errors are `resolve_profile`'s for the same files: a
/// missing profile (not configured for `default`, else a list of the profiles that
/// exist), a loop, both `source_profile` and `credential_source`, a role without a
/// source, a kind of profile whose crate is not linked, a profile without credentials.
/// What only building finds (malformed static keys, an unknown or unlinked
/// `credential_source`, no role assumer, a handler's own errors) is not an error here.
///
/// # Example
///
/// ```
/// use creds_core::{Env, Fs, ProviderConfig};
/// use creds_profile::{ChainBase, plan_profile};
///
/// let config = ProviderConfig::empty()
///     .with_env(Env::from_pairs([("HOME", "/home/me")]))
///     .with_fs(Fs::from_files([
///         (
///             "/home/me/.aws/config",
///             "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n",
///         ),
///         (
///             "/home/me/.aws/credentials",
///             "[base]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n",
///         ),
///     ]));
/// let chain = plan_profile(&config, &config.profile_set().unwrap(), "dev").unwrap();
/// assert_eq!(chain.profile_names(), ["dev", "base"]);
/// assert_eq!(chain.hops[0].role_arn, "arn:aws:iam::123456789012:role/dev");
/// assert!(matches!(
///     &chain.base,
///     ChainBase::StaticKeys { access_key_id: Some(id), .. } if id == "AKIDEXAMPLE"
/// ));
/// ```
pub fn plan_profile(
    config: &ProviderConfig,
    profiles: &ProfileSet,
    name: &str,
) -> Result<RoleChain, CredentialsError> {
    Ok(walk(config, profiles, name)?.to_chain())
}

/// A planned chain, borrowing the profiles it was planned from: what both
/// [`plan_profile`] and [`resolve_profile`](crate::resolve_profile) come from.
pub(crate) struct Walk<'a> {
    /// The roles to assume, outermost (the selected profile) first.
    pub(crate) roles: Vec<Hop<'a>>,
    /// The profiles visited, in order (for the debug log).
    pub(crate) visited: Vec<&'a str>,
    /// Where the innermost role's credentials come from.
    pub(crate) base: Base<'a>,
}

/// One role to assume.
pub(crate) struct Hop<'a> {
    pub(crate) profile: &'a Profile,
    role_arn: &'a Property,
    via: Via<'a>,
}

/// How a hop gets its credentials: its `source_profile` or `credential_source`.
enum Via<'a> {
    SourceProfile(&'a Property),
    CredentialSource(&'a Property),
}

/// The base of a planned chain.
pub(crate) enum Base<'a> {
    /// A profile's static keys.
    StaticKeys(&'a Profile),
    /// A `credential_source` property.
    Source(&'a Property),
    /// A profile and the handler that claims it.
    Claimed(&'a Profile, &'static ProfileHandler),
}

impl Walk<'_> {
    fn to_chain(&self) -> RoleChain {
        let hops = self
            .roles
            .iter()
            .map(|hop| RoleHop {
                profile: hop.profile.name().to_owned(),
                role_arn: hop.role_arn.value().to_owned(),
                location: hop.role_arn.location().clone(),
                via: match hop.via {
                    Via::SourceProfile(source) => HopSource::SourceProfile {
                        name: source.value().to_owned(),
                        location: source.location().clone(),
                    },
                    Via::CredentialSource(source) => HopSource::CredentialSource {
                        name: source.value().to_owned(),
                        location: source.location().clone(),
                    },
                },
            })
            .collect();
        let base = match self.base {
            Base::StaticKeys(profile) => {
                let id = profile.property(KEY_ID);
                let shown = id.or_else(|| profile.property(SECRET));
                ChainBase::StaticKeys {
                    profile: profile.name().to_owned(),
                    access_key_id: id.map(|p| p.value().to_owned()).filter(|id| !id.is_empty()),
                    location: shown
                        .map_or_else(|| profile.location().clone(), |p| p.location().clone()),
                }
            }
            Base::Source(property) => ChainBase::CredentialSource {
                name: property.value().to_owned(),
                location: property.location().clone(),
            },
            Base::Claimed(profile, handler) => ChainBase::Handler {
                profile: profile.name().to_owned(),
                handler: handler.name(),
                location: profile.location().clone(),
            },
        };
        RoleChain { hops, base }
    }
}

/// Follows profile `name` of `profiles` hop by hop to its base.
pub(crate) fn walk<'a>(
    config: &ProviderConfig,
    profiles: &'a ProfileSet,
    name: &str,
) -> Result<Walk<'a>, CredentialsError> {
    registry::check()?;
    let mut profile = match profiles.profile(name) {
        Some(profile) => profile,
        None => return Err(missing_profile(config, profiles, name)),
    };
    let mut roles: Vec<Hop<'a>> = Vec::new();
    let mut visited: Vec<&'a str> = Vec::new();
    let base = loop {
        let first = visited.is_empty();
        visited.push(profile.name());
        if !first && has_static_keys(profile) {
            break Base::StaticKeys(profile);
        }
        // A web identity profile uses its role_arn itself: it is a base, not a hop
        // (botocore and aws-config), whatever else it sets.
        let web_identity = profile.property("web_identity_token_file").is_some();
        if let Some(role_arn) = profile
            .property("role_arn")
            .filter(|p| !p.value().is_empty() && !web_identity)
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
                    roles.push(Hop {
                        profile,
                        role_arn,
                        via: Via::SourceProfile(source),
                    });
                    let next = source.value();
                    if next == profile.name() {
                        if has_static_keys(profile) {
                            break Base::StaticKeys(profile);
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
                    roles.push(Hop {
                        profile,
                        role_arn,
                        via: Via::CredentialSource(source),
                    });
                    break Base::Source(source);
                }
                (None, None) => {
                    // A role with no source. Beside credential_process, SSO or keys it is
                    // refused, as botocore and aws-config refuse it (JS would use the
                    // other credentials as they are, Go v2 assume the role with them):
                    // other credentials than the role asked for must not be used.
                    let beside = known_kind(profile)
                        .map(|kind| format!(" ({} is {})", profile.name(), kind.what))
                        .or_else(|| {
                            has_static_keys(profile).then(|| " (it holds static keys)".to_owned())
                        });
                    let message = match beside {
                        Some(beside) => format!(
                            "profile '{}' sets role_arn but no source_profile or credential_source{beside}: \
                             to assume the role with those credentials, move them to a profile of \
                             their own and name it in source_profile",
                            profile.name()
                        ),
                        None => format!(
                            "profile '{}' sets role_arn but no source_profile, credential_source \
                             or web_identity_token_file; add one",
                            profile.name()
                        ),
                    };
                    return Err(CredentialsError::invalid_config(NAME, message)
                        .with_location(role_arn.location().clone()));
                }
            }
        }
        if has_static_keys(profile) {
            break Base::StaticKeys(profile);
        }
        if let Some(handler) = claimant(profile) {
            break Base::Claimed(profile, handler);
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
    Ok(Walk {
        roles,
        visited,
        base,
    })
}

/// The first registered handler, by priority, that claims `profile`.
fn claimant(profile: &Profile) -> Option<&'static ProfileHandler> {
    registry::profile_handlers()
        .into_iter()
        .find(|handler| handler.claims(profile))
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

/// A profile whose kind needs a crate that is not linked.
pub(crate) fn unlinked(
    profile: &Profile,
    what: &str,
    krate: &str,
    feature: &str,
) -> CredentialsError {
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

fn cycle(visited: &[&str], back_to: &str, location: &Location) -> CredentialsError {
    let mut path = visited.join(" -> ");
    path.push_str(" -> ");
    path.push_str(back_to);
    CredentialsError::invalid_config(
        NAME,
        format!("the role chain loops: {path}; break the cycle of source_profile settings"),
    )
    .with_location(location.clone())
}
