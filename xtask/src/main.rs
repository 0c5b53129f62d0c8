//! Project automation, run as `cargo xtask <task>`:
//!
//! - `test [ARGS]`: builds the workspace's tests, then runs them inside a loopback-only
//!   network namespace where `unshare -n` works (else plainly, saying so). Extra
//!   arguments go to `cargo test`.
//! - `deps`: counts the distinct crates of `creds` per feature set and fails when a
//!   budget is exceeded.
//! - `fuzz [SECONDS]`: builds the fuzz targets; with SECONDS, runs each that long
//!   (needs cargo-fuzz).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::process::{Command, ExitCode};

/// (description, cargo tree feature arguments, budget)
const BUDGETS: &[(&str, &[&str], usize)] = &[
    (
        "creds, features env+profile",
        &["--no-default-features", "--features", "env,profile"],
        25,
    ),
    ("creds, default features", &[], 60),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(&args[1..]),
        Some("deps") => deps(),
        Some("fuzz") => fuzz(args.get(1).map(String::as_str)),
        _ => {
            eprintln!("usage: cargo xtask test [CARGO TEST ARGS] | deps | fuzz [SECONDS]");
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
    let isolated = Command::new("unshare")
        .args(["-n", "sh", "-c", "ip link set lo up"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
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
    let output = cargo()
        .args([
            "tree",
            "--quiet",
            "-p",
            "creds",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .args(features)
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
        println!("{what}: {} crates (budget {budget})", crates.len());
        for krate in &crates {
            println!("  {krate}");
        }
        if crates.len() > *budget {
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
