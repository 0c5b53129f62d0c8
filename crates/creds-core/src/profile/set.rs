//! [`ProfileSet`]: the config and credentials files merged into profiles, SSO sessions
//! and services sections, by the cross-SDK rules, each parsed when it is first asked
//! for.

use std::fmt;
use std::path::Path;

use crate::config::SelectedProfile;
use crate::profile::ProfileFiles;
use crate::profile::index::Index;
use crate::profile::model::{Profile, Warning};
use crate::profile::rules::{FileKind, PROVIDER, Target};
use crate::{CredentialsError, ProviderConfig};

/// The shared files, parsed and merged.
///
/// Config and credentials files merge by the cross-SDK rules: a profile in both gets
/// the properties of both, the credentials file winning a name both define; sections
/// and properties with invalid names are skipped with a [`Warning`]; in the config
/// file `[profile default]` wins over `[default]` wherever either stands.
///
/// Building a set checks every line of the files (a malformed line is an error, at its
/// file and line, whichever section it is in) and finds every section, but parses a
/// section's properties only when [`profile`](Self::profile),
/// [`sso_session`](Self::sso_session), [`services`](Self::services) or
/// [`selected_profile`](Self::selected_profile) first asks for it: a program needs
/// one profile and its role chain, and a config file may hold thousands. The answers
/// are those of parsing everything up front.
#[derive(Clone)]
pub struct ProfileSet {
    index: Index,
    selected: SelectedProfile,
    files: ProfileFiles,
}

impl ProfileSet {
    /// Reads and parses the files that `config` locates. A missing file is empty; an
    /// unreadable or malformed one is an error with the file (and line).
    pub fn load(config: &ProviderConfig) -> Result<Self, CredentialsError> {
        let files = config.profile_files();
        let read = |path: &Option<std::path::PathBuf>,
                    var: &str|
         -> Result<Option<String>, CredentialsError> {
            let Some(path) = path else { return Ok(None) };
            match config.fs().read_to_string(path) {
                Ok(text) => Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    tracing::debug!(path = %path.display(), "shared file not found; treated as empty");
                    Ok(None)
                }
                Err(e) => Err(CredentialsError::invalid_config(
                    PROVIDER,
                    format!(
                        "cannot read {}: {e}; fix its permissions or contents, or point {var} at another file",
                        path.display()
                    ),
                )
                .with_source(e)),
            }
        };
        let config_text = read(&files.config, "AWS_CONFIG_FILE")?;
        let credentials_text = read(&files.credentials, "AWS_SHARED_CREDENTIALS_FILE")?;
        let mut sources = Vec::with_capacity(2);
        if let (Some(path), Some(text)) = (&files.config, config_text) {
            sources.push((FileKind::Config, path.as_path(), text));
        }
        if let (Some(path), Some(text)) = (&files.credentials, credentials_text) {
            sources.push((FileKind::Credentials, path.as_path(), text));
        }
        // The texts are moved into the set, not copied.
        let set = ProfileSet {
            index: Index::build_owned(sources)?,
            selected: config.selected_profile(),
            files,
        };
        for warning in set.warnings() {
            tracing::warn!(location = %warning.location, "{}", warning.message);
        }
        Ok(set)
    }

    /// Parses file texts, given in precedence order (a config file, then a credentials
    /// file, whose properties win). The selected profile is `default`.
    ///
    /// ```
    /// use creds_core::profile::{FileKind, ProfileSet};
    ///
    /// let set = ProfileSet::parse(&[
    ///     (FileKind::Config, "config".as_ref(), "[profile dev]\nregion = eu-west-1"),
    ///     (FileKind::Credentials, "credentials".as_ref(), "[dev]\naws_access_key_id = AKID"),
    /// ])
    /// .unwrap();
    /// let dev = set.profile("dev").unwrap();
    /// assert_eq!(dev.get("region"), Some("eu-west-1"));
    /// assert_eq!(dev.get("aws_access_key_id"), Some("AKID"));
    /// ```
    pub fn parse(sources: &[(FileKind, &Path, &str)]) -> Result<Self, CredentialsError> {
        Ok(ProfileSet {
            index: Index::build(sources)?,
            selected: SelectedProfile {
                name: "default".to_owned(),
                source: crate::config::ProfileSource::Default,
            },
            files: ProfileFiles {
                config: None,
                credentials: None,
            },
        })
    }

    /// A profile by name.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.index.get(Target::Profile, name)
    }

    /// Every profile, in no particular order. (This parses every profile.)
    pub fn profiles(&self) -> impl Iterator<Item = &Profile> {
        self.index.all(Target::Profile)
    }

    /// The names of every profile, sorted.
    pub fn profile_names(&self) -> Vec<&str> {
        // From the index: naming the profiles parses none of them.
        let mut names: Vec<&str> = self.index.names(Target::Profile).collect();
        names.sort_unstable();
        names
    }

    /// An `[sso-session x]` section by name.
    pub fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.index.get(Target::SsoSession, name)
    }

    /// Every `[sso-session x]` section. (This parses every one.)
    pub fn sso_sessions(&self) -> impl Iterator<Item = &Profile> {
        self.index.all(Target::SsoSession)
    }

    /// A `[services x]` section by name.
    pub fn services(&self, name: &str) -> Option<&Profile> {
        self.index.get(Target::Services, name)
    }

    /// The profile in use and how it was chosen.
    pub fn selected(&self) -> &SelectedProfile {
        &self.selected
    }

    /// The selected profile, if it exists.
    pub fn selected_profile(&self) -> Option<&Profile> {
        self.profile(&self.selected.name)
    }

    /// The files that were read.
    pub fn files(&self) -> &ProfileFiles {
        &self.files
    }

    /// What was skipped while parsing.
    pub fn warnings(&self) -> &[Warning] {
        self.index.warnings()
    }
}

/// Every section, parsed for the occasion (the derived `Debug` of the eager model
/// showed them all, and values that may be secrets stay hidden by [`Property`]'s).
///
/// [`Property`]: crate::profile::Property
impl fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let by_name = |target| {
            DebugMap(
                self.index
                    .names(target)
                    .zip(self.index.all(target))
                    .collect::<Vec<_>>(),
            )
        };
        f.debug_struct("ProfileSet")
            .field("profiles", &by_name(Target::Profile))
            .field("sso_sessions", &by_name(Target::SsoSession))
            .field("services", &by_name(Target::Services))
            .field("selected", &self.selected)
            .field("files", &self.files)
            .field("warnings", &self.warnings())
            .finish()
    }
}

/// Name and section pairs, shown as a map.
struct DebugMap<'a>(Vec<(&'a str, &'a Profile)>);

impl fmt::Debug for DebugMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter().copied()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::parse_ini;

    fn config(text: &str) -> ProfileSet {
        ProfileSet::parse(&[(FileKind::Config, Path::new("config"), text)]).unwrap()
    }

    #[test]
    fn properties_keep_their_lines() {
        let set = config("[profile a]\n\nregion = x\n");
        let region = set.profile("a").unwrap().property("region").unwrap();
        assert_eq!(region.location().line(), 3);
        assert_eq!(region.location().to_string(), "config:3");
    }

    #[test]
    fn sub_properties_are_read() {
        let set = config("[profile a]\ns3 =\n  Addressing_Style = path\n  x=1\n");
        let s3 = set.profile("a").unwrap().property("s3").unwrap();
        assert_eq!(s3.sub_property("addressing_style"), Some("path"));
        assert_eq!(s3.sub_property("x"), Some("1"));
    }

    #[test]
    fn tolerant_header_spacing() {
        let set = config("[  profile   dev ]\nregion = x");
        assert_eq!(set.profile("dev").unwrap().get("region"), Some("x"));
    }

    #[test]
    fn ignored_sections_warn_without_values() {
        let set = config("[foo]\naws_secret_access_key = SECRET\n[profile bad name]\nk = SECRET2");
        assert_eq!(set.warnings().len(), 2);
        for w in set.warnings() {
            assert!(!w.message.contains("SECRET"), "{}", w.message);
        }
    }

    #[test]
    fn debug_hides_secret_values() {
        let set = config(
            "[profile a]\nAWS_Secret_Access_Key = S3CR3T1\naws_session_token = S3CR3T2\nregion = eu-west-1\n\
             credential_process = vault --token S3CR3T4\nexternal_id = S3CR3T5\n",
        );
        let shown = format!("{set:?}");
        assert!(!shown.contains("S3CR3T"), "{shown}");
        assert!(shown.contains("eu-west-1"), "{shown}");
        let sections = parse_ini("[a]\nmy_password = S3CR3T3\n").unwrap();
        assert!(!format!("{sections:?}").contains("S3CR3T"));
    }

    #[test]
    fn a_malformed_section_never_looked_up_is_still_an_error() {
        let text = "[profile a]\nregion = x\n[profile b]\nregion y\n";
        let err = ProfileSet::parse(&[(FileKind::Config, Path::new("config"), text)]).unwrap_err();
        assert_eq!(err.location().unwrap().line(), 4);
        assert!(err.to_string().contains("Expected an '=' sign"), "{err}");
    }

    #[test]
    fn warnings_are_known_before_any_lookup() {
        let set = config("[profile a]\nbad key = 1\n[default]\n[profile default]\n[nope]\n");
        let lines: Vec<u32> = set.warnings().iter().map(|w| w.location.line()).collect();
        // In file order, but the ignored `[default]` last: that is known at the end.
        assert_eq!(lines, [2, 5, 3]);
    }

    #[test]
    fn a_profile_is_parsed_once_and_kept() {
        let set = config("[profile a]\nk = 1\n[profile b]\nk = 2\n[profile a]\nk = 3\n");
        let first = set.profile("a").unwrap();
        assert_eq!(first.get("k"), Some("3"));
        assert!(std::ptr::eq(first, set.profile("a").unwrap()));
        assert!(set.profiles().any(|p| std::ptr::eq(p, first)));
        assert_eq!(set.profile_names(), ["a", "b"]);
    }

    #[test]
    fn plain_default_counts_only_without_profile_default() {
        let only_plain = config("[default]\nk = plain\n");
        assert_eq!(
            only_plain.selected_profile().unwrap().get("k"),
            Some("plain")
        );
        let both = config("[profile default]\nk = prefixed\n[default]\nk = plain\nj = 1\n");
        let default = both.selected_profile().unwrap();
        assert_eq!(default.get("k"), Some("prefixed"));
        assert_eq!(default.get("j"), None);
        let merged = ProfileSet::parse(&[
            (
                FileKind::Config,
                Path::new("config"),
                "[default]\nk = 1\nj = 1\n",
            ),
            (
                FileKind::Credentials,
                Path::new("credentials"),
                "[default]\nk = 2\n",
            ),
        ])
        .unwrap();
        let default = merged.profile("default").unwrap();
        assert_eq!((default.get("k"), default.get("j")), (Some("2"), Some("1")));
        assert_eq!(default.location().to_string(), "config:1");
    }

    #[test]
    fn services_sections_are_kept() {
        let set = config("[services dev]\nsts =\n  endpoint_url = http://127.0.0.1:1\n");
        let sts = set.services("dev").unwrap().property("sts").unwrap();
        assert_eq!(sts.sub_property("endpoint_url"), Some("http://127.0.0.1:1"));
    }
}
