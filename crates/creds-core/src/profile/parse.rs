//! The INI grammar of the shared files, line by line, with nom.
//!
//! The rules are the cross-SDK ones (`profile-parser-tests.json`):
//!
//! - `[name]` starts a section; a `#` or `;` comment may follow the `]`, even adjacent.
//! - `key = value` is a property; keys and values are trimmed; a value's `#` or `;`
//!   starts a comment only when white space precedes it.
//! - An indented line continues the property above it. If that property's value was
//!   empty, each continuation is a sub-property (`name = value`), else it is appended
//!   to the value after a newline. Continuations keep their comment characters.
//! - Blank lines and lines whose first visible character is `#` or `;` are skipped.
//!
//! Where it costs nothing we are tolerant, as botocore and the JavaScript SDK are: a
//! UTF-8 byte order mark is skipped, and an indented line that plainly is a section
//! header or a property (no property above it to continue, or indented no deeper than
//! that property) is read as one.
//!
//! The parser never copies a line's text into an error: a malformed line may hold a
//! secret. For the same reason the `Debug` of a property whose name suggests a secret
//! hides its value.
//!
//! Lines are read one at a time into [`Item`]s (a header, or a property complete with
//! its continuations); [`parse_ini`] collects them into sections, the profile model
//! reads one section's with them when it is first asked for, and its eager oracle
//! reads whole files with them. (The model's index checks whole files with
//! `super::scan`, which follows the same rules without building values.) The per-line
//! scans (indent, `=`, trimming) are byte loops, as every character they look for is
//! ASCII: a 1 MB file has some 50,000 lines.

use std::borrow::Cow;
use std::fmt;

use nom::IResult;
use nom::Parser;
use nom::character::complete::char;
use nom::sequence::preceded;

/// A section as written: its header text (between the brackets, trimmed) and its
/// properties in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IniSection<'a> {
    /// The text between `[` and `]`, trimmed: `profile dev`, `default`, `sso-session x`.
    pub header: &'a str,
    /// The 1-based line of the header.
    pub line: u32,
    /// The properties, in file order, duplicates included.
    pub properties: Vec<IniProperty<'a>>,
}

/// A property as written.
///
/// Its `Debug` hides the value when the key suggests a secret (`secret`, `token` or
/// `password` in its name, such as `aws_secret_access_key` and `aws_session_token`).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IniProperty<'a> {
    /// The key as written (not yet lowercased), trimmed.
    pub key: &'a str,
    /// The value, trimmed, with continuations and sub-properties joined by newlines.
    pub value: Cow<'a, str>,
    /// The 1-based line of the key.
    pub line: u32,
}

impl fmt::Debug for IniProperty<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: &str = if looks_secret(self.key) {
            crate::REDACTED
        } else {
            &self.value
        };
        f.debug_struct("IniProperty")
            .field("key", &self.key)
            .field("value", &value)
            .field("line", &self.line)
            .finish()
    }
}

/// Whether a property's value may be a secret, so that `Debug` hides it: its name
/// holds `secret`, `token` or `password`, in any case, or it is `credential_process`
/// (command lines often carry tokens) or `external_id` (a shared secret by intent).
pub(crate) fn looks_secret(name: &str) -> bool {
    if name.eq_ignore_ascii_case("credential_process") || name.eq_ignore_ascii_case("external_id") {
        return true;
    }
    let bytes = name.as_bytes();
    [&b"secret"[..], b"token", b"password"].iter().any(|word| {
        bytes
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    })
}

/// A line that breaks the grammar. It names the line, never its text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IniError {
    /// The 1-based line.
    pub line: u32,
    /// What is wrong, and what was expected.
    pub message: &'static str,
}

impl std::fmt::Display for IniError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on line {}", self.message, self.line)
    }
}

impl std::error::Error for IniError {}

const SECTION_UNCLOSED: &str = "Profile definition must end with ']'";
const SECTION_TRAILING: &str =
    "Expected a comment or the end of the line after the section header ']'";
pub(crate) const NO_SECTION: &str =
    "Expected a profile definition such as [profile name] before this line";
pub(crate) const NO_EQUALS: &str = "Expected an '=' sign defining a property";
pub(crate) const NO_NAME: &str = "Property did not have a name before the '='";
pub(crate) const ORPHAN_CONTINUATION: &str = "Expected a property definition, found continuation (an indented line with no property above it)";
pub(crate) const SUB_NO_EQUALS: &str = "Expected an '=' sign defining a sub-property";
pub(crate) const SUB_NO_NAME: &str = "Sub-property did not have a name before the '='";

/// Parses the text of a config or credentials file into its sections.
///
/// ```
/// use creds_core::profile::parse_ini;
///
/// let sections = parse_ini("[profile dev]\nregion = eu-west-1 # Ireland\n").unwrap();
/// assert_eq!(sections[0].header, "profile dev");
/// assert_eq!(sections[0].properties[0].value, "eu-west-1");
///
/// let err = parse_ini("[profile dev]\nregion eu-west-1\n").unwrap_err();
/// assert_eq!(err.line, 2);
/// ```
pub fn parse_ini(text: &str) -> Result<Vec<IniSection<'_>>, IniError> {
    let mut sections: Vec<IniSection<'_>> = Vec::new();
    for item in Items::new(text) {
        match item? {
            Item::Section { header, line } => sections.push(IniSection {
                header,
                line,
                properties: Vec::new(),
            }),
            // `Items` yields no property before a section: that is an error.
            Item::Property(property) => {
                if let Some(section) = sections.last_mut() {
                    section.properties.push(property);
                }
            }
        }
    }
    Ok(sections)
}

/// One thing a file says, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item<'a> {
    /// A section header: the text between the brackets, trimmed, and its line.
    Section { header: &'a str, line: u32 },
    /// A property of the last section, complete with its continuations.
    Property(IniProperty<'a>),
}

/// The items of a file, read line by line without building the sections first (the
/// profile model reads a section this way: it is what [`parse_ini`] collects). A property
/// is yielded once the line after it shows that no continuation follows. After an
/// error it yields nothing more. (No `Debug`: it holds the text still to read.)
pub(crate) struct Items<'a> {
    rest: Option<&'a str>,
    line: u32,
    in_section: bool,
    /// The last property, held back while indented lines may still continue it.
    pending: Option<IniProperty<'a>>,
    /// How deeply the pending property's line is indented, and whether its value was
    /// empty (so that its continuations are sub-properties). Set only with `pending`.
    open: Option<(usize, bool)>,
    /// A section header read after a pending property, yielded next.
    queued: Option<Item<'a>>,
}

impl<'a> Items<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Items {
            rest: Some(text.strip_prefix('\u{feff}').unwrap_or(text)),
            line: 0,
            in_section: false,
            pending: None,
            open: None,
            queued: None,
        }
    }

    /// The items of one section, read lazily: `text` starts at the line of its header,
    /// line `line` of its file, and ends before the next header. No byte order mark is
    /// skipped, as none can start a line but the file's first.
    pub(crate) fn section(text: &'a str, line: u32) -> Self {
        Items {
            rest: Some(text),
            line: line.saturating_sub(1),
            in_section: false,
            pending: None,
            open: None,
            queued: None,
        }
    }

    /// The next line, without its `\r\n` or `\n`, numbered.
    fn next_line(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let (raw, next) = match find_byte(rest.as_bytes(), b'\n') {
            Some(end) => (&rest[..end], Some(&rest[end + 1..])),
            None => (rest, None),
        };
        self.rest = next;
        self.line = self.line.saturating_add(1);
        Some(raw.strip_suffix('\r').unwrap_or(raw))
    }

    /// Reads lines until one yields an item.
    fn read(&mut self) -> Result<Option<Item<'a>>, IniError> {
        while let Some(raw) = self.next_line() {
            let line = self.line;
            let err = |message| IniError { line, message };
            let (indent, body) = split_indent(raw);
            let body = trim_end_blank(body);
            if body.is_empty() || body.starts_with(['#', ';']) {
                continue;
            }

            if indent > 0 {
                if let (Some((property_indent, sub)), Some(property)) =
                    (self.open, &mut self.pending)
                {
                    if indent > property_indent {
                        if sub {
                            let (name, _) =
                                split_property(body).ok_or_else(|| err(SUB_NO_EQUALS))?;
                            if name.is_empty() {
                                return Err(err(SUB_NO_NAME));
                            }
                        }
                        let value = property.value.to_mut();
                        value.push('\n');
                        value.push_str(body);
                        continue;
                    }
                }
                if !body.starts_with('[') {
                    if !self.in_section {
                        return Err(err(NO_SECTION));
                    }
                    if !body.contains('=') {
                        return Err(err(ORPHAN_CONTINUATION));
                    }
                }
            }

            if body.starts_with('[') {
                let header = section_header(body).map_err(err)?;
                self.in_section = true;
                self.open = None;
                let section = Item::Section { header, line };
                return Ok(Some(match self.pending.take() {
                    Some(property) => {
                        self.queued = Some(section);
                        Item::Property(property)
                    }
                    None => section,
                }));
            }

            if !self.in_section {
                return Err(err(NO_SECTION));
            }
            let (key, value) = split_property(body).ok_or_else(|| err(NO_EQUALS))?;
            if key.is_empty() {
                return Err(err(NO_NAME));
            }
            let value = trim_blank(strip_comment(value));
            self.open = Some((indent, value.is_empty()));
            let property = IniProperty {
                key,
                value: Cow::Borrowed(value),
                line,
            };
            if let Some(previous) = self.pending.replace(property) {
                return Ok(Some(Item::Property(previous)));
            }
        }
        self.open = None;
        Ok(self.pending.take().map(Item::Property))
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Result<Item<'a>, IniError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(item) = self.queued.take() {
            return Some(Ok(item));
        }
        match self.read() {
            Ok(item) => item.map(Ok),
            Err(e) => {
                self.rest = None;
                self.pending = None;
                self.open = None;
                Some(Err(e))
            }
        }
    }
}

pub(crate) fn is_blank_byte(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

// The hot per-line scans work on bytes: blanks and `=` are ASCII, so every index they
// find is a character boundary.

/// The first `needle` in `haystack`, eight bytes at a time: the search for the end of
/// each line was the parser's hottest loop, and lines are too short for `memchr` to
/// pay for its set-up.
fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let pattern = u64::from_ne_bytes([needle; 8]);
    let mut chunks = haystack.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ pattern;
        // The lowest set high bit marks the first byte that was `needle` (zero here);
        // bits above it may be false alarms, so only the lowest counts.
        let zeros = word.wrapping_sub(ONES) & !word & HIGHS;
        if zeros != 0 {
            return Some(offset + (zeros.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| offset + i)
}

fn trim_end_blank(s: &str) -> &str {
    let end = s
        .bytes()
        .rposition(|b| !is_blank_byte(b))
        .map_or(0, |i| i + 1);
    &s[..end]
}

pub(crate) fn trim_blank(s: &str) -> &str {
    let start = s.bytes().position(|b| !is_blank_byte(b)).unwrap_or(s.len());
    trim_end_blank(&s[start..])
}

/// Splits leading white space off a line: (its width in bytes, the rest).
fn split_indent(line: &str) -> (usize, &str) {
    let indent = line
        .bytes()
        .position(|b| !is_blank_byte(b))
        .unwrap_or(line.len());
    (indent, &line[indent..])
}

/// `[ header ] ; comment` → `header`, trimmed.
pub(crate) fn section_header(body: &str) -> Result<&str, &'static str> {
    let parsed: IResult<&str, &str> = preceded(char('['), till_bracket).parse(body);
    let (rest, header) = parsed.map_err(|_| SECTION_UNCLOSED)?;
    let after = rest.strip_prefix(']').ok_or(SECTION_UNCLOSED)?;
    // Only blanks, or a comment, may follow the `]`.
    match after.bytes().find(|&b| !is_blank_byte(b)) {
        None | Some(b'#' | b';') => Ok(trim_blank(header)),
        Some(_) => Err(SECTION_TRAILING),
    }
}

/// Everything up to the first `]` (or all of it), as nom's `take_till` would take it,
/// found with `memchr`: the index reads every header of a file with this.
fn till_bracket(input: &str) -> IResult<&str, &str> {
    let end = memchr::memchr(b']', input.as_bytes()).unwrap_or(input.len());
    // `]` is ASCII, so `end` is a character boundary.
    Ok((&input[end..], &input[..end]))
}

/// `key = value` → (`key` trimmed, `value` as written); `None` without an `=`.
fn split_property(body: &str) -> Option<(&str, &str)> {
    let equals = find_byte(body.as_bytes(), b'=')?;
    Some((trim_blank(&body[..equals]), &body[equals + 1..]))
}

/// Cuts a value, as written after the `=`, at the first `#` or `;` that white space
/// precedes.
pub(crate) fn strip_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for i in 1..bytes.len() {
        if matches!(bytes[i], b'#' | b';') && matches!(bytes[i - 1], b' ' | b'\t') {
            return &value[..i];
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(text: &str) -> Vec<(String, String)> {
        parse_ini(text)
            .unwrap()
            .into_iter()
            .flat_map(|s| s.properties)
            .map(|p| (p.key.to_owned(), p.value.into_owned()))
            .collect()
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let sections = parse_ini("\u{feff}[default]\nregion = x").unwrap();
        assert_eq!(sections[0].header, "default");
    }

    #[test]
    fn indented_header_and_first_property_are_what_they_look_like() {
        let sections = parse_ini("  [profile a]\n  region = x\n  output = json\n").unwrap();
        assert_eq!(sections[0].header, "profile a");
        assert_eq!(
            props("  [profile a]\n  region = x\n  output = json\n"),
            [
                ("region".to_owned(), "x".to_owned()),
                ("output".to_owned(), "json".to_owned())
            ]
        );
    }

    #[test]
    fn deeper_indent_continues_an_indented_property() {
        assert_eq!(
            props("[a]\n  k = v\n    more\n"),
            [("k".to_owned(), "v\nmore".to_owned())]
        );
    }

    #[test]
    fn errors_name_the_line_not_the_text() {
        let err = parse_ini("[default]\naws_secret_access_key: SUPERSECRET\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(!err.to_string().contains("SUPERSECRET"));
    }

    #[test]
    fn trailing_text_after_header_is_an_error() {
        assert_eq!(
            parse_ini("[default] junk").unwrap_err().message,
            SECTION_TRAILING
        );
        assert!(parse_ini("[default] ;ok").is_ok());
    }

    #[test]
    fn find_byte_finds_the_first_one() {
        let text = b"0123456789abcdef=0123456789=";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let slice = &text[start..end];
                assert_eq!(
                    find_byte(slice, b'='),
                    slice.iter().position(|&b| b == b'='),
                    "{start}..{end}"
                );
            }
        }
        // Bytes just around the needle's value never match.
        assert_eq!(
            find_byte(b"\x0b\x09\x8a\x0b\x09\x8a\x0b\x09\x0b\n", b'\n'),
            Some(9)
        );
        assert_eq!(find_byte(&[0x0a ^ 0x80; 20], b'\n'), None);
    }

    #[test]
    fn comment_needs_white_space_before_it() {
        assert_eq!(strip_comment(" a;b"), " a;b");
        assert_eq!(strip_comment(" a ;b"), " a ");
        assert_eq!(strip_comment(" a\t#b"), " a\t");
        assert_eq!(strip_comment(" #b"), " ");
        assert_eq!(strip_comment("#b"), "#b");
    }
}
