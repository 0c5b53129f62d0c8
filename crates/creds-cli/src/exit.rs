//! Exit codes and the one-line error report.

#![allow(clippy::print_stderr)]

use creds::{CredentialsError, ErrorKind};

/// No source is configured.
pub(crate) const NOT_CONFIGURED: u8 = 1;
/// A source is configured wrongly.
pub(crate) const INVALID_CONFIG: u8 = 3;
/// A source could not be reached or read.
pub(crate) const UNAVAILABLE: u8 = 4;
/// The service refused.
pub(crate) const REJECTED: u8 = 5;
/// Something broke inside `creds` itself, or writing the output failed.
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

/// Prints `creds: error: {line}` on stderr.
pub(crate) fn report_line(line: &str) {
    eprintln!("creds: error: {}", line.replace('\n', " "));
}
