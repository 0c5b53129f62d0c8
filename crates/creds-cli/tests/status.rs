//! What `creds` writes on stderr besides its output: the one error line, the chain
//! summary, the status line on a terminal (through `script`, which gives the binary a
//! pseudo-terminal), `--quiet` and `NO_COLOR`.

use std::process::Output;

use crate::support::{Home, SECRET, on_terminal};

/// A temp HOME with a slow credential_process profile and a half-keyed one.
fn home() -> Home {
    let home = Home::new();
    let slow = home.write_script(
        "slow.sh",
        &format!(
            "sleep 1.2\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIASLOW\", \"SecretAccessKey\": \"{SECRET}\"}}'\n"
        ),
    );
    home.with_files(
        &format!(
            "[profile slow]\ncredential_process = {}\n[profile broken]\naws_access_key_id = AKIAHALF\n",
            slow.display()
        ),
        "",
    )
}

fn run(home: &Home, args: &[&str]) -> Output {
    home.run(args, &[("TERM", "xterm")])
}

#[test]
fn a_failure_is_one_line_then_the_chain() {
    let home = home();
    let out = run(&home, &["export", "--profile", "broken"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("creds: error: "), "{err}");
    assert!(
        lines[0].contains("config:4"),
        "the line that decided: {err}"
    );
    assert!(
        lines[1].starts_with("creds: chain: ") && lines[1].contains("profile failed"),
        "{err}"
    );
    assert!(
        !err.contains('\x1b'),
        "no colour when stderr is not a terminal"
    );

    let quiet = run(&home, &["--quiet", "export", "--profile", "broken"]);
    assert_eq!(quiet.status.code(), Some(3));
    let err = String::from_utf8_lossy(&quiet.stderr);
    assert_eq!(
        err.lines().count(),
        1,
        "--quiet keeps the error line only: {err}"
    );
}

#[test]
fn nothing_found_is_one_line() {
    let home = home();
    let out = run(&home, &["export"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.lines().count(),
        1,
        "the line lists what was tried: {err}"
    );
    assert!(
        err.contains("no credentials found; tried environment"),
        "{err}"
    );
}

#[test]
fn a_slow_source_shows_a_status_line_on_a_terminal_only() {
    let home = home();
    // Not a terminal: stderr stays empty.
    let out = run(&home, &["export", "--profile", "slow"]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A terminal, stdin elsewhere: redrawn with a spinner and erased at the end.
    let shown = on_terminal(&home, "export --profile slow", "</dev/null", &[]);
    assert!(
        shown.contains("creds: resolving credentials: profile ("),
        "{shown:?}"
    );
    assert!(shown.contains("\x1b[2K"), "erased: {shown:?}");
    assert!(shown.contains("\x1b[2m"), "dimmed: {shown:?}");
    assert!(shown.contains("AKIASLOW"), "{shown:?}");

    // NO_COLOR: the line stays, the colour goes.
    let plain = on_terminal(
        &home,
        "export --profile slow",
        "</dev/null",
        &[("NO_COLOR", "1")],
    );
    assert!(plain.contains("resolving credentials"), "{plain:?}");
    assert!(!plain.contains("\x1b[2m"), "{plain:?}");

    // --quiet: no line.
    let quiet = on_terminal(&home, "--quiet export --profile slow", "</dev/null", &[]);
    assert!(!quiet.contains("resolving credentials"), "{quiet:?}");

    // stdin is the terminal too (a credential_process may prompt on it): one plain
    // line, never redrawn over a prompt.
    let once = on_terminal(&home, "export --profile slow", "", &[]);
    assert_eq!(once.matches("resolving credentials").count(), 1, "{once:?}");
    assert!(!once.contains("\x1b[2K"), "{once:?}");
}
