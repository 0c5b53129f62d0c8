//! The `creds` binary: the whole program is [`creds_cli::main`], so that a third party can
//! make its own `creds` with its providers linked (see the `creds-cli` crate docs).

fn main() -> std::process::ExitCode {
    creds_cli::main()
}
