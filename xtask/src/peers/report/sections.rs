//! The detailed sections of `bench/RESULTS.md`, one per measurement, and the commands.

use std::fmt::Write as _;

use super::super::results::Results;

/// "median unit (min–max)" of `key.median` &c.
fn spread(r: &Results, key: &str, unit: &str) -> String {
    let p = |v: f64| {
        if v >= 100.0 {
            format!("{v:.0}")
        } else if v >= 10.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.2}")
        }
    };
    match (
        r.num(&format!("{key}.median")),
        r.num(&format!("{key}.min")),
        r.num(&format!("{key}.max")),
    ) {
        (Some(m), Some(lo), Some(hi)) => format!("{} {unit} ({}–{})", p(m), p(lo), p(hi)),
        _ => "?".into(),
    }
}

/// `num ÷ den` of two figures, to two places.
fn ratio(r: &Results, num: &str, den: &str) -> String {
    match (r.num(num), r.num(den)) {
        (Some(n), Some(d)) if d > 0.0 => format!("{:.2}", n / d),
        _ => "?".into(),
    }
}

pub(super) fn sections(o: &mut String, r: &Results) {
    weight(o, r);
    build(o, r);
    size(o, r);
    cold_start(o, r);
    profile_files(o, r);
    cache_hits(o, r);
    give_up(o, r);
    commands(o, r);
}

fn weight(o: &mut String, r: &Results) {
    let g = |k: &str| r.get(k);
    let _ = writeln!(o, "## 1. Weight\n");
    let _ = writeln!(
        o,
        "Distinct crates (name and version) that `cargo tree -e normal --prefix none` lists, the \
         library itself, the workspace's own crates and proc macros included. creds: `cargo tree \
         -p creds` in the workspace (`cargo xtask deps` counts the same sets and holds the \
         budgets). aws-config: a probe package depending only on `aws-config = \"={}\"`, with \
         `bench/peers/Cargo.lock` copied in so that it sees the versions the program builds.\n",
        g("aws_config_version")
    );
    let _ = writeln!(
        o,
        "| library, features | crates | ÷ aws-config (default) |\n| --- | --- | --- |"
    );
    for (what, key) in [
        ("creds, `env` + `profile`", "creds.env_profile"),
        (
            "creds, default features (`env`, `profile`, `process`, `container`, `imds`, `sts`, `sso`, `login`)",
            "creds.default",
        ),
        ("creds, all features", "creds.all"),
        ("aws-config, default features", "aws.default"),
        ("aws-config, no default features", "aws.none"),
    ] {
        let _ = writeln!(
            o,
            "| {what} | {} | {} |",
            g(&format!("crates.{key}")),
            ratio(r, &format!("crates.{key}"), "crates.aws.default")
        );
    }
    let _ = writeln!(
        o,
        "\n<details><summary>creds' crates, default features</summary>\n\n{}\n\n</details>\n",
        g("crates.creds.default.list")
    );
    let _ = writeln!(
        o,
        "<details><summary>aws-config's crates, default features</summary>\n\n{}\n\n</details>\n",
        g("crates.aws.default.list")
    );
}

fn build(o: &mut String, r: &Results) {
    let g = |k: &str| r.get(k);
    let _ = writeln!(o, "## 2. Clean release build\n");
    if g("builds_measured") != "true" {
        let _ = writeln!(
            o,
            "Not measured in this run (`--skip-builds`: the binaries of an earlier run were \
             reused, built incrementally).\n"
        );
        return;
    }
    let _ = writeln!(
        o,
        "Wall time of `cargo build --release` of each program alone, in a target directory of \
         its own deleted first (the registry sources were fetched beforehand, outside the timing; \
         `--frozen`), with the load average just before and just after. The peers package builds \
         only the library of the program asked for (each program's library is an optional \
         dependency behind a feature), plus the package's own small std-only library.\n"
    );
    let _ = writeln!(
        o,
        "| program | clean build (wall) | load before → after | unit time (sum over crates) | longest units (`--timings`) |\n| --- | --- | --- | --- | --- |"
    );
    for (what, key) in [("`creds-min`", "creds"), ("`awsconfig-min`", "aws")] {
        let _ = writeln!(
            o,
            "| {what} | {} s | {} → {} | {} s | {} |",
            g(&format!("build.{key}.seconds")),
            g(&format!("build.{key}.load_before")),
            g(&format!("build.{key}.load_after")),
            g(&format!("build.{key}.unit_seconds")),
            g(&format!("build.{key}.longest")),
        );
    }
    let _ = writeln!(
        o,
        "\ncreds ÷ aws-config: **{}** of the wall time, {} of the unit time (which the load \
         moves less: it is the sum of each crate's own compile time).\n",
        ratio(r, "build.creds.seconds", "build.aws.seconds"),
        ratio(r, "build.creds.unit_seconds", "build.aws.unit_seconds")
    );
}

fn size(o: &mut String, r: &Results) {
    let g = |k: &str| {
        r.get(k)
            .parse::<f64>()
            .map(|b| format!("{:.2} MiB", b / 1048576.0))
            .unwrap_or_else(|_| "?".into())
    };
    let _ = writeln!(o, "## 3. Binary size\n");
    let _ = writeln!(
        o,
        "| program | as built | stripped (`strip` of a copy) |\n| --- | --- | --- |"
    );
    for (what, key) in [("`creds-min`", "creds"), ("`awsconfig-min`", "aws")] {
        let _ = writeln!(
            o,
            "| {what} | {} | {} |",
            g(&format!("size.{key}.bytes")),
            g(&format!("size.{key}.stripped_bytes"))
        );
    }
    let _ = writeln!(
        o,
        "\nStripped, creds ÷ aws-config: **{}**. Both programs hold all four modes below (once, \
         profile10k, cachehits, giveup), a few hundred lines each on top of their library.\n",
        ratio(r, "size.creds.stripped_bytes", "size.aws.stripped_bytes")
    );
}

fn cold_start(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## 4. Cold start\n");
    let _ = writeln!(
        o,
        "Whole-process time of one run that resolves the default chain once and prints the \
         access key id, measured by the harness around `Command::output()` (spawn to exit): \
         median (min–max) of {} runs of each program, the two alternating, after three \
         unrecorded runs each. \"In process\" is the program's own figure for building the chain \
         and resolving (from just after the tokio runtime is built to the credentials). creds: \
         `creds::default_chain().provide_credentials()`; aws-config: \
         `aws_config::load_defaults(BehaviorVersion::latest())`, then \
         `credentials_provider().provide_credentials()`, as its documentation shows.\n",
        r.get("runs")
    );
    let _ = writeln!(
        o,
        "| source | creds, whole process | aws-config, whole process | creds ÷ aws-config | creds, in process | aws-config, in process |\n| --- | --- | --- | --- | --- | --- |"
    );
    for (what, key) in [
        ("environment variables", "env"),
        ("static keys in a profile (`AWS_PROFILE`)", "profile"),
        (
            "`credential_process` profile (a two-line shell script)",
            "process",
        ),
    ] {
        let _ = writeln!(
            o,
            "| {what} | {} | {} | {} | {} | {} |",
            spread(r, &format!("cold.{key}.creds.ms"), "ms"),
            spread(r, &format!("cold.{key}.aws.ms"), "ms"),
            ratio(
                r,
                &format!("cold.{key}.creds.ms.median"),
                &format!("cold.{key}.aws.ms.median")
            ),
            spread(r, &format!("cold.{key}.creds.inproc_ms"), "ms"),
            spread(r, &format!("cold.{key}.aws.inproc_ms"), "ms"),
        );
    }
    let _ = writeln!(
        o,
        "| floor: the program started and returning at once (`exit`: exec, the dynamic \
         loader, std's start-up, no library work) | {} | {} | {} | — | — |",
        spread(r, "floor.creds.exit.ms", "ms"),
        spread(r, "floor.aws.exit.ms", "ms"),
        ratio(r, "floor.creds.exit.ms.median", "floor.aws.exit.ms.median"),
    );
    let _ = writeln!(
        o,
        "\nA process that does nothing at all (`/bin/true`) took {} here.",
        spread(r, "floor.true.ms", "ms"),
    );
    o.push('\n');
}

fn profile_files(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## 5. Profile files\n");
    let _ = writeln!(
        o,
        "Read, parse and resolve the last profile (static keys) of a generated config of \
         10,000 profiles (`profile-9999`, {:.2} MiB) and of 1,000 (`profile-999`, {:.2} MiB) \
         (`creds_bench::generate_config`: role chains, SSO references, regions, \
         sub-properties, comments), and a config of that one profile alone (`profile-0`, \
         {:.0} bytes), each run a fresh process, the two programs alternating; \
         median (min–max) of {} runs each. In process: building the default chain with the \
         profile named in code through the credentials. creds: `DefaultChain::builder()\
         .config(ProviderConfig::new().with_config_file(path)).profile_name(..).build()`; \
         aws-config: `DefaultCredentialsChain::builder().profile_name(..).build().await` with \
         `AWS_CONFIG_FILE` (it has no public way to give the chain a path; `ProviderConfig::\
         with_profile_config` is crate-private). Whole process: spawn to exit, measured by the \
         harness. Memory: the process's peak resident set (`VmHWM`) after resolving, and its \
         growth over the peak before the runtime was built.\n",
        r.num("profile10k.bytes").unwrap_or(0.0) / 1048576.0,
        r.num("profile1k.bytes").unwrap_or(0.0) / 1048576.0,
        r.num("profile1.bytes").unwrap_or(0.0),
        r.get("profile10k.creds.ms.n"),
    );
    let _ = writeln!(
        o,
        "| | creds | aws-config | ratio |\n| --- | --- | --- | --- |"
    );
    for (key, what) in [
        ("profile10k", "10,000 profiles"),
        ("profile1k", "1,000 profiles"),
        ("profile1", "1 profile"),
    ] {
        let _ = writeln!(
            o,
            "| {what}: whole process | {} | {} | creds ÷ aws-config: **{}** |",
            spread(r, &format!("{key}.creds.wall_ms"), "ms"),
            spread(r, &format!("{key}.aws.wall_ms"), "ms"),
            ratio(
                r,
                &format!("{key}.creds.wall_ms.median"),
                &format!("{key}.aws.wall_ms.median")
            )
        );
        let _ = writeln!(
            o,
            "| {what}: in process | {} | {} | aws-config ÷ creds: **{}** |",
            spread(r, &format!("{key}.creds.ms"), "ms"),
            spread(r, &format!("{key}.aws.ms"), "ms"),
            ratio(
                r,
                &format!("{key}.aws.ms.median"),
                &format!("{key}.creds.ms.median")
            )
        );
        let _ = writeln!(
            o,
            "| {what}: peak resident set | {} | {} | creds ÷ aws-config: **{}** |",
            spread(r, &format!("{key}.creds.peak_kib"), "KiB"),
            spread(r, &format!("{key}.aws.peak_kib"), "KiB"),
            ratio(
                r,
                &format!("{key}.creds.peak_kib.median"),
                &format!("{key}.aws.peak_kib.median")
            )
        );
        let _ = writeln!(
            o,
            "| {what}: growth of the peak during the work | {} | {} | creds ÷ aws-config: {} |",
            spread(r, &format!("{key}.creds.growth_kib"), "KiB"),
            spread(r, &format!("{key}.aws.growth_kib"), "KiB"),
            ratio(
                r,
                &format!("{key}.creds.growth_kib.median"),
                &format!("{key}.aws.growth_kib.median")
            )
        );
    }
    o.push('\n');
}

fn cache_hits(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## 6. Cache hits\n");
    let _ = writeln!(
        o,
        "ns per `provide_credentials()` once the cache is warm (credentials from environment \
         variables, which never expire), as the wall time of a loop of {} calls per thread on a \
         current-thread tokio runtime per thread, divided by the calls; with 2 threads both loops \
         run at once (a barrier starts them) and the figure is per call per thread. Median \
         (min–max) of {} fresh processes each. What each row calls:\n",
        r.get("hits.iters"),
        r.get("hits.cache.1.creds.ns.n")
    );
    let _ = writeln!(
        o,
        "- **cache** (the target): creds: `provide_credentials().await` on the \
         `CredentialsCache` that `creds::default_chain()` returns (its inherent method: no \
         allocation on a hit). aws-config: its identity cache as an SDK client uses it on \
         every request: `SdkConfig::identity_cache()` (`IdentityCache::lazy()`, the default) \
         `.resolve_cached_identity(SharedIdentityResolver::new(sdk_config.credentials_provider()), \
         &runtime_components, &config_bag).await`, then the `Credentials` out of the \
         `Identity`. In aws-config 1.x this is the only cache: `SharedCredentialsProvider` \
         itself caches nothing.\n\
         - **other path**: creds: the same cache through `&dyn ProvideCredentials` (a boxed \
         future, as a chain or a `SharedProvider` holder calls it). aws-config: \
         `provide_credentials().await` on the `SharedCredentialsProvider` from \
         `load_defaults(..).await.credentials_provider()`, as a user holding it would call it: \
         not a cache hit at all, since each call walks the default chain again (the environment \
         provider answers first).\n"
    );
    let _ = writeln!(
        o,
        "| path | threads | creds | aws-config | aws-config ÷ creds | load average |\n| --- | --- | --- | --- | --- | --- |"
    );
    for (what, variant) in [("cache", "cache"), ("other path", "alt")] {
        for threads in ["1", "2"] {
            let key = |lib: &str| format!("hits.{variant}.{threads}.{lib}.ns");
            let _ = writeln!(
                o,
                "| {what} | {threads} | {} | {} | **{}×** | {} |",
                spread(r, &key("creds"), "ns"),
                spread(r, &key("aws"), "ns"),
                ratio(
                    r,
                    &format!("{}.median", key("aws")),
                    &format!("{}.median", key("creds"))
                ),
                r.get(&format!("load.hits.{variant}.{threads}"))
            );
        }
    }
    o.push('\n');
}

fn give_up(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## 7. Off-EC2 give-up\n");
    let _ = writeln!(
        o,
        "Nothing configured (empty `HOME`, no credential variables), instance metadata not \
         disabled and `AWS_EC2_METADATA_SERVICE_ENDPOINT` at a loopback port: one that refuses \
         (bound, then closed), and one where a listener of the harness accepts and never \
         answers. Whole-process time until the program exits having been told \"no \
         credentials\", median (min–max) of {} and {} runs each.\n",
        r.get("giveup.refused.creds.ms.n"),
        r.get("giveup.silent.creds.ms.n")
    );
    let _ = writeln!(
        o,
        "| IMDS port | creds | aws-config | creds ÷ aws-config | connections per run (creds / aws-config) |\n| --- | --- | --- | --- | --- |"
    );
    for (what, case) in [("refuses", "refused"), ("never answers", "silent")] {
        let conn = if case == "silent" {
            format!(
                "{} / {}",
                r.get("giveup.silent.creds.connections_per_run"),
                r.get("giveup.silent.aws.connections_per_run")
            )
        } else {
            "–".into()
        };
        let _ = writeln!(
            o,
            "| {what} | {} | {} | {} | {conn} |",
            spread(r, &format!("giveup.{case}.creds.ms"), "ms"),
            spread(r, &format!("giveup.{case}.aws.ms"), "ms"),
            ratio(
                r,
                &format!("giveup.{case}.creds.ms.median"),
                &format!("giveup.{case}.aws.ms.median")
            ),
        );
    }
    let _ = writeln!(o, "\nWhat each said (the last run, never answering):\n");
    let _ = writeln!(o, "- creds: `{}`", r.get("giveup.silent.creds.error"));
    let _ = writeln!(o, "- aws-config: `{}`\n", r.get("giveup.silent.aws.error"));
}

fn commands(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## Commands\n");
    let _ = writeln!(
        o,
        "All of it: `cargo xtask bench-peers` (the harness runs the programs itself, inside \
         `unshare -n sh -c 'ip link set lo up && exec …'`). `$WORK` is its temporary directory; \
         `awsconfig-min` ran with the same environment and arguments as `creds-min` in every \
         line below.\n"
    );
    let _ = writeln!(o, "```sh");
    for key in ["build.creds.command", "build.aws.command"] {
        let _ = writeln!(o, "{}", r.get(key));
    }
    for key in [
        "cmd.cold.env",
        "cmd.cold.profile",
        "cmd.cold.process",
        "cmd.profile10k",
        "cmd.profile1k",
        "cmd.hits.cache.1",
        "cmd.hits.cache.2",
        "cmd.hits.alt.1",
        "cmd.hits.alt.2",
        "cmd.giveup.refused",
        "cmd.giveup.silent",
    ] {
        let _ = writeln!(o, "{}", r.get(key));
    }
    let _ = writeln!(o, "```");
}
