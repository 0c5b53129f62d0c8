//! The stderr text an error quotes never shows the command line's arguments nor the
//! values of the variables set for the program: shells echo the command line on a
//! syntax error, helpers print their argv in usage errors.

use creds_core::{ErrorKind, ProvideCredentials, REDACTED};
use creds_process::ProcessProvider;

use crate::support::*;

/// A script that prints its arguments and `$HELPER_TOKEN` on stderr, and fails.
fn usage_error(scripts: &Scripts) -> std::path::PathBuf {
    scripts.script(
        "usage",
        "echo \"usage: $0 [--token TOKEN]; got: $*\" >&2\necho \"HELPER_TOKEN is $HELPER_TOKEN\" >&2\nexit 1\n",
    );
    scripts.path("usage")
}

#[test]
fn a_program_echoing_its_arguments_and_variables() {
    let scripts = Scripts::new();
    let script = usage_error(&scripts);
    let provider = ProcessProvider::builder()
        .program("/bin/sh")
        .arg(&script)
        .arg("--token")
        .arg(SECRET)
        .arg(format!("--session={TOKEN}"))
        .env("HELPER_TOKEN", format!("env-{SECRET}"))
        .build();
    let err = expect_err(block_on(provider.provide_credentials()));
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    let message = err.to_string();
    assert!(message.contains("`/bin/sh` failed"), "{message}");
    assert!(message.contains("usage: "), "{message}");
    assert!(
        message.contains(&format!("HELPER_TOKEN is {REDACTED}")),
        "{message}"
    );
    assert!(!message.contains("env-"), "{message}");
}

#[test]
fn a_command_line_echoed_by_its_program() {
    let scripts = Scripts::new();
    let script = usage_error(&scripts);
    let command = format!(
        "HELPER_TOKEN='{SECRET}' sh {} --token \"{SECRET}\" --session={TOKEN} x",
        script.display()
    );
    let err = expect_err(block_on(
        ProcessProvider::new(command).provide_credentials(),
    ));
    let message = err.to_string();
    assert!(
        message.contains(&format!("got: {REDACTED} {REDACTED} {REDACTED} x")),
        "{message}"
    );
    assert!(
        message.contains(&format!("HELPER_TOKEN is {REDACTED}")),
        "{message}"
    );
}

#[test]
fn bash_echoing_the_command_line_on_a_syntax_error() {
    // `bash -c` is what `sh -c` is on Fedora, RHEL and macOS: on a syntax error it
    // prints the whole line (dash, Debian's sh, does not).
    let err = expect_err(block_on(
        ProcessProvider::new(format!("bash -c 'helper --token {SECRET} ('")).provide_credentials(),
    ));
    let message = err.to_string();
    assert!(message.contains("`bash` failed"), "{message}");
    assert!(message.contains("syntax error"), "{message}");
    assert!(message.contains(REDACTED), "{message}");

    let provider = ProcessProvider::builder()
        .program("bash")
        .arg("-c")
        .arg(format!("helper --token {SECRET} ("))
        .build();
    let err = expect_err(block_on(provider.provide_credentials()));
    let message = err.to_string();
    assert!(message.contains(&format!("`{REDACTED}'")), "{message}");
}
