//! Writes a generated config file: `generate-config PROFILES PATH`. `cargo xtask
//! bench-peers` runs it, so that xtask needs no Rust dependency on this crate (which would
//! keep `cargo package --workspace` from packaging xtask: neither is published).

// A program of its own: its usage errors go to stderr.
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [profiles, path] = args.as_slice() else {
        eprintln!("usage: generate-config PROFILES PATH");
        return ExitCode::from(2);
    };
    let Ok(profiles) = profiles.parse::<usize>() else {
        eprintln!("generate-config: PROFILES must be a number, not {profiles:?}");
        return ExitCode::from(2);
    };
    match std::fs::write(path, creds_bench::generate_config(profiles)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generate-config: cannot write {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
