//! Project automation, run as `cargo xtask <task>`:
//!
//! - `test [ARGS]`: builds the workspace's tests, then runs them inside a loopback-only
//!   network namespace where `unshare -n` works (else plainly, saying so). Extra
//!   arguments go to `cargo test`.
//! - `deps`: counts the distinct crates of `creds` per feature set and fails when a
//!   budget is exceeded.
//! - `fuzz [SECONDS]`: builds the fuzz targets; with SECONDS, runs each that long
//!   (needs cargo-fuzz).
//! - `bench-peers [--skip-builds] [--runs N] [--keep]`: measures `creds` against
//!   aws-config side by side (`bench/peers/`) and writes `bench/RESULTS.md`; see
//!   [`peers`].
//! - `interop`: resolves the same configurations with `creds`, botocore and the AWS
//!   SDK for JavaScript v3 (installed pinned under `target/interop/`) and checks they
//!   agree; see [`interop`].

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod interop;
mod load;
mod peers;

use std::collections::BTreeSet;
use std::process::{Command, ExitCode};

/// The feature sets of `creds` that `deps` counts: (description, cargo tree feature
/// arguments, budget if any).
const BUDGETS: &[(&str, &[&str], Option<usize>)] = &[
    (
        "creds, features env+profile",
        &["--no-default-features", "--features", "env,profile"],
        Some(25),
    ),
    ("creds, default features", &[], Some(60)),
    ("creds, all features", &["--all-features"], None),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(&args[1..]),
        Some("deps") => deps(),
        Some("fuzz") => fuzz(args.get(1).map(String::as_str)),
        Some("bench-peers") => peers::bench_peers(&args[1..]),
        Some("interop") => interop::run(&workspace_root()),
        // Internal: the part of bench-peers that runs inside the network namespace.
        Some(peers::MEASURE_TASK) => peers::measure::measure(&args[1..]),
        // Hidden: the load generator `interop` runs against `creds serve`; see [`load`].
        Some(load::TASK) => load::load(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask test [CARGO TEST ARGS] | deps | fuzz [SECONDS] \
                 | bench-peers [--skip-builds] [--runs N] [--keep] | interop"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (xtask lives one level below it).
fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// Whether this machine lets us make a network namespace with only loopback.
fn loopback_namespace_works() -> bool {
    Command::new("unshare")
        .args(["-n", "sh", "-c", "ip link set lo up"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("xtask: running {cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Builds first (the namespace has no network for the registry), then tests offline
/// with only a loopback interface, so that no test can reach anything else.
fn test(extra: &[String]) -> Result<(), String> {
    run(cargo()
        .args(["test", "--workspace", "--no-run", "--quiet"])
        .args(extra))?;
    let isolated = loopback_namespace_works();
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut line = format!("{cargo_bin} test --workspace --offline");
    for arg in extra {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    if isolated {
        eprintln!("xtask: tests run in a loopback-only network namespace");
        run(Command::new("unshare").args([
            "-n",
            "sh",
            "-c",
            &format!("ip link set lo up && {line}"),
        ]))
    } else {
        eprintln!(
            "xtask: `unshare -n` is not available here: tests run in the normal network namespace"
        );
        run(Command::new("sh").args(["-c", &line]))
    }
}

fn shell_quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

/// Distinct crates (name and version) that `cargo tree -e normal` lists for `creds`.
fn crate_set(features: &[&str]) -> Result<BTreeSet<String>, String> {
    tree_crates(cargo().args(["tree", "-p", "creds"]).args(features))
}

/// Runs a `cargo tree` command (given its package and feature arguments) with
/// `-e normal --prefix none --offline` and returns the distinct crates it lists, as
/// "name version" (the `(*)` repeats and the path of workspace crates dropped).
fn tree_crates(cmd: &mut Command) -> Result<BTreeSet<String>, String> {
    let output = cmd
        .args(["--quiet", "-e", "normal", "--prefix", "none", "--offline"])
        .output()
        .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect())
}

fn deps() -> Result<(), String> {
    let mut over = Vec::new();
    for (what, features, budget) in BUDGETS {
        let crates = crate_set(features)?;
        match budget {
            Some(budget) => println!("{what}: {} crates (budget {budget})", crates.len()),
            None => println!("{what}: {} crates (no budget)", crates.len()),
        }
        for krate in &crates {
            println!("  {krate}");
        }
        if let Some(budget) = budget.filter(|b| crates.len() > *b) {
            over.push(format!(
                "{what}: {} crates, over the budget of {budget}",
                crates.len()
            ));
        }
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(over.join("; "))
    }
}

fn fuzz(seconds: Option<&str>) -> Result<(), String> {
    let Some(seconds) = seconds else {
        return run(cargo().args(["build", "--manifest-path", "fuzz/Cargo.toml", "--bins"]));
    };
    for target in ["ini_parser", "profile_model", "process_output"] {
        run(cargo().env("RUSTC_BOOTSTRAP", "1").args([
            "fuzz",
            "run",
            target,
            "--fuzz-dir",
            "fuzz",
            "--",
            &format!("-max_total_time={seconds}"),
        ]))?;
    }
    Ok(())
}
