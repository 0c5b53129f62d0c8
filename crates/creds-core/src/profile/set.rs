//! [`ProfileSet`]: the config and credentials files merged into profiles, SSO sessions
//! and services sections, by the cross-SDK rules.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::config::SelectedProfile;
use crate::profile::ProfileFiles;
use crate::profile::parse::{IniError, Item, Items, looks_secret};
use crate::{CredentialsError, Location, ProviderConfig, REDACTED};

const PROVIDER: &str = "profile";

/// A property: its lowercased name, its value and where it was written.
///
/// Its `Debug` shows the value only when the name does not suggest a secret
/// (`aws_secret_access_key`, `aws_session_token`, anything with `secret`, `token` or
/// `password` in its name).
#[derive(Clone, PartialEq, Eq)]
pub struct Property {
    // The lowercased name then the value, in one allocation: a large config file holds
    // tens of thousands of properties, and allocations were most of its loading time.
    text: Box<str>,
    name_len: usize,
    location: Location,
}

impl Property {
    fn new(key: &str, value: &str, location: Location) -> Self {
        let mut text = String::with_capacity(key.len() + value.len());
        text.push_str(key);
        text.make_ascii_lowercase();
        text.push_str(value);
        Property {
            text: text.into_boxed_str(),
            name_len: key.len(),
            location,
        }
    }

    /// The name, lowercased (names are case-insensitive).
    pub fn name(&self) -> &str {
        &self.text[..self.name_len]
    }

    /// The value, trimmed. A property with sub-properties has them here as written,
    /// one per line after a leading newline (`"\nname = value"`).
    pub fn value(&self) -> &str {
        &self.text[self.name_len..]
    }

    /// Where it was written.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The sub-properties (`s3 =\n  addressing_style = path`), names lowercased and both
    /// sides trimmed. Lines without an `=` are skipped.
    pub fn sub_properties(&self) -> impl Iterator<Item = (String, &str)> + '_ {
        self.value().lines().filter_map(|line| {
            let (name, value) = line.split_once('=')?;
            let name = name.trim();
            (!name.is_empty()).then(|| (name.to_ascii_lowercase(), value.trim()))
        })
    }

    /// One sub-property's value, the last one written.
    pub fn sub_property(&self, name: &str) -> Option<&str> {
        self.sub_properties()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .last()
            .map(|(_, v)| v)
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if looks_secret(self.name()) {
            REDACTED
        } else {
            self.value()
        };
        f.debug_struct("Property")
            .field("name", &self.name())
            .field("value", &value)
            .field("location", &self.location)
            .finish()
    }
}

/// A `[profile x]`, `[sso-session x]` or `[services x]` section, merged across the
/// files: its name and its properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    // Shared with the key of the map that holds the profile.
    name: Arc<str>,
    location: Location,
    properties: Vec<Property>,
}

impl Profile {
    /// The section's name (`dev` for `[profile dev]`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the section was first written.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// A property's value. Names are case-insensitive.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.property(name).map(Property::value)
    }

    /// A property, with its location.
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }

    /// Every property, each name once.
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    /// Whether the section has no properties.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
    }

    fn new(name: &str, location: Location) -> Self {
        Profile {
            name: Arc::from(name),
            location,
            properties: Vec::new(),
        }
    }

    // The last definition of a name wins, within a file and across files.
    fn set(&mut self, property: Property) {
        match self
            .properties
            .iter_mut()
            .find(|p| p.name() == property.name())
        {
            Some(existing) => *existing = property,
            None => self.properties.push(property),
        }
    }

    fn merge(&mut self, other: Profile) {
        for property in other.properties {
            self.set(property);
        }
    }
}

/// Something in the files that was skipped, and why. Warnings never hold a value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What was skipped and why.
    pub message: String,
}

/// Which of the two shared files a text is: they name their sections differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile x]`, `[sso-session x]`, `[services x]`.
    Config,
    /// `~/.aws/credentials`: `[x]`.
    Credentials,
}

/// The shared files, parsed and merged.
///
/// Config and credentials files merge by the cross-SDK rules: a profile in both gets
/// the properties of both, the credentials file winning a name both define; sections
/// and properties with invalid names are skipped with a [`Warning`]; in the config
/// file `[profile default]` wins over `[default]` wherever either stands.
#[derive(Debug, Clone)]
pub struct ProfileSet {
    profiles: HashMap<Arc<str>, Profile>,
    sso_sessions: HashMap<Arc<str>, Profile>,
    services: HashMap<Arc<str>, Profile>,
    selected: SelectedProfile,
    files: ProfileFiles,
    warnings: Vec<Warning>,
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
        if let (Some(path), Some(text)) = (&files.config, &config_text) {
            sources.push((FileKind::Config, path.as_path(), text.as_str()));
        }
        if let (Some(path), Some(text)) = (&files.credentials, &credentials_text) {
            sources.push((FileKind::Credentials, path.as_path(), text.as_str()));
        }
        let mut set = Self::parse(&sources)?;
        set.selected = config.selected_profile();
        set.files = files;
        for warning in &set.warnings {
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
        let mut set = ProfileSet {
            profiles: HashMap::new(),
            sso_sessions: HashMap::new(),
            services: HashMap::new(),
            selected: SelectedProfile {
                name: "default".to_owned(),
                source: crate::config::ProfileSource::Default,
            },
            files: ProfileFiles {
                config: None,
                credentials: None,
            },
            warnings: Vec::new(),
        };
        for (kind, path, text) in sources {
            let file: Arc<Path> = Arc::from(*path);
            set.add_file(*kind, &file, text).map_err(|e| {
                CredentialsError::invalid_config(
                    PROVIDER,
                    format!("{}: fix this line of the file", e.message),
                )
                .with_location(Location::in_file(&file, e.line))
            })?;
        }
        Ok(set)
    }

    /// Reads one file's sections into the set as they are parsed.
    fn add_file(&mut self, kind: FileKind, file: &Arc<Path>, text: &str) -> Result<(), IniError> {
        let mut state = FileState {
            kind,
            plain_default: None,
            prefixed_default: false,
        };
        // Most sections are profiles: room for them up front costs less than growing
        // the map as it fills. Counting `[` is one vectorised pass; the cap (a section
        // takes more than 16 bytes in any real file) keeps a file of brackets from
        // reserving more than a few times its size.
        let brackets = text.bytes().filter(|&b| b == b'[').count();
        self.profiles.reserve(brackets.min(text.len() / 16));
        // The section being read, or `None` while skipping an ignored one.
        let mut current: Option<(Target, Profile)> = None;
        for item in Items::new(text) {
            match item? {
                Item::Section { header, line } => {
                    if let Some((target, profile)) = current.take() {
                        self.add_section(&mut state, target, profile);
                    }
                    current = self.open_section(kind, header, Location::in_file(file, line));
                }
                Item::Property(property) => {
                    let Some((_, profile)) = &mut current else {
                        continue;
                    };
                    let location = Location::in_file(file, property.line);
                    if !is_valid_name(property.key) {
                        // The name is not repeated: a line whose `=` was forgotten or
                        // misplaced (`aws_session_token FwoG...==`) holds a value in it.
                        self.warn(
                            location,
                            "a property is ignored: its name may hold only letters, digits and - / . % @ _ : + \
                             (not shown, as the line may hold a secret)"
                                .to_owned(),
                        );
                        continue;
                    }
                    profile.set(Property::new(property.key, &property.value, location));
                }
            }
        }
        if let Some((target, profile)) = current {
            self.add_section(&mut state, target, profile);
        }
        if let Some(plain) = state.plain_default {
            if state.prefixed_default {
                self.warn(
                    plain.location.clone(),
                    "section [default] is ignored: [profile default] in the same file wins"
                        .to_owned(),
                );
            } else {
                merge_into(&mut self.profiles, plain);
            }
        }
        Ok(())
    }

    /// An empty section for a header, or `None` (and a warning) when it is ignored.
    fn open_section(
        &mut self,
        kind: FileKind,
        header: &str,
        location: Location,
    ) -> Option<(Target, Profile)> {
        let Some((target, name)) = classify(kind, header) else {
            self.warn(
                location,
                format!(
                    "section [{header}] is ignored: in the {} file sections are {}",
                    kind.name(),
                    kind.expected(),
                ),
            );
            return None;
        };
        if !is_valid_name(name) {
            self.warn(location, format!(
                "section [{header}] is ignored: names may hold only letters, digits and - / . % @ _ : +"
            ));
            return None;
        }
        Some((target, Profile::new(name, location)))
    }

    /// Merges a section that has been read whole into its map.
    fn add_section(&mut self, state: &mut FileState, target: Target, profile: Profile) {
        let map = match target {
            Target::PlainDefault => {
                // In the config file, `[default]` only counts when no `[profile default]`
                // exists; that is known at the end of the file.
                match &mut state.plain_default {
                    Some(existing) => existing.merge(profile),
                    None => state.plain_default = Some(profile),
                }
                return;
            }
            Target::Profile => {
                if state.kind == FileKind::Config && &*profile.name == "default" {
                    state.prefixed_default = true;
                }
                &mut self.profiles
            }
            Target::SsoSession => &mut self.sso_sessions,
            Target::Services => &mut self.services,
        };
        merge_into(map, profile);
    }

    fn warn(&mut self, location: Location, message: String) {
        self.warnings.push(Warning { location, message });
    }

    /// A profile by name.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// Every profile, in no particular order.
    pub fn profiles(&self) -> impl Iterator<Item = &Profile> {
        self.profiles.values()
    }

    /// The names of every profile, sorted.
    pub fn profile_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.profiles.keys().map(|name| &**name).collect();
        names.sort_unstable();
        names
    }

    /// An `[sso-session x]` section by name.
    pub fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.sso_sessions.get(name)
    }

    /// Every `[sso-session x]` section.
    pub fn sso_sessions(&self) -> impl Iterator<Item = &Profile> {
        self.sso_sessions.values()
    }

    /// A `[services x]` section by name.
    pub fn services(&self, name: &str) -> Option<&Profile> {
        self.services.get(name)
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
        &self.warnings
    }
}

impl FileKind {
    fn name(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Credentials => "credentials",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            FileKind::Config => "[default], [profile name], [sso-session name] or [services name]",
            FileKind::Credentials => "[name], without a 'profile' prefix",
        }
    }
}

/// What one file's reading remembers across its sections.
struct FileState {
    kind: FileKind,
    /// The config file's `[default]` sections, merged.
    plain_default: Option<Profile>,
    /// Whether the config file has a `[profile default]`.
    prefixed_default: bool,
}

enum Target {
    PlainDefault,
    Profile,
    SsoSession,
    Services,
}

fn classify(kind: FileKind, header: &str) -> Option<(Target, &str)> {
    match kind {
        FileKind::Credentials => Some((Target::Profile, header)),
        FileKind::Config => {
            if header == "default" {
                return Some((Target::PlainDefault, header));
            }
            for (prefix, target) in [
                ("profile", Target::Profile),
                ("sso-session", Target::SsoSession),
                ("services", Target::Services),
            ] {
                if let Some(rest) = header.strip_prefix(prefix) {
                    if rest.starts_with([' ', '\t']) {
                        return Some((target, rest.trim_matches([' ', '\t'])));
                    }
                }
            }
            None
        }
    }
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-/.%@_:+".contains(&b))
}

fn merge_into(map: &mut HashMap<Arc<str>, Profile>, profile: Profile) {
    match map.entry(Arc::clone(&profile.name)) {
        Entry::Occupied(mut existing) => existing.get_mut().merge(profile),
        Entry::Vacant(slot) => {
            slot.insert(profile);
        }
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
    fn services_sections_are_kept() {
        let set = config("[services dev]\nsts =\n  endpoint_url = http://127.0.0.1:1\n");
        let sts = set.services("dev").unwrap().property("sts").unwrap();
        assert_eq!(sts.sub_property("endpoint_url"), Some("http://127.0.0.1:1"));
    }
}
