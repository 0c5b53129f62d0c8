//! The cross-SDK rules that turn a file's sections into profiles, SSO sessions and
//! services sections, shared by the lazy [`ProfileSet`](super::ProfileSet) and the eager
//! oracle (`super::eager`), so that the two differ only in when they do the work.

use std::path::Path;
use std::sync::Arc;

use crate::profile::parse::{IniError, trim_blank};
use crate::{CredentialsError, Location};

pub(crate) const PROVIDER: &str = "profile";

/// Which of the two shared files a text is: they name their sections differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile x]`, `[sso-session x]`, `[services x]`.
    Config,
    /// `~/.aws/credentials`: `[x]`.
    Credentials,
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

/// Where a section's properties go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The config file's `[default]`: it counts only when the same file has no
    /// `[profile default]`, which is known at the end of the file.
    PlainDefault,
    Profile,
    SsoSession,
    Services,
}

/// A header's target and name, or `None` when the file does not allow it. (The index
/// calls it again, to read a header it kept, without checking the name twice.)
pub(crate) fn classify(kind: FileKind, header: &str) -> Option<(Target, &str)> {
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
                        return Some((target, trim_blank(rest)));
                    }
                }
            }
            None
        }
    }
}

/// The bytes a section or property name may hold: letters, digits and `-/.%@_:+`.
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'/' | b'.' | b'%' | b'@' | b'_' | b':' | b'+');
        b += 1;
    }
    table
};

/// Whether a byte may be part of a section or property name. (A table, not a chain of
/// comparisons: the index checks every property name of a file.)
pub(crate) fn is_name_byte(b: u8) -> bool {
    NAME_BYTES[usize::from(b)]
}

/// Whether a section or property name is one the SDKs accept.
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_name_byte)
}

/// A header's target and name, or the warning that says why its section is ignored.
pub(crate) fn section_target(kind: FileKind, header: &str) -> Result<(Target, &str), String> {
    let Some((target, name)) = classify(kind, header) else {
        return Err(format!(
            "section [{header}] is ignored: in the {} file sections are {}",
            kind.name(),
            kind.expected(),
        ));
    };
    if !is_valid_name(name) {
        return Err(format!(
            "section [{header}] is ignored: names may hold only letters, digits and - / . % @ _ : +"
        ));
    }
    Ok((target, name))
}

/// The warning for a property with an invalid name. The name is not repeated: a line
/// whose `=` was forgotten or misplaced (`aws_session_token FwoG...==`) holds a value
/// in it.
pub(crate) fn ignored_property() -> String {
    "a property is ignored: its name may hold only letters, digits and - / . % @ _ : + \
     (not shown, as the line may hold a secret)"
        .to_owned()
}

/// The warning for a config file's `[default]` that its `[profile default]` overrides.
pub(crate) fn ignored_plain_default() -> String {
    "section [default] is ignored: [profile default] in the same file wins".to_owned()
}

/// A grammar error as the error every caller sees: the message, at the file and line.
pub(crate) fn ini_error(file: &Arc<Path>, error: &IniError) -> CredentialsError {
    CredentialsError::invalid_config(
        PROVIDER,
        format!("{}: fix this line of the file", error.message),
    )
    .with_location(Location::in_file(file, error.line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_table_matches_the_rule() {
        for b in 0..=255u8 {
            let by_rule = b.is_ascii_alphanumeric() || b"-/.%@_:+".contains(&b);
            assert_eq!(NAME_BYTES[usize::from(b)], by_rule, "{b}");
        }
        assert!(!is_valid_name(""));
        assert!(is_valid_name("a-b/c.d%e@f_g:h+i"));
        assert!(!is_valid_name("a b"));
        assert!(!is_valid_name("é"));
    }
}
