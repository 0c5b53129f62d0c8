//! What `creds` says on stderr besides the error line: a status line while a slow
//! source resolves, colour, and the chain summary after a failure.
//!
//! The status line is shown only when stderr is a terminal, not with `--quiet`, and
//! not under `TERM=dumb`; colour also needs `NO_COLOR` unset or empty
//! (<https://no-color.org>). Nothing here ever holds a secret: the line names the
//! source being tried and the time spent.

#![allow(clippy::print_stderr)]

use std::cell::Cell;
use std::ffi::OsStr;
use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use creds::{Credentials, CredentialsChain, CredentialsError, Outcome, Trace};

/// Resolution faster than this shows no status line at all.
const DELAY: Duration = Duration::from_millis(400);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);
const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// How stderr is used: decided once, from the options and the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ui {
    /// `--quiet`: errors only.
    pub(crate) quiet: bool,
    /// Show a status line while resolving.
    pub(crate) status: StatusLine,
    /// Colour on stderr.
    pub(crate) color: bool,
}

/// Whether and how the status line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusLine {
    Off,
    /// Redrawn in place with a spinner and the time, then erased.
    Animated,
    /// Written once, as a whole line: stdin is the terminal, so a `credential_process`
    /// may be prompting on it (for an MFA code), and redrawing would erase its prompt.
    Once,
}

impl Ui {
    /// From `--quiet` and the real terminal and environment.
    pub(crate) fn detect(quiet: bool) -> Ui {
        Ui::decide(
            quiet,
            std::io::stderr().is_terminal(),
            std::io::stdin().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        )
    }

    /// No status line and no colour: for errors raised before the options are known.
    pub(crate) fn plain() -> Ui {
        Ui {
            quiet: false,
            status: StatusLine::Off,
            color: false,
        }
    }

    fn decide(
        quiet: bool,
        stderr_terminal: bool,
        stdin_terminal: bool,
        no_color: Option<&OsStr>,
        term: Option<&OsStr>,
    ) -> Ui {
        let dumb = term == Some(OsStr::new("dumb"));
        let fancy = stderr_terminal && !dumb;
        let status = match (fancy && !quiet, stdin_terminal) {
            (false, _) => StatusLine::Off,
            (true, false) => StatusLine::Animated,
            (true, true) => StatusLine::Once,
        };
        Ui {
            quiet,
            status,
            color: fancy && no_color.is_none_or(OsStr::is_empty),
        }
    }

    /// `text` in bold red when colour is on.
    pub(crate) fn red(&self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// `text` dimmed when colour is on.
    pub(crate) fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// Runs the chain; when it takes longer than [`DELAY`], shows which source it is on.
pub(crate) async fn resolve(
    chain: &CredentialsChain,
    ui: &Ui,
) -> (Result<Credentials, CredentialsError>, Trace) {
    let current = Cell::new("");
    let work = chain.provide_traced_with(|name| current.set(name));
    if ui.status == StatusLine::Off {
        return work.await;
    }
    let mut work = std::pin::pin!(work);
    let started = Instant::now();
    let mut frame = 0usize;
    let mut drawn = false;
    let result = loop {
        let wait = if frame == 0 { DELAY } else { TICK };
        tokio::select! {
            result = &mut work => break result,
            () = tokio::time::sleep(wait) => {
                let elapsed = started.elapsed();
                match ui.status {
                    StatusLine::Animated => {
                        let line = status_text(SPINNER[frame % SPINNER.len()], current.get(), elapsed);
                        draw(&format!("\r\x1b[2K{}", ui.dim(&line)));
                        drawn = true;
                    }
                    StatusLine::Once if frame == 0 => {
                        draw(&format!("{}\n", ui.dim(&status_text('…', current.get(), elapsed))));
                    }
                    _ => {}
                }
                frame += 1;
            }
        }
    };
    if drawn {
        draw("\r\x1b[2K");
    }
    result
}

fn status_text(mark: char, source: &str, elapsed: Duration) -> String {
    format!(
        "{mark} creds: resolving credentials: {source} ({:.1} s)",
        elapsed.as_secs_f64()
    )
}

fn draw(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// The line after an error that stopped the chain: each source tried, in order, and
/// what it did. Nothing when no source failed (the error itself then lists them).
pub(crate) fn chain_summary(trace: &Trace) -> Option<String> {
    if !trace
        .entries()
        .iter()
        .any(|e| matches!(e.outcome, Outcome::Failed(_)))
    {
        return None;
    }
    let steps: Vec<String> = trace
        .entries()
        .iter()
        .map(|entry| {
            let what = match &entry.outcome {
                Outcome::Found(_) => "found",
                Outcome::NotConfigured(_) => "not configured",
                _ => "failed",
            };
            format!(
                "{} {what} ({:.1} ms)",
                entry.provider,
                entry.elapsed.as_secs_f64() * 1e3
            )
        })
        .collect();
    Some(format!(
        "chain: {}; `creds explain` shows why",
        steps.join(", then ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(quiet: bool, stderr: bool, stdin: bool, no_color: Option<&str>) -> Ui {
        Ui::decide(
            quiet,
            stderr,
            stdin,
            no_color.map(OsStr::new),
            Some(OsStr::new("xterm")),
        )
    }

    #[test]
    fn status_line_only_on_a_terminal_and_not_quiet() {
        assert_eq!(
            decide(false, true, false, None).status,
            StatusLine::Animated
        );
        assert_eq!(decide(false, true, true, None).status, StatusLine::Once);
        assert_eq!(decide(false, false, false, None).status, StatusLine::Off);
        assert_eq!(decide(true, true, false, None).status, StatusLine::Off);
        let dumb = Ui::decide(false, true, false, None, Some(OsStr::new("dumb")));
        assert_eq!(dumb.status, StatusLine::Off);
        assert!(!dumb.color);
    }

    #[test]
    fn no_color_is_respected() {
        assert!(decide(false, true, false, None).color);
        assert!(!decide(false, true, false, Some("1")).color);
        assert!(
            decide(false, true, false, Some("")).color,
            "empty means unset"
        );
        assert!(!decide(false, false, false, None).color, "not a terminal");
        let plain = decide(false, true, false, Some("1"));
        assert_eq!(plain.red("error"), "error");
        assert_eq!(
            decide(false, true, false, None).red("e"),
            "\x1b[1;31me\x1b[0m"
        );
    }

    #[test]
    fn status_text_names_the_source_and_time() {
        assert_eq!(
            status_text('⠋', "profile", Duration::from_millis(1_250)),
            "⠋ creds: resolving credentials: profile (1.2 s)"
        );
    }

    #[tokio::test]
    async fn resolve_returns_the_chain_result() {
        let chain = CredentialsChain::new().push(Credentials::from_keys("AKID", "S", "fixed"));
        for status in [StatusLine::Off, StatusLine::Animated, StatusLine::Once] {
            let ui = Ui {
                quiet: false,
                status,
                color: false,
            };
            let (result, trace) = resolve(&chain, &ui).await;
            assert_eq!(result.unwrap().access_key_id(), "AKID");
            assert_eq!(trace.entries().len(), 1);
        }
    }
}
