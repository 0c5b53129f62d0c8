//! `creds`: resolve AWS credentials as the official SDKs do, and export, explain, run
//! with or serve them.
//!
//! ```text
//! creds export [--profile P] [--format process|env|env-no-export|powershell|json]
//! creds explain [--profile P] [--json]
//! creds exec [--profile P] -- COMMAND [ARGS...]
//! creds serve [--profile P] [--addr 127.0.0.1:0] [--token-file PATH]
//! creds sso login [--profile P | --sso-session S] [--no-browser]
//! creds sso logout [--profile P | --sso-session S]
//! ```
//!
//! Exit codes: 0 success, 1 no credentials found, 2 usage error, 3 invalid
//! configuration, 4 source unavailable, 5 rejected by the service, 70 creds could not
//! write its output or listen.
//!
//! Every failure is one line on stderr, `creds: error: ...`, followed (unless
//! `--quiet`) by a line that sums up the chain when a source failed. While a slow source
//! resolves, a status line says which one, on a terminal only; `NO_COLOR` turns colour
//! off.
//!
//! When stdin is a terminal, a `credential_process` program reads it (and its stderr is
//! shown), so that it can prompt for an MFA code; otherwise its stdin is `/dev/null`.
//!
//! # A `creds` with your own providers
//!
//! The `creds` binary of this package is three lines that call [`main`], the whole
//! program. Its default chain and its profiles come from the
//! [registry](creds::core::registry), so they hold every provider crate linked into the
//! binary: the `creds` crate's default features, and nothing else. A third party whose
//! crate registers a provider, a profile handler or a `credential_source` makes its own
//! `creds` with them linked: a binary that depends on `creds-cli` and on that crate,
//! references the crate (inventory sees only the crates a program references; an
//! unreferenced crate is not linked and its registrations are silently missing), and
//! calls [`main`]. `creds explain` then lists the new source in its place in the chain,
//! `creds export`, `exec` and `serve` use it, and profiles may use its kind.
//!
//! ```toml
//! [dependencies]
//! creds-cli = "0.1"
//! my-vault-provider = "0.2"
//!
//! [[bin]]
//! name = "creds"
//! path = "src/main.rs"
//! ```
//!
//! ```no_run
//! // src/main.rs
//! fn main() -> std::process::ExitCode {
//!     // Any use of the crate links it; taking a function's address cannot be
//!     // optimized away:
//!     // std::hint::black_box(my_vault_provider::link as fn());
//!     creds_cli::main()
//! }
//! ```
//!
//! `examples/custom-provider` in the workspace is such a crate and binary, tested end
//! to end, and the `creds` crate's `guide::authors` explains how to write a provider.

mod cli;
mod depth;
mod exec;
mod exit;
mod explain;
mod export;
mod log;
mod mfa;
mod serve;
mod sso;
mod status;

use std::process::ExitCode;

use clap::Parser as _;
use clap::error::ErrorKind;

/// The `creds` program: reads the command line, runs the command and returns its exit
/// code. `fn main() -> ExitCode { creds_cli::main() }` is the whole of a `creds` binary.
///
/// The default chain is built from the registry of the program that calls it, so every
/// provider crate linked into that program takes part (see the crate docs).
///
/// Call it once, first thing in `main`, before any other thread starts: it sets
/// `CREDS_DEPTH` in the process environment (the guard against `creds` running itself
/// without end through a `credential_process`), installs its stderr log as the global
/// `tracing` subscriber (unless one is already set), and starts and shuts down its own
/// tokio runtime, so it must not be called from inside one.
pub fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    init_logging(&cli);
    if let Err(code) = depth::enter() {
        return ExitCode::from(code);
    }
    let ui = status::Ui::detect(cli.quiet);
    // `serve` answers many clients and refreshes in the background: two workers.
    // Everything else resolves once: one thread.
    let runtime = match &cli.command {
        cli::Command::Serve(_) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build(),
        _ => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            exit::report_line(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(exit::INTERNAL);
        }
    };
    let builder = cli.chain_builder();
    let result = runtime.block_on(async {
        match &cli.command {
            cli::Command::Export(args) => export::run(builder, args, &ui).await,
            cli::Command::Exec(args) => exec::run(builder, args, &ui).await,
            cli::Command::Explain(args) => explain::run(builder, args, &ui).await,
            cli::Command::Serve(args) => serve::run(builder, args, &ui).await,
            cli::Command::Sso(command) => {
                sso::run(
                    creds::ProviderConfig::new(),
                    cli.profile.as_deref(),
                    command,
                    &ui,
                )
                .await
            }
        }
    });
    // Not a plain drop, which waits for blocking tasks: an MFA prompt that a deadline
    // gave up on must not hold the process.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// Help and version as clap prints them; any other usage error as one line, like every
/// other failure: `creds: error: <what>` with clap's tip and the usage, exit 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::USAGE));
    }
    exit::report_line(&one_line(&e.render().to_string()));
    ExitCode::from(exit::USAGE)
}

/// clap's several lines of an error (`error: ...`, a `tip:`, `Usage: ...`, `For more
/// information...`) as one.
fn one_line(rendered: &str) -> String {
    let mut what = String::new();
    let mut usage = None;
    for line in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(first) = line.strip_prefix("error: ") {
            what.push_str(first);
        } else if let Some(tip) = line.strip_prefix("tip: ") {
            what.push_str("; ");
            what.push_str(tip);
        } else if let Some(u) = line.strip_prefix("Usage: ") {
            usage = Some(u);
        } else if what.is_empty() {
            what.push_str(line);
        }
    }
    match usage {
        Some(usage) => format!("{what} (usage: {usage})"),
        None => format!("{what} (see `creds --help`)"),
    }
}

/// Warnings (a half-set key pair, an ignored section) go to stderr; `-v` adds the
/// chain's reasoning, `--quiet` keeps only errors.
fn init_logging(cli: &cli::Cli) {
    let level = if cli.quiet {
        tracing::Level::ERROR
    } else {
        match cli.verbose {
            0 => tracing::Level::WARN,
            1 => tracing::Level::DEBUG,
            _ => tracing::Level::TRACE,
        }
    };
    log::StderrLog::install(level);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_become_one_line() {
        let line = one_line(
            "error: unexpected argument '--foo' found\n\n  tip: to pass '--foo' as a value, use '-- --foo'\n\nUsage: creds export [OPTIONS]\n\nFor more information, try '--help'.\n",
        );
        assert_eq!(
            line,
            "unexpected argument '--foo' found; to pass '--foo' as a value, use '-- --foo' \
             (usage: creds export [OPTIONS])"
        );
        let line = one_line(
            "error: invalid value 'x' for '--addr <ADDR>': bad\n\nFor more information, try '--help'.\n",
        );
        assert_eq!(
            line,
            "invalid value 'x' for '--addr <ADDR>': bad (see `creds --help`)"
        );
    }

    #[test]
    fn clap_errors_are_rendered_as_expected() {
        let e = cli::Cli::try_parse_from(["creds", "export", "--format", "yaml"]).unwrap_err();
        let line = one_line(&e.render().to_string());
        assert!(
            line.starts_with("invalid value 'yaml' for '--format <FORMAT>'"),
            "{line}"
        );
        assert!(!line.contains('\n'), "{line}");
    }
}
