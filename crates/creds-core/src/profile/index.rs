//! The lazy profile model's index: the files' text, a table from names to the sections
//! that bear them, and the warnings; a section's properties are parsed when its profile
//! is first asked for, and kept.
//!
//! Building it is one [`scan`] of each file, which checks every line (so the errors are
//! the eager model's, at the same lines) and looks at each header and property name,
//! allocating nothing per line. Merging follows the eager model (`super::eager`): the
//! sections of one name are merged in file order, files in precedence order, and a
//! config file's `[default]` sections count only when it has no `[profile default]`.
//!
//! A section is named by where its header's line starts, in the files' texts laid end
//! to end, and nothing else about it is stored: its target, name and end are read
//! again from its header when it is looked up, and its line is counted from the last
//! of the lines noted every [`CHECKPOINT`] headers. What remains is the table's four
//! bytes a slot (64 KiB for a 10,000-profile file, whose text is 1 MB): issue #18 asks
//! that reading such a file cost no more memory than its size.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use memchr::{memchr, memchr_iter};

use crate::profile::model::{Profile, Property, Warning};
use crate::profile::names::{NameTable, hash_name};
use crate::profile::parse::{IniError, Item, Items, is_blank_byte, trim_blank};
use crate::profile::rules::{self, FileKind, Target};
use crate::profile::scan::{Event, scan};
use crate::{CredentialsError, Location};

/// How many table slots share one lazily made block of merged profiles.
const BLOCK: usize = 64;

/// Every how many headers of a file the index notes the line of one: a section's line
/// is counted from there, through at most this many sections' text.
const CHECKPOINT: u32 = 16;

/// The files, the table that finds their kept sections by name, and the warnings.
#[derive(Debug, Clone)]
pub(crate) struct Index {
    files: Vec<File>,
    /// The first section of each target and name, as its offset + 1.
    names: NameTable,
    /// The later sections of a name, as (first section, section), sorted by first
    /// section and then in merge order. Most names have one section; a profile in both
    /// the config and credentials files has two.
    repeats: Vec<(u32, u32)>,
    /// The merged profiles, once asked for, by table slot: one entry per [`BLOCK`]
    /// slots, whose block is made at the first lookup in it. An entry per slot would
    /// add 16 bytes to every one of 10,000 sections that nobody asks for.
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
    kind: FileKind,
    /// Where this text starts in the files' texts laid end to end.
    base: u32,
    /// The offset in the text and the line of every [`CHECKPOINT`]th header, the first
    /// one included.
    lines: Vec<(u32, u32)>,
}

/// The most text the index takes, all files together: its offsets are `u32`.
const MAX_TEXT: usize = u32::MAX as usize;

/// What one file's pass remembers across its sections.
struct FileState {
    /// Whether the section being read is kept (else its property names are not
    /// checked: the whole section was ignored, with a warning).
    kept: bool,
    headers: u32,
    /// The config file's `[default]` sections and their lines, linked at the end of
    /// the file if no `[profile default]` overrides them.
    plain_defaults: Vec<(u32, u32)>,
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
        let mut total = 0usize;
        for (_, path, text) in &sources {
            total += text.len();
            if total > MAX_TEXT {
                return Err(CredentialsError::invalid_config(
                    rules::PROVIDER,
                    format!(
                        "{} is {} bytes, which brings the shared files over the 4 GiB they may hold together; point at the right file",
                        path.display(),
                        text.len()
                    ),
                ));
            }
        }
        // Most sections are profiles: room for them up front costs less than growing
        // the table as it fills. Counting `[` is one vectorised pass; the cap (a section
        // takes more than 16 bytes in any real file) keeps a file of brackets from
        // making a table larger than a third of its size.
        let headers: usize = sources
            .iter()
            .map(|(_, _, text)| {
                memchr_iter(b'[', text.as_bytes())
                    .count()
                    .min(text.len() / 16)
            })
            .sum();
        let mut index = Index {
            files: Vec::with_capacity(sources.len()),
            // Offsets are below `total`, which is at most `MAX_TEXT`, checked above.
            names: NameTable::with_capacity(headers, total as u32),
            repeats: Vec::new(),
            merged: Vec::new(),
            warnings: Vec::new(),
        };
        let mut base = 0u32;
        for (kind, path, text) in sources {
            let len = text.len() as u32;
            index.files.push(File {
                path: Arc::from(path),
                text: Arc::new(text),
                kind,
                base,
                lines: Vec::new(),
            });
            base += len;
            let at = index.files.len() - 1;
            index
                .add_file(at)
                .map_err(|e| rules::ini_error(&index.files[at].path, &e))?;
        }
        // A stable sort: the sections of each name stay in merge order.
        index.repeats.sort_by_key(|&(first, _)| first);
        index.merged = (0..index.names.slots().div_ceil(BLOCK))
            .map(|_| OnceLock::new())
            .collect();
        Ok(index)
    }

    fn add_file(&mut self, at: usize) -> Result<(), IniError> {
        let text = Arc::clone(&self.files[at].text);
        let (kind, base) = (self.files[at].kind, self.files[at].base);
        let mut state = FileState {
            kept: false,
            headers: 0,
            plain_defaults: Vec::new(),
            prefixed_default: false,
        };
        scan(&text, |event| match event {
            Event::Section {
                header,
                line,
                start,
            } => {
                // Every offset is under `MAX_TEXT`, checked before the scan.
                let start = start as u32;
                if state.headers % CHECKPOINT == 0 {
                    self.files[at].lines.push((start, line));
                }
                state.headers = state.headers.wrapping_add(1);
                let (target, name) = match rules::section_target(kind, header) {
                    Ok(found) => found,
                    Err(message) => {
                        state.kept = false;
                        return self.warn(at, line, message);
                    }
                };
                state.kept = true;
                let section = base + start;
                match target {
                    Target::PlainDefault => state.plain_defaults.push((section, line)),
                    Target::Profile => {
                        state.prefixed_default |= kind == FileKind::Config && name == "default";
                        self.link(section, target, name);
                    }
                    Target::SsoSession | Target::Services => self.link(section, target, name),
                }
            }
            Event::Property { line, valid_name } => {
                if state.kept && !valid_name {
                    self.warn(at, line, rules::ignored_property());
                }
            }
        })?;
        if state.prefixed_default {
            if let Some(&(_, line)) = state.plain_defaults.first() {
                self.warn(at, line, rules::ignored_plain_default());
            }
        } else {
            for (section, _) in state.plain_defaults {
                self.link(section, Target::Profile, "default");
            }
        }
        Ok(())
    }

    /// Makes a section the first of its name, or one of its later ones.
    fn link(&mut self, section: u32, target: Target, name: &str) {
        let files = &self.files;
        let found = self.names.find_or_insert(
            hash_name(target as u8, name.as_bytes()),
            section + 1,
            |other| is_named(files, other - 1, target, name),
            |other| {
                header_of(files, other - 1).map_or(0, |(t, n)| hash_name(t as u8, n.as_bytes()))
            },
        );
        if let Some(first) = found {
            self.repeats.push((first - 1, section));
        }
    }

    fn warn(&mut self, file: usize, line: u32, message: String) {
        let location = Location::in_file(&self.files[file].path, line);
        self.warnings.push(Warning { location, message });
    }

    /// The merged section of a target and name.
    pub(crate) fn get(&self, target: Target, name: &str) -> Option<&Profile> {
        let (slot, first) = self
            .names
            .find(hash_name(target as u8, name.as_bytes()), |s| {
                is_named(&self.files, s - 1, target, name)
            })?;
        Some(self.merged(slot, first - 1))
    }

    /// Every merged section of a target, in the order their names first appear.
    pub(crate) fn all(&self, target: Target) -> impl Iterator<Item = &Profile> {
        self.firsts(target)
            .into_iter()
            .map(|(slot, first, _)| self.merged(slot, first))
    }

    /// The names of every section of a target, in the same order, without parsing one.
    pub(crate) fn names(&self, target: Target) -> impl Iterator<Item = &str> {
        self.firsts(target).into_iter().map(|(_, _, name)| name)
    }

    /// What was skipped, in the order the files were read.
    pub(crate) fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The table slot, first section and name of each name of a target, in file order.
    fn firsts(&self, target: Target) -> Vec<(usize, u32, &str)> {
        let mut firsts: Vec<(usize, u32, &str)> = self
            .names
            .iter()
            .filter_map(|(slot, value)| match header_of(&self.files, value - 1)? {
                (found, name) if found == target => Some((slot, value - 1, name)),
                _ => None,
            })
            .collect();
        firsts.sort_unstable_by_key(|&(_, first, _)| first);
        firsts
    }

    fn merged(&self, slot: usize, first: u32) -> &Profile {
        let block =
            self.merged[slot / BLOCK].get_or_init(|| (0..BLOCK).map(|_| OnceLock::new()).collect());
        block[slot % BLOCK].get_or_init(|| self.merge(first))
    }

    /// Parses and merges the sections of the name whose first section is `first`.
    fn merge(&self, first: u32) -> Profile {
        let name = header_of(&self.files, first).map_or("", |(_, name)| name);
        let (file, start) = locate(&self.files, first);
        let line = line_of(file, start);
        let location = Location::in_file(&file.path, line);
        let mut properties = Vec::new();
        read_section(file, start, line, &mut properties);
        let from = self.repeats.partition_point(|&(f, _)| f < first);
        for &(_, section) in self.repeats[from..].iter().take_while(|(f, _)| *f == first) {
            let (file, start) = locate(&self.files, section);
            read_section(file, start, line_of(file, start), &mut properties);
        }
        let mut profile = Profile::new(name, location);
        profile.set_all(properties);
        profile
    }
}

/// Reads the properties with valid names of the section whose header's line starts
/// at `start` of a file, as the eager model does.
fn read_section(file: &File, start: usize, line: u32, properties: &mut Vec<Property>) {
    let text = file.text.get(start..).unwrap_or_default();
    let mut items = Items::section(text, line);
    // The section's own header.
    let _ = items.next();
    for item in items {
        match item {
            Ok(Item::Property(property)) => {
                if rules::is_valid_name(property.key) {
                    let location = Location::in_file(&file.path, property.line);
                    properties.push(Property::new(property.key, &property.value, location));
                }
            }
            // The next section's header: this one ends there.
            Ok(Item::Section { .. }) => break,
            // The scan checked every line by the same rules: this cannot happen
            // (and the fuzz target would say so). In a release build, said loudly
            // rather than silently cut short.
            Err(error) => {
                debug_assert!(false, "a section the index accepted fails: {error}");
                tracing::error!(%error, "a section creds-core's profile index accepted does not parse: please report this");
                break;
            }
        }
    }
}

/// The file that holds a section, and where its header's line starts in that file.
fn locate(files: &[File], section: u32) -> (&File, usize) {
    // The last file starting at or before the section: an empty file starts where the
    // next one does, and holds nothing. (The first file starts at 0, and there is one:
    // a section was found in it.)
    let file = &files[files
        .partition_point(|f| f.base <= section)
        .saturating_sub(1)];
    (file, section.saturating_sub(file.base) as usize)
}

/// The target and name of a kept section, read again from its header: a config
/// file's `[default]` is a profile there, as the index keeps it only when it counts.
fn header_of(files: &[File], section: u32) -> Option<(Target, &str)> {
    let (file, start) = locate(files, section);
    let rest = file.text.get(start..)?;
    let bytes = rest.as_bytes();
    // The scan checked the whole line, so the header is what its first `]` closes
    // (trimmed, as `section_header` trims it). Reading no further matters: every later
    // section of a name is compared with the first, whose line may end in a long
    // comment, which made building the index quadratic.
    let open = bytes.iter().position(|&b| !is_blank_byte(b))?;
    if bytes[open] != b'[' {
        return None;
    }
    let close = open + 1 + memchr(b']', &bytes[open + 1..])?;
    let header = trim_blank(rest.get(open + 1..close)?);
    let (target, name) = rules::classify(file.kind, header)?;
    match target {
        Target::PlainDefault => Some((Target::Profile, name)),
        _ => Some((target, name)),
    }
}

/// Whether a kept section has this target and name.
fn is_named(files: &[File], section: u32, target: Target, name: &str) -> bool {
    header_of(files, section).is_some_and(|found| found == (target, name))
}

/// The line that starts at `start` of a file's text: the last noted line at or before
/// it, and the newlines since.
fn line_of(file: &File, start: usize) -> u32 {
    let noted = file
        .lines
        .partition_point(|&(offset, _)| offset as usize <= start)
        .saturating_sub(1);
    let (from, line) = file.lines.get(noted).copied().unwrap_or((0, 1));
    let between = file
        .text
        .as_bytes()
        .get(from as usize..start)
        .unwrap_or_default();
    line.saturating_add(count_newlines(between) as u32)
}

/// The newlines in `bytes`. They are dense (one every 20 bytes or so), so a count that
/// the compiler vectorises, by byte counters summed every 128 bytes, costs a fraction of
/// finding them one at a time (`memchr_iter`) or of `filter().count()`, whose counters
/// are 64-bit.
fn count_newlines(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(128);
    let mut count = 0;
    for chunk in &mut chunks {
        // At most 128: a byte holds it.
        count += usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n')));
    }
    count + chunks.remainder().iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_counted_across_chunks() {
        let text: Vec<u8> = (0..1000u32)
            .map(|i| {
                if i % 7 == 0 || i % 11 == 0 {
                    b'\n'
                } else {
                    b'a'
                }
            })
            .collect();
        for len in [0, 1, 127, 128, 129, 255, 256, 300, 1000] {
            let slice = &text[..len];
            assert_eq!(
                count_newlines(slice),
                memchr_iter(b'\n', slice).count(),
                "{len}"
            );
        }
        assert_eq!(count_newlines(&[b'\n'; 1000]), 1000);
    }
}
