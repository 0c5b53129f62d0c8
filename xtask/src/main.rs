//! Project automation, run as `cargo xtask <task>`:
//!
//! - `test [ARGS]`: builds the workspace's tests, then runs them inside a loopback-only
//!   network namespace where `unshare -n` works (else plainly, saying so). Extra
//!   arguments go to `cargo test`.
//! - `deps`: counts the distinct crates of `creds` per feature set and fails when a
//!   budget is exceeded or the facade's feature table gives another count.
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
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The feature sets of `creds` that `deps` counts: (description, cargo tree feature
/// arguments, budget if any).
const BUDGETS: &[(&str, &[&str], Option<usize>)] = &[
    (
        "creds, features env+profile",
        &["--no-default-features", "--features", "env,profile"],
        Some(17),
    ),
    // 49 before STS joined the defaults, plus creds-sts itself and quick-xml.
    ("creds, default features", &[], Some(53)),
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

/// The `unshare` arguments that make a network namespace with only loopback on this
/// machine: `-n` as root, `-rn` (a user namespace too) where unprivileged user
/// namespaces are allowed; `None` when neither works.
/// `XTASK_NO_NAMESPACE=1` pretends neither works, to try the fallbacks.
fn loopback_namespace() -> Option<&'static [&'static str]> {
    const WAYS: [&[&str]; 2] = [&["-n"], &["-rn"]];
    if std::env::var_os("XTASK_NO_NAMESPACE").is_some_and(|v| !v.is_empty()) {
        return None;
    }
    WAYS.into_iter().find(|args| {
        Command::new("unshare")
            .args(*args)
            .args(["sh", "-c", "ip link set lo up"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// `argv` run inside a new loopback-only namespace made with `unshare ARGS`, its
/// loopback interface up.
fn in_namespace(unshare: &[&str], argv: &[&std::ffi::OsStr]) -> Command {
    let mut cmd = Command::new("unshare");
    cmd.args(unshare)
        .args(["sh", "-c", r#"ip link set lo up && exec "$0" "$@""#])
        .args(argv);
    cmd
}

/// Runs `cmd` (stdin from `input`, else nothing) and collects its output, but for at
/// most `limit`: then its whole process group (it is made the leader of a new one) is
/// killed and the run is an error. The group is also killed when the command ends,
/// so that nothing it left in the background outlives it.
fn output_within(
    cmd: &mut Command,
    input: Option<&[u8]>,
    limit: Duration,
) -> Result<std::process::Output, String> {
    use std::io::{Read as _, Write as _};
    use std::os::unix::process::CommandExt as _;
    let shown = format!("{:?}", cmd.get_program());
    let mut child = cmd
        .process_group(0)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let group = child.id();
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                kill_group(group);
                let _ = child.wait();
                return Err(format!(
                    "{shown} did not finish in {} s: stopped",
                    limit.as_secs()
                ));
            }
            Err(e) => {
                kill_group(group);
                return Err(format!("cannot wait for {shown}: {e}"));
            }
        }
    };
    kill_group(group);
    Ok(std::process::Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// SIGKILL to every process left in the process group `group`.
fn kill_group(group: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// [`run`], within `limit`; its output goes to ours when it fails.
fn run_within(cmd: &mut Command, limit: Duration) -> Result<(), String> {
    eprintln!("xtask: running {cmd:?}");
    let out = output_within(cmd, None, limit)?;
    if out.status.success() {
        return Ok(());
    }
    eprint!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    Err(format!("{cmd:?} failed: {}", out.status))
}

/// The target directory cargo builds into: `CARGO_TARGET_DIR` (relative to the
/// workspace root) or `target/`.
fn target_dir(root: &std::path::Path) -> std::path::PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
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
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut line = format!("{cargo_bin} test --workspace --offline");
    for arg in extra {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    if let Some(unshare) = loopback_namespace() {
        eprintln!("xtask: tests run in a loopback-only network namespace");
        run(&mut in_namespace(
            unshare,
            &["sh".as_ref(), "-c".as_ref(), line.as_ref()],
        ))
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

/// Distinct crates (name and version) that `cargo tree -e normal` lists for `creds`,
/// and those of them that are proc-macro crates.
fn crate_set(features: &[&str]) -> Result<(BTreeSet<String>, BTreeSet<String>), String> {
    tree_crates(cargo().args(["tree", "-p", "creds"]).args(features))
}

/// Runs a `cargo tree` command (given its package and feature arguments) with
/// `-e normal --prefix none --offline` and returns the distinct crates it lists, as
/// "name version" (the `(*)` repeats and the path of workspace crates dropped), and
/// the proc-macro crates among them.
fn tree_crates(cmd: &mut Command) -> Result<(BTreeSet<String>, BTreeSet<String>), String> {
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
    let mut crates = BTreeSet::new();
    let mut macros = BTreeSet::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut words = line.split_whitespace();
        let (Some(name), Some(version)) = (words.next(), words.next()) else {
            continue;
        };
        let krate = format!("{name} {version}");
        if line.contains("(proc-macro)") {
            macros.insert(krate.clone());
        }
        crates.insert(krate);
    }
    Ok((crates, macros))
}

fn deps() -> Result<(), String> {
    let mut over = Vec::new();
    for (what, features, budget) in BUDGETS {
        let (crates, macros) = crate_set(features)?;
        if !macros.is_empty() {
            over.push(format!(
                "{what}: proc-macro crates in the library's normal tree ({}); write the \
                 impls by hand (DESIGN.md)",
                macros.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
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
    over.extend(stale_feature_docs()?);
    if over.is_empty() {
        Ok(())
    } else {
        Err(over.join("; "))
    }
}

/// The features of `creds` whose crate count its docs give, each counted alone.
const FEATURES: &[&str] = &[
    "env",
    "profile",
    "process",
    "container",
    "imds",
    "sts",
    "sso",
    "login",
    "cognito",
];

/// Recounts each feature of `creds` alone, the default features and all of them, and
/// returns a complaint for every figure of the facade's docs (`crates/creds/src/lib.rs`)
/// that no longer matches.
fn stale_feature_docs() -> Result<Vec<String>, String> {
    let path = workspace_root().join("crates/creds/src/lib.rs");
    let docs = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut stale = Vec::new();
    for feature in FEATURES {
        let (crates, _) = crate_set(&["--no-default-features", "--features", feature])?;
        println!("creds, feature {feature} alone: {} crates", crates.len());
        let row = docs
            .lines()
            .find(|line| line.starts_with(&format!("//! | `{feature}`")));
        let documented = row
            .and_then(|row| row.trim_end().strip_suffix('|'))
            .and_then(|row| row.rsplit('|').next())
            .map(str::trim);
        if documented != Some(crates.len().to_string().as_str()) {
            stale.push(format!(
                "the feature table of {} gives {} crates for `{feature}` alone, cargo tree \
                 counts {}",
                path.display(),
                documented.unwrap_or("no count"),
                crates.len()
            ));
        }
    }
    let (default, _) = crate_set(&[])?;
    let (all, _) = crate_set(&["--all-features"])?;
    let sentence = format!(
        "come to {} crates, all features to {}",
        default.len(),
        all.len()
    );
    // The sentence may be wrapped at any of its spaces.
    let flat = docs.replace("\n//! ", " ");
    if !flat.contains(&sentence) {
        stale.push(format!(
            "the docs of {} should say the default features \"{sentence}\"",
            path.display()
        ));
    }
    Ok(stale)
}

fn fuzz(seconds: Option<&str>) -> Result<(), String> {
    let Some(seconds) = seconds else {
        return run(cargo().args(["build", "--manifest-path", "fuzz/Cargo.toml", "--bins"]));
    };
    for target in [
        "ini_parser",
        "profile_model",
        "profile_lazy_vs_eager",
        "credential_document",
        "service_error",
        "sts_reply",
        "login_cache",
        "sso_token",
        "cognito_reply",
    ] {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_past_its_deadline_is_stopped() {
        let started = Instant::now();
        let err = output_within(
            Command::new("sh").args(["-c", "sleep 30"]),
            None,
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert!(err.contains("did not finish in 0 s"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn what_a_command_leaves_behind_is_killed() {
        // The background sleep holds stdout open: without the group kill, reading it
        // would take 30 s.
        let started = Instant::now();
        let out = output_within(
            Command::new("sh").args(["-c", "sleep 30 & echo $!"]),
            None,
            Duration::from_secs(20),
        )
        .unwrap();
        assert!(out.status.success());
        assert!(started.elapsed() < Duration::from_secs(10));
        let pid = String::from_utf8(out.stdout).unwrap();
        // Killed, it may take a moment to exit (on a busy machine, longer than reading
        // its status takes): gone or a zombie within 5 s.
        let gone = || {
            std::fs::read_to_string(format!("/proc/{}/status", pid.trim()))
                .map_or(true, |s| s.contains("State:\tZ"))
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while !gone() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(gone(), "the background sleep is gone");
    }

    #[test]
    fn input_reaches_the_command() {
        let out = output_within(
            &mut Command::new("cat"),
            Some(b"to cat"),
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(out.stdout, b"to cat");
    }
}
