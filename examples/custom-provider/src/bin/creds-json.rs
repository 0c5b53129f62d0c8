//! `creds-json`: the `creds` command line tool with this crate's provider, profile
//! handler and `credential_source` linked.

fn main() -> std::process::ExitCode {
    // Referencing the crate links it, and with it its registrations; nothing runs.
    creds_example_json_file::link();
    creds_cli::main()
}
