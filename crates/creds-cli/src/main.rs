//! `creds`: resolve AWS credentials as the official SDKs do, and export, explain, run
//! with or serve them.
//!
//! ```text
//! creds export [--profile P] [--format process|env|env-no-export|powershell|json]
//! creds explain [--profile P] [--json]
//! creds exec [--profile P] -- COMMAND [ARGS...]
//! creds serve [--profile P] [--addr 127.0.0.1:0] [--token-file PATH]
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

mod cli;
mod depth;
mod exec;
mod exit;
mod explain;
mod export;
mod serve;
mod status;

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logging(&cli);
    if let Err(code) = depth::enter() {
        return ExitCode::from(code);
    }
    // A credential_process may prompt (for an MFA code): let it read the terminal, and
    // only a terminal, never a pipe meant for us.
    creds::process::set_default_stdin_passthrough(std::io::stdin().is_terminal());
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
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
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
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .without_time()
        .try_init();
}
