//! [`TempHome`]: a temporary home directory with `.aws/config` and `.aws/credentials`.

use std::path::{Path, PathBuf};

use creds_core::{Fs, ProviderConfig};

/// A temporary home directory, removed (with everything in it) when dropped.
///
/// ```
/// use creds_testkit::TempHome;
///
/// let home = TempHome::new();
/// let config = home.write_config("[profile dev]\nregion = eu-west-1\n");
/// assert_eq!(config, home.path().join(".aws/config"));
/// let profiles = home.provider_config().with_profile_name("dev").profile_set().unwrap();
/// assert_eq!(profiles.profile("dev").unwrap().get("region"), Some("eu-west-1"));
/// ```
#[derive(Debug)]
pub struct TempHome {
    dir: tempfile::TempDir,
}

impl Default for TempHome {
    fn default() -> Self {
        Self::new()
    }
}

impl TempHome {
    /// An empty home directory under the system's temporary directory.
    ///
    /// # Panics
    ///
    /// When the directory cannot be created.
    pub fn new() -> Self {
        TempHome {
            dir: tempfile::Builder::new()
                .prefix("creds-home-")
                .tempdir()
                .expect("create a temporary home directory"),
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `~/.aws/config` and returns its path.
    pub fn write_config(&self, text: &str) -> PathBuf {
        self.write_file(".aws/config", text)
    }

    /// Writes `~/.aws/credentials` and returns its path.
    pub fn write_credentials(&self, text: &str) -> PathBuf {
        self.write_file(".aws/credentials", text)
    }

    /// Writes a file at `relative` (creating its directories) and returns its path:
    /// token files, SSO caches.
    ///
    /// # Panics
    ///
    /// When the file cannot be written, or `relative` is absolute or leaves the home.
    pub fn write_file(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let relative = Path::new(relative);
        assert!(
            relative
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{} is not a plain path inside the home",
            relative.display()
        );
        let path = self.path().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// A [`ProviderConfig`] with no environment variables, the real file system and
    /// this directory as the home: its `.aws/config` and `.aws/credentials` are the
    /// shared files. Set variables with `with_env` (the home stays).
    pub fn provider_config(&self) -> ProviderConfig {
        ProviderConfig::empty()
            .with_fs(Fs::real())
            .with_home(self.path().to_string_lossy().into_owned())
    }
}
