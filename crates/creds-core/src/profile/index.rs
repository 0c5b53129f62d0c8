//! The lazy profile model's index: the files' text, where each kept section starts and
//! ends, a table from names to sections, and the warnings; a section's properties are
//! parsed when its profile is first asked for, and kept.
//!
//! Building it is one [`scan`] of each file, which checks every line (so the errors are
//! the eager model's, at the same lines) and looks at each header and property name,
//! allocating nothing per line. Merging follows the eager model (`super::eager`): the
//! sections of one name are merged in file order, files in precedence order, and a
//! config file's `[default]` sections count only when it has no `[profile default]`.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::profile::model::{Profile, Property, Warning};
use crate::profile::names::{NameTable, hash_name};
use crate::profile::parse::{IniError, Item, Items};
use crate::profile::rules::{self, FileKind, Target};
use crate::profile::scan::{Event, scan};
use crate::{CredentialsError, Location};

/// No section: the end of a chain.
const NONE: u32 = u32::MAX;

/// How many sections share one lazily made block of merged profiles.
const BLOCK: usize = 64;

/// The files, their kept sections, the table that finds them by name, and the warnings.
#[derive(Debug, Clone)]
pub(crate) struct Index {
    files: Vec<File>,
    sections: Vec<Section>,
    names: NameTable,
    /// The merged profiles, once asked for, by head section: one slot per [`BLOCK`]
    /// sections, whose block is made at the first lookup in it. A slot per section
    /// would add 16 bytes to every one of 10,000 sections that nobody asks for.
    merged: Vec<OnceLock<Box<[OnceLock<Profile>]>>>,
    warnings: Vec<Warning>,
}

/// One file: its text, kept whole so that sections can be parsed from it later. An
/// `Arc<String>` rather than an `Arc<str>`, so that a file read into a `String` is kept
/// as it is: a megabyte copied is a megabyte of pages touched, which costs more than
/// scanning it.
#[derive(Debug, Clone)]
struct File {
    path: Arc<Path>,
    text: Arc<String>,
}

/// A kept section, in 32 bytes: a 10,000-profile file has as many, and every page of
/// them is a page fault in a process that starts, looks up one profile and exits.
/// Offsets are `u32`, so a file must be under 4 GiB ([`MAX_TEXT`]). The first section
/// of a name (the one the table holds) is the head of a chain through `next` of every
/// section of that name, in merge order.
#[derive(Debug, Clone)]
struct Section {
    /// Where the name starts in the file's text, and its length.
    name_start: u32,
    name_len: u32,
    /// From the start of the header's line to the start of the next header's.
    text_start: u32,
    text_end: u32,
    /// The header's line.
    line: u32,
    /// The next section of the same name, or `NONE`.
    next: u32,
    /// In a head, the chain's last section (where the next one is linked); else `NONE`.
    last: u32,
    /// Which of the index's files.
    file: u8,
    target: Target,
}

/// The largest text the index takes: its offsets are `u32`.
const MAX_TEXT: usize = u32::MAX as usize;

const _: () = assert!(std::mem::size_of::<Section>() == 32);

/// What one file's pass remembers across its sections.
struct FileState {
    kind: FileKind,
    /// The kept section being read.
    current: Option<u32>,
    /// The config file's `[default]` sections, linked at the end of the file if no
    /// `[profile default]` overrides them.
    plain_defaults: Vec<u32>,
    prefixed_default: bool,
}

impl Index {
    /// Indexes file texts, given in precedence order.
    pub(crate) fn build(sources: &[(FileKind, &Path, &str)]) -> Result<Self, CredentialsError> {
        Self::build_owned(
            sources
                .iter()
                .map(|(kind, path, text)| (*kind, *path, (*text).to_owned()))
                .collect(),
        )
    }

    /// [`build`](Self::build) of texts the index keeps without copying them.
    pub(crate) fn build_owned(
        sources: Vec<(FileKind, &Path, String)>,
    ) -> Result<Self, CredentialsError> {
        // Most sections are profiles: room for them up front costs less than growing as
        // the index fills. Counting `[` is one vectorised pass; the cap (a section takes
        // more than 16 bytes in any real file) keeps a file of brackets from reserving
        // more than a few times its size.
        let sections: usize = sources
            .iter()
            .map(|(_, _, text)| {
                memchr::memchr_iter(b'[', text.as_bytes())
                    .count()
                    .min(text.len() / 16)
            })
            .sum();
        if sources.len() > usize::from(u8::MAX) {
            return Err(CredentialsError::invalid_config(
                rules::PROVIDER,
                format!(
                    "{} shared files given at once; at most {} are read together",
                    sources.len(),
                    u8::MAX
                ),
            ));
        }
        let mut index = Index {
            files: Vec::with_capacity(sources.len()),
            sections: Vec::with_capacity(sections),
            names: NameTable::with_capacity(sections),
            merged: Vec::new(),
            warnings: Vec::new(),
        };
        for (kind, path, text) in sources {
            if text.len() > MAX_TEXT {
                return Err(CredentialsError::invalid_config(
                    rules::PROVIDER,
                    format!(
                        "{} is {} bytes, over the 4 GiB that a shared file may have; point at the right file",
                        path.display(),
                        text.len()
                    ),
                ));
            }
            let file = File {
                path: Arc::from(path),
                text: Arc::new(text),
            };
            index.files.push(file.clone());
            index
                // At most `u8::MAX` files, checked above.
                .add_file(kind, (index.files.len() - 1) as u8, &file.text)
                .map_err(|e| rules::ini_error(&file.path, &e))?;
        }
        index.merged = (0..index.sections.len().div_ceil(BLOCK))
            .map(|_| OnceLock::new())
            .collect();
        Ok(index)
    }

    fn add_file(&mut self, kind: FileKind, file: u8, text: &str) -> Result<(), IniError> {
        let mut state = FileState {
            kind,
            current: None,
            plain_defaults: Vec::new(),
            prefixed_default: false,
        };
        scan(text, |event| match event {
            Event::Section {
                header,
                line,
                start,
            } => {
                self.open_section(&mut state, file, text, header, line, start);
            }
            Event::Property { line, valid_name } => {
                if state.current.is_some() && !valid_name {
                    self.warn(file, line, rules::ignored_property());
                }
            }
        })?;
        if state.prefixed_default {
            if let Some(&first) = state.plain_defaults.first() {
                self.warn(
                    file,
                    self.sections[first as usize].line,
                    rules::ignored_plain_default(),
                );
            }
        } else {
            for section in state.plain_defaults {
                let section_mut = &mut self.sections[section as usize];
                section_mut.target = Target::Profile;
                self.link(section);
            }
        }
        Ok(())
    }

    /// Ends the section being read at a header, and starts the header's own (or warns
    /// that it is ignored).
    fn open_section(
        &mut self,
        state: &mut FileState,
        file: u8,
        text: &str,
        header: &str,
        line: u32,
        start: usize,
    ) {
        // Every offset is under `MAX_TEXT`, checked before the scan.
        if let Some(current) = state.current.take() {
            self.sections[current as usize].text_end = start as u32;
        }
        let (target, name) = match rules::section_target(state.kind, header) {
            Ok(found) => found,
            Err(message) => return self.warn(file, line, message),
        };
        let name_start = offset_in(text, name);
        // Fewer sections than bytes, so under `MAX_TEXT` too.
        let section = self.sections.len() as u32;
        self.sections.push(Section {
            name_start: name_start as u32,
            name_len: name.len() as u32,
            text_start: start as u32,
            text_end: text.len() as u32,
            line,
            next: NONE,
            last: NONE,
            file,
            target,
        });
        state.current = Some(section);
        match target {
            Target::PlainDefault => state.plain_defaults.push(section),
            Target::Profile => {
                state.prefixed_default |= state.kind == FileKind::Config && name == "default";
                self.link(section);
            }
            Target::SsoSession | Target::Services => self.link(section),
        }
    }

    /// Makes a section the head of its name's chain, or the chain's last link.
    fn link(&mut self, section: u32) {
        let (sections, files) = (&self.sections, &self.files);
        let this = &sections[section as usize];
        let target = this.target;
        let name = name_of(files, this);
        let hash_of = |s: usize| hash_of(files, &sections[s]);
        let same_name = |other: usize| {
            let other = &sections[other];
            other.target == target && name_of(files, other) == name
        };
        match self.names.find_or_insert(
            hash_of(section as usize),
            section as usize,
            same_name,
            hash_of,
        ) {
            Some(head) => {
                let last = self.sections[head].last;
                self.sections[last as usize].next = section;
                self.sections[head].last = section;
            }
            None => self.sections[section as usize].last = section,
        }
    }

    fn warn(&mut self, file: u8, line: u32, message: String) {
        let location = Location::in_file(&self.files[usize::from(file)].path, line);
        self.warnings.push(Warning { location, message });
    }

    /// The merged section of a target and name.
    pub(crate) fn get(&self, target: Target, name: &str) -> Option<&Profile> {
        let head = self.find_hashed(target, hash_name(target as u8, name.as_bytes()), name)?;
        Some(self.merged(head))
    }

    /// Every merged section of a target, in the order their names first appear.
    pub(crate) fn all(&self, target: Target) -> impl Iterator<Item = &Profile> {
        self.heads(target).map(|head| self.merged(head))
    }

    /// The names of every section of a target, without parsing one.
    pub(crate) fn names(&self, target: Target) -> impl Iterator<Item = &str> {
        self.heads(target).map(|head| self.name(head))
    }

    /// What was skipped, in the order the files were read.
    pub(crate) fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    fn heads(&self, target: Target) -> impl Iterator<Item = usize> + '_ {
        self.sections
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.last != NONE && s.target == target)
            .map(|(i, _)| i)
    }

    fn find_hashed(&self, target: Target, hash: u64, name: &str) -> Option<usize> {
        self.names.find(hash, |s| {
            let section = &self.sections[s];
            section.target == target && self.name(s) == name
        })
    }

    fn name(&self, section: usize) -> &str {
        name_of(&self.files, &self.sections[section])
    }

    fn merged(&self, head: usize) -> &Profile {
        let block =
            self.merged[head / BLOCK].get_or_init(|| (0..BLOCK).map(|_| OnceLock::new()).collect());
        block[head % BLOCK].get_or_init(|| self.merge(head))
    }

    /// Parses and merges the chain of sections that starts at `head`.
    fn merge(&self, head: usize) -> Profile {
        let first = &self.sections[head];
        let location = Location::in_file(&self.files[usize::from(first.file)].path, first.line);
        let mut profile = Profile::new(self.name(head), location);
        let mut at = head as u32;
        while at != NONE {
            self.read_section(at as usize, &mut profile);
            at = self.sections[at as usize].next;
        }
        profile
    }

    /// Sets one section's properties in a profile, as the eager model does.
    fn read_section(&self, section: usize, profile: &mut Profile) {
        let section = &self.sections[section];
        let file = &self.files[usize::from(section.file)];
        let text = file
            .text
            .get(section.text_start as usize..section.text_end as usize)
            .unwrap_or_default();
        let mut items = Items::section(text, section.line);
        // The section's own header.
        let _ = items.next();
        for item in items {
            match item {
                Ok(Item::Property(property)) => {
                    if rules::is_valid_name(property.key) {
                        let location = Location::in_file(&file.path, property.line);
                        profile.set(Property::new(property.key, &property.value, location));
                    }
                }
                // The scan checked every line, and found every header, by the same
                // rules: neither can happen (and the fuzz target would say so).
                // In a release build, said loudly rather than silently cut short.
                Ok(Item::Section { line, .. }) => {
                    debug_assert!(false, "line {line}: a header the index missed");
                    tracing::error!(
                        line,
                        "creds-core's profile index missed a section header: please report this"
                    );
                    break;
                }
                Err(error) => {
                    debug_assert!(false, "a section the index accepted fails: {error}");
                    tracing::error!(%error, "a section creds-core's profile index accepted does not parse: please report this");
                    break;
                }
            }
        }
    }
}

/// The hash of a section's target and name, as the table keys it. Not kept in the
/// section: the table asks for it again only when it grows, which the room made for
/// every `[` of the files makes rare.
fn hash_of(files: &[File], section: &Section) -> u64 {
    hash_name(section.target as u8, name_of(files, section).as_bytes())
}

/// A section's name, in its file's text.
fn name_of<'a>(files: &'a [File], section: &Section) -> &'a str {
    let start = section.name_start as usize;
    files[usize::from(section.file)]
        .text
        .get(start..start + section.name_len as usize)
        .unwrap_or_default()
}

/// Where `part`, a slice of `text`, starts in it.
fn offset_in(text: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    debug_assert!(offset + part.len() <= text.len(), "not a slice of the text");
    offset
}
