//! [`ProviderConfig`]: everything a provider reads from the outside world.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::profile::{Platform, ProfileFiles, ProfileSet};
use crate::{Clock, CredentialsError, Env, Extensions, Fs};

/// How the profile in use was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileSource {
    /// Named by the program: a builder option or `--profile`. It skips the environment
    /// keys in the default chain (as botocore, Go v2 and aws-config do).
    Explicit,
    /// Named by `AWS_PROFILE`.
    Environment,
    /// Nothing named one: `default`.
    Default,
}

/// The profile in use and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SelectedProfile {
    /// The profile's name.
    pub name: String,
    /// How it was chosen.
    pub source: ProfileSource,
}

/// Everything a provider reads from the outside world, injectable: environment
/// variables, the file system, the clock, the home directory, the selected profile and
/// the shared config files, parsed once and shared by every clone.
///
/// [`ProviderConfig::new`] reads the real process environment and file system. Tests
/// build one with [`ProviderConfig::empty`] and the `with_` methods and never touch the
/// real environment or `~/.aws`:
///
/// ```
/// use creds_core::{Env, Fs, ProviderConfig};
///
/// let config = ProviderConfig::empty()
///     .with_env(Env::from_pairs([("HOME", "/home/me"), ("AWS_PROFILE", "dev")]))
///     .with_fs(Fs::from_files([(
///         "/home/me/.aws/config",
///         "[profile dev]\nregion = eu-west-1\n",
///     )]));
/// let profiles = config.profile_set().unwrap();
/// assert_eq!(profiles.selected().name, "dev");
/// assert_eq!(profiles.profile("dev").unwrap().get("region"), Some("eu-west-1"));
/// ```
#[derive(Clone)]
pub struct ProviderConfig {
    env: Env,
    fs: Fs,
    clock: Clock,
    home: Option<String>,
    profile_name: Option<String>,
    config_file: Option<PathBuf>,
    credentials_file: Option<PathBuf>,
    platform: Platform,
    profiles: Arc<Mutex<Option<Loaded>>>,
    extensions: Extensions,
}

/// The parsed files, and the fingerprints of the files they were read from.
struct Loaded {
    set: Arc<ProfileSet>,
    fingerprints: [Option<u64>; 2],
}

/// Compact: the parsed files are summarised, never dumped (they may hold secrets).
impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let loaded = self
            .profiles
            .lock()
            .map(|slot| slot.is_some())
            .unwrap_or(false);
        f.debug_struct("ProviderConfig")
            .field("env", &self.env)
            .field("fs", &self.fs)
            .field("clock", &self.clock)
            .field("home", &self.home)
            .field("profile_name", &self.profile_name)
            .field("config_file", &self.config_file)
            .field("credentials_file", &self.credentials_file)
            .field("platform", &self.platform)
            .field("profiles_loaded", &loaded)
            .field("extensions", &self.extensions)
            .finish()
    }
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl ProviderConfig {
    /// The real world: the process environment, the real file system, the system clock.
    pub fn new() -> Self {
        ProviderConfig {
            env: Env::process(),
            fs: Fs::real(),
            clock: Clock::system(),
            home: None,
            profile_name: None,
            config_file: None,
            credentials_file: None,
            platform: Platform::current(),
            profiles: Arc::default(),
            extensions: Extensions::new(),
        }
    }

    /// Nothing at all: no variables, no files, the system clock. The start of every
    /// hermetic test.
    pub fn empty() -> Self {
        ProviderConfig {
            env: Env::empty(),
            fs: Fs::empty(),
            ..Self::new()
        }
    }

    /// Replaces the environment.
    pub fn with_env(self, env: Env) -> Self {
        self.changed(|c| c.env = env)
    }

    /// Replaces the file system.
    pub fn with_fs(self, fs: Fs) -> Self {
        self.changed(|c| c.fs = fs)
    }

    /// Replaces the clock.
    pub fn with_clock(self, clock: impl Into<Clock>) -> Self {
        let clock = clock.into();
        self.changed(|c| c.clock = clock)
    }

    /// Sets the home directory, instead of finding it from `HOME`, `USERPROFILE` or
    /// `HOMEDRIVE` and `HOMEPATH`.
    pub fn with_home(self, home: impl Into<String>) -> Self {
        let home = home.into();
        self.changed(|c| c.home = Some(home))
    }

    /// Selects a profile explicitly, over `AWS_PROFILE`.
    pub fn with_profile_name(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.changed(|c| c.profile_name = Some(name))
    }

    /// Reads the config file from `path`, over `AWS_CONFIG_FILE` and `~/.aws/config`.
    pub fn with_config_file(self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.changed(|c| c.config_file = Some(path))
    }

    /// Reads the credentials file from `path`, over `AWS_SHARED_CREDENTIALS_FILE` and
    /// `~/.aws/credentials`.
    pub fn with_credentials_file(self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.changed(|c| c.credentials_file = Some(path))
    }

    /// Treats paths as on `platform` (for the cross-SDK file-location tests).
    pub fn with_platform(self, platform: Platform) -> Self {
        self.changed(|c| c.platform = platform)
    }

    /// Hands `value` to the providers built from this config: they find it by its type
    /// with [`extension`](Self::extension). A value of the same type set before is
    /// replaced; clones made before this call do not see it.
    ///
    /// This is how a program gives a provider what the environment and the files
    /// cannot hold (a callback that asks for an MFA code, a shared HTTP client, a token
    /// store) without a global. A crate that reads an extension defines a type of its
    /// own for it, so that the type says whose it is; a third-party crate does the
    /// same:
    ///
    /// ```
    /// use std::sync::Arc;
    /// use creds_core::ProviderConfig;
    ///
    /// /// What `my-vault-provider` reads: the vault's address.
    /// #[derive(Debug)]
    /// pub struct VaultAddress(pub String);
    ///
    /// // The program:
    /// let config = ProviderConfig::empty().with_extension(VaultAddress("http://127.0.0.1:8200".into()));
    ///
    /// // The provider crate, when it builds its provider from `config`:
    /// let address: Option<Arc<VaultAddress>> = config.extension::<VaultAddress>();
    /// assert_eq!(address.unwrap().0, "http://127.0.0.1:8200");
    /// assert!(config.extension::<String>().is_none());
    /// ```
    ///
    /// A lookup is typed, so asking for the wrong type cannot compile, let alone panic:
    ///
    /// ```compile_fail
    /// # use std::sync::Arc;
    /// # use creds_core::ProviderConfig;
    /// let config = ProviderConfig::empty().with_extension(7_u32);
    /// let wrong: Option<Arc<u32>> = config.extension::<String>();
    /// ```
    pub fn with_extension<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.extensions = self.extensions.insert(Arc::new(value));
        self
    }

    /// The value of type `T` that [`with_extension`](Self::with_extension) set, if any.
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.extensions.get::<T>()
    }

    /// The whole extension map, for state that providers create on first use and share
    /// with every provider built from this config and its clones
    /// ([`Extensions::get_or_insert_with`]): one HTTP connection pool for every hop of
    /// a role chain, say.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    // Any change of input starts a new, unloaded profile set, shared by later clones.
    fn changed(mut self, change: impl FnOnce(&mut Self)) -> Self {
        change(&mut self);
        self.profiles = Arc::default();
        self
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The file system.
    pub fn fs(&self) -> &Fs {
        &self.fs
    }

    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The platform whose path rules apply.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// The home directory: the explicit one, else from `HOME`, then `USERPROFILE`, then
    /// `HOMEDRIVE` + `HOMEPATH` (the cross-SDK order).
    pub fn home_dir(&self) -> Option<String> {
        self.home
            .clone()
            .or_else(|| crate::profile::home_dir(&self.env, self.platform))
    }

    /// The profile in use: the explicit one, else `AWS_PROFILE`, else `default`.
    pub fn selected_profile(&self) -> SelectedProfile {
        if let Some(name) = &self.profile_name {
            return SelectedProfile {
                name: name.clone(),
                source: ProfileSource::Explicit,
            };
        }
        match self.env.get_non_blank("AWS_PROFILE") {
            Some(name) => SelectedProfile {
                name,
                source: ProfileSource::Environment,
            },
            None => SelectedProfile {
                name: "default".to_owned(),
                source: ProfileSource::Default,
            },
        }
    }

    /// Where the config and credentials files are.
    pub fn profile_files(&self) -> ProfileFiles {
        ProfileFiles::locate(
            &self.env,
            self.home_dir().as_deref(),
            self.platform,
            self.config_file.clone(),
            self.credentials_file.clone(),
        )
    }

    /// The shared config files, read and parsed on first use and then shared by every
    /// clone of this config. A missing file counts as empty; an unreadable or malformed
    /// one is an [`InvalidConfig`](crate::ErrorKind::InvalidConfig) error naming the
    /// file and line.
    pub fn profile_set(&self) -> Result<Arc<ProfileSet>, CredentialsError> {
        let mut slot = self.profiles.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(loaded) = &*slot {
            return Ok(Arc::clone(&loaded.set));
        }
        // Before reading: an edit between the two shows as a change at the next check.
        let fingerprints = self.file_fingerprints();
        let set = Arc::new(ProfileSet::load(self)?);
        *slot = Some(Loaded {
            set: Arc::clone(&set),
            fingerprints,
        });
        Ok(set)
    }

    /// Forgets the parsed files, so that the next [`profile_set`](Self::profile_set)
    /// reads them again (the SDKs' `ignoreCache`). Every clone sees the reload.
    pub fn reload_profiles(&self) {
        *self.profiles.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Forgets the parsed files if a file was created, edited or removed since they
    /// were read (one [`Fs::fingerprint`] of each), so that the next
    /// [`profile_set`](Self::profile_set) reads them again; true if so. Nothing was
    /// read yet: false.
    ///
    /// ```
    /// use std::path::Path;
    /// use creds_core::{Env, Fs, ProviderConfig};
    ///
    /// let fs = Fs::from_files([("/h/.aws/config", "[default]\nregion = eu-west-1\n")]);
    /// let config = ProviderConfig::empty()
    ///     .with_env(Env::from_pairs([("HOME", "/h")]))
    ///     .with_fs(fs.clone());
    /// let before = config.profile_set().unwrap();
    /// assert!(!config.reload_profiles_if_changed());
    /// fs.write_atomic(Path::new("/h/.aws/config"), b"[default]\nregion = us-west-2\n").unwrap();
    /// assert!(config.reload_profiles_if_changed());
    /// let after = config.profile_set().unwrap();
    /// assert_eq!(after.profile("default").unwrap().get("region"), Some("us-west-2"));
    /// assert_eq!(before.profile("default").unwrap().get("region"), Some("eu-west-1"));
    /// ```
    pub fn reload_profiles_if_changed(&self) -> bool {
        let mut slot = self.profiles.lock().unwrap_or_else(|e| e.into_inner());
        let changed = slot
            .as_ref()
            .is_some_and(|loaded| loaded.fingerprints != self.file_fingerprints());
        if changed {
            tracing::debug!("the shared config files changed: they are read again");
            *slot = None;
        }
        changed
    }

    fn file_fingerprints(&self) -> [Option<u64>; 2] {
        let files = self.profile_files();
        let of = |path: &Option<PathBuf>| path.as_deref().and_then(|p| self.fs.fingerprint(p));
        [of(&files.config), of(&files.credentials)]
    }
}
