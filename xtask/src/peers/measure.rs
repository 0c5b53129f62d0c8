//! `bench-peers-measure <creds-min> <awsconfig-min> <work dir> <results file> <runs>`:
//! everything of bench-peers that runs the two programs (cold start, profile files,
//! cache hits, give-up), run by `bench-peers` inside a loopback-only network namespace.
//! It checks that it is in one before it starts anything.
//!
//! Every program runs with a cleared environment: a temporary `HOME` holding only the
//! generated files, `PATH`, `AWS_REGION=us-east-1`, `AWS_ENDPOINT_URL` at a loopback
//! port, and `AWS_EC2_METADATA_DISABLED=true` except in the give-up runs, where
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT` points at a loopback port that refuses or at a
//! listener of ours that never answers. The programs print only access key ids.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::results::Results;

/// Fake keys of AWS's documentation: they open nothing.
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// Runs of the profile-file comparison, each a fresh process.
const PROFILE_RUNS: usize = 11;
/// Cache hits: calls per thread, and fresh processes per figure.
const HIT_ITERS: u64 = 1_000_000;
const HIT_RUNS: usize = 5;
/// Give-up runs: at a refusing port, and at a listener that never answers.
const REFUSED_RUNS: usize = 15;
const SILENT_RUNS: usize = 7;

/// The two programs, by their key in the results.
struct Program {
    key: &'static str,
    path: PathBuf,
}

/// Instance metadata in a program's environment.
#[derive(Clone, Copy)]
enum Imds {
    Disabled,
    At(u16),
}

pub(crate) fn measure(args: &[String]) -> Result<(), String> {
    let [creds, aws, work, out, runs] = args else {
        return Err(format!(
            "usage: {} <creds-min> <awsconfig-min> <work dir> <results file> <runs>",
            super::MEASURE_TASK
        ));
    };
    loopback_only()?;
    let runs: usize = runs.parse().map_err(|_| "runs: a number")?;
    let programs = [
        Program {
            key: "creds",
            path: PathBuf::from(creds),
        },
        Program {
            key: "aws",
            path: PathBuf::from(aws),
        },
    ];
    let work = Work::create(Path::new(work))?;
    let mut results = Results::default();
    results.set("load_measure_start", super::load_average());
    cold_start(&programs, &work, runs, &mut results)?;
    profile_files(&programs, &work, &mut results)?;
    cache_hits(&programs, &work, &mut results)?;
    give_up(&programs, &work, &mut results)?;
    results.write(Path::new(out))
}

/// Refuses to go on unless this process's network namespace has no interface but `lo`
/// (`/proc/self/net/dev` lists the interfaces of the caller's namespace).
fn loopback_only() -> Result<(), String> {
    let dev = std::fs::read_to_string("/proc/self/net/dev").map_err(|e| e.to_string())?;
    let interfaces: Vec<&str> = dev
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next().map(str::trim))
        .collect();
    if interfaces == ["lo"] {
        Ok(())
    } else {
        Err(format!(
            "{}: not in a loopback-only network namespace (interfaces: {interfaces:?}); \
             run `cargo xtask bench-peers`",
            super::MEASURE_TASK
        ))
    }
}

/// The files the programs read, under the work directory.
struct Work {
    root: PathBuf,
    /// An empty home: no `~/.aws` at all.
    empty_home: PathBuf,
    /// A home whose `~/.aws/config` has a `static` and a `proc` profile.
    profile_home: PathBuf,
    /// The 10,000-profile config.
    big_config: PathBuf,
    /// The 1,000-profile config.
    mid_config: PathBuf,
    /// A config of one profile: the baseline of issue #18's memory goal (the 10,000
    /// profile run's peak at most this run's plus the file's size).
    one_config: PathBuf,
}

impl Work {
    fn create(root: &Path) -> Result<Work, String> {
        let io = |e: std::io::Error| e.to_string();
        let empty_home = root.join("home-empty");
        let profile_home = root.join("home-profile");
        std::fs::create_dir_all(&empty_home).map_err(io)?;
        std::fs::create_dir_all(profile_home.join(".aws")).map_err(io)?;
        let script = root.join("credential-process.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESSEXAMPLE\", \
                 \"SecretAccessKey\": \"{SECRET}\"}}'\n"
            ),
        )
        .map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
                .map_err(io)?;
        }
        std::fs::write(
            profile_home.join(".aws/config"),
            format!(
                "[profile static]\naws_access_key_id = AKIDPROFILEEXAMPLE\n\
                 aws_secret_access_key = {SECRET}\n\n\
                 [profile proc]\ncredential_process = {}\n",
                script.display()
            ),
        )
        .map_err(io)?;
        let big_config = root.join("config-10k");
        generate_config(10_000, &big_config)?;
        let mid_config = root.join("config-1k");
        generate_config(1_000, &mid_config)?;
        let one_config = root.join("config-1");
        std::fs::write(
            &one_config,
            format!(
                "[profile profile-0]\naws_access_key_id = AKIA0000000000000000\n\
                 aws_secret_access_key = {SECRET}\n"
            ),
        )
        .map_err(io)?;
        Ok(Work {
            root: root.to_path_buf(),
            empty_home,
            profile_home,
            big_config,
            mid_config,
            one_config,
        })
    }

    /// `path` as the report shows it, under `$WORK`.
    fn show(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(rest) => format!("$WORK/{}", rest.display()),
            Err(_) => path.display().to_string(),
        }
    }
}

/// The whole environment of a program.
fn environment(home: &Path, imds: Imds, extra: &[(&str, String)]) -> Vec<(String, String)> {
    let mut env = vec![
        ("HOME".to_owned(), home.display().to_string()),
        ("PATH".to_owned(), std::env::var("PATH").unwrap_or_default()),
        ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
        // Nothing could leave even by mistake: every AWS endpoint is a loopback discard port.
        (
            "AWS_ENDPOINT_URL".to_owned(),
            "http://127.0.0.1:9".to_owned(),
        ),
    ];
    match imds {
        Imds::Disabled => env.push(("AWS_EC2_METADATA_DISABLED".into(), "true".into())),
        Imds::At(port) => env.push((
            "AWS_EC2_METADATA_SERVICE_ENDPOINT".into(),
            format!("http://127.0.0.1:{port}"),
        )),
    }
    env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    env
}

/// The command line of a run, for the report (`$WORK` for the work directory,
/// `$PATH` for the path, secrets as `<secret>`).
fn describe(work: &Work, program: &str, args: &[&str], env: &[(String, String)]) -> String {
    let mut line = String::from("env -i");
    for (k, v) in env {
        let v = match k.as_str() {
            "PATH" => "$PATH".to_owned(),
            "AWS_SECRET_ACCESS_KEY" => "<secret>".to_owned(),
            _ => work.show(Path::new(v)),
        };
        line.push_str(&format!(" {k}={v}"));
    }
    line.push(' ');
    line.push_str(program);
    for arg in args {
        line.push(' ');
        line.push_str(&work.show(Path::new(arg)));
    }
    line
}

/// One run of a program: its whole-process time and what it printed.
struct Run {
    wall: Duration,
    fields: BTreeMap<String, String>,
}

impl Run {
    fn num(&self, key: &str) -> Result<f64, String> {
        self.fields
            .get(key)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("the program printed no {key}"))
    }
}

fn run(program: &Program, args: &[&str], env: &[(String, String)]) -> Result<Run, String> {
    let mut cmd = Command::new(&program.path);
    cmd.args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    let start = Instant::now();
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.path.display()))?;
    let wall = start.elapsed();
    if !output.status.success() {
        return Err(format!(
            "{} {args:?} failed ({}): {}",
            program.path.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let fields = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Ok(Run { wall, fields })
}

/// Checks the access key id a run printed.
fn expect_key(run: &Run, program: &Program, expected: &str) -> Result<(), String> {
    match run.fields.get("access_key_id") {
        Some(id) if id == expected => Ok(()),
        other => Err(format!(
            "{}: expected access key id {expected}, got {other:?}",
            program.key
        )),
    }
}

fn note(what: &str) {
    eprintln!("bench-peers: {what}");
}

/// Cold start (4): whole-process time, from environment variables, a static profile and a
/// `credential_process` profile: `runs` runs each, the two programs alternating, after
/// three unrecorded runs each.
fn cold_start(
    programs: &[Program],
    work: &Work,
    runs: usize,
    results: &mut Results,
) -> Result<(), String> {
    // (name, home, extra variables, the access key id to expect)
    type Scenario<'a> = (&'a str, &'a Path, Vec<(&'a str, String)>, &'a str);
    let scenarios: [Scenario<'_>; 3] = [
        (
            "env",
            &work.empty_home,
            vec![
                ("AWS_ACCESS_KEY_ID", "AKIDENVEXAMPLE".into()),
                ("AWS_SECRET_ACCESS_KEY", SECRET.into()),
            ],
            "AKIDENVEXAMPLE",
        ),
        (
            "profile",
            &work.profile_home,
            vec![("AWS_PROFILE", "static".into())],
            "AKIDPROFILEEXAMPLE",
        ),
        (
            "process",
            &work.profile_home,
            vec![("AWS_PROFILE", "proc".into())],
            "AKIDPROCESSEXAMPLE",
        ),
    ];
    // The floor of every whole-process figure: a process that does nothing.
    let mut floor = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new("/bin/true")
            .env_clear()
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run /bin/true: {e}"))?;
        floor.push(start.elapsed());
        if !status.success() {
            return Err("/bin/true failed".into());
        }
    }
    results.stats_ms("floor.true.ms", &floor);
    // Each program's own floor: started and returning at once (`exit`), so that what
    // its library does can be told from what being this binary costs.
    let env = environment(&work.empty_home, Imds::Disabled, &[]);
    let mut exits: Vec<Vec<Duration>> = vec![Vec::new(); programs.len()];
    for _ in 0..runs {
        for (p, program) in programs.iter().enumerate() {
            exits[p].push(run(program, &["exit"], &env)?.wall);
        }
    }
    for (p, program) in programs.iter().enumerate() {
        results.stats_ms(&format!("floor.{}.exit.ms", program.key), &exits[p]);
    }
    for (name, home, extra, expected) in scenarios {
        note(&format!(
            "cold start from {name}: {runs} runs of each program"
        ));
        let env = environment(home, Imds::Disabled, &extra);
        results.set(
            &format!("cmd.cold.{name}"),
            describe(work, "creds-min", &[], &env),
        );
        let mut walls: Vec<Vec<Duration>> = vec![Vec::new(); programs.len()];
        let mut inner: Vec<Vec<f64>> = vec![Vec::new(); programs.len()];
        for i in 0..runs + 3 {
            for (p, program) in programs.iter().enumerate() {
                let r = run(program, &[], &env)?;
                expect_key(&r, program, expected)?;
                if i >= 3 {
                    walls[p].push(r.wall);
                    inner[p].push(r.num("elapsed_ns")? / 1e6);
                }
            }
        }
        for (p, program) in programs.iter().enumerate() {
            results.stats_ms(&format!("cold.{name}.{}.ms", program.key), &walls[p]);
            results.stats(&format!("cold.{name}.{}.inproc_ms", program.key), &inner[p]);
        }
    }
    Ok(())
}

/// Profile files (5): read, parse and resolve `profile-9999` of the 10,000-profile config, in a fresh
/// process each time: in-process time and peak resident set.
fn profile_files(programs: &[Program], work: &Work, results: &mut Results) -> Result<(), String> {
    // (results key, config, profile, its access key id)
    let sizes = [
        (
            "profile10k",
            &work.big_config,
            "profile-9999",
            "AKIA0000000000009999",
        ),
        (
            "profile1k",
            &work.mid_config,
            "profile-999",
            "AKIA0000000000000999",
        ),
        (
            "profile1",
            &work.one_config,
            "profile-0",
            "AKIA0000000000000000",
        ),
    ];
    for (key, path, profile, expected) in sizes {
        note(&format!(
            "profile files ({key}): {PROFILE_RUNS} runs of each program, alternating"
        ));
        let config = path.display().to_string();
        let env = environment(
            &work.empty_home,
            Imds::Disabled,
            &[("AWS_CONFIG_FILE", config.clone())],
        );
        let args = ["profile10k", config.as_str(), profile];
        results.set(
            &format!("cmd.{key}"),
            describe(work, "creds-min", &args, &env),
        );
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        results.set(&format!("{key}.bytes"), bytes);
        // In process, peak, growth, whole process.
        let mut samples: Vec<[Vec<f64>; 4]> = vec![Default::default(); programs.len()];
        for _ in 0..PROFILE_RUNS {
            for (p, program) in programs.iter().enumerate() {
                let r = run(program, &args, &env)?;
                expect_key(&r, program, expected)?;
                samples[p][0].push(r.num("elapsed_ns")? / 1e6);
                samples[p][1].push(r.num("peak_rss_kib")?);
                samples[p][2].push(r.num("peak_rss_kib")? - r.num("peak_rss_kib_before")?);
                samples[p][3].push(r.wall.as_secs_f64() * 1e3);
            }
        }
        for (p, program) in programs.iter().enumerate() {
            let who = program.key;
            results.stats(&format!("{key}.{who}.ms"), &samples[p][0]);
            results.stats(&format!("{key}.{who}.peak_kib"), &samples[p][1]);
            results.stats(&format!("{key}.{who}.growth_kib"), &samples[p][2]);
            results.stats(&format!("{key}.{who}.wall_ms"), &samples[p][3]);
        }
    }
    Ok(())
}

/// Cache hits (6): ns per `provide_credentials()` on a warm cache (credentials from environment
/// variables), 1 and 2 threads; `cache` is each library's cache as a user reaches it,
/// `alt` the other path each program documents.
fn cache_hits(programs: &[Program], work: &Work, results: &mut Results) -> Result<(), String> {
    let env = environment(
        &work.empty_home,
        Imds::Disabled,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDENVEXAMPLE".into()),
            ("AWS_SECRET_ACCESS_KEY", SECRET.into()),
        ],
    );
    let iters = HIT_ITERS.to_string();
    results.set("hits.iters", HIT_ITERS);
    for variant in ["cache", "alt"] {
        for threads in ["1", "2"] {
            note(&format!(
                "cache hits ({variant}, {threads} thread(s)): {HIT_RUNS} runs of {iters} calls per thread"
            ));
            let args = ["cachehits", threads, &iters, variant];
            results.set(
                &format!("cmd.hits.{variant}.{threads}"),
                describe(work, "creds-min", &args, &env),
            );
            results.set(
                &format!("load.hits.{variant}.{threads}"),
                super::load_average(),
            );
            let mut ns: Vec<Vec<f64>> = vec![Vec::new(); programs.len()];
            for _ in 0..HIT_RUNS {
                for (p, program) in programs.iter().enumerate() {
                    let r = run(program, &args, &env)?;
                    expect_key(&r, program, "AKIDENVEXAMPLE")?;
                    ns[p].push(r.num("ns_per_call")?);
                }
            }
            for (p, program) in programs.iter().enumerate() {
                results.stats(
                    &format!("hits.{variant}.{threads}.{}.ns", program.key),
                    &ns[p],
                );
            }
        }
    }
    Ok(())
}

/// Give-up (7): nothing configured: how long until each default chain gives up, with instance
/// metadata at a loopback port that refuses and at a listener that never answers.
fn give_up(programs: &[Program], work: &Work, results: &mut Results) -> Result<(), String> {
    let refused_port = {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        listener.local_addr().map_err(|e| e.to_string())?.port()
        // Dropped here: the port refuses (nothing else runs in this namespace).
    };
    note(&format!(
        "give-up, metadata port refusing: {REFUSED_RUNS} runs of each program"
    ));
    give_up_at(
        programs,
        work,
        "refused",
        refused_port,
        REFUSED_RUNS,
        None,
        results,
    )?;

    let silent = Silent::start()?;
    note(&format!(
        "give-up, metadata port never answering: {SILENT_RUNS} runs of each program"
    ));
    let outcome = give_up_at(
        programs,
        work,
        "silent",
        silent.port,
        SILENT_RUNS,
        Some(&silent),
        results,
    );
    silent.stop();
    outcome
}

fn give_up_at(
    programs: &[Program],
    work: &Work,
    case: &str,
    port: u16,
    runs: usize,
    silent: Option<&Silent>,
    results: &mut Results,
) -> Result<(), String> {
    let env = environment(&work.empty_home, Imds::At(port), &[]);
    results.set(
        &format!("cmd.giveup.{case}"),
        describe(work, "creds-min", &["giveup"], &env),
    );
    let mut walls: Vec<Vec<Duration>> = vec![Vec::new(); programs.len()];
    let mut connections = vec![0; programs.len()];
    for _ in 0..runs {
        for (p, program) in programs.iter().enumerate() {
            let before = silent.map_or(0, Silent::accepted);
            let r = run(program, &["giveup"], &env)?;
            connections[p] += silent.map_or(0, Silent::accepted) - before;
            walls[p].push(r.wall);
            let error = r.fields.get("error").cloned().unwrap_or_default();
            let error = error.replace(&work.root.display().to_string(), "$WORK");
            results.set(&format!("giveup.{case}.{}.error", program.key), error);
        }
    }
    for (p, program) in programs.iter().enumerate() {
        results.stats_ms(&format!("giveup.{case}.{}.ms", program.key), &walls[p]);
        if silent.is_some() {
            results.set(
                &format!("giveup.{case}.{}.connections_per_run", program.key),
                format!("{:.1}", connections[p] as f64 / runs as f64),
            );
        }
    }
    Ok(())
}

/// A loopback listener that accepts connections and never answers, holding them open
/// until stopped.
struct Silent {
    port: u16,
    stop: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
    thread: JoinHandle<()>,
}

impl Silent {
    fn start() -> Result<Silent, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let thread = std::thread::spawn({
            let (stop, accepted) = (Arc::clone(&stop), Arc::clone(&accepted));
            move || {
                let mut held: Vec<TcpStream> = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            accepted.fetch_add(1, Ordering::Relaxed);
                            held.push(stream);
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(2));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(2)),
                    }
                }
            }
        });
        Ok(Silent {
            port,
            stop,
            accepted,
            thread,
        })
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::Relaxed)
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

/// Writes a config of `profiles` generated profiles (`creds_bench::generate_config`, run
/// as the bench crate's `generate-config` program).
fn generate_config(profiles: usize, path: &Path) -> Result<(), String> {
    crate::run(
        crate::cargo()
            .args([
                "run",
                "--quiet",
                "-p",
                "creds-bench",
                "--bin",
                "generate-config",
                "--",
            ])
            .arg(profiles.to_string())
            .arg(path),
    )
}
