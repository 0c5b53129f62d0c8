//! `cargo xtask interop`: the same configuration resolved by `creds` and by real
//! official SDKs, botocore (PyPI) and the AWS SDK for JavaScript v3 (npm), which must
//! agree.
//!
//! It installs its own peers, pinned, under `target/interop/` (a Python venv, an npm
//! prefix), writes a temp home with config and credentials files, and runs every
//! resolution with a cleared environment inside a loopback-only network namespace
//! where `unshare -n` works. Nothing is started that outlives a check. The peers print
//! only the access key id and a SHA-256 fingerprint of the secret and token, so no
//! secret is ever printed or compared in the clear.
//!
//! The checks, one line each:
//!
//! - environment variables, a static profile, a profile merged across both files, a
//!   `credential_process` profile, `creds export` as the `credential_process`, static
//!   keys beside a `credential_process`, `[profile default]` and `[default]`:
//!   `creds export`, botocore and the JavaScript SDK (`fromEnv`/`fromIni`);
//! - instance metadata served by `moto_server` ([`imds_check`]);
//! - `creds serve` as the container-credentials endpoint ([`serve_checks`]):
//!   botocore's default chain and the JavaScript SDK's `fromNodeProviderChain()`, with
//!   empty config files and `AWS_CONTAINER_CREDENTIALS_FULL_URI`, resolve what
//!   `creds export --profile P` prints, with the token in
//!   `AWS_CONTAINER_AUTHORIZATION_TOKEN`, in `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`,
//!   and for long-term keys (`"Token": ""`); `creds export` through the same
//!   environment (container credentials) agrees with both; a wrong token is refused by
//!   all three and a raw request gets 401/403; `creds serve` prints the documented
//!   lines, writes its token file 0600, exits 0 on SIGTERM and removes that file;
//! - `creds serve` under load ([`serve_load_check`]): 10,000 requests from 50
//!   concurrent keep-alive clients ([`crate::load`]), zero errors, exactly one upstream
//!   fetch (a counting `credential_process`), p50/p99/max latency and requests per
//!   second recorded.
//!
//! A check passes when `creds` agrees with both SDKs. When the SDKs disagree with
//! each other, the disagreement is recorded and the check passes if `creds` agrees with
//! one of them (the crates document which majority they follow); it fails when
//! `creds` agrees with neither.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The pinned botocore, from PyPI.
const BOTOCORE: &str = "botocore==1.44.5";
/// The pinned AWS SDK for JavaScript v3 credential providers, from npm.
const JS_SDK: &str = "@aws-sdk/credential-providers@3.1169.0";
/// The pinned moto, whose `moto_server` serves instance metadata.
const MOTO: &str = "moto[server]==5.2.5";
/// The loopback port moto serves instance metadata on, inside the namespace.
const MOTO_PORT: u16 = 45_123;
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

/// One configuration to resolve: a profile (or none: the environment), and extra
/// environment variables.
struct Check {
    /// The name in the output line.
    name: &'static str,
    /// The profile to resolve (`--profile`, `Session(profile=)`, `fromIni`).
    profile: Option<&'static str>,
    /// Extra environment variables.
    env: Vec<(&'static str, String)>,
}

/// The task: builds `creds`, installs the peers, runs every check in a temp home.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let work = root.join("target/interop");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    crate::run(
        crate::cargo()
            .args(["build", "--quiet", "-p", "creds-cli"])
            .current_dir(root),
    )?;
    let creds = root.join("target/debug/creds");
    let python = install_python(&work)?;
    let node_dir = install_node(&work, root)?;
    let scripts = root.join("xtask/interop");

    let home = work.join(format!("home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    write_home(&home, &creds)?;
    let result = run_checks(&home, &creds, &python, &node_dir, &scripts);
    let _ = std::fs::remove_dir_all(&home);
    result
}

/// Runs the checks, prints a line for each and the totals; fails when one failed.
fn run_checks(
    home: &Path,
    creds: &Path,
    python: &Path,
    node_dir: &Path,
    scripts: &Path,
) -> Result<(), String> {
    let checks = [
        Check {
            name: "environment variables",
            profile: None,
            env: vec![
                ("AWS_ACCESS_KEY_ID", SESSION_KEY.into()),
                ("AWS_SECRET_ACCESS_KEY", SESSION_SECRET.into()),
                ("AWS_SESSION_TOKEN", SESSION_TOKEN.into()),
            ],
        },
        Check {
            name: "static profile",
            profile: Some("static"),
            env: vec![],
        },
        Check {
            name: "profile merged across both files",
            profile: Some("merged"),
            env: vec![],
        },
        Check {
            name: "credential_process profile",
            profile: Some("process"),
            env: vec![],
        },
        Check {
            name: "`creds export` as the credential_process",
            profile: Some("via-creds"),
            env: vec![],
        },
        Check {
            name: "static keys beside credential_process",
            profile: Some("mixed"),
            env: vec![],
        },
        Check {
            name: "[profile default] and [default]",
            profile: Some("default"),
            env: vec![],
        },
    ];
    let isolated = crate::loopback_namespace_works();
    if !isolated {
        eprintln!(
            "xtask: `unshare -n` is not available: the peers run in the normal network namespace"
        );
    }
    let (mut passed, mut failed) = (0, 0);
    let mut disagreements = Vec::new();
    let mut record = |(line, ok, disagreement): Judged| {
        println!("{line}");
        disagreements.extend(disagreement);
        if ok { passed += 1 } else { failed += 1 }
    };
    for check in &checks {
        let base_env = base_env(home, &check.env);
        let profile = check.profile.unwrap_or("");
        let mut export = vec![creds.display().to_string(), "export".into()];
        if let Some(p) = check.profile {
            export.extend(["--profile".into(), p.into()]);
        }
        let ours = fingerprint_of_export(&export, python, scripts, &base_env, isolated);
        let botocore = peer(
            &[
                python.display().to_string(),
                scripts.join("botocore_creds.py").display().to_string(),
                profile.into(),
            ],
            &base_env,
            isolated,
        );
        let js = peer(
            &[
                "node".into(),
                node_dir.join("js_creds.mjs").display().to_string(),
                profile.into(),
            ],
            &base_env,
            isolated,
        );
        record(judge(check.name, &ours, &botocore, &js));
    }
    if isolated {
        record(imds_check(home, creds, python, node_dir, scripts)?);
        serve_checks(home, creds, python, node_dir, scripts)?
            .into_iter()
            .for_each(&mut record);
        let (line, ok) = serve_load_check(home, creds)?;
        record((line, ok, None));
    } else {
        // moto and `creds serve` must listen on the same loopback as the clients, and
        // only a namespace of our own guarantees that nothing else answers there.
        for what in ["instance metadata through moto", "`creds serve`"] {
            println!("interop: {what}: skipped (needs `unshare -n`)");
        }
    }
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

/// What a resolver saw: `<access key id> <fingerprint prefix>`, or why it failed.
type Seen = Result<String, String>;

/// A judged check: its output line, whether it passed, and an SDK disagreement to
/// record.
type Judged = (String, bool, Option<String>);

/// `OK <id> <fingerprint>` → `<id> <fingerprint prefix>`; `ERR <why>` → the reason.
fn parse(output: &str) -> Seen {
    let line = output.lines().last().unwrap_or("").trim();
    let mut words = line.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("OK"), Some(id), Some(fp)) => Ok(format!("{id} {}", &fp[..fp.len().min(12)])),
        (Some("ERR"), why, _) => Err(why.unwrap_or("unknown").to_owned()),
        _ => Err("no answer".to_owned()),
    }
}

/// A check's line: passed when `creds` agrees with both SDKs, or with one of them when
/// they disagree (the disagreement is then recorded).
fn judge(name: &str, ours: &Seen, botocore: &Seen, js: &Seen) -> Judged {
    let show = |s: &Seen| match s {
        Ok(v) => v.clone(),
        Err(e) => format!("error ({e})"),
    };
    let line = format!(
        "interop: {name}: creds {} | botocore {} | js {}",
        show(ours),
        show(botocore),
        show(js)
    );
    let agrees = |peer: &Seen| ours.is_ok() && peer == ours;
    match (agrees(botocore), agrees(js)) {
        (true, true) => (format!("{line}: ok"), true, None),
        (false, false) if botocore == js => (
            format!("{line}: FAILED (both SDKs agree, creds differs)"),
            false,
            None,
        ),
        (false, false) => (
            format!("{line}: FAILED (creds agrees with neither SDK)"),
            false,
            None,
        ),
        (b, _) => {
            let with = if b { "botocore" } else { "the JavaScript SDK" };
            let d = format!("{name}: the SDKs disagree; creds follows {with}");
            (format!("{line}: ok (SDKs disagree)"), true, Some(d))
        }
    }
}

/// The environment every check starts from (`HOME`, `PATH`, the shared files of
/// `home`, instance metadata disabled, every AWS endpoint a loopback discard port),
/// plus `extra`.
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
        ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
    ];
    env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    env
}

/// A command with a cleared environment, in a loopback-only namespace when possible.
fn command(argv: &[String], env: &[(String, String)], isolated: bool) -> Command {
    let mut cmd = if isolated {
        let mut cmd = Command::new("unshare");
        cmd.args(["-n", "sh", "-c", "ip link set lo up && exec \"$@\"", "sh"])
            .args(argv);
        cmd
    } else {
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]);
        cmd
    };
    cmd.env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    cmd
}

/// Runs a peer script; what it printed.
fn peer(argv: &[String], env: &[(String, String)], isolated: bool) -> Seen {
    let out = command(argv, env, isolated)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", argv[0]))?;
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// Runs `creds export` and fingerprints its document with the same Python code the
/// peers use; the document itself never leaves the pipe.
fn fingerprint_of_export(
    argv: &[String],
    python: &Path,
    scripts: &Path,
    env: &[(String, String)],
    isolated: bool,
) -> Seen {
    let out = command(argv, env, isolated)
        .output()
        .map_err(|e| format!("cannot run creds: {e}"))?;
    if !out.status.success() {
        return Err(format!("creds exited with {}", out.status));
    }
    let mut child = Command::new(python)
        .arg(scripts.join("fingerprint.py"))
        .current_dir(scripts)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run python: {e}"))?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(&out.stdout)
        .map_err(|e| format!("cannot feed python: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("python failed: {e}"))?;
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// Instance metadata served by moto: `creds export`, botocore's default chain and JS
/// `fromInstanceMetadata()` against the same `moto_server`, which runs inside the same
/// loopback-only namespace as the clients and is stopped with it.
fn imds_check(
    home: &Path,
    creds: &Path,
    python: &Path,
    node_dir: &Path,
    scripts: &Path,
) -> Result<Judged, String> {
    let moto = python.with_file_name("moto_server");
    let script = format!(
        r#"ip link set lo up
"$MOTO" -H 127.0.0.1 -p {MOTO_PORT} >/dev/null 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; wait $moto 2>/dev/null' EXIT
i=0
until "$PY" -c "import socket; socket.create_connection(('127.0.0.1', {MOTO_PORT}), 0.2)" 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 150 ] && {{ echo "moto did not start"; exit 1; }}; sleep 0.1
done
echo "CREDS $("$CREDS" export | (cd "$SCRIPTS" && "$PY" fingerprint.py))"
echo "BOTO $("$PY" "$SCRIPTS/botocore_creds.py" "")"
echo "JS $(node "$NODE_DIR/js_creds.mjs" --imds)"
"#
    );
    let empty = home.join("empty");
    let out = Command::new("unshare")
        .args(["-n", "sh", "-c", &script])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            format!("http://127.0.0.1:{MOTO_PORT}"),
        )
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-east-1")
        .env("MOTO", &moto)
        .env("PY", python)
        .env("CREDS", creds)
        .env("SCRIPTS", scripts)
        .env("NODE_DIR", node_dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run the moto check: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line_of = |tag: &str| -> Seen {
        text.lines()
            .find_map(|l| l.strip_prefix(tag))
            .map_or_else(|| Err(format!("no answer ({})", text.trim())), parse)
    };
    Ok(judge(
        "instance metadata through moto",
        &line_of("CREDS "),
        &line_of("BOTO "),
        &line_of("JS "),
    ))
}

/// Shell functions for the `creds serve` checks, each of which runs as one `sh` in a
/// new loopback-only namespace (`$D` is its work directory). The trap kills whatever
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
const SERVE_PRELUDE: &str = r#"ip link set lo up
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
client "$URI_A" "$WRONG" "" node "$NODE_DIR/js_creds.mjs" --chain >"$D/wrong.js" 2>/dev/null & w2=$!
fp_export client "$URI_A" "$WRONG" "" "$CREDS" export >"$D/wrong.creds" 2>/dev/null & w3=$!
pids="$pids $w1 $w2 $w3"

echo "CREDS_PROCESS $(fp_export "$CREDS" export --profile process)"
echo "CREDS_STATIC $(fp_export "$CREDS" export --profile static)"
echo "CREDS_CONTAINER $(fp_export client "$URI_A" "$TOKEN_A" "" "$CREDS" export)"
echo "BOTO_TOKEN $(client "$URI_A" "$TOKEN_A" "" "$PY" "$SCRIPTS/botocore_creds.py" "")"
echo "JS_TOKEN $(client "$URI_A" "$TOKEN_A" "" node "$NODE_DIR/js_creds.mjs" --chain)"
echo "BOTO_FILE $(client "$URI_F" "" "$TOKEN_FILE" "$PY" "$SCRIPTS/botocore_creds.py" "")"
echo "JS_FILE $(client "$URI_F" "" "$TOKEN_FILE" node "$NODE_DIR/js_creds.mjs" --chain)"
echo "BOTO_STATIC $(client "$URI_S" "$TOKEN_S" "" "$PY" "$SCRIPTS/botocore_creds.py" "")"
echo "JS_STATIC $(client "$URI_S" "$TOKEN_S" "" node "$NODE_DIR/js_creds.mjs" --chain)"

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

/// Runs `script` with `sh` in a new loopback-only network namespace, with only `env`
/// in its environment; what it printed on stdout.
fn namespace_sh(script: &str, env: &[(String, String)]) -> Result<String, String> {
    let out = Command::new("unshare")
        .args(["-n", "sh", "-c", script])
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run a namespace shell: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

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
fn serve_checks(
    home: &Path,
    creds: &Path,
    python: &Path,
    node_dir: &Path,
    scripts: &Path,
) -> Result<Vec<Judged>, String> {
    let path = |p: &Path| p.display().to_string();
    let env = base_env(
        home,
        &[
            ("CREDS", path(creds)),
            ("PY", path(python)),
            ("SCRIPTS", path(scripts)),
            ("NODE_DIR", path(node_dir)),
            ("EMPTY", path(&home.join("empty"))),
            ("D", path(&home.join("serve"))),
        ],
    );
    let text = namespace_sh(&[SERVE_PRELUDE, SERVE_SCRIPT].concat(), &env)?;
    if let Some(fatal) = tagged(&text, "FATAL") {
        return Ok(vec![(
            format!("interop: `creds serve`: FAILED ({fatal})"),
            false,
            None,
        )]);
    }
    let seen = |tag: &str| -> Seen {
        tagged(&text, tag).map_or_else(|| Err("no answer".to_owned()), parse)
    };
    let ours_direct = seen("CREDS_PROCESS");
    let mut results = vec![
        judge(
            "`creds serve`, token in AWS_CONTAINER_AUTHORIZATION_TOKEN",
            &ours_direct,
            &seen("BOTO_TOKEN"),
            &seen("JS_TOKEN"),
        ),
        judge(
            "`creds serve`, token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            &ours_direct,
            &seen("BOTO_FILE"),
            &seen("JS_FILE"),
        ),
        judge(
            "`creds serve` of long-term keys (\"Token\": \"\")",
            &seen("CREDS_STATIC"),
            &seen("BOTO_STATIC"),
            &seen("JS_STATIC"),
        ),
        judge(
            "container credentials (`creds serve` as the endpoint)",
            &seen("CREDS_CONTAINER"),
            &seen("BOTO_TOKEN"),
            &seen("JS_TOKEN"),
        ),
    ];

    // A wrong token: every client must fail, a raw GET must get 401 or 403, and so must
    // one without the header.
    let refused = |s: &Seen| s.is_err();
    let raw = |tag: &str| tagged(&text, tag).unwrap_or("no answer").to_owned();
    let denied = |status: &str| status == "401" || status == "403";
    let show = |s: &Seen| match s {
        Ok(v) => format!("accepted ({v})"),
        Err(e) => format!("error ({e})"),
    };
    let (wrong_creds, wrong_boto, wrong_js) =
        (seen("WRONG_CREDS"), seen("WRONG_BOTO"), seen("WRONG_JS"));
    let (raw_wrong, raw_none) = (raw("RAW_WRONG"), raw("RAW_NONE"));
    let ok = refused(&wrong_creds)
        && refused(&wrong_boto)
        && refused(&wrong_js)
        && denied(&raw_wrong)
        && denied(&raw_none);
    results.push((
        format!(
            "interop: `creds serve` with a wrong token: creds {} | botocore {} | js {} | raw GET {raw_wrong}, without Authorization {raw_none}: {}",
            show(&wrong_creds),
            show(&wrong_boto),
            show(&wrong_js),
            if ok { "ok" } else { "FAILED (must be refused)" },
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
fn serve_load_check(home: &Path, creds: &Path) -> Result<(String, bool), String> {
    let xtask = std::env::current_exe().map_err(|e| format!("current exe: {e}"))?;
    let path = |p: &Path| p.display().to_string();
    let env = base_env(
        home,
        &[
            ("CREDS", path(creds)),
            ("XTASK", path(&xtask)),
            ("FETCHES", path(&home.join("fetches"))),
            ("D", path(&home.join("serve"))),
            ("REQUESTS", LOAD_REQUESTS.to_string()),
            ("CLIENTS", LOAD_CLIENTS.to_string()),
        ],
    );
    let text = namespace_sh(&[SERVE_PRELUDE, LOAD_SCRIPT].concat(), &env)?;
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
        "{name}: {requests} requests, {} clients, {} connections, {errors} errors, {fetches} upstream fetch{}, p50 {} ms, p99 {} ms, max {} ms, {} req/s: {}",
        figure("clients").unwrap_or("?"),
        figure("connections").unwrap_or("?"),
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

/// The venv's python, with botocore and moto installed (once; a marker holds the pins).
fn install_python(work: &Path) -> Result<PathBuf, String> {
    let venv = work.join("venv");
    let python = venv.join("bin/python");
    let marker = venv.join(".installed");
    let pins = format!("{BOTOCORE} {MOTO}");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(pins.as_str()) {
        return Ok(python);
    }
    crate::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    crate::run(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        BOTOCORE,
        MOTO,
    ]))?;
    std::fs::write(&marker, pins).map_err(|e| e.to_string())?;
    Ok(python)
}

/// The npm prefix holding the JavaScript SDK (installed once) and a copy of
/// `js_creds.mjs`.
fn install_node(work: &Path, root: &Path) -> Result<PathBuf, String> {
    let prefix = work.join("node");
    std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
    // ES modules resolve packages from the script's own directory.
    std::fs::copy(
        root.join("xtask/interop/js_creds.mjs"),
        prefix.join("js_creds.mjs"),
    )
    .map_err(|e| e.to_string())?;
    let marker = prefix.join(".installed");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(JS_SDK) {
        return Ok(prefix);
    }
    crate::run(
        Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&prefix)
            .arg(JS_SDK),
    )?;
    std::fs::write(&marker, JS_SDK).map_err(|e| e.to_string())?;
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
            "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESSEXAMPLE\", \"SecretAccessKey\": \"{SESSION_SECRET}\", \"SessionToken\": \"{SESSION_TOKEN}\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}'\n"
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
