//! The one pass over a file that the lazy profile model makes: it checks every line
//! against the grammar and reports the section headers and property names, without
//! building a value.
//!
//! It follows [`Items`](super::parse::Items) line for line (the same rules, in the same
//! order, with the same errors at the same lines) and differs only in what it skips:
//! values are neither trimmed, cut at their comment nor joined with their
//! continuations, since all that matters of a value here is whether it is empty (which
//! makes the lines indented under it sub-properties). The property tests and the
//! `profile_lazy_vs_eager` fuzz target hold the two to the same answers.

use memchr::memchr;

use crate::profile::parse::{
    IniError, NO_EQUALS, NO_NAME, NO_SECTION, ORPHAN_CONTINUATION, SUB_NO_EQUALS, SUB_NO_NAME,
    is_blank_byte, section_header,
};
use crate::profile::rules::is_name_byte;

/// What the pass reports, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event<'a> {
    /// A section header: the text between the brackets, trimmed, its line, and the byte
    /// offset in the text where its line starts.
    Section {
        header: &'a str,
        line: u32,
        start: usize,
    },
    /// A property, its line, and whether its name is valid (one the SDKs accept).
    Property { line: u32, valid_name: bool },
}

/// Checks `text` (a whole file, perhaps starting with a byte order mark) and calls
/// `on` for each header and property, stopping at the first line that breaks the
/// grammar.
pub(crate) fn scan<'a>(text: &'a str, mut on: impl FnMut(Event<'a>)) -> Result<(), IniError> {
    let bytes = text.as_bytes();
    let mut state = State {
        text,
        in_section: false,
        open: None,
    };
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut line: u32 = 0;
    while start < bytes.len() {
        line = line.saturating_add(1);
        let newline = memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let mut end = newline;
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        state
            .line(start..end, line, &mut on)
            .map_err(|message| IniError { line, message })?;
        start = newline + 1;
    }
    Ok(())
}

/// What the pass remembers from one line to the next: the state of
/// [`Items`](super::parse::Items), less the pending property's text.
struct State<'a> {
    text: &'a str,
    in_section: bool,
    /// How deeply the last property's line is indented, and whether its value was
    /// empty, while indented lines may still continue it.
    open: Option<(usize, bool)>,
}

impl<'a> State<'a> {
    /// One line (its byte range, without its line ending): `Items::read`'s loop body.
    /// It works on bytes, as everything it looks for is ASCII, and makes a `str` of
    /// headers only.
    fn line(
        &mut self,
        range: std::ops::Range<usize>,
        line: u32,
        on: &mut impl FnMut(Event<'a>),
    ) -> Result<(), &'static str> {
        let bytes = &self.text.as_bytes()[range.clone()];
        let indent = bytes
            .iter()
            .position(|&b| !is_blank_byte(b))
            .unwrap_or(bytes.len());
        // Blank, or a comment. (Trailing blanks are not trimmed: none of the checks
        // below can tell them apart from the end of the line.)
        let Some(&first) = bytes.get(indent) else {
            return Ok(());
        };
        if first == b'#' || first == b';' {
            return Ok(());
        }
        let body = &bytes[indent..];

        if indent > 0 {
            if let Some((property_indent, sub)) = self.open {
                if indent > property_indent {
                    return if sub { sub_property(body) } else { Ok(()) };
                }
            }
            if first != b'[' {
                if !self.in_section {
                    return Err(NO_SECTION);
                }
                if memchr(b'=', body).is_none() {
                    return Err(ORPHAN_CONTINUATION);
                }
            }
        }

        if first == b'[' {
            // The range starts after blanks and ends before a line ending: character
            // boundaries, so `get` never fails.
            let body = self
                .text
                .get(range.start + indent..range.end)
                .unwrap_or_default();
            let header = section_header(body)?;
            self.in_section = true;
            self.open = None;
            on(Event::Section {
                header,
                line,
                start: range.start,
            });
            return Ok(());
        }

        if !self.in_section {
            return Err(NO_SECTION);
        }
        let (equals, valid_name) = split_key(body)?;
        self.open = Some((indent, value_is_empty(&body[equals + 1..])));
        on(Event::Property { line, valid_name });
        Ok(())
    }
}

/// A property line (from its first visible byte): where its `=` is, and whether the
/// name before it is valid. Most names are valid and followed by blanks and the `=`,
/// so one loop over the name finds both; anything else takes the general way.
fn split_key(body: &[u8]) -> Result<(usize, bool), &'static str> {
    let name_end = body
        .iter()
        .position(|&b| !is_name_byte(b))
        .unwrap_or(body.len());
    let after_blanks = body[name_end..]
        .iter()
        .position(|&b| !is_blank_byte(b))
        .map(|i| name_end + i);
    if let Some(equals) = after_blanks.filter(|&at| body[at] == b'=') {
        // `body` starts with a visible byte, so the name is empty only when that is
        // the `=`.
        return if name_end == 0 {
            Err(NO_NAME)
        } else {
            Ok((equals, true))
        };
    }
    let equals = memchr(b'=', body).ok_or(NO_EQUALS)?;
    let key = trim_blank(&body[..equals]);
    if key.is_empty() {
        return Err(NO_NAME);
    }
    Ok((equals, key.iter().all(|&b| is_name_byte(b))))
}

/// A continuation of a property whose value was empty must be `name = value`.
fn sub_property(body: &[u8]) -> Result<(), &'static str> {
    let equals = memchr(b'=', body).ok_or(SUB_NO_EQUALS)?;
    if trim_blank(&body[..equals]).is_empty() {
        return Err(SUB_NO_NAME);
    }
    Ok(())
}

fn trim_blank(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_blank_byte(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_blank_byte(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// Whether a value as written after the `=` is empty once trimmed and cut at its
/// comment, without doing either: only blanks, or blanks then a `#` or `;` (which
/// white space then precedes, so it starts a comment).
fn value_is_empty(value: &[u8]) -> bool {
    match value.iter().position(|&b| !is_blank_byte(b)) {
        None => true,
        Some(at) => at > 0 && matches!(value[at], b'#' | b';'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::parse::parse_ini;

    fn events(text: &str) -> Result<Vec<Event<'_>>, IniError> {
        let mut events = Vec::new();
        scan(text, |event| events.push(event))?;
        Ok(events)
    }

    #[test]
    fn headers_know_where_their_line_starts() {
        let text = "\u{feff}[a]\nk = v\r\n[b] ; c\n";
        let events = events(text).unwrap();
        assert_eq!(
            events,
            [
                Event::Section {
                    header: "a",
                    line: 1,
                    start: 3
                },
                Event::Property {
                    line: 2,
                    valid_name: true
                },
                Event::Section {
                    header: "b",
                    line: 3,
                    start: 14
                },
            ]
        );
    }

    #[test]
    fn errors_match_the_item_parser() {
        for text in [
            "k = v",
            "[a]\nno equals",
            "[a]\n= v",
            "[a]\n  orphan",
            "[a]\ns3 =\n  nested",
            "[a]\ns3 =\n  = v",
            "[a]\ns3 = # c\n  nested",
            "[a",
            "[a] junk",
            "  k = v",
            "[a]\r\n\r\nk\r\n",
        ] {
            assert_eq!(events(text).err(), parse_ini(text).err(), "{text:?}");
        }
    }

    #[test]
    fn split_key_finds_the_equals_and_judges_the_name() {
        for (body, expected) in [
            ("k=v", Ok((1, true))),
            ("k \t= v", Ok((3, true))),
            ("a=b=c", Ok((1, true))),
            ("a b = v", Ok((4, false))),
            ("\u{e9} = v", Ok((3, false))),
            ("k! = v", Ok((3, false))),
            ("k ! = v", Ok((4, false))),
            ("= v", Err(NO_NAME)),
            ("k", Err(NO_EQUALS)),
            ("k v", Err(NO_EQUALS)),
            ("k \t", Err(NO_EQUALS)),
        ] {
            assert_eq!(split_key(body.as_bytes()), expected, "{body:?}");
        }
    }

    #[test]
    fn emptiness_follows_the_comment_rule() {
        for value in [
            "", " ", " \t", " #c", "\t;c", "#c", ";c", " v", "v #c", " \r",
        ] {
            let trimmed =
                crate::profile::parse::trim_blank(crate::profile::parse::strip_comment(value));
            assert_eq!(
                value_is_empty(value.as_bytes()),
                trimmed.is_empty(),
                "{value:?}"
            );
        }
    }
}
