//! Exit codes and the one-line error report.

#![allow(clippy::print_stderr)]

use creds::{CredentialsError, ErrorKind, Trace};

use crate::status::{self, Ui};

/// No source is configured.
pub(crate) const NOT_CONFIGURED: u8 = 1;
/// The command line is wrong (clap's own code for usage errors).
pub(crate) const USAGE: u8 = 2;
/// A source is configured wrongly.
pub(crate) const INVALID_CONFIG: u8 = 3;
/// A source could not be reached or read.
pub(crate) const UNAVAILABLE: u8 = 4;
/// The service refused.
pub(crate) const REJECTED: u8 = 5;
/// `creds` could not do its own part: write its output, listen, write a token file.
pub(crate) const INTERNAL: u8 = 70;

/// The exit code for an error.
pub(crate) fn code(err: &CredentialsError) -> u8 {
    match err.kind() {
        ErrorKind::NotConfigured => NOT_CONFIGURED,
        ErrorKind::InvalidConfig => INVALID_CONFIG,
        ErrorKind::Unavailable => UNAVAILABLE,
        ErrorKind::Rejected => REJECTED,
        _ => INTERNAL,
    }
}

/// Reports `err` as one line on stderr and returns its exit code. Errors never hold a
/// secret (creds-core's rule), so the message is printed whole.
pub(crate) fn report(err: &CredentialsError) -> u8 {
    report_line(&err.to_string());
    code(err)
}

/// [`report`], followed (unless `--quiet`) by the chain summary when a source failed.
pub(crate) fn report_traced(err: &CredentialsError, trace: &Trace, ui: &Ui) -> u8 {
    report_line_with(&err.to_string(), ui);
    if !ui.quiet {
        if let Some(summary) = status::chain_summary(trace) {
            eprintln!("creds: {}", ui.dim(&summary));
        }
    }
    code(err)
}

/// Prints `creds: error: {line}` on stderr.
pub(crate) fn report_line(line: &str) {
    report_line_with(line, &Ui::plain());
}

fn report_line_with(line: &str, ui: &Ui) {
    eprintln!("creds: {} {}", ui.red("error:"), line.replace('\n', " "));
}
