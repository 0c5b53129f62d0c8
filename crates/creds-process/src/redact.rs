//! Hiding the command line's arguments and the variables set for the program in the
//! stderr text that goes into errors.
//!
//! bash (the `sh` of Fedora, RHEL and macOS) echoes the whole `-c` line on a syntax
//! error (``bash: -c: line 1: `helper --token s3cr3t ('``), and many helpers print
//! their argv in usage errors. Before the start of stderr is put into an error, every
//! argument word of the command line and every value set with
//! [`env`](crate::ProcessProviderBuilder::env) is replaced by
//! [`REDACTED`].

use creds_core::REDACTED;

use crate::command::{Context, Program};

/// Words shorter than this are left alone, so that ordinary text (`-c`, `on`, `to`) is
/// not mangled.
const MIN_CHARS: usize = 4;

/// The words to hide, longest first.
#[derive(Default)]
pub(crate) struct Redactions {
    words: Vec<String>,
}

impl Redactions {
    /// The words of `program` and `context` that may be secrets:
    ///
    /// - a command line: every word after the program, split on white space, its shell
    ///   quotes removed; and the values of the variable assignments before it
    ///   (`TOKEN=s3cr3t helper`);
    /// - a program run directly: each argument, whole;
    /// - each value set with `env`;
    ///
    /// and for each `name=value` word, the value alone too. Every word is normalised as
    /// [`normalise`] normalises the text it is looked for in.
    pub(crate) fn new(program: &Program, context: &Context) -> Self {
        let mut raw: Vec<String> = Vec::new();
        match program {
            Program::Shell(line) => {
                let mut words = line.split_whitespace();
                for word in words.by_ref() {
                    match word.split_once('=') {
                        Some((_, value)) => raw.push(value.to_owned()),
                        None => break,
                    }
                }
                raw.extend(words.map(str::to_owned));
                for word in &mut raw {
                    word.retain(|c| c != '"' && c != '\'');
                }
            }
            Program::Exec { args, .. } => {
                raw.extend(args.iter().map(|arg| arg.to_string_lossy().into_owned()));
            }
        }
        raw.extend(
            context
                .envs
                .iter()
                .map(|(_, value)| value.to_string_lossy().into_owned()),
        );
        let values: Vec<String> = raw
            .iter()
            .filter_map(|word| word.split_once('=').map(|(_, value)| value.to_owned()))
            .collect();
        raw.extend(values);

        let mut words: Vec<String> = raw
            .iter()
            .map(|word| normalise(word))
            .filter(|word| word.chars().count() >= MIN_CHARS)
            .collect();
        words.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        words.dedup();
        Redactions { words }
    }

    /// `line` (normalised) with every word replaced by [`REDACTED`], in one pass, the
    /// longest word first at each position (so that a replacement is never replaced
    /// again). When the text was `cut`, a start of a word at its very end (at least
    /// [`MIN_CHARS`] long) is replaced too.
    pub(crate) fn apply(&self, line: &str, cut: bool) -> String {
        if self.words.is_empty() {
            return line.to_owned();
        }
        let mut out = String::with_capacity(line.len());
        let mut rest = line;
        'text: while let Some(c) = rest.chars().next() {
            for word in &self.words {
                if let Some(after) = rest.strip_prefix(word.as_str()) {
                    out.push_str(REDACTED);
                    rest = after;
                    continue 'text;
                }
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
        if cut {
            self.redact_cut_tail(&mut out);
        }
        out
    }

    /// A word cut in two by the end of the kept text.
    fn redact_cut_tail(&self, out: &mut String) {
        for word in &self.words {
            let starts = word
                .char_indices()
                .map(|(at, _)| at)
                .skip(MIN_CHARS)
                .collect::<Vec<_>>();
            for &end in starts.iter().rev() {
                if out.ends_with(&word[..end]) {
                    out.truncate(out.len() - end);
                    out.push_str(REDACTED);
                    return;
                }
            }
        }
    }
}

/// `text` on one line: split on white space, control characters removed, joined by
/// single spaces.
pub(crate) fn normalise(text: &str) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect())
        .filter(|w: &String| !w.is_empty())
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(line: &str, envs: &[(&str, &str)]) -> Redactions {
        let context = Context {
            envs: envs.iter().map(|(k, v)| (k.into(), v.into())).collect(),
            ..Context::default()
        };
        Redactions::new(&Program::Shell(line.to_owned()), &context)
    }

    #[test]
    fn shell_words_after_the_program_and_assignment_values() {
        let r = shell(
            "TOKEN=early-secret helper --token 's3cr3t' \"two words\" ( -x --key=k3y-value",
            &[("VAULT", "env-secret"), ("SHORT", "abc")],
        );
        let text = "bash: -c: line 1: `TOKEN=early-secret helper --token 's3cr3t' \
                    \"two words\" (' helper: bad --key=k3y-value, k3y-value, env-secret, abc";
        let shown = r.apply(&normalise(text), false);
        for secret in [
            "early-secret",
            "s3cr3t",
            "k3y-value",
            "env-secret",
            "--token",
            "words",
        ] {
            assert!(!shown.contains(secret), "{secret}: {shown}");
        }
        // The program, short words and ordinary text stay.
        assert!(shown.starts_with("bash: -c: line 1: `TOKEN="), "{shown}");
        assert!(shown.contains(" helper "), "{shown}");
        assert!(shown.contains("two"), "{shown}");
        assert!(shown.contains("abc"), "{shown}");
        assert!(shown.contains("bad"), "{shown}");
    }

    #[test]
    fn program_arguments_whole_even_with_spaces() {
        let program = Program::Exec {
            program: "bash".into(),
            args: vec!["-c".into(), "helper  --token\ts3cr3t (".into()],
        };
        let r = Redactions::new(&program, &Context::default());
        let text = "bash: -c: line 1: `helper --token\ts3cr3t ('\n";
        let shown = r.apply(&normalise(text), false);
        assert_eq!(shown, format!("bash: -c: line 1: `{REDACTED}'"));
    }

    #[test]
    fn a_replacement_is_not_replaced_again() {
        let r = shell("helper redacted", &[]);
        assert_eq!(r.apply("x redacted y", false), format!("x {REDACTED} y"));
    }

    #[test]
    fn a_word_cut_by_the_end_of_the_kept_text() {
        let r = shell("helper --token abcdefghijkl", &[]);
        assert_eq!(
            r.apply("usage: helper --token abcdef", true),
            format!("usage: helper {REDACTED} {REDACTED}")
        );
        // Not cut: an ordinary ending is left alone.
        assert_eq!(
            r.apply("usage: helper abcdef", false),
            "usage: helper abcdef"
        );
        // Fewer than four characters: left alone.
        assert_eq!(r.apply("usage: abc", true), "usage: abc");
    }
}
