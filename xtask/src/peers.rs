//! `cargo xtask bench-peers`: `creds` and aws-config side by side, on this machine, in
//! one run, written to `bench/RESULTS.md` (issue #6).
//!
//! The programs are `bench/peers/`, a package outside the workspace (its own lock file),
//! so that aws-config never enters the workspace's build. In order:
//!
//! 1. weight: distinct crates of `creds` (`cargo tree` in the workspace) and of
//!    aws-config (`cargo tree` of a probe package pinned to the peers' lock file);
//! 2. clean release builds of `creds-min` and `awsconfig-min`, each in a fresh target
//!    directory, with `CARGO_BUILD_JOBS=2`;
//! 3. their sizes, stripped;
//! 4. to 7. everything that runs them ([`measure`]), in a loopback-only network
//!    namespace: this program runs itself there (`unshare -n`) as `bench-peers-measure`,
//!    and refuses to run them anywhere else.
//!
//! `--skip-builds` reuses the binaries of the last run (built incrementally, not timed),
//! `--runs N` sets the cold-start runs (default 41), `--keep` keeps the work directory.

pub(crate) mod measure;
mod report;
mod results;
mod timings;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use results::Results;

/// The internal task that runs inside the namespace.
pub(crate) const MEASURE_TASK: &str = "bench-peers-measure";

/// Cargo's parallelism for the timed builds (and every other build of this task).
const BUILD_JOBS: &str = "2";

/// One of the two programs: (key in the results, cargo feature, binary, target dir name).
const PROGRAMS: [(&str, &str, &str, &str); 2] = [
    ("creds", "creds", "creds-min", "peers-target-creds"),
    ("aws", "aws", "awsconfig-min", "peers-target-awsconfig"),
];

struct Options {
    skip_builds: bool,
    runs: usize,
    keep: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        skip_builds: false,
        runs: 41,
        keep: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--skip-builds" => options.skip_builds = true,
            "--keep" => options.keep = true,
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n >= 5)
                    .ok_or("--runs takes a number, at least 5")?;
            }
            other => return Err(format!("bench-peers: unknown argument {other}")),
        }
    }
    Ok(options)
}

pub(crate) fn bench_peers(args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    let started = Instant::now();
    let root = crate::workspace_root();
    let peers = root.join("bench/peers");
    // Rule 1: the programs run in a loopback-only namespace, or not at all.
    let Some(unshare) = crate::loopback_namespace() else {
        return Err(
            "bench-peers needs `unshare -n` (a loopback-only network namespace) \
                    to run the programs, and it does not work here"
                .into(),
        );
    };
    let work = std::env::temp_dir().join(format!("creds-bench-peers-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;

    let mut results = Results::default();
    machine(&root, &peers, &mut results)?;
    results.set("runs", options.runs);
    // Fetched first: the weight step's `cargo tree --offline` needs the sources of
    // aws-config's tree, which a fresh machine does not have yet.
    step("fetching the peers' dependencies (outside the timed builds)");
    crate::run(
        crate::cargo()
            .current_dir(&peers)
            .args(["fetch", "--quiet"]),
    )?;
    step("weight: cargo tree");
    weight(&peers, &work, &mut results)?;
    let mut bins = Vec::new();
    for (key, feature, bin, target) in PROGRAMS {
        let path = build(
            &peers,
            key,
            feature,
            bin,
            target,
            options.skip_builds,
            &mut results,
        )?;
        size(&path, key, &work, &mut results)?;
        bins.push(path);
    }
    results.set("builds_measured", !options.skip_builds);

    step("running the programs in a loopback-only network namespace");
    let measured = work.join("measured.txt");
    let exe = std::env::current_exe().map_err(|e| format!("current exe: {e}"))?;
    crate::run(
        crate::in_namespace(unshare, &[exe.as_os_str(), MEASURE_TASK.as_ref()])
            .args([&bins[0], &bins[1], &work, &measured])
            .arg(options.runs.to_string()),
    )?;
    results.merge(Results::read(&measured)?);
    results.set("load_end", load_average());
    results.set("total_s", format!("{:.0}", started.elapsed().as_secs_f64()));

    let out = root.join("bench/RESULTS.md");
    let mut text = report::render(&results);
    if let Ok(old) = std::fs::read_to_string(&out) {
        let kept = hand_measured(&old);
        if !kept.is_empty() {
            text.push('\n');
            text.push_str(kept);
        }
    }
    std::fs::write(&out, &text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("{}", report::summary(&results));
    println!("wrote {} in {} s", out.display(), results.get("total_s"));
    if options.keep {
        println!("work directory kept: {}", work.display());
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
    Ok(())
}

fn step(what: &str) {
    eprintln!("bench-peers: {what}");
}

/// Date, machine, toolchain and versions.
fn machine(root: &Path, peers: &Path, results: &mut Results) -> Result<(), String> {
    results.set("date", command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]));
    results.set("nproc", command_line("nproc", &[]));
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim())
        })
        .unwrap_or("unknown");
    results.set("cpu", model);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0);
    results.set(
        "memory_gib",
        format!("{:.1}", mem_kib as f64 / 1024.0 / 1024.0),
    );
    results.set("kernel", command_line("uname", &["-sr"]));
    results.set("rustc", command_line("rustc", &["-V"]));
    results.set("cargo", command_line("cargo", &["-V"]));
    results.set("load_start", load_average());
    let rev = command_line(
        "git",
        &[
            "-C",
            &root.display().to_string(),
            "rev-parse",
            "--short",
            "HEAD",
        ],
    );
    let dirty = Command::new("git")
        .args([
            "-C",
            &root.display().to_string(),
            "status",
            "--porcelain",
            "--",
            "crates",
        ])
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false);
    results.set(
        "creds_rev",
        if dirty {
            format!("{rev} + uncommitted changes under crates/")
        } else {
            rev
        },
    );
    let lock = std::fs::read_to_string(peers.join("Cargo.lock")).unwrap_or_default();
    results.set(
        "aws_config_version",
        locked_version(&lock, "aws-config").unwrap_or_else(|| "unknown".into()),
    );
    Ok(())
}

/// The version of `name` in a Cargo.lock.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let marker = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&marker)? + marker.len();
    let end = start + lock[start..].find('"')?;
    Some(lock[start..end].to_owned())
}

/// The first line a command prints, or "unknown".
fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// The 1-minute load average.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// Distinct crates of creds (three feature sets) and of aws-config (default features and
/// none).
fn weight(peers: &Path, work: &Path, results: &mut Results) -> Result<(), String> {
    let creds = [
        (
            "creds.env_profile",
            &["--no-default-features", "--features", "env,profile"][..],
        ),
        ("creds.default", &[][..]),
        ("creds.all", &["--all-features"][..]),
    ];
    for (key, features) in creds {
        let (crates, _) = crate::crate_set(features)?;
        results.set(&format!("crates.{key}"), crates.len());
        results.set(&format!("crates.{key}.list"), names(&crates));
    }
    let version = results.get("aws_config_version");
    for (key, default_features) in [("aws.default", true), ("aws.none", false)] {
        let probe = work.join(format!("weight-{key}"));
        std::fs::create_dir_all(probe.join("src")).map_err(|e| e.to_string())?;
        let manifest = format!(
            "[package]\nname = \"weight-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[workspace]\n\n[dependencies]\n\
             aws-config = {{ version = \"={version}\", default-features = {default_features} }}\n"
        );
        std::fs::write(probe.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        std::fs::write(probe.join("src/lib.rs"), "").map_err(|e| e.to_string())?;
        // The peers' lock file, so that the probe sees the versions the program builds.
        std::fs::copy(peers.join("Cargo.lock"), probe.join("Cargo.lock"))
            .map_err(|e| e.to_string())?;
        let (mut crates, _) = crate::tree_crates(crate::cargo().current_dir(&probe).arg("tree"))?;
        crates.retain(|c| !c.starts_with("weight-probe "));
        results.set(&format!("crates.{key}"), crates.len());
        results.set(&format!("crates.{key}.list"), names(&crates));
    }
    Ok(())
}

fn names(crates: &std::collections::BTreeSet<String>) -> String {
    crates.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// A clean release build of one program, in a target directory of its own deleted
/// first, timed; returns the binary.
fn build(
    peers: &Path,
    key: &str,
    feature: &str,
    bin: &str,
    target: &str,
    skip: bool,
    results: &mut Results,
) -> Result<PathBuf, String> {
    let target = std::env::temp_dir().join(target);
    if !skip && target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    step(&format!(
        "{} release build of {bin} in {}",
        if skip {
            "incremental (untimed)"
        } else {
            "clean"
        },
        target.display()
    ));
    let mut cmd = crate::cargo();
    cmd.current_dir(peers)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_BUILD_JOBS", BUILD_JOBS)
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTFLAGS")
        .args([
            "build",
            "--release",
            "--frozen",
            "--quiet",
            "--timings",
            "--no-default-features",
        ])
        .args(["--features", feature, "--bin", bin]);
    results.set(
        &format!("build.{key}.command"),
        format!(
            "CARGO_TARGET_DIR=/tmp/{} CARGO_BUILD_JOBS={BUILD_JOBS} cargo build --release --frozen \
             --timings --no-default-features --features {feature} --bin {bin}",
            target.file_name().unwrap_or_default().to_string_lossy()
        ),
    );
    results.set(&format!("build.{key}.load_before"), load_average());
    let start = Instant::now();
    crate::run(&mut cmd)?;
    let took = start.elapsed();
    results.set(&format!("build.{key}.load_after"), load_average());
    results.set(
        &format!("build.{key}.seconds"),
        format!("{:.1}", took.as_secs_f64()),
    );
    // Where the time went, from cargo's --timings report (best effort).
    if let Some(units) = timings::units(&target).filter(|_| !skip) {
        let total: f64 = units.iter().map(|u| u.seconds).sum();
        results.set(&format!("build.{key}.unit_seconds"), format!("{total:.0}"));
        let longest: Vec<String> = units
            .iter()
            .take(6)
            .map(|u| format!("{} {:.1} s", u.label, u.seconds))
            .collect();
        results.set(&format!("build.{key}.longest"), longest.join(", "));
    }
    Ok(target.join("release").join(bin))
}

/// The binary's size as built and stripped (a stripped copy).
fn size(bin: &Path, key: &str, work: &Path, results: &mut Results) -> Result<(), String> {
    let len = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.len())
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    results.set(&format!("size.{key}.bytes"), len(bin)?);
    let copy = work.join(format!("{key}.stripped"));
    std::fs::copy(bin, &copy).map_err(|e| format!("{}: {e}", copy.display()))?;
    crate::run(Command::new("strip").arg(&copy))?;
    results.set(&format!("size.{key}.stripped_bytes"), len(&copy)?);
    Ok(())
}

/// The line of `bench/RESULTS.md` after which its sections were measured by hand (the
/// weight of whole programs with the SDK's clients, too slow to build at every run):
/// a run of the harness writes its own sections and keeps these as they are.
pub(crate) const HAND_MEASURED: &str =
    "<!-- Measured by hand; `cargo xtask bench-peers` keeps everything below this line. -->";

/// What of an earlier `bench/RESULTS.md` a new run keeps: from [`HAND_MEASURED`] on,
/// or nothing when the file has no such line.
fn hand_measured(old: &str) -> &str {
    old.find(HAND_MEASURED).map_or("", |at| &old[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hand_measured_sections_are_kept() {
        let old = format!("# Results\n\nold figures\n\n{HAND_MEASURED}\n\n## 8. By hand\n");
        assert_eq!(
            hand_measured(&old),
            format!("{HAND_MEASURED}\n\n## 8. By hand\n")
        );
        assert_eq!(hand_measured("# Results\n\nno hand sections\n"), "");
    }
}
