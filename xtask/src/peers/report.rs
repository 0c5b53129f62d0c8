//! `bench/RESULTS.md` from the figures of one run.

use std::fmt::Write as _;

use super::results::Results;

mod sections;

/// How a target compares the two figures.
enum Goal {
    /// creds ÷ aws-config at most this.
    AtMost(f64),
    /// aws-config ÷ creds at least this (creds that many times faster).
    AtLeast(f64),
}

/// One target of the issue, as measured.
struct Target {
    what: &'static str,
    creds: Option<f64>,
    aws: Option<f64>,
    unit: &'static str,
    goal: Goal,
    /// Names it for [`missed_why`].
    key: &'static str,
    /// What the second figure is, when it is not aws-config's (shown beside it).
    against: &'static str,
    /// Why it is missed, or a caveat that holds whatever the outcome.
    note: String,
}

impl Target {
    fn ratio(&self) -> Option<f64> {
        let (c, a) = (self.creds?, self.aws?);
        match self.goal {
            Goal::AtMost(_) => (a > 0.0).then(|| c / a),
            Goal::AtLeast(_) => (c > 0.0).then(|| a / c),
        }
    }

    fn met(&self) -> Option<bool> {
        let r = self.ratio()?;
        Some(match self.goal {
            Goal::AtMost(limit) => r <= limit,
            Goal::AtLeast(limit) => r >= limit,
        })
    }

    /// The second figure, and what it is when it is not aws-config's.
    fn second(&self) -> String {
        match self.against {
            "" => fig(self.aws, self.unit),
            against => format!("{} ({against})", fig(self.aws, self.unit)),
        }
    }

    fn ratio_text(&self) -> String {
        match (self.ratio(), &self.goal) {
            (Some(r), Goal::AtMost(limit)) => format!("{r:.2} (target ≤ {limit:.2})"),
            (Some(r), Goal::AtLeast(limit)) => format!("{r:.1}× (target ≥ {limit:.0}×)"),
            (None, _) => "not measured".into(),
        }
    }

    fn verdict(&self) -> String {
        match (self.met(), self.note.is_empty()) {
            (None, _) => "not measured".into(),
            (Some(true), true) => "**met**".into(),
            (Some(true), false) => format!("**met**, but {}", self.note),
            (Some(false), true) => "**missed**".into(),
            (Some(false), false) => format!("**missed**: {}", self.note),
        }
    }
}

fn fig(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) if unit.is_empty() => format!("{v:.0}"),
        Some(v) if v >= 100.0 => format!("{v:.0} {unit}"),
        Some(v) if v >= 10.0 => format!("{v:.1} {unit}"),
        Some(v) => format!("{v:.2} {unit}"),
        None => "?".into(),
    }
    .trim_end()
    .to_owned()
}

/// Whether the creds binary links an instance-metadata provider (from its give-up error,
/// which lists what the chain tried).
fn creds_has_imds(r: &Results) -> bool {
    let tried = r.get("giveup.refused.creds.error").to_lowercase();
    tried.contains("imds") || tried.contains("instance")
}

fn targets(r: &Results) -> Vec<Target> {
    let mib = |key: &str| r.num(key).map(|b| b / 1024.0 / 1024.0);
    let imds_caveat = if creds_has_imds(r) {
        String::new()
    } else {
        "not a claim yet: creds has no instance-metadata provider (creds-imds has not landed), \
         so it gives up without trying IMDS; the comparison means something once it does"
            .into()
    };
    let builds = r.get("builds_measured") == "true";
    let mut targets = vec![
        Target {
            what: "crates, default features",
            creds: r.num("crates.creds.default"),
            aws: r.num("crates.aws.default"),
            unit: "",
            goal: Goal::AtMost(1.0 / 3.0),
            key: "crates",
            note: String::new(),
            against: "",
        },
        Target {
            what: "clean release build",
            creds: builds.then(|| r.num("build.creds.seconds")).flatten(),
            aws: builds.then(|| r.num("build.aws.seconds")).flatten(),
            unit: "s",
            goal: Goal::AtMost(1.0 / 3.0),
            key: "build",
            note: String::new(),
            against: "",
        },
        Target {
            what: "binary, stripped",
            creds: mib("size.creds.stripped_bytes"),
            aws: mib("size.aws.stripped_bytes"),
            unit: "MiB",
            goal: Goal::AtMost(0.5),
            key: "size",
            note: String::new(),
            against: "",
        },
        Target {
            what: "cache hit, 1 thread",
            creds: r.num("hits.cache.1.creds.ns.median"),
            aws: r.num("hits.cache.1.aws.ns.median"),
            unit: "ns",
            goal: Goal::AtLeast(2.0),
            key: "hits1",
            note: String::new(),
            against: "",
        },
        Target {
            what: "cache hit, 2 threads (per call per thread)",
            creds: r.num("hits.cache.2.creds.ns.median"),
            aws: r.num("hits.cache.2.aws.ns.median"),
            unit: "ns",
            goal: Goal::AtLeast(2.0),
            key: "hits2",
            note: String::new(),
            against: "",
        },
        Target {
            what: "10,000-profile config: parse and resolve, time",
            creds: r.num("profile10k.creds.ms.median"),
            aws: r.num("profile10k.aws.ms.median"),
            unit: "ms",
            goal: Goal::AtLeast(3.0),
            key: "profile_time",
            note: String::new(),
            against: "",
        },
        Target {
            what: "10,000-profile config: whole process",
            creds: r.num("profile10k.creds.wall_ms.median"),
            aws: r.num("profile10k.aws.wall_ms.median"),
            unit: "ms",
            goal: Goal::AtMost(1.0 / 40.0),
            key: "profile_wall",
            note: String::new(),
            against: "",
        },
        Target {
            what: "1 profile (`AWS_PROFILE`): whole process",
            creds: r.num("cold.profile.creds.ms.median"),
            aws: r.num("cold.profile.aws.ms.median"),
            unit: "ms",
            goal: Goal::AtMost(1.0 / 10.0),
            key: "cold_wall",
            note: String::new(),
            against: "",
        },
        Target {
            what: "10,000-profile config: peak memory (VmHWM)",
            creds: r
                .num("profile10k.creds.peak_kib.median")
                .map(|k| k / 1024.0),
            aws: r.num("profile10k.aws.peak_kib.median").map(|k| k / 1024.0),
            unit: "MiB",
            goal: Goal::AtMost(1.0),
            key: "profile_memory",
            note: String::new(),
            against: "",
        },
        Target {
            what: "10,000-profile config: creds' peak memory over its 1-profile run's, against the file's size",
            creds: match (
                r.num("profile10k.creds.peak_kib.median"),
                r.num("profile1.creds.peak_kib.median"),
            ) {
                (Some(big), Some(one)) => Some(big - one),
                _ => None,
            },
            aws: r.num("profile10k.bytes").map(|b| b / 1024.0),
            unit: "KiB",
            goal: Goal::AtMost(1.0),
            key: "profile_memory_over_one",
            note: String::new(),
            against: "the file's size",
        },
        Target {
            what: "off-EC2 give-up, IMDS port refusing",
            creds: r.num("giveup.refused.creds.ms.median"),
            aws: r.num("giveup.refused.aws.ms.median"),
            unit: "ms",
            goal: Goal::AtMost(1.0),
            key: "giveup",
            note: String::new(),
            against: "",
        },
        Target {
            what: "off-EC2 give-up, IMDS port never answering",
            creds: r.num("giveup.silent.creds.ms.median"),
            aws: r.num("giveup.silent.aws.ms.median"),
            unit: "ms",
            goal: Goal::AtMost(1.0),
            key: "giveup_silent",
            note: String::new(),
            against: "",
        },
    ];
    for t in &mut targets {
        t.note = match (t.key, t.met()) {
            ("giveup" | "giveup_silent", _) if !imds_caveat.is_empty() => imds_caveat.clone(),
            (key, Some(false)) => missed_why(r, key),
            _ => String::new(),
        };
    }
    targets
}

/// Why a target is missed, from what this run measured; empty when it is met.
fn missed_why(r: &Results, target: &str) -> String {
    let g = |k: &str| r.get(k);
    let n = |k: &str| r.num(k).unwrap_or(0.0);
    match target {
        "crates" => format!(
            "aws-config {} lists {} crates by this count (the issue's 159 was an earlier count), \
             which puts the target at {:.0}; creds' default features carry the HTTP client of \
             the container, instance metadata, STS, SSO and `aws login` providers (creds-http: \
             hyper, rustls with ring, tokio's net driver) and STS's XML reader, {:.0} of its {} crates beyond \
             the {} of `env` + `profile` alone ({:.2} of aws-config's)",
            g("aws_config_version"),
            g("crates.aws.default"),
            n("crates.aws.default") / 3.0,
            n("crates.creds.default") - n("crates.creds.env_profile"),
            g("crates.creds.default"),
            g("crates.creds.env_profile"),
            n("crates.creds.env_profile") / n("crates.aws.default").max(1.0),
        ),
        "build" => {
            let tls = g("build.creds.longest").contains("rustls")
                || g("build.creds.longest").contains("ring");
            format!(
                "creds-min's longest units are {}{}; by unit time (less moved by the load, \
                 {} → {} and {} → {} around the two builds) the ratio is {}",
                g("build.creds.longest"),
                if tls {
                    ": the TLS stack (rustls, ring's C build) that HTTPS to STS and the \
                     container endpoints brings, which aws-config's build compiles too \
                     (aws-lc-sys instead of ring)"
                } else {
                    ""
                },
                g("build.creds.load_before"),
                g("build.creds.load_after"),
                g("build.aws.load_before"),
                g("build.aws.load_after"),
                match (
                    r.num("build.creds.unit_seconds"),
                    r.num("build.aws.unit_seconds")
                ) {
                    (Some(c), Some(a)) if a > 0.0 => format!("{:.2}", c / a),
                    _ => "?".into(),
                },
            )
        }
        "giveup_silent" => format!(
            "a deliberate trade: creds makes {} connections per run to a silent endpoint, the \
             IMDSv2 token request and then the IMDSv1 fallback that issue #5 asks for after a \
             token timeout (as botocore and the JavaScript SDK v3 do: it is what lets a \
             container behind a hop limit of 1 get credentials), each bounded by the 1 s \
             timeout; aws-config makes {} and gives up after the token timeout without trying \
             IMDSv1",
            g("giveup.silent.creds.connections_per_run"),
            g("giveup.silent.aws.connections_per_run"),
        ),
        "profile_wall" | "cold_wall" => format!(
            "a process that does nothing (`/bin/true`) took {:.2} ms here, the floor of any \
             whole-process figure, and creds-min started and returning at once (`exit`, no \
             library work) {:.2} ms (awsconfig-min {:.2} ms); creds' own work inside the \
             process took {:.2} ms for 10,000 profiles and {:.2} ms for one",
            n("floor.true.ms.median"),
            n("floor.creds.exit.ms.median"),
            n("floor.aws.exit.ms.median"),
            n("profile10k.creds.ms.median"),
            n("cold.profile.creds.inproc_ms.median"),
        ),
        "profile_memory_over_one" => format!(
            "the 10,000-profile run's peak was {:.0} KiB and the 1-profile run's {:.0} KiB; \
             what the profile index keeps beside the file's text is the difference less the \
             file (see section 5 for the spread)",
            n("profile10k.creds.peak_kib.median"),
            n("profile1.creds.peak_kib.median"),
        ),
        "size" => "creds-min links tokio, hyper and rustls with ring for the container \
                   provider's HTTPS, the bulk of both binaries; no cause beyond that was \
                   established by this run"
            .into(),
        _ => format!(
            "no cause was established by this run; the load average was {} when the programs \
             started (a wall-clock figure on 2 shared cores), see the spread in its section",
            g("load_measure_start")
        ),
    }
}

/// The short table printed at the end of the run.
pub(crate) fn summary(r: &Results) -> String {
    let mut out = String::from("target | creds | aws-config | ratio | verdict\n");
    for t in targets(r) {
        let _ = writeln!(
            out,
            "{} | {} | {} | {} | {}",
            t.what,
            fig(t.creds, t.unit),
            t.second(),
            t.ratio_text(),
            match t.met() {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "not measured",
            }
        );
    }
    out
}

pub(crate) fn render(r: &Results) -> String {
    let mut o = String::new();
    let g = |k: &str| r.get(k);
    let _ = writeln!(o, "# creds and aws-config, side by side\n");
    let _ = writeln!(
        o,
        "Written by `cargo xtask bench-peers` on {} in {} s (the whole run: weights, both clean \
         builds, every measurement). Run it again rather than edit this file; the programs are \
         in [`peers/`](peers/), the harness in `xtask/src/peers/`.\n",
        g("date"),
        g("total_s")
    );
    machine(&mut o, r);
    let _ = writeln!(o, "## Targets\n");
    let _ = writeln!(
        o,
        "Ratios of figures taken on this machine in this run. creds ÷ aws-config for weight, build, size, memory and give-up (lower is better); aws-config ÷ creds for speed (how many times faster creds is); where the second figure is not aws-config's, it says what it is.\n"
    );
    let _ = writeln!(
        o,
        "| target | creds | aws-config | ratio | verdict |\n| --- | --- | --- | --- | --- |"
    );
    for t in targets(r) {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            t.what,
            fig(t.creds, t.unit),
            t.second(),
            t.ratio_text(),
            t.verdict()
        );
    }
    o.push('\n');
    sections::sections(&mut o, r);
    o
}

fn machine(o: &mut String, r: &Results) {
    let g = |k: &str| r.get(k);
    let _ = writeln!(o, "## Machine and versions\n");
    let _ = writeln!(o, "| | |\n| --- | --- |");
    let _ = writeln!(
        o,
        "| machine | {} cores (`nproc`), {}, {} GiB of memory, {} |",
        g("nproc"),
        g("cpu"),
        g("memory_gib"),
        g("kernel")
    );
    let _ = writeln!(
        o,
        "| load average (1 min) | {} at the start, {} when the programs started running, {} at the end; other engineers' builds share the two cores, and a load above 1 moves the figures (the build section has the load around each build) |",
        g("load_start"),
        g("load_measure_start"),
        g("load_end")
    );
    let _ = writeln!(o, "| toolchain | {}; {} |", g("rustc"), g("cargo"));
    let _ = writeln!(
        o,
        "| creds | the workspace at {}, default features (env, profile, process, container, imds, sts, sso, login), through `crates/creds` as a path dependency |",
        g("creds_rev")
    );
    let _ = writeln!(
        o,
        "| aws-config | {} (the latest 1.x when `bench/peers/Cargo.lock` was made), default features |",
        g("aws_config_version")
    );
    let _ = writeln!(
        o,
        "| build settings, both programs | `--release` with the root workspace's profile (`codegen-units = 4`, `debug = false`, lto off, `opt-level = 3`), `CARGO_BUILD_JOBS=2`, no `RUSTFLAGS`, no wrapper |"
    );
    let _ = writeln!(
        o,
        "| isolation | every program ran in a loopback-only network namespace (`unshare -n`, checked through `/proc/self/net/dev`), with a cleared environment and a temporary `HOME`; `AWS_REGION=us-east-1`, `AWS_ENDPOINT_URL=http://127.0.0.1:9`, and `AWS_EC2_METADATA_DISABLED=true` except in the give-up runs |\n"
    );
}
