//! The eager profile model: every section of every file parsed and merged up front.
//!
//! This was `ProfileSet` until the lazy model replaced it (a 10,000-profile file spent
//! most of its load building and freeing profiles nobody asked for). It is kept, unused
//! by the library, as the oracle the lazy model is tested against: it reads each file
//! in one straightforward pass of the line parser behind [`parse_ini`](super::parse_ini),
//! so it is easy to check against the cross-SDK suites, and the property tests and the
//! `profile_lazy_vs_eager` fuzz target assert that both models give the same profiles,
//! values, locations, warnings and errors. It is public only so that those (in other
//! crates) can reach it, and hidden from the docs: no program should use it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;
use std::sync::Arc;

use crate::profile::model::{Profile, Property, Warning};
use crate::profile::parse::{IniError, Item, Items};
use crate::profile::rules::{self, FileKind, Target};
use crate::{CredentialsError, Location};

/// The shared files, every section parsed and merged when they are read: the test
/// oracle of [`ProfileSet`](super::ProfileSet) (see the module's docs). Not for use.
#[derive(Debug, Clone, Default)]
pub struct EagerProfileSet {
    profiles: HashMap<Arc<str>, Profile>,
    sso_sessions: HashMap<Arc<str>, Profile>,
    services: HashMap<Arc<str>, Profile>,
    warnings: Vec<Warning>,
}

impl EagerProfileSet {
    /// Parses file texts as [`ProfileSet::parse`](super::ProfileSet::parse) does.
    pub fn parse(sources: &[(FileKind, &Path, &str)]) -> Result<Self, CredentialsError> {
        let mut set = EagerProfileSet::default();
        for (kind, path, text) in sources {
            let file: Arc<Path> = Arc::from(*path);
            set.add_file(*kind, &file, text)
                .map_err(|e| rules::ini_error(&file, &e))?;
        }
        Ok(set)
    }

    /// Every profile, by name.
    pub fn profiles(&self) -> &HashMap<Arc<str>, Profile> {
        &self.profiles
    }

    /// Every `[sso-session x]` section, by name.
    pub fn sso_sessions(&self) -> &HashMap<Arc<str>, Profile> {
        &self.sso_sessions
    }

    /// Every `[services x]` section, by name.
    pub fn services(&self) -> &HashMap<Arc<str>, Profile> {
        &self.services
    }

    /// What was skipped, in the order the files were read.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Reads one file's sections into the set as they are parsed.
    fn add_file(&mut self, kind: FileKind, file: &Arc<Path>, text: &str) -> Result<(), IniError> {
        let mut state = FileState {
            kind,
            plain_default: None,
            prefixed_default: false,
        };
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
                    if !rules::is_valid_name(property.key) {
                        self.warn(location, rules::ignored_property());
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
                self.warn(plain.location().clone(), rules::ignored_plain_default());
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
        match rules::section_target(kind, header) {
            Ok((target, name)) => Some((target, Profile::new(name, location))),
            Err(message) => {
                self.warn(location, message);
                None
            }
        }
    }

    /// Merges a section that has been read whole into its map.
    fn add_section(&mut self, state: &mut FileState, target: Target, profile: Profile) {
        let map = match target {
            Target::PlainDefault => {
                match &mut state.plain_default {
                    Some(existing) => existing.merge(profile),
                    None => state.plain_default = Some(profile),
                }
                return;
            }
            Target::Profile => {
                if state.kind == FileKind::Config && profile.name() == "default" {
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
}

/// What one file's reading remembers across its sections.
struct FileState {
    kind: FileKind,
    /// The config file's `[default]` sections, merged.
    plain_default: Option<Profile>,
    /// Whether the config file has a `[profile default]`.
    prefixed_default: bool,
}

fn merge_into(map: &mut HashMap<Arc<str>, Profile>, profile: Profile) {
    match map.entry(Arc::clone(profile.shared_name())) {
        Entry::Occupied(mut existing) => existing.get_mut().merge(profile),
        Entry::Vacant(slot) => {
            slot.insert(profile);
        }
    }
}
