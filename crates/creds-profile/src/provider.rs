//! [`ProfileProvider`] and its builder.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use creds_core::profile::ProfileSet;
use creds_core::registry::{ProviderFactory, order};
use creds_core::{
    CredentialsError, ProvideCredentials, ProvideFuture, ProviderConfig, SharedProvider, inventory,
};

use crate::resolve::resolve_profile;

pub(crate) const NAME: &str = "profile";

/// Credentials from a profile of the shared config and credentials files.
///
/// The files are parsed once per [`ProviderConfig`] and shared. The profile's chain of
/// providers (each hop of a role chain, the source at its base) is built at the first
/// fetch and kept, so that each keeps what it holds between fetches (a connection
/// pool, an SSO token, an MFA session, a cached identity). It is built again only
/// when the files change (each fetch compares their [fingerprints](creds_core::Fs::fingerprint),
/// one `stat` each), after [`reload`](Self::reload), or at every fetch with
/// [`ignore_cache`](ProfileProviderBuilder::ignore_cache). Clones share the chain.
/// (A fingerprint is the size, times and inode: an edit that keeps the size and lands
/// within the file system's timestamp granularity, a few milliseconds, of the previous
/// one is seen at the next edit or [`reload`](Self::reload). Editors and
/// [`Fs::write_atomic`](creds_core::Fs::write_atomic) replace the file, which changes
/// its inode.)
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    config: ProviderConfig,
    ignore_cache: bool,
    built: Arc<Mutex<Option<Built>>>,
}

/// The chain built for one version of the files.
struct Built {
    profiles: Arc<ProfileSet>,
    provider: SharedProvider,
}

impl std::fmt::Debug for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Built")
            .field("provider", &self.provider.name())
            .finish_non_exhaustive()
    }
}

impl ProfileProvider {
    /// A provider for the profile `config` selects.
    pub fn new(config: &ProviderConfig) -> Self {
        ProfileProvider {
            config: config.clone(),
            ignore_cache: false,
            built: Arc::default(),
        }
    }

    /// Starts a builder.
    pub fn builder() -> ProfileProviderBuilder {
        ProfileProviderBuilder::default()
    }

    /// Reads the files again at the next fetch (the SDKs' `ignoreCache`, once).
    pub fn reload(&self) {
        self.config.reload_profiles();
    }

    /// The name of the profile in use.
    pub fn profile_name(&self) -> String {
        self.config.selected_profile().name
    }

    /// The chain for the files as they are now: the one built before, unless they
    /// changed.
    fn resolve(&self) -> Result<SharedProvider, CredentialsError> {
        if self.ignore_cache {
            self.config.reload_profiles();
        } else {
            self.config.reload_profiles_if_changed();
        }
        let profiles = self.config.profile_set()?;
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(built) = built
            .as_ref()
            .filter(|b| Arc::ptr_eq(&b.profiles, &profiles))
        {
            return Ok(Arc::clone(&built.provider));
        }
        let selected = self.config.selected_profile();
        let provider = resolve_profile(&self.config, &profiles, &selected.name)?;
        tracing::debug!(profile = %selected.name, provider = provider.name(), "profile chain built");
        *built = Some(Built {
            profiles,
            provider: Arc::clone(&provider),
        });
        Ok(provider)
    }

    fn current(&self) -> Option<SharedProvider> {
        let built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        built.as_ref().map(|b| Arc::clone(&b.provider))
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let provider = self.resolve()?;
            provider.provide_credentials().await
        })
    }

    fn name(&self) -> &'static str {
        NAME
    }

    /// `profile 'dev': ...`, with what the profile's chain says it runs.
    fn running(&self) -> Option<String> {
        let provider = self.current()?;
        let name = self.profile_name();
        Some(match provider.running() {
            Some(inner) => format!("profile '{name}': {inner}"),
            None => format!("profile '{name}' ({})", provider.name()),
        })
    }
}

/// Builds a [`ProfileProvider`] (JS `fromIni({ profile, filepath, configFilepath,
/// ignoreCache })`).
#[derive(Debug, Default)]
pub struct ProfileProviderBuilder {
    config: Option<ProviderConfig>,
    profile_name: Option<String>,
    config_file: Option<PathBuf>,
    credentials_file: Option<PathBuf>,
    ignore_cache: bool,
}

impl ProfileProviderBuilder {
    /// The world to read from (default: the real one, [`ProviderConfig::new`]).
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// The profile to use, over `AWS_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The config file, over `AWS_CONFIG_FILE` and `~/.aws/config`.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// The credentials file, over `AWS_SHARED_CREDENTIALS_FILE` and
    /// `~/.aws/credentials`.
    pub fn credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials_file = Some(path.into());
        self
    }

    /// Reads the files again on every fetch instead of once.
    pub fn ignore_cache(mut self, ignore: bool) -> Self {
        self.ignore_cache = ignore;
        self
    }

    /// Builds the provider.
    pub fn build(self) -> ProfileProvider {
        let mut config = self.config.unwrap_or_default();
        if let Some(name) = self.profile_name {
            config = config.with_profile_name(name);
        }
        if let Some(path) = self.config_file {
            config = config.with_config_file(path);
        }
        if let Some(path) = self.credentials_file {
            config = config.with_credentials_file(path);
        }
        ProfileProvider {
            config,
            ignore_cache: self.ignore_cache,
            built: Arc::default(),
        }
    }
}

fn default_chain_entry(config: &ProviderConfig) -> Option<SharedProvider> {
    Some(Arc::new(ProfileProvider::new(config)))
}

inventory::submit! { ProviderFactory::new(NAME, order::PROFILE, default_chain_entry) }
