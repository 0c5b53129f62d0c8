//! The default chain, built from the registry and cached.

use creds_core::{CredentialsCache, CredentialsCacheBuilder, CredentialsChain, ProviderConfig};

/// The SDKs' default chain over the real environment, cached: what most programs want.
pub fn default_chain() -> CredentialsCache {
    DefaultChain::builder().build()
}

/// Namespace of the default chain's builder.
#[derive(Debug)]
#[non_exhaustive]
pub struct DefaultChain;

impl DefaultChain {
    /// Starts a builder.
    pub fn builder() -> DefaultChainBuilder {
        DefaultChainBuilder::default()
    }
}

/// Builds the default chain.
#[derive(Debug, Default)]
pub struct DefaultChainBuilder {
    config: Option<ProviderConfig>,
    profile_name: Option<String>,
    cache: Option<CredentialsCacheBuilder>,
}

impl DefaultChainBuilder {
    /// The world to read (default: the real one).
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// Names the profile, over `AWS_PROFILE`; the chain then skips the environment keys.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The cache settings (refresh windows, `expire_after`, clock, deadline), used as
    /// given. Without them the cache has the default windows and reads the
    /// [`ProviderConfig`]'s clock and [`FetchDeadline`](creds_core::FetchDeadline).
    pub fn cache(mut self, cache: CredentialsCacheBuilder) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The configuration the chain's providers read.
    pub fn provider_config(&self) -> ProviderConfig {
        let config = self.config.clone().unwrap_or_default();
        match &self.profile_name {
            Some(name) => config.with_profile_name(name.clone()),
            None => config,
        }
    }

    /// The chain, uncached: for one-off resolution with
    /// [`provide_traced`](CredentialsChain::provide_traced), as `creds explain` does.
    pub fn build_chain(&self) -> CredentialsChain {
        link_providers();
        CredentialsChain::from_registry(&self.provider_config())
    }

    /// The chain behind a cache.
    pub fn build(self) -> CredentialsCache {
        let chain = self.build_chain();
        let config = self.provider_config();
        let cache = match self.cache {
            Some(cache) => cache,
            None => CredentialsCacheBuilder::for_config(&config),
        };
        cache.build(chain)
    }
}

/// Makes sure every enabled provider crate is linked, so that its registrations are
/// there: inventory only sees crates the program references (inventory#7).
pub(crate) fn link_providers() {
    #[cfg(feature = "env")]
    std::hint::black_box(creds_env::EnvironmentProvider::new as fn(&ProviderConfig) -> _);
    #[cfg(feature = "profile")]
    std::hint::black_box(creds_profile::ProfileProvider::new as fn(&ProviderConfig) -> _);
    #[cfg(feature = "process")]
    std::hint::black_box(creds_process::ProcessProvider::builder as fn() -> _);
    #[cfg(feature = "container")]
    std::hint::black_box(creds_container::ContainerProvider::new as fn(&ProviderConfig) -> _);
    #[cfg(feature = "imds")]
    std::hint::black_box(creds_imds::ImdsProvider::new as fn(&ProviderConfig) -> _);
    #[cfg(feature = "sts")]
    std::hint::black_box(creds_sts::WebIdentityProvider::from_env as fn(&ProviderConfig) -> _);
    #[cfg(feature = "sso")]
    std::hint::black_box(creds_sso::SsoProvider::builder as fn() -> _);
    #[cfg(feature = "login")]
    std::hint::black_box(creds_login::LoginProvider::builder as fn() -> _);
}
