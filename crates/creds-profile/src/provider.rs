//! [`ProfileProvider`] and its builder.

use std::path::PathBuf;
use std::sync::Arc;

use creds_core::registry::{ProviderFactory, order};
use creds_core::{
    CredentialsError, ProvideCredentials, ProvideFuture, ProviderConfig, SharedProvider, inventory,
};

use crate::resolve::resolve_profile;

pub(crate) const NAME: &str = "profile";

/// Credentials from a profile of the shared config and credentials files.
///
/// The files are parsed once per [`ProviderConfig`] and shared; the profile is resolved
/// on every fetch, so a [`reload`](Self::reload) takes effect at the next one.
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    config: ProviderConfig,
    ignore_cache: bool,
}

impl ProfileProvider {
    /// A provider for the profile `config` selects.
    pub fn new(config: &ProviderConfig) -> Self {
        ProfileProvider {
            config: config.clone(),
            ignore_cache: false,
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

    fn resolve(&self) -> Result<SharedProvider, CredentialsError> {
        if self.ignore_cache {
            self.config.reload_profiles();
        }
        let profiles = self.config.profile_set()?;
        let selected = self.config.selected_profile();
        resolve_profile(&self.config, &profiles, &selected.name)
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
        }
    }
}

fn default_chain_entry(config: &ProviderConfig) -> Option<SharedProvider> {
    Some(Arc::new(ProfileProvider::new(config)))
}

inventory::submit! { ProviderFactory::new(NAME, order::PROFILE, default_chain_entry) }
