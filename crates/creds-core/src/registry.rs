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
//! explicit order and the accessors here sort by it. A crate that nothing references is
//! not linked and its registrations are missing: the `creds` facade references every
//! enabled provider crate.

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

/// How to build a provider from the environment: one entry of the default chain.
#[derive(Debug)]
pub struct ProviderFactory {
    name: &'static str,
    order: u32,
    build: fn(&ProviderConfig) -> Option<SharedProvider>,
}

impl ProviderFactory {
    /// A factory named `name` at `order` in the default chain. `build` returns `None`
    /// when the provider sits this chain out (the environment provider does when a
    /// profile was named explicitly).
    pub const fn new(
        name: &'static str,
        order: u32,
        build: fn(&ProviderConfig) -> Option<SharedProvider>,
    ) -> Self {
        ProviderFactory { name, order, build }
    }

    /// The name.
    pub fn name(&self) -> &'static str {
        self.name
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
}

impl ProfileHandler {
    /// A handler; lower `priority` is asked first.
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
        }
    }

    /// The name.
    pub fn name(&self) -> &'static str {
        self.name
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
#[derive(Debug)]
pub struct CredentialSource {
    name: &'static str,
    build: fn(&ProviderConfig) -> Result<SharedProvider, CredentialsError>,
}

impl CredentialSource {
    /// A source answering to `credential_source = name` (matched exactly, as the SDKs do).
    pub const fn new(
        name: &'static str,
        build: fn(&ProviderConfig) -> Result<SharedProvider, CredentialsError>,
    ) -> Self {
        CredentialSource { name, build }
    }

    /// The name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Builds the provider.
    pub fn build(&self, config: &ProviderConfig) -> Result<SharedProvider, CredentialsError> {
        (self.build)(config)
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
}

impl RoleAssumer {
    /// A role assumer.
    pub const fn new(
        name: &'static str,
        build: fn(
            &ProviderConfig,
            &ProfileSet,
            &Profile,
            SharedProvider,
        ) -> Result<SharedProvider, CredentialsError>,
    ) -> Self {
        RoleAssumer { name, build }
    }

    /// The name.
    pub fn name(&self) -> &'static str {
        self.name
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

/// The linked role assumer, if any (the first by name, should there be several).
pub fn role_assumer() -> Option<&'static RoleAssumer> {
    inventory::iter::<RoleAssumer>
        .into_iter()
        .min_by_key(|r| r.name)
}
