//! The registry: how provider crates, ours and third parties', join the default chain,
//! claim kinds of profiles, name `credential_source`s and assume roles, without a
//! change to any other crate.
//!
//! Each crate submits plain values with [`inventory::submit!`]:
//!
//! ```
//! use creds_core::registry::{order, ProviderFactory};
//! use creds_core::{inventory, Credentials, ProviderConfig, SharedProvider};
//! use std::sync::Arc;
//!
//! fn build(config: &ProviderConfig) -> Option<SharedProvider> {
//!     let key = config.env().get_non_blank("MY_VAULT_KEY")?;
//!     Some(Arc::new(Credentials::from_keys(key, "from-my-vault", "my-vault")))
//! }
//!
//! inventory::submit! { ProviderFactory::new("my-vault", order::ENVIRONMENT + 50, build) }
//!
//! let names: Vec<_> = creds_core::registry::provider_factories().iter().map(|f| f.name()).collect();
//! assert!(names.contains(&"my-vault"));
//! ```
//!
//! `inventory` iterates in an unspecified order, so every registration carries an
//! explicit order (the [`order`] of the default chain, the [`priority`] of profile
//! handlers) and the accessors here sort by it. A crate that nothing references is not
//! linked and its registrations are missing: the `creds` facade references every
//! enabled provider crate.
//!
//! # Conflicts
//!
//! Names are unique: two registrations of the same provider name, profile handler name
//! or `credential_source` name, or two role assumers, are an error, not a silent pick.
//! Each registration remembers where it was made (the file and line of its `new`), and
//! [`check`] names both crates. The default chain and the profile provider call
//! [`check`] at their first use and fail with that error
//! ([`InvalidConfig`](crate::ErrorKind::InvalidConfig)) until one of the two is unlinked.

use std::fmt;
use std::panic::Location;
use std::sync::OnceLock;

use crate::profile::{Profile, ProfileSet};
use crate::{CredentialsError, ProviderConfig, SharedProvider};

/// The default chain's order. Lower goes first; leave gaps for third parties.
pub mod order {
    /// `AWS_ACCESS_KEY_ID` and friends.
    pub const ENVIRONMENT: u32 = 100;
    /// The shared config and credentials files, every kind of profile.
    pub const PROFILE: u32 = 200;
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN`.
    pub const WEB_IDENTITY: u32 = 300;
    /// ECS, EKS and any container credentials endpoint.
    pub const CONTAINER: u32 = 400;
    /// EC2 instance metadata: always last.
    pub const INSTANCE_METADATA: u32 = 500;
}

/// The priorities of the profile handlers of the `creds` crates: lower is asked first.
/// Static keys come before any handler (creds-profile checks them itself), then these,
/// in the order Go v2, botocore and aws-config check a profile (JS checks
/// `credential_process` before SSO). Leave gaps for third parties.
pub mod priority {
    /// `web_identity_token_file` profiles (creds-sts).
    pub const WEB_IDENTITY: u32 = 200;
    /// `sso_session` and `sso_start_url` profiles (creds-sso).
    pub const SSO: u32 = 300;
    /// `login_session` profiles (creds-login): after SSO and before
    /// `credential_process`, as botocore orders them.
    pub const LOGIN: u32 = 350;
    /// `credential_process` profiles (creds-process).
    pub const PROCESS: u32 = 400;

    const _: () = assert!(WEB_IDENTITY < SSO && SSO < LOGIN && LOGIN < PROCESS);
}

/// Where a registration was made, and so which crate made it.
#[derive(Clone, Copy)]
pub struct Origin(&'static Location<'static>);

impl Origin {
    /// The source file of the registration, as the compiler names it (relative to the
    /// workspace of the crate, or a path in cargo's registry).
    pub fn file(&self) -> &'static str {
        self.0.file()
    }

    /// Its line.
    pub fn line(&self) -> u32 {
        self.0.line()
    }

    /// The registering crate's directory name, found from the file (`creds-env` for
    /// `crates/creds-env/src/provider.rs`, `my-crate-0.2.1` for a file of cargo's
    /// registry), or the file itself when it has no `src` component.
    pub fn crate_name(&self) -> &'static str {
        crate_of(self.0.file())
    }
}

/// The directory above the last `src` component of `file`.
fn crate_of(file: &str) -> &str {
    let parts: Vec<&str> = file.split(['/', '\\']).collect();
    match parts.iter().rposition(|part| *part == "src") {
        Some(i) if i > 0 => parts[i - 1],
        _ => file,
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}:{})", self.crate_name(), self.file(), self.line())
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file(), self.line())
    }
}

/// How to build a provider from the environment: one entry of the default chain.
#[derive(Debug)]
pub struct ProviderFactory {
    name: &'static str,
    order: u32,
    build: fn(&ProviderConfig) -> Option<SharedProvider>,
    origin: Origin,
}

impl ProviderFactory {
    /// A factory named `name` at `order` in the default chain. `build` returns `None`
    /// when the provider sits this chain out (the environment provider does when a
    /// profile was named explicitly).
    #[track_caller]
    pub const fn new(
        name: &'static str,
        order: u32,
        build: fn(&ProviderConfig) -> Option<SharedProvider>,
    ) -> Self {
        ProviderFactory {
            name,
            order,
            build,
            origin: Origin(Location::caller()),
        }
    }

    /// The name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Where it was registered.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The place in the default chain.
    pub fn order(&self) -> u32 {
        self.order
    }

    /// Builds the provider.
    pub fn build(&self, config: &ProviderConfig) -> Option<SharedProvider> {
        (self.build)(config)
    }
}

/// How to build a provider from one kind of profile (`credential_process`, SSO, web
/// identity, ...). The profile provider asks each handler, by priority, whether it
/// claims a profile.
#[derive(Debug)]
pub struct ProfileHandler {
    name: &'static str,
    priority: u32,
    claims: fn(&Profile) -> bool,
    build: fn(&ProviderConfig, &ProfileSet, &Profile) -> Result<SharedProvider, CredentialsError>,
    origin: Origin,
}

impl ProfileHandler {
    /// A handler; lower `priority` is asked first (see [`priority`]).
    #[track_caller]
    pub const fn new(
        name: &'static str,
        priority: u32,
        claims: fn(&Profile) -> bool,
        build: fn(
            &ProviderConfig,
            &ProfileSet,
            &Profile,
        ) -> Result<SharedProvider, CredentialsError>,
    ) -> Self {
        ProfileHandler {
            name,
            priority,
            claims,
            build,
            origin: Origin(Location::caller()),
        }
    }

    /// The name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Where it was registered.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The priority: lower is asked first.
    pub fn priority(&self) -> u32 {
        self.priority
    }

    /// Whether this handler serves `profile`.
    pub fn claims(&self, profile: &Profile) -> bool {
        (self.claims)(profile)
    }

    /// Builds the provider for `profile`.
    pub fn build(
        &self,
        config: &ProviderConfig,
        profiles: &ProfileSet,
        profile: &Profile,
    ) -> Result<SharedProvider, CredentialsError> {
        (self.build)(config, profiles, profile)
    }
}

/// A named `credential_source` for role profiles: `Environment`,
/// `Ec2InstanceMetadata`, `EcsContainer`.
///
/// The provider it builds is that source's ordinary one (the default chain's entry);
/// [`build`](Self::build) wraps it so that its absence, which in the default chain
/// moves on to the next source, is an [`InvalidConfig`](crate::ErrorKind::InvalidConfig)
/// error saying which `credential_source` asked for it: a profile that names a source
/// must not silently resolve to nothing.
#[derive(Debug)]
pub struct CredentialSource {
    name: &'static str,
    build: fn(&ProviderConfig) -> Result<SharedProvider, CredentialsError>,
    origin: Origin,
}

impl CredentialSource {
    /// A source answering to `credential_source = name` (matched exactly, as the SDKs do).
    #[track_caller]
    pub const fn new(
        name: &'static str,
        build: fn(&ProviderConfig) -> Result<SharedProvider, CredentialsError>,
    ) -> Self {
        CredentialSource {
            name,
            build,
            origin: Origin(Location::caller()),
        }
    }

    /// The name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Where it was registered.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// Builds the provider, wrapped as a named source (see above).
    pub fn build(&self, config: &ProviderConfig) -> Result<SharedProvider, CredentialsError> {
        let inner = (self.build)(config)?;
        Ok(std::sync::Arc::new(NamedSource {
            name: self.name,
            inner,
        }))
    }
}

/// A source that a profile named with `credential_source`: its absence is an error.
#[derive(Debug)]
struct NamedSource {
    name: &'static str,
    inner: SharedProvider,
}

impl crate::ProvideCredentials for NamedSource {
    fn provide_credentials(&self) -> crate::ProvideFuture<'_> {
        Box::pin(async move {
            self.inner.provide_credentials().await.map_err(|error| {
                if !error.is_not_configured() {
                    return error;
                }
                let message = format!(
                    "credential_source = {}, but {}; set that source up or choose another \
                     credential_source",
                    self.name,
                    error.message()
                );
                error
                    .with_kind(crate::ErrorKind::InvalidConfig)
                    .with_message(message)
            })
        })
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn running(&self) -> Option<String> {
        self.inner.running()
    }
}

/// The role assumer the profile provider layers over a source for each `role_arn` hop
/// of a role chain. `build` gets the hop's profile (its `role_arn`,
/// `role_session_name`, `external_id`, `duration_seconds`, `mfa_serial`, ...) and the
/// provider of the credentials to assume it with.
#[derive(Debug)]
pub struct RoleAssumer {
    name: &'static str,
    build: fn(
        &ProviderConfig,
        &ProfileSet,
        &Profile,
        SharedProvider,
    ) -> Result<SharedProvider, CredentialsError>,
    origin: Origin,
}

impl RoleAssumer {
    /// A role assumer.
    #[track_caller]
    pub const fn new(
        name: &'static str,
        build: fn(
            &ProviderConfig,
            &ProfileSet,
            &Profile,
            SharedProvider,
        ) -> Result<SharedProvider, CredentialsError>,
    ) -> Self {
        RoleAssumer {
            name,
            build,
            origin: Origin(Location::caller()),
        }
    }

    /// The name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Where it was registered.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// Builds a provider that assumes `profile`'s role with credentials from `source`.
    pub fn build(
        &self,
        config: &ProviderConfig,
        profiles: &ProfileSet,
        profile: &Profile,
        source: SharedProvider,
    ) -> Result<SharedProvider, CredentialsError> {
        (self.build)(config, profiles, profile, source)
    }
}

inventory::collect!(ProviderFactory);
inventory::collect!(ProfileHandler);
inventory::collect!(CredentialSource);
inventory::collect!(RoleAssumer);

/// Every linked provider factory, in default-chain order.
pub fn provider_factories() -> Vec<&'static ProviderFactory> {
    let mut all: Vec<_> = inventory::iter::<ProviderFactory>.into_iter().collect();
    all.sort_by_key(|f| (f.order, f.name));
    all
}

/// Every linked profile handler, by priority.
pub fn profile_handlers() -> Vec<&'static ProfileHandler> {
    let mut all: Vec<_> = inventory::iter::<ProfileHandler>.into_iter().collect();
    all.sort_by_key(|h| (h.priority, h.name));
    all
}

/// Every linked named credential source, by name.
pub fn credential_sources() -> Vec<&'static CredentialSource> {
    let mut all: Vec<_> = inventory::iter::<CredentialSource>.into_iter().collect();
    all.sort_by_key(|s| s.name);
    all
}

/// The credential source registered as `name`.
pub fn credential_source(name: &str) -> Option<&'static CredentialSource> {
    inventory::iter::<CredentialSource>
        .into_iter()
        .find(|s| s.name == name)
}

/// The linked role assumer, if any. Two are a conflict that [`check`] reports.
pub fn role_assumer() -> Option<&'static RoleAssumer> {
    inventory::iter::<RoleAssumer>
        .into_iter()
        .min_by_key(|r| (r.name, r.origin.file(), r.origin.line()))
}

/// The registry's conflicts, if any: two provider factories, profile handlers or
/// credential sources of one name, or two role assumers. The error is
/// [`InvalidConfig`](crate::ErrorKind::InvalidConfig) and names both registrations
/// with their crates. Computed once per process.
///
/// ```
/// assert!(creds_core::registry::check().is_ok());
/// ```
pub fn check() -> Result<(), CredentialsError> {
    static CHECKED: OnceLock<Result<(), CredentialsError>> = OnceLock::new();
    CHECKED
        .get_or_init(|| {
            let factories = inventory::iter::<ProviderFactory>
                .into_iter()
                .map(|f| (f.name, f.origin));
            let handlers = inventory::iter::<ProfileHandler>
                .into_iter()
                .map(|h| (h.name, h.origin));
            let sources = inventory::iter::<CredentialSource>
                .into_iter()
                .map(|s| (s.name, s.origin));
            // Any two role assumers conflict, whatever their names.
            let assumers = inventory::iter::<RoleAssumer>
                .into_iter()
                .map(|r| ("", r.origin));
            conflict("provider", factories)
                .or_else(|| conflict("profile handler", handlers))
                .or_else(|| conflict("credential_source", sources))
                .or_else(|| conflict("role assumer", assumers))
                .map_or(Ok(()), Err)
        })
        .clone()
}

/// The first name registered twice among `entries`, as an error naming both.
fn conflict(
    what: &str,
    entries: impl Iterator<Item = (&'static str, Origin)>,
) -> Option<CredentialsError> {
    let mut entries: Vec<_> = entries.collect();
    entries.sort_by_key(|(name, origin)| (*name, origin.file(), origin.line()));
    let pair = entries.windows(2).find(|pair| pair[0].0 == pair[1].0)?;
    let ((name, first), (_, second)) = (pair[0], pair[1]);
    let named = if name.is_empty() {
        format!("two {what}s are registered")
    } else {
        format!("two crates register the {what} '{name}'")
    };
    Some(CredentialsError::invalid_config(
        "registry",
        format!(
            "{named}: {first} and {second}; link only one of them (check the features of \
             `creds` and of your dependencies)"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn here() -> Origin {
        Origin(Location::caller())
    }

    #[test]
    fn a_name_registered_twice_names_both_crates() {
        let (a, b, c) = (here(), here(), here());
        assert!(conflict("provider", [("env", a), ("profile", b)].into_iter()).is_none());
        let err = conflict(
            "provider",
            [("env", a), ("profile", b), ("env", c)].into_iter(),
        )
        .expect("a conflict");
        assert_eq!(err.kind(), crate::ErrorKind::InvalidConfig);
        let message = err.message();
        assert!(
            message.starts_with("two crates register the provider 'env': creds-core (crates/creds-core/src/registry.rs:"),
            "{message}"
        );
        assert!(
            message.contains(&format!("registry.rs:{}", c.line())),
            "{message}"
        );
        let err = conflict("role assumer", [("", a), ("", b)].into_iter()).unwrap();
        assert!(
            err.message()
                .starts_with("two role assumers are registered: "),
            "{err}"
        );
    }

    #[test]
    fn crate_names_come_from_the_path() {
        let origin = crate_of;
        assert_eq!(origin("crates/creds-env/src/provider.rs"), "creds-env");
        assert_eq!(
            origin("/home/me/.cargo/registry/src/index.crates.io-1/my-vault-0.2.1/src/lib.rs"),
            "my-vault-0.2.1"
        );
        assert_eq!(origin("C:\\src\\x\\src\\lib.rs"), "x");
        assert_eq!(origin("lib.rs"), "lib.rs");
        assert_eq!(here().crate_name(), "creds-core");
    }

    #[test]
    fn the_linked_registrations_do_not_conflict() {
        assert!(check().is_ok());
    }
}
