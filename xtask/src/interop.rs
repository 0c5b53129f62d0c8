//! `cargo xtask interop`: the same configuration resolved by `creds` and by real
//! official SDKs, botocore (PyPI) and the AWS SDK for JavaScript v3 (npm), which must
//! agree.
//!
//! It installs its own peers, pinned to the last package under `xtask/interop/`
//! (`requirements.txt` for a Python venv with botocore, boto3 and moto; `package.json`
//! and `package-lock.json` for the JavaScript SDK, installed with `npm ci`), under
//! `target/interop/`; it writes a temp home with config and credentials files, and runs
//! every resolution with a cleared environment inside a loopback-only network
//! namespace (`unshare -n`, or `unshare -rn` without root). Where neither works, the
//! checks run on the machine's own loopback, every endpoint still pointed there and
//! instance metadata off, and the run says so. Every command has a deadline, after
//! which its whole process group is killed, so nothing it started outlives it. The
//! peers print only the access key id, a SHA-256 fingerprint of the secret and token
//! and the expiration, so no secret is ever printed or compared in the clear.
//!
//! The peers resolve as a client does, through their default chains: botocore's
//! `Session(profile=...)` and JavaScript's `fromNodeProviderChain({ profile })`. The
//! checks, one line each:
//!
//! - environment variables, a static profile, a profile merged across both files, a
//!   `credential_process` profile, `creds export` as the `credential_process`, static
//!   keys beside a `credential_process`, `[profile default]` and `[default]`, an
//!   explicit profile beside environment keys, and `AWS_PROFILE` beside environment
//!   keys (where the JavaScript SDK takes the profile and botocore the keys);
//! - instance metadata served by `moto_server` ([`imds_check`]);
//! - roles and web identity against `moto_server`'s STS ([`sts::checks`]): a
//!   `static → role A → role B` chain, a `credential_source = Environment` role, a
//!   `web_identity_token_file` profile and the EKS variables, each resolved by creds,
//!   botocore and the JavaScript SDK to session credentials of the role's account;
//!   and the aws CLI's cache: a second `creds export` makes no STS call, and botocore
//!   reads the file `creds` wrote;
//! - IAM Identity Center (SSO) profiles against a loopback SSO portal and SSO-OIDC
//!   (`xtask/interop/sso_server.py`, [`sso::checks`]), where the three must agree
//!   exactly: the session form and the legacy form; a token with 3 minutes left
//!   refreshed by creds, by the JavaScript SDK and by botocore, each time read by the
//!   other two without another refresh (creds keeps the token file's unknown fields
//!   and writes it 0600); a refresh SSO-OIDC refuses while the token is valid (used
//!   until it expires, the echoed refresh token not shown); a legacy token never
//!   refreshed; a token with 10 minutes left, which botocore alone refreshes (its
//!   window is 15 minutes, the others' 5: the disagreement is recorded, creds follows
//!   the JavaScript SDK); `creds sso login --no-browser` (device code, two
//!   `authorization_pending`), whose token both SDKs then use; and an expired token
//!   whose refresh is refused, an expired legacy token and a token the portal revokes,
//!   refused by all three, creds saying to run `creds sso login`;
//! - Cognito identity pools against `moto_server`'s Cognito Identity
//!   ([`cognito::checks`]), resolved by creds-cognito's `cognito_pool` example and by
//!   the JavaScript SDK's `fromCognitoIdentityPool` (`xtask/interop/js_cognito.mjs`;
//!   botocore has no Cognito provider, so these have two resolvers): an
//!   unauthenticated identity each (one `GetId` each, as moto's `ListIdentities`
//!   counts them), moto's credentials with a session token and an expiration after
//!   the call; `fromCognitoIdentity` with the identity id creds got; creds'
//!   `COGNITO_STORE` file over two runs (one `GetId`, the file 0600, keyed as the
//!   JavaScript SDK keys it), then shared with the JavaScript SDK's `cache` both ways;
//!   and a pool id without a region, refused by both (by creds as invalid
//!   configuration, before any request);
//! - real S3 clients over the creds adapters ([`clients::checks`]): `aws-sdk-s3` with
//!   `creds-aws-sdk` and `object_store` with `creds-object-store`, the programs of
//!   `xtask/interop/clients/` (a workspace of its own, with its own lock file, built
//!   into `target/interop/clients`), each putting an object on `moto_server`'s S3 and
//!   getting it back with creds' default chain over a `role_arn` + `source_profile`
//!   profile, assumed by moto's STS; moto's request recorder must show the `AssumeRole`
//!   signed with the base profile's key and every S3 request signed with the session
//!   key moto issued for the role, never the base key;
//! - `creds serve` as the container-credentials endpoint ([`serve_checks`]):
//!   botocore and the JavaScript SDK, with empty config files and
//!   `AWS_CONTAINER_CREDENTIALS_FULL_URI`, resolve what `creds export --profile P`
//!   prints, with the token in `AWS_CONTAINER_AUTHORIZATION_TOKEN`, in
//!   `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, and for long-term keys (`"Token": ""`);
//!   `creds export` through the same environment (container credentials) agrees with
//!   both; a wrong token is refused by all three and a raw request gets 401/403;
//!   `creds serve` prints the documented lines, writes its token file 0600, exits 0 on
//!   SIGTERM and removes that file;
//! - `creds serve` under load ([`serve_load_check`]): 10,000 requests from 50
//!   concurrent keep-alive clients ([`crate::load`]), zero errors, one connection per
//!   client (the server closed none), exactly one upstream fetch (a counting
//!   `credential_process`), p50/p99/max latency and requests per second recorded.
//!
//! A check passes when `creds` gives the access key the check expects and agrees with
//! both SDKs (access key, fingerprint and, where it is fixed, expiration). When the
//! SDKs disagree with each other, the disagreement is recorded and the check passes if
//! `creds` agrees with one of them, the majority of three (the crates document which
//! SDKs they follow). A peer that gives no answer at all (it crashed, or its SDK could
//! not load) fails the check: an error of the SDK's own is an answer, a broken harness
//! is not. The Cognito checks, with the JavaScript SDK as the one peer, are judged as
//! [`cognito`] says.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod clients;
mod cognito;
mod sso;
mod sts;

/// The pinned Python peers (botocore, boto3, `moto[server]` and everything they
/// need), one `name==version` a line.
const REQUIREMENTS: &str = "xtask/interop/requirements.txt";
/// The pinned JavaScript peer: `@aws-sdk/credential-providers` and its lock file.
const NODE_PACKAGE: [&str; 2] = [
    "xtask/interop/package.json",
    "xtask/interop/package-lock.json",
];
/// How long one resolution (`creds export`, botocore, node) may take.
const PEER_DEADLINE: Duration = Duration::from_secs(60);
/// How long a namespace script of several resolutions may take.
const SCRIPT_DEADLINE: Duration = Duration::from_secs(180);
/// How long an install (pip, npm) may take.
const INSTALL_DEADLINE: Duration = Duration::from_secs(15 * 60);
/// The load `creds serve` must take: requests in all...
const LOAD_REQUESTS: usize = 10_000;
/// ...from this many concurrent clients, each with its own keep-alive connection.
const LOAD_CLIENTS: usize = 50;

/// AWS's documented example keys and made-up tokens: they open nothing. A long-term
/// access key id...
const STATIC_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
/// ...its secret...
const STATIC_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// ...a session's access key id...
const SESSION_KEY: &str = "ASIAIOSFODNN7EXAMPLE";
/// ...its secret...
const SESSION_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
/// ...and its token.
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";
/// The access key id the `credential_process` scripts print...
const PROCESS_KEY: &str = "ASIAPROCESSEXAMPLE";
/// ...and their expiration (as each resolver shows it: UTC, whole seconds).
const PROCESS_EXPIRATION: &str = "2998-06-15T12:34:56Z";

/// How the checks are kept on loopback.
#[derive(Debug, Clone, Copy)]
enum Isolation {
    /// In a new loopback-only network namespace, made with these `unshare` arguments.
    Namespace(&'static [&'static str]),
    /// On the machine's own loopback: no namespace can be made here.
    Host,
}

/// One configuration to resolve: a profile (or none: the environment), and extra
/// environment variables.
struct Check {
    /// The name in the output line.
    name: &'static str,
    /// The profile to resolve (`--profile`, `Session(profile=)`,
    /// `fromNodeProviderChain({ profile })`).
    profile: Option<&'static str>,
    /// Extra environment variables.
    env: Vec<(&'static str, String)>,
    /// The access key id `creds` must give: a check whose setup went wrong must not
    /// pass because all three resolvers read the same wrong thing.
    expect: &'static str,
}

/// The task: builds `creds`, creds-cognito's `cognito_pool` example and the S3
/// clients, installs the peers, runs every check in a temp home.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let target = crate::target_dir(root);
    let work = target.join("interop");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    crate::run(
        crate::cargo()
            .args(["build", "--quiet", "-p", "creds-cli"])
            .current_dir(root),
    )?;
    crate::run(
        crate::cargo()
            .args([
                "build",
                "--quiet",
                "-p",
                "creds-cognito",
                "--example",
                "cognito_pool",
            ])
            .current_dir(root),
    )?;
    let creds = target.join("debug/creds");
    let cognito_pool = target.join("debug/examples/cognito_pool");
    let clients = clients::build(root, &work)?;
    let python = install_python(&work, root)?;
    let node_dir = install_node(&work, root)?;
    let scripts = root.join("xtask/interop");

    let home = work.join(format!("home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    write_home(&home, &creds)?;
    let isolation = match crate::loopback_namespace() {
        Some(args) => Isolation::Namespace(args),
        None => {
            eprintln!(
                "xtask: no loopback-only network namespace can be made here (`unshare -n` and \
                 `unshare -rn` fail): the checks run on this machine's loopback, every \
                 endpoint pointed there and instance metadata off"
            );
            Isolation::Host
        }
    };
    let paths = Paths {
        home: &home,
        creds: &creds,
        cognito_pool: &cognito_pool,
        clients: &clients,
        python: &python,
        node_dir: &node_dir,
        scripts: &scripts,
    };
    let result = run_checks(&paths, isolation);
    let _ = std::fs::remove_dir_all(&home);
    result
}

/// Where everything the checks run is.
struct Paths<'a> {
    /// The temp home ([`write_home`]).
    home: &'a Path,
    /// The `creds` binary.
    creds: &'a Path,
    /// creds-cognito's `cognito_pool` example.
    cognito_pool: &'a Path,
    /// The directory of the S3 clients' programs ([`clients::build`]).
    clients: &'a Path,
    /// The venv's python.
    python: &'a Path,
    /// The npm prefix with `js_creds.mjs` and `js_cognito.mjs`.
    node_dir: &'a Path,
    /// `xtask/interop/`: `botocore_creds.py`, `fingerprint.py`, `sso_server.py` and
    /// `s3_requests.py`.
    scripts: &'a Path,
}

/// The checks of configuration files and environment variables.
fn checks() -> Vec<Check> {
    let session_env = || {
        vec![
            ("AWS_ACCESS_KEY_ID", SESSION_KEY.to_owned()),
            ("AWS_SECRET_ACCESS_KEY", SESSION_SECRET.to_owned()),
            ("AWS_SESSION_TOKEN", SESSION_TOKEN.to_owned()),
        ]
    };
    let check = |name, profile, env, expect| Check {
        name,
        profile,
        env,
        expect,
    };
    let mut env_with_expiration = session_env();
    env_with_expiration.push(("AWS_CREDENTIAL_EXPIRATION", PROCESS_EXPIRATION.to_owned()));
    let mut env_and_aws_profile = session_env();
    env_and_aws_profile.push(("AWS_PROFILE", "static".to_owned()));
    vec![
        check(
            "environment variables",
            None,
            env_with_expiration,
            SESSION_KEY,
        ),
        check("static profile", Some("static"), vec![], STATIC_KEY),
        check(
            "profile merged across both files",
            Some("merged"),
            vec![],
            SESSION_KEY,
        ),
        check(
            "credential_process profile",
            Some("process"),
            vec![],
            PROCESS_KEY,
        ),
        check(
            "`creds export` as the credential_process",
            Some("via-creds"),
            vec![],
            STATIC_KEY,
        ),
        check(
            "static keys beside credential_process",
            Some("mixed"),
            vec![],
            "AKIAMIXEDSTATIC",
        ),
        check(
            "[profile default] and [default]",
            Some("default"),
            vec![],
            "AKIAPREFIXEDDEFAULT",
        ),
        check(
            "an explicit profile beside environment keys",
            Some("static"),
            session_env(),
            STATIC_KEY,
        ),
        // botocore, Go v2 and aws-config take the keys; the JavaScript SDK skips them
        // when AWS_PROFILE is set. creds follows the majority.
        check(
            "AWS_PROFILE beside environment keys",
            None,
            env_and_aws_profile,
            SESSION_KEY,
        ),
    ]
}

/// Runs the checks, prints a line for each and the totals; fails when one failed.
fn run_checks(paths: &Paths<'_>, isolation: Isolation) -> Result<(), String> {
    let (mut passed, mut failed) = (0, 0);
    let mut disagreements = Vec::new();
    let mut record = |(line, ok, disagreement): Judged| {
        println!("{line}");
        disagreements.extend(disagreement);
        if ok { passed += 1 } else { failed += 1 }
    };
    for check in &checks() {
        let env = base_env(paths.home, &check.env);
        let profile = check.profile.unwrap_or("");
        let mut export = vec![paths.creds.display().to_string(), "export".into()];
        if let Some(p) = check.profile {
            export.extend(["--profile".into(), p.into()]);
        }
        let ours = fingerprint_of_export(&export, paths, &env, isolation);
        let botocore = peer(&botocore_argv(paths, profile), &env, isolation);
        let js = peer(&js_argv(paths, profile), &env, isolation);
        let rule = Rule {
            name: check.name,
            expect: check.expect,
            expiration: true,
        };
        record(judge(&rule, &ours, &botocore, &js));
    }
    record(imds_check(paths, isolation)?);
    sts::checks(paths, isolation)?
        .into_iter()
        .for_each(&mut record);
    sso::checks(paths, isolation)?
        .into_iter()
        .for_each(&mut record);
    cognito::checks(paths, isolation)?
        .into_iter()
        .for_each(&mut record);
    clients::checks(paths, isolation)?
        .into_iter()
        .for_each(&mut record);
    serve_checks(paths, isolation)?
        .into_iter()
        .for_each(&mut record);
    let (line, ok) = serve_load_check(paths, isolation)?;
    record((line, ok, None));
    for d in &disagreements {
        println!("interop: recorded: {d}");
    }
    println!("interop: {passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} interop checks failed"))
    }
}

/// `python botocore_creds.py PROFILE`.
fn botocore_argv(paths: &Paths<'_>, profile: &str) -> Vec<String> {
    vec![
        paths.python.display().to_string(),
        paths
            .scripts
            .join("botocore_creds.py")
            .display()
            .to_string(),
        profile.into(),
    ]
}

/// `node js_creds.mjs PROFILE`.
fn js_argv(paths: &Paths<'_>, profile: &str) -> Vec<String> {
    vec![
        "node".into(),
        paths.node_dir.join("js_creds.mjs").display().to_string(),
        profile.into(),
    ]
}

/// What a resolver answered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    /// Credentials: `<access key id> <fingerprint prefix>`, the expiration and the
    /// account id (`-` for none).
    Resolved {
        key: String,
        expiration: String,
        account: String,
    },
    /// An error of the resolver's own (an SDK's error class, `creds`' exit code).
    Refused(String),
    /// Nothing usable: the harness, not the SDK, failed.
    NoAnswer(String),
}

impl Seen {
    fn show(&self) -> String {
        match self {
            Seen::Resolved {
                key,
                expiration,
                account,
            } if account != "-" => format!("{key} {expiration} {account}"),
            Seen::Resolved {
                key, expiration, ..
            } => format!("{key} {expiration}"),
            Seen::Refused(why) => format!("error ({why})"),
            Seen::NoAnswer(why) => format!("NO ANSWER ({why})"),
        }
    }
}

/// A judged check: its output line, whether it passed, and an SDK disagreement to
/// record.
type Judged = (String, bool, Option<String>);

/// `OK <id> <fingerprint> [<expiration> [<account>]]` → [`Seen::Resolved`]; `ERR
/// <why>` → [`Seen::Refused`]; anything else → [`Seen::NoAnswer`].
fn parse(output: &str) -> Seen {
    let line = output.lines().last().unwrap_or("").trim();
    let mut words = line.split_whitespace();
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some("OK"), Some(id), Some(fp), expiration) if fp.len() >= 12 => Seen::Resolved {
            key: format!("{id} {}", &fp[..12]),
            expiration: expiration.unwrap_or("-").to_owned(),
            account: words.next().unwrap_or("-").to_owned(),
        },
        (Some("ERR"), why, _, _) => Seen::Refused(why.unwrap_or("unknown").to_owned()),
        _ if line.is_empty() => Seen::NoAnswer("printed nothing".to_owned()),
        _ => Seen::NoAnswer("an answer that is not OK or ERR".to_owned()),
    }
}

/// How a check is judged.
struct Rule<'a> {
    /// The name in the output line.
    name: &'a str,
    /// The access key id `creds` must give.
    expect: &'a str,
    /// Whether the expirations must agree too (not where the endpoint makes one up
    /// at each request, as moto and `creds serve` of long-term keys do).
    expiration: bool,
}

/// A check's line: passed when `creds` gives the expected key and agrees with both
/// SDKs, or with one of them when they disagree (the disagreement is then recorded).
/// A peer without an answer fails it.
fn judge(rule: &Rule<'_>, ours: &Seen, botocore: &Seen, js: &Seen) -> Judged {
    let line = answers_line(rule.name, ours, botocore, js);
    let failed = |why: String| (format!("{line}: FAILED ({why})"), false, None);
    for (who, seen) in [("creds", ours), ("botocore", botocore), ("js", js)] {
        if let Seen::NoAnswer(_) = seen {
            return failed(format!("{who} gave no answer"));
        }
    }
    match ours {
        Seen::Resolved { key, .. } if key.split(' ').next() == Some(rule.expect) => {}
        _ => return failed(format!("creds must resolve {}", rule.expect)),
    }
    let same = |peer: &Seen| match (ours, peer) {
        (
            Seen::Resolved {
                key, expiration, ..
            },
            Seen::Resolved {
                key: k,
                expiration: e,
                ..
            },
        ) => key == k && (!rule.expiration || expiration == e),
        _ => false,
    };
    match (same(botocore), same(js)) {
        (true, true) => (format!("{line}: ok"), true, None),
        (false, false) if botocore == js => failed("both SDKs agree, creds differs".to_owned()),
        (false, false) => failed("creds agrees with neither SDK".to_owned()),
        (b, _) => {
            let (with, other) = if b {
                ("botocore", "the JavaScript SDK")
            } else {
                ("the JavaScript SDK", "botocore")
            };
            let d = format!(
                "{}: the SDKs disagree; creds follows {with} ({other}: {})",
                rule.name,
                if b { js.show() } else { botocore.show() }
            );
            (format!("{line}: ok (SDKs disagree)"), true, Some(d))
        }
    }
}

/// `interop: NAME: creds ... | botocore ... | js ...`, the start of a check's line
/// (its verdict follows).
fn answers_line(name: &str, ours: &Seen, botocore: &Seen, js: &Seen) -> String {
    format!(
        "interop: {name}: creds {} | botocore {} | js {}",
        ours.show(),
        botocore.show(),
        js.show()
    )
}

/// The environment every check starts from (`HOME`, `PATH`, the shared files of
/// `home`, instance metadata disabled, every AWS endpoint a loopback discard port, no
/// Python bytecode written beside the scripts), plus `extra`.
fn base_env(home: &Path, extra: &[(&str, String)]) -> Vec<(String, String)> {
    let mut env = vec![
        ("HOME".to_owned(), home.display().to_string()),
        ("PATH".to_owned(), std::env::var("PATH").unwrap_or_default()),
        (
            "AWS_CONFIG_FILE".to_owned(),
            home.join(".aws/config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".to_owned(),
            home.join(".aws/credentials").display().to_string(),
        ),
        // Rule 1: nothing may reach instance metadata or AWS, even by mistake.
        ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
        (
            "AWS_ENDPOINT_URL".to_owned(),
            "http://127.0.0.1:9".to_owned(),
        ),
        // And should a peer's inner client ignore an endpoint variable, where the
        // checks run outside a namespace: HTTPS goes to a dead proxy on loopback.
        ("HTTPS_PROXY".to_owned(), "http://127.0.0.1:9".to_owned()),
        ("NO_PROXY".to_owned(), "127.0.0.1,localhost".to_owned()),
        ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
        ("PYTHONDONTWRITEBYTECODE".to_owned(), "1".to_owned()),
    ];
    env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    env
}

/// `argv` with only `env` in its environment, in a loopback-only namespace when one
/// can be made.
fn command(argv: &[String], env: &[(String, String)], isolation: Isolation) -> Command {
    let mut cmd = match isolation {
        Isolation::Namespace(unshare) => {
            let argv: Vec<&std::ffi::OsStr> = argv.iter().map(|a| a.as_ref()).collect();
            crate::in_namespace(unshare, &argv)
        }
        Isolation::Host => {
            let mut cmd = Command::new(&argv[0]);
            cmd.args(&argv[1..]);
            cmd
        }
    };
    cmd.env_clear().envs(env.iter().map(|(k, v)| (k, v)));
    cmd
}

/// `script` run by `sh` with only `env`, in a loopback-only namespace when one can be
/// made (its loopback up first); what it printed on stdout, within
/// [`SCRIPT_DEADLINE`].
fn script_sh(
    script: &str,
    env: &[(String, String)],
    isolation: Isolation,
) -> Result<String, String> {
    let argv = ["sh".to_owned(), "-c".to_owned(), script.to_owned()];
    let out = crate::output_within(&mut command(&argv, env, isolation), None, SCRIPT_DEADLINE)?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a peer script; what it printed.
fn peer(argv: &[String], env: &[(String, String)], isolation: Isolation) -> Seen {
    match crate::output_within(&mut command(argv, env, isolation), None, PEER_DEADLINE) {
        Ok(out) => parse(&String::from_utf8_lossy(&out.stdout)),
        Err(e) => Seen::NoAnswer(e),
    }
}

/// Runs `creds export` and fingerprints its document with the same Python code the
/// peers use; the document itself never leaves the pipe.
fn fingerprint_of_export(
    argv: &[String],
    paths: &Paths<'_>,
    env: &[(String, String)],
    isolation: Isolation,
) -> Seen {
    let out = match crate::output_within(&mut command(argv, env, isolation), None, PEER_DEADLINE) {
        Ok(out) => out,
        Err(e) => return Seen::NoAnswer(e),
    };
    if !out.status.success() {
        return match out.status.code() {
            Some(code) => Seen::Refused(format!("exit-{code}")),
            None => Seen::NoAnswer(format!("creds ended with {}", out.status)),
        };
    }
    let mut fingerprint = Command::new(paths.python);
    fingerprint
        .arg(paths.scripts.join("fingerprint.py"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(paths.scripts);
    match crate::output_within(&mut fingerprint, Some(&out.stdout), PEER_DEADLINE) {
        Ok(fp) => parse(&String::from_utf8_lossy(&fp.stdout)),
        Err(e) => Seen::NoAnswer(e),
    }
}

/// A free port on 127.0.0.1 (in a namespace of its own every port is free, and this
/// one is as good as any).
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free loopback port: {e}"))
}

/// Instance metadata served by moto: `creds export` and botocore's and the
/// JavaScript SDK's default chains (empty config files, instance metadata on, its
/// endpoint moto's) against the same `moto_server`, which runs inside the same
/// loopback-only namespace as the clients and is stopped with it.
fn imds_check(paths: &Paths<'_>, isolation: Isolation) -> Result<Judged, String> {
    let moto = paths.python.with_file_name("moto_server");
    let port = free_port()?;
    let script = format!(
        r#""$MOTO" -H 127.0.0.1 -p {port} >/dev/null 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; wait $moto 2>/dev/null' EXIT
i=0
until "$PY" -c "import socket; socket.create_connection(('127.0.0.1', {port}), 0.2)" 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 150 ] && {{ echo "moto did not start"; exit 1; }}; sleep 0.1
done
echo "CREDS $("$CREDS" export | (cd "$SCRIPTS" && "$PY" fingerprint.py))"
echo "BOTO $("$PY" "$SCRIPTS/botocore_creds.py" "")"
echo "JS $(node "$NODE_DIR/js_creds.mjs" "")"
"#
    );
    let empty = paths.home.join("empty");
    let path = |p: &Path| p.display().to_string();
    let mut env = base_env(
        paths.home,
        &[
            ("AWS_CONFIG_FILE", path(&empty)),
            ("AWS_SHARED_CREDENTIALS_FILE", path(&empty)),
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                format!("http://127.0.0.1:{port}"),
            ),
            ("MOTO", path(&moto)),
            ("PY", path(paths.python)),
            ("CREDS", path(paths.creds)),
            ("SCRIPTS", path(paths.scripts)),
            ("NODE_DIR", path(paths.node_dir)),
        ],
    );
    // The one check with instance metadata on: its endpoint is moto's, on loopback.
    env.retain(|(k, _)| k != "AWS_EC2_METADATA_DISABLED");
    let text = script_sh(&script, &env, isolation)?;
    let line_of = |tag: &str| -> Seen {
        tagged(&text, tag).map_or_else(|| Seen::NoAnswer(text.trim().to_owned()), parse)
    };
    let rule = Rule {
        name: "instance metadata through moto",
        expect: "test-key",
        // moto makes up an expiration at each request.
        expiration: false,
    };
    Ok(judge(
        &rule,
        &line_of("CREDS"),
        &line_of("BOTO"),
        &line_of("JS"),
    ))
}

/// Shell functions for the `creds serve` checks, each of which runs as one `sh` in a
/// new loopback-only namespace (`$D` is its work directory; `umask 077`, so that only
/// we can read the files that hold a token). The trap kills whatever
/// is still listed in `$pids` when the script ends, so nothing outlives a check.
///
/// - `alive PID`: the process runs (a zombie does not count);
/// - `stop PID`: SIGTERM, then up to 10 s for it to exit (else SIGKILL, so 137); its
///   exit status;
/// - `wait_ready NAME PID`: until `creds serve` wrote its two lines to `$D/NAME.out`
///   (at most 15 s; a `FATAL` line with its exit status and last line of stderr, and
///   the end of the script, if it exits first);
/// - `val VAR NAME`: the value of `export VAR=` in `$D/NAME.out`;
/// - `client URI TOKEN TOKEN_FILE CMD...`: CMD with empty config files and the
///   container variables (the token in `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` when
///   TOKEN_FILE is set), exported, never on a command line;
/// - `fp_export CMD...`: the fingerprint of the document a `creds export` CMD prints,
///   which only a shell variable and a builtin's pipe ever hold.
const SERVE_PRELUDE: &str = r#"umask 077
pids=
trap 'for p in $pids; do kill -KILL "$p" 2>/dev/null; done; wait' EXIT
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
stop() {
  kill -TERM "$1" 2>/dev/null
  i=0
  while alive "$1"; do
    i=$((i + 1)); if [ $i -gt 200 ]; then kill -KILL "$1" 2>/dev/null; break; fi; sleep 0.05
  done
  wait "$1"
}
wait_ready() {
  i=0
  until [ "$(wc -l <"$D/$1.out")" -ge 2 ]; do
    if ! alive "$2"; then
      wait "$2"; rc=$?
      echo "FATAL creds serve ($1) exited with $rc before its two lines: $(tail -n 1 "$D/$1.err")"
      exit 1
    fi
    i=$((i + 1)); [ $i -gt 150 ] && { echo "FATAL creds serve ($1) printed no two lines in 15 s"; exit 1; }
    sleep 0.1
  done
}
val() { sed -n "s/^export $1=//p" "$D/$2.out"; }
client() {
  (
    export AWS_CONFIG_FILE="$EMPTY" AWS_SHARED_CREDENTIALS_FILE="$EMPTY"
    export AWS_CONTAINER_CREDENTIALS_FULL_URI="$1"
    if [ -n "$3" ]; then
      export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$3"
    else
      export AWS_CONTAINER_AUTHORIZATION_TOKEN="$2"
    fi
    shift 3
    exec "$@"
  )
}
fp_export() {
  doc=$("$@") || { echo "ERR exit-$?"; return; }
  printf '%s' "$doc" | (cd "$SCRIPTS" && "$PY" fingerprint.py)
}
"#;

/// The `creds serve` checks ([`serve_checks`]), after [`SERVE_PRELUDE`]. Three servers:
/// `a` (profile `process`, token printed), `f` (the same with `--token-file`), `s`
/// (profile `static`: long-term keys). The wrong-token clients run in the background
/// while the others run, since both SDKs retry for about 3 s before giving up. Every
/// answer is a tagged line; the token itself is never printed (`shape` prints the
/// output of `creds serve` with anything like a token masked, only when it is not as
/// documented).
const SERVE_SCRIPT: &str = r#"
for n in a f s; do : >"$D/$n.out"; done
"$CREDS" serve --profile process >"$D/a.out" 2>"$D/a.err" & a=$!
"$CREDS" serve --profile process --token-file "$D/token" >"$D/f.out" 2>"$D/f.err" & f=$!
"$CREDS" serve --profile static >"$D/s.out" 2>"$D/s.err" & s=$!
pids="$a $f $s"
wait_ready a $a; wait_ready f $f; wait_ready s $s
URI_A=$(val AWS_CONTAINER_CREDENTIALS_FULL_URI a); TOKEN_A=$(val AWS_CONTAINER_AUTHORIZATION_TOKEN a)
URI_F=$(val AWS_CONTAINER_CREDENTIALS_FULL_URI f); TOKEN_FILE=$(val AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE f)
URI_S=$(val AWS_CONTAINER_CREDENTIALS_FULL_URI s); TOKEN_S=$(val AWS_CONTAINER_AUTHORIZATION_TOKEN s)

uri_line='export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127\.0\.0\.1:[0-9]+/'
token_line='export AWS_CONTAINER_AUTHORIZATION_TOKEN=[0-9a-f]{64}'
shape() {
  if [ "$(wc -l <"$D/$1.out")" -eq 2 ] && sed -n 1p "$D/$1.out" | grep -Eqx "$uri_line" \
    && sed -n 2p "$D/$1.out" | grep "$2" -qx -e "$3"; then
    echo ok
  else
    echo "unlike the documented lines: $(sed -E 's/(TOKEN=).*/\1.../; s/[0-9A-Fa-f]{32,}/.../g' "$D/$1.out" | tr '\n' '|')"
  fi
}
echo "SHAPE a $(shape a -E "$token_line")"
echo "SHAPE f $(shape f -F "export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$D/token")"
echo "SHAPE s $(shape s -E "$token_line")"
echo "TOKENFILE $(stat -c %a "$D/token" 2>/dev/null || echo missing) $(grep -Eqx '[0-9a-f]{64}' "$D/token" 2>/dev/null && echo 64-hex || echo not-64-hex)"

# A wrong token of the same length and alphabet: every character moved by one.
WRONG=$(printf '%s' "$TOKEN_A" | tr 0-9a-f 1-9a-f0)
client "$URI_A" "$WRONG" "" "$PY" "$SCRIPTS/botocore_creds.py" "" >"$D/wrong.boto" 2>/dev/null & w1=$!
client "$URI_A" "$WRONG" "" node "$NODE_DIR/js_creds.mjs" "" >"$D/wrong.js" 2>/dev/null & w2=$!
fp_export client "$URI_A" "$WRONG" "" "$CREDS" export >"$D/wrong.creds" 2>/dev/null & w3=$!
pids="$pids $w1 $w2 $w3"

echo "CREDS_PROCESS $(fp_export "$CREDS" export --profile process)"
echo "CREDS_STATIC $(fp_export "$CREDS" export --profile static)"
echo "CREDS_CONTAINER $(fp_export client "$URI_A" "$TOKEN_A" "" "$CREDS" export)"
echo "BOTO_TOKEN $(client "$URI_A" "$TOKEN_A" "" "$PY" "$SCRIPTS/botocore_creds.py" "")"
echo "JS_TOKEN $(client "$URI_A" "$TOKEN_A" "" node "$NODE_DIR/js_creds.mjs" "")"
echo "BOTO_FILE $(client "$URI_F" "" "$TOKEN_FILE" "$PY" "$SCRIPTS/botocore_creds.py" "")"
echo "JS_FILE $(client "$URI_F" "" "$TOKEN_FILE" node "$NODE_DIR/js_creds.mjs" "")"
echo "BOTO_STATIC $(client "$URI_S" "$TOKEN_S" "" "$PY" "$SCRIPTS/botocore_creds.py" "")"
echo "JS_STATIC $(client "$URI_S" "$TOKEN_S" "" node "$NODE_DIR/js_creds.mjs" "")"

# Raw GETs: the status only (the body of a 200 would hold the secret).
raw='import os, sys, urllib.error, urllib.request
headers = {"Authorization": os.environ["RAW_AUTH"]} if "RAW_AUTH" in os.environ else {}
try:
    print(urllib.request.urlopen(urllib.request.Request(sys.argv[1], headers=headers), timeout=5).status)
except urllib.error.HTTPError as error:
    print(error.code)
except Exception as error:
    print(type(error).__name__)'
echo "RAW_WRONG $(RAW_AUTH="$WRONG" "$PY" -c "$raw" "$URI_A")"
echo "RAW_NONE $("$PY" -c "$raw" "$URI_A")"

wait $w1 $w2 $w3
echo "WRONG_CREDS $(cat "$D/wrong.creds")"
echo "WRONG_BOTO $(cat "$D/wrong.boto")"
echo "WRONG_JS $(cat "$D/wrong.js")"

stop $a; ra=$?; stop $f; rf=$?; stop $s; rs=$?
pids=
echo "EXIT $ra $rf $rs"
[ -e "$D/token" ] && echo "TOKENFILE_AFTER left" || echo "TOKENFILE_AFTER removed"
"#;

/// The `creds serve` load check ([`serve_load_check`]), after [`SERVE_PRELUDE`]: one
/// server of the counting profile, the xtask binary's own load generator against it,
/// then SIGTERM and the count of upstream fetches.
const LOAD_SCRIPT: &str = r#"
: >"$D/l.out"
rm -f "$FETCHES"
"$CREDS" serve --profile counted --token-file "$D/load-token" >"$D/l.out" 2>"$D/l.err" & l=$!
pids=$l
wait_ready l $l
"$XTASK" load --url "$(val AWS_CONTAINER_CREDENTIALS_FULL_URI l)" \
  --token-file "$(val AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE l)" \
  --requests "$REQUESTS" --clients "$CLIENTS" 2>&1
echo "LOADRC $?"
stop $l; echo "EXIT $?"
pids=
echo "FETCHES $(cat "$FETCHES" 2>/dev/null | wc -l)"
"#;

/// The value of the line `TAG value` that a namespace script printed.
fn tagged<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(tag)?.strip_prefix(' '))
}

/// `creds serve` as the container-credentials endpoint, all in one namespace shell
/// ([`SERVE_SCRIPT`]): botocore's default chain and the JavaScript SDK's
/// `fromNodeProviderChain()` (empty config files, `AWS_CONTAINER_CREDENTIALS_FULL_URI`
/// and the token) against `creds export --profile P`; `creds export` through the same
/// environment; a wrong token; and how `creds serve` starts and stops.
fn serve_checks(paths: &Paths<'_>, isolation: Isolation) -> Result<Vec<Judged>, String> {
    let path = |p: &Path| p.display().to_string();
    let home = paths.home;
    let env = base_env(
        home,
        &[
            ("CREDS", path(paths.creds)),
            ("PY", path(paths.python)),
            ("SCRIPTS", path(paths.scripts)),
            ("NODE_DIR", path(paths.node_dir)),
            ("EMPTY", path(&home.join("empty"))),
            ("D", path(&home.join("serve"))),
        ],
    );
    let text = script_sh(&[SERVE_PRELUDE, SERVE_SCRIPT].concat(), &env, isolation)?;
    if let Some(fatal) = tagged(&text, "FATAL") {
        return Ok(vec![(
            format!("interop: `creds serve`: FAILED ({fatal})"),
            false,
            None,
        )]);
    }
    let seen = |tag: &str| -> Seen {
        tagged(&text, tag).map_or_else(|| Seen::NoAnswer("no line".to_owned()), parse)
    };
    let rule = |name, expect, expiration| Rule {
        name,
        expect,
        expiration,
    };
    let ours_direct = seen("CREDS_PROCESS");
    let mut results = vec![
        judge(
            &rule(
                "`creds serve`, token in AWS_CONTAINER_AUTHORIZATION_TOKEN",
                PROCESS_KEY,
                true,
            ),
            &ours_direct,
            &seen("BOTO_TOKEN"),
            &seen("JS_TOKEN"),
        ),
        judge(
            &rule(
                "`creds serve`, token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                PROCESS_KEY,
                true,
            ),
            &ours_direct,
            &seen("BOTO_FILE"),
            &seen("JS_FILE"),
        ),
        // Long-term keys have no expiration; `creds serve` gives them an hour's lease.
        judge(
            &rule(
                "`creds serve` of long-term keys (\"Token\": \"\")",
                STATIC_KEY,
                false,
            ),
            &seen("CREDS_STATIC"),
            &seen("BOTO_STATIC"),
            &seen("JS_STATIC"),
        ),
        judge(
            &rule(
                "container credentials (`creds serve` as the endpoint)",
                PROCESS_KEY,
                true,
            ),
            &seen("CREDS_CONTAINER"),
            &seen("BOTO_TOKEN"),
            &seen("JS_TOKEN"),
        ),
    ];

    // A wrong token: every client must fail with an error of its own (creds: exit 5,
    // rejected), a raw GET must get 401 or 403, and so must one without the header.
    let raw = |tag: &str| tagged(&text, tag).unwrap_or("no answer").to_owned();
    let denied = |status: &str| status == "401" || status == "403";
    let show = |s: &Seen| match s {
        Seen::Resolved { key, .. } => format!("ACCEPTED ({key})"),
        other => other.show(),
    };
    let (wrong_creds, wrong_boto, wrong_js) =
        (seen("WRONG_CREDS"), seen("WRONG_BOTO"), seen("WRONG_JS"));
    let (raw_wrong, raw_none) = (raw("RAW_WRONG"), raw("RAW_NONE"));
    let ok = wrong_creds == Seen::Refused("exit-5".to_owned())
        && matches!(wrong_boto, Seen::Refused(_))
        && matches!(wrong_js, Seen::Refused(_))
        && denied(&raw_wrong)
        && denied(&raw_none);
    results.push((
        format!(
            "interop: `creds serve` with a wrong token: creds {} | botocore {} | js {} | raw GET {raw_wrong}, without Authorization {raw_none}: {}",
            show(&wrong_creds),
            show(&wrong_boto),
            show(&wrong_js),
            if ok { "ok" } else { "FAILED (each must be refused)" },
        ),
        ok,
        None,
    ));

    // How it starts and stops.
    let mut problems = Vec::new();
    for server in ["a", "f", "s"] {
        let prefix = format!("SHAPE {server} ");
        match text.lines().find_map(|l| l.strip_prefix(&prefix)) {
            Some("ok") => {}
            Some(other) => problems.push(format!("output of server {server} {other}")),
            None => problems.push(format!("no answer about server {server}")),
        }
    }
    let token_file = raw("TOKENFILE");
    if token_file != "600 64-hex" {
        problems.push(format!("token file: {token_file} (want 600 64-hex)"));
    }
    let exits = raw("EXIT");
    if exits != "0 0 0" {
        problems.push(format!("exit statuses after SIGTERM: {exits} (want 0 0 0)"));
    }
    let after = raw("TOKENFILE_AFTER");
    if after != "removed" {
        problems.push(format!("token file after SIGTERM: {after}"));
    }
    let ok = problems.is_empty();
    results.push((
        format!(
            "interop: `creds serve` starts and stops: output of 3 servers {}, token file {token_file}, exit statuses after SIGTERM {exits}, token file {after}: {}",
            if problems.iter().any(|p| p.starts_with("output") || p.starts_with("no answer")) {
                "NOT as documented"
            } else {
                "as documented"
            },
            if ok {
                "ok".to_owned()
            } else {
                format!("FAILED ({})", problems.join("; "))
            }
        ),
        ok,
        None,
    ));
    Ok(results)
}

/// `creds serve` under load ([`LOAD_SCRIPT`]): [`LOAD_REQUESTS`] requests from
/// [`LOAD_CLIENTS`] concurrent keep-alive clients ([`crate::load`], this binary run
/// inside the namespace), zero errors, and exactly one upstream fetch (`counted.sh`
/// counts its runs). Returns the line (with the latencies) and whether it passed.
fn serve_load_check(paths: &Paths<'_>, isolation: Isolation) -> Result<(String, bool), String> {
    let xtask = std::env::current_exe().map_err(|e| format!("current exe: {e}"))?;
    let path = |p: &Path| p.display().to_string();
    let home = paths.home;
    let env = base_env(
        home,
        &[
            ("CREDS", path(paths.creds)),
            ("XTASK", path(&xtask)),
            ("FETCHES", path(&home.join("fetches"))),
            ("D", path(&home.join("serve"))),
            ("REQUESTS", LOAD_REQUESTS.to_string()),
            ("CLIENTS", LOAD_CLIENTS.to_string()),
        ],
    );
    let text = script_sh(&[SERVE_PRELUDE, LOAD_SCRIPT].concat(), &env, isolation)?;
    let name = "interop: `creds serve` under load";
    if let Some(fatal) = tagged(&text, "FATAL") {
        return Ok((format!("{name}: FAILED ({fatal})"), false));
    }
    // `load: 10000 requests, 50 clients, 50 connections, 0 errors, p50 0.21 ms, ...`
    let summary = text.lines().find_map(|l| {
        l.strip_prefix("load: ")
            .filter(|s| s.contains(" requests, "))
    });
    let Some(summary) = summary else {
        return Ok((
            format!(
                "{name}: FAILED (no summary from the load generator: {})",
                text.trim()
            ),
            false,
        ));
    };
    let figure = |unit: &str| -> Option<&str> {
        summary.split(", ").find_map(|part| {
            let (value, rest) = part.split_once(' ')?;
            (rest == unit).then_some(value)
        })
    };
    let latency = |which: &str| -> &str {
        summary
            .split(", ")
            .find_map(|part| {
                part.strip_prefix(which)?
                    .strip_prefix(' ')?
                    .strip_suffix(" ms")
            })
            .unwrap_or("?")
    };
    let requests = figure("requests").unwrap_or("?");
    let errors = figure("errors").unwrap_or("?");
    let fetches = tagged(&text, "FETCHES").unwrap_or("?").trim().to_owned();
    let exit = tagged(&text, "EXIT").unwrap_or("?");
    let mut problems = Vec::new();
    if requests != LOAD_REQUESTS.to_string() {
        problems.push(format!("{requests} requests made, not {LOAD_REQUESTS}"));
    }
    // A client opens a new connection (and retries) only when the server closed its
    // kept-alive one: more connections than clients means the server dropped some.
    let connections = figure("connections").unwrap_or("?");
    if connections != LOAD_CLIENTS.to_string() {
        problems.push(format!(
            "{connections} connections for {LOAD_CLIENTS} keep-alive clients: the server closed some"
        ));
    }
    if errors != "0" {
        let why: Vec<&str> = text.lines().filter(|l| l.contains(" failed: ")).collect();
        problems.push(format!("{errors} errors: {}", why.join("; ")));
    }
    if fetches != "1" {
        problems.push(format!("{fetches} upstream fetches, not 1"));
    }
    if exit != "0" {
        problems.push(format!("creds serve exited with {exit} after SIGTERM"));
    }
    match tagged(&text, "LOADRC") {
        Some("0") => {}
        rc => problems.push(format!(
            "the load generator exited with {}",
            rc.unwrap_or("?")
        )),
    }
    let ok = problems.is_empty();
    let line = format!(
        "{name}: {requests} requests, {} clients, {connections} connections, {errors} errors, {fetches} upstream fetch{}, p50 {} ms, p99 {} ms, max {} ms, {} req/s (debug build): {}",
        figure("clients").unwrap_or("?"),
        if fetches == "1" { "" } else { "es" },
        latency("p50"),
        latency("p99"),
        latency("max"),
        figure("req/s").unwrap_or("?"),
        if ok {
            "ok".to_owned()
        } else {
            format!("FAILED ({})", problems.join("; "))
        },
    );
    Ok((line, ok))
}

/// The venv's python, with the peers of [`REQUIREMENTS`] installed (once: a marker
/// holds the file it was installed from). A venv made elsewhere and moved or copied
/// here is made again: its scripts (`moto_server`) name the python of the directory it
/// was made in, which may be gone.
fn install_python(work: &Path, root: &Path) -> Result<PathBuf, String> {
    let venv = work.join("venv");
    let python = venv.join("bin/python");
    let marker = venv.join(".installed");
    let requirements = root.join(REQUIREMENTS);
    let pins = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(pins.as_str()) {
        // `#!<python>`, or for a long path pip's `#!/bin/sh` then `'''exec' "<python>" ...`.
        let script = std::fs::read_to_string(venv.join("bin/moto_server")).unwrap_or_default();
        let ours = python.display().to_string();
        if script.lines().take(2).any(|line| line.contains(&ours)) {
            return Ok(python);
        }
        eprintln!(
            "xtask: {} was made in another directory (its scripts name another python): \
             making it again",
            venv.display()
        );
        std::fs::remove_dir_all(&venv)
            .map_err(|e| format!("cannot remove {}: {e}", venv.display()))?;
    }
    crate::run_within(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        INSTALL_DEADLINE,
    )?;
    crate::run_within(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
        INSTALL_DEADLINE,
    )?;
    std::fs::write(&marker, pins).map_err(|e| e.to_string())?;
    Ok(python)
}

/// The npm prefix holding the JavaScript SDK, installed with `npm ci` from the
/// committed [`NODE_PACKAGE`] (once: a marker holds the lock file it was installed
/// from), and copies of `js_creds.mjs` and `js_cognito.mjs`.
fn install_node(work: &Path, root: &Path) -> Result<PathBuf, String> {
    let prefix = work.join("node");
    std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
    // ES modules resolve packages from the script's own directory.
    let copy = |from: &str| {
        let from = root.join(from);
        let to = prefix.join(from.file_name().unwrap_or_default());
        std::fs::copy(&from, &to).map_err(|e| format!("cannot copy {}: {e}", from.display()))
    };
    copy("xtask/interop/js_creds.mjs")?;
    copy("xtask/interop/js_cognito.mjs")?;
    for file in NODE_PACKAGE {
        copy(file)?;
    }
    let lock =
        std::fs::read_to_string(prefix.join("package-lock.json")).map_err(|e| e.to_string())?;
    let marker = prefix.join(".installed");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(lock.as_str()) {
        return Ok(prefix);
    }
    crate::run_within(
        Command::new("npm")
            .args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&prefix),
        INSTALL_DEADLINE,
    )?;
    std::fs::write(&marker, lock).map_err(|e| e.to_string())?;
    Ok(prefix)
}

/// The temp home: `.aws/config` and `.aws/credentials` with every profile the checks
/// use, the `credential_process` scripts (`vault.sh`; `counted.sh`, which appends a
/// line to `fetches` each time it runs), an `empty` file for the clients that must find
/// no configuration, and `serve/`, where the `creds serve` checks keep their files.
fn write_home(home: &Path, creds: &Path) -> Result<(), String> {
    let aws = home.join(".aws");
    std::fs::create_dir_all(&aws).map_err(|e| e.to_string())?;
    let script = home.join("vault.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{PROCESS_KEY}\", \"SecretAccessKey\": \"{SESSION_SECRET}\", \"SessionToken\": \"{SESSION_TOKEN}\", \"Expiration\": \"{PROCESS_EXPIRATION}\"}}'\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    make_executable(&script)?;
    let counted = home.join("counted.sh");
    std::fs::write(
        &counted,
        format!(
            "#!/bin/sh\necho fetch >> '{fetches}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"ASIACOUNTEDEXAMPLE\", \"SecretAccessKey\": \"{SESSION_SECRET}\", \"SessionToken\": \"{SESSION_TOKEN}\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}'\n",
            fetches = home.join("fetches").display(),
        ),
    )
    .map_err(|e| e.to_string())?;
    make_executable(&counted)?;
    std::fs::write(home.join("empty"), "").map_err(|e| e.to_string())?;
    std::fs::create_dir_all(home.join("serve")).map_err(|e| e.to_string())?;
    let config = format!(
        "[default]\naws_access_key_id = AKIAPLAINDEFAULT\naws_secret_access_key = plain\n\
         [profile default]\naws_access_key_id = AKIAPREFIXEDDEFAULT\naws_secret_access_key = prefixed\n\
         [profile merged]\nregion = eu-west-1\naws_access_key_id = AKIAFROMCONFIG\n\
         [profile process]\ncredential_process = {script}\n\
         [profile via-creds]\ncredential_process = {creds} export --profile static\n\
         [profile mixed]\ncredential_process = {script}\n\
         [profile counted]\ncredential_process = {counted}\n",
        script = script.display(),
        counted = counted.display(),
        creds = creds.display(),
    );
    let credentials = format!(
        "[static]\naws_access_key_id = {STATIC_KEY}\naws_secret_access_key = {STATIC_SECRET}\n\
         [merged]\naws_access_key_id = {SESSION_KEY}\naws_secret_access_key = {SESSION_SECRET}\naws_session_token = {SESSION_TOKEN}\n\
         [mixed]\naws_access_key_id = AKIAMIXEDSTATIC\naws_secret_access_key = {STATIC_SECRET}\n"
    );
    std::fs::write(aws.join("config"), config).map_err(|e| e.to_string())?;
    std::fs::write(aws.join("credentials"), credentials).map_err(|e| e.to_string())
}

/// `chmod 755`.
fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(key: &str, expiration: &str) -> Seen {
        Seen::Resolved {
            key: key.to_owned(),
            expiration: expiration.to_owned(),
            account: "-".to_owned(),
        }
    }

    const RULE: Rule<'static> = Rule {
        name: "check",
        expect: "AKID",
        expiration: true,
    };

    #[test]
    fn answers_are_parsed() {
        let fp = "0123456789abcdef0123";
        assert_eq!(
            parse(&format!("noise\nOK AKID {fp} 2998-06-15T12:34:56Z\n")),
            resolved("AKID 0123456789ab", "2998-06-15T12:34:56Z")
        );
        assert_eq!(
            parse(&format!("OK AKID {fp}")),
            resolved("AKID 0123456789ab", "-")
        );
        assert_eq!(
            parse("ERR CredentialRetrievalError"),
            Seen::Refused("CredentialRetrievalError".into())
        );
        assert!(matches!(parse(""), Seen::NoAnswer(_)));
        assert!(matches!(
            parse("Traceback (most recent call last):"),
            Seen::NoAnswer(_)
        ));
        assert!(matches!(parse("OK AKID short"), Seen::NoAnswer(_)));
        assert_eq!(
            parse(&format!("OK ASIA {fp} 2026-01-01T00:00:00Z 123456789012")),
            Seen::Resolved {
                key: "ASIA 0123456789ab".to_owned(),
                expiration: "2026-01-01T00:00:00Z".to_owned(),
                account: "123456789012".to_owned(),
            }
        );
    }

    #[test]
    fn agreement_of_all_three_passes() {
        let a = resolved("AKID fp", "-");
        let (line, ok, recorded) = judge(&RULE, &a, &a, &a);
        assert!(ok && line.ends_with(": ok") && recorded.is_none(), "{line}");
    }

    #[test]
    fn a_peer_without_an_answer_fails_the_check() {
        let a = resolved("AKID fp", "-");
        let none = Seen::NoAnswer("printed nothing".into());
        let (line, ok, _) = judge(&RULE, &a, &a, &none);
        assert!(!ok && line.contains("FAILED (js gave no answer)"), "{line}");
        let (line, ok, _) = judge(&RULE, &none, &a, &a);
        assert!(!ok && line.contains("creds gave no answer"), "{line}");
    }

    #[test]
    fn creds_must_give_the_expected_key() {
        let other = resolved("AKOTHER fp", "-");
        let (line, ok, _) = judge(&RULE, &other, &other, &other);
        assert!(!ok && line.contains("creds must resolve AKID"), "{line}");
        let refused = Seen::Refused("exit-3".into());
        assert!(!judge(&RULE, &refused, &refused, &refused).1);
    }

    #[test]
    fn a_disagreement_is_recorded_and_the_majority_followed() {
        let a = resolved("AKID fp", "-");
        let b = resolved("AKID other", "-");
        let (line, ok, recorded) = judge(&RULE, &a, &a, &b);
        assert!(ok && line.ends_with("ok (SDKs disagree)"), "{line}");
        assert!(recorded.unwrap().contains("creds follows botocore"));
        let (_, ok, recorded) = judge(&RULE, &a, &Seen::Refused("E".into()), &a);
        assert!(ok);
        assert!(
            recorded
                .unwrap()
                .contains("creds follows the JavaScript SDK")
        );
        let (line, ok, _) = judge(&RULE, &a, &b, &b);
        assert!(
            !ok && line.contains("both SDKs agree, creds differs"),
            "{line}"
        );
    }

    #[test]
    fn expirations_count_where_the_rule_says() {
        let a = resolved("AKID fp", "2998-06-15T12:34:56Z");
        let b = resolved("AKID fp", "2998-06-15T12:34:57Z");
        assert!(!judge(&RULE, &a, &b, &b).1);
        let lenient = Rule {
            expiration: false,
            ..RULE
        };
        assert!(judge(&lenient, &a, &b, &b).1);
    }
}
