//! Where the shared config and credentials files are.
//!
//! Follows the cross-SDK rules (`file-location-tests.json`): the home directory is
//! `HOME`, then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`; the files are
//! `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` when set, else `~/.aws/config`
//! and `~/.aws/credentials`. A leading `~` in a set path is the home directory.

use std::path::PathBuf;

use crate::Env;

/// Whose path rules apply: the separator between directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Platform {
    /// Linux, macOS and the other Unix-likes: `/`.
    Unix,
    /// Windows: `\`.
    Windows,
}

impl Platform {
    /// The platform this program runs on.
    pub fn current() -> Self {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    fn separator(self) -> char {
        match self {
            Platform::Unix => '/',
            Platform::Windows => '\\',
        }
    }
}

/// The home directory from the environment, in the cross-SDK order.
pub fn home_dir(env: &Env, platform: Platform) -> Option<String> {
    if let Some(home) = env.get_non_blank("HOME") {
        return Some(home);
    }
    // The SDKs read these on every platform; they are only ever set on Windows.
    if let Some(profile) = env.get_non_blank("USERPROFILE") {
        return Some(profile);
    }
    if let (Some(drive), Some(path)) = (
        env.get_non_blank("HOMEDRIVE"),
        env.get_non_blank("HOMEPATH"),
    ) {
        return Some(format!("{drive}{path}"));
    }
    let _ = platform;
    None
}

/// The two shared files. Either may be unknown (no home directory and no variable),
/// which counts as an empty file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProfileFiles {
    /// The config file (`[profile x]` sections).
    pub config: Option<PathBuf>,
    /// The credentials file (`[x]` sections).
    pub credentials: Option<PathBuf>,
}

impl ProfileFiles {
    /// Finds the files: explicit paths first, then the variables, then the home
    /// directory.
    pub fn locate(
        env: &Env,
        home: Option<&str>,
        platform: Platform,
        config: Option<PathBuf>,
        credentials: Option<PathBuf>,
    ) -> Self {
        let find = |explicit: Option<PathBuf>, var: &str, name: &str| {
            explicit.or_else(|| match env.get_non_blank(var) {
                Some(path) => Some(PathBuf::from(expand_tilde(&path, home, platform))),
                None => home.map(|home| PathBuf::from(join(home, &[".aws", name], platform))),
            })
        };
        ProfileFiles {
            config: find(config, "AWS_CONFIG_FILE", "config"),
            credentials: find(credentials, "AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        }
    }
}

fn expand_tilde(path: &str, home: Option<&str>, platform: Platform) -> String {
    let Some(home) = home else {
        return path.to_owned();
    };
    if path == "~" {
        return home.to_owned();
    }
    match path.strip_prefix("~/").or_else(|| match platform {
        Platform::Windows => path.strip_prefix("~\\"),
        Platform::Unix => None,
    }) {
        Some(rest) => join(home, &[rest], platform),
        None => path.to_owned(),
    }
}

fn join(base: &str, parts: &[&str], platform: Platform) -> String {
    let sep = platform.separator();
    let mut out = base.trim_end_matches(sep).to_owned();
    for part in parts {
        out.push(sep);
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expands_to_home() {
        let env = Env::from_pairs([("HOME", "/home/me"), ("AWS_CONFIG_FILE", "~/custom/config")]);
        let files = ProfileFiles::locate(
            &env,
            home_dir(&env, Platform::Unix).as_deref(),
            Platform::Unix,
            None,
            None,
        );
        assert_eq!(
            files.config.unwrap(),
            PathBuf::from("/home/me/custom/config")
        );
        assert_eq!(
            files.credentials.unwrap(),
            PathBuf::from("/home/me/.aws/credentials")
        );
    }

    #[test]
    fn no_home_means_no_default_files() {
        let env = Env::empty();
        let files = ProfileFiles::locate(&env, None, Platform::Unix, None, None);
        assert_eq!(
            files,
            ProfileFiles {
                config: None,
                credentials: None
            }
        );
    }

    #[test]
    fn explicit_paths_win() {
        let env = Env::from_pairs([("HOME", "/h"), ("AWS_CONFIG_FILE", "/env/config")]);
        let files = ProfileFiles::locate(
            &env,
            Some("/h"),
            Platform::Unix,
            Some("/x/config".into()),
            None,
        );
        assert_eq!(files.config.unwrap(), PathBuf::from("/x/config"));
    }
}
