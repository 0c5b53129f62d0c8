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
//! A check passes when `creds` agrees with both SDKs. When the SDKs disagree with
//! each other, the disagreement is recorded and the check passes if `creds` agrees with
//! one of them (the crates document which majority they follow); it fails when
//! `creds` agrees with neither.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BOTOCORE: &str = "botocore==1.44.5";
const JS_SDK: &str = "@aws-sdk/credential-providers@3.1169.0";
const MOTO: &str = "moto[server]==5.2.5";
/// The loopback port moto serves instance metadata on, inside the namespace.
const MOTO_PORT: u16 = 45_123;

/// AWS's documented example keys and made-up tokens: they open nothing.
const STATIC_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const STATIC_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION_KEY: &str = "ASIAIOSFODNN7EXAMPLE";
const SESSION_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

/// One configuration to resolve: a profile (or none: the environment), and extra
/// environment variables.
struct Check {
    name: &'static str,
    profile: Option<&'static str>,
    env: Vec<(&'static str, String)>,
}

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
    for check in &checks {
        let base_env = base_env(home, check);
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
        let (line, ok, disagreement) = judge(check.name, &ours, &botocore, &js);
        println!("{line}");
        if let Some(d) = disagreement {
            disagreements.push(d);
        }
        if ok { passed += 1 } else { failed += 1 }
    }
    if isolated {
        let (line, ok, disagreement) = imds_check(home, creds, python, node_dir, scripts)?;
        println!("{line}");
        disagreements.extend(disagreement);
        if ok { passed += 1 } else { failed += 1 }
    } else {
        // moto must listen on the same loopback as the clients, and only a namespace of
        // our own guarantees that nothing else answers on that port.
        println!("interop: instance metadata through moto: skipped (needs `unshare -n`)");
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

type Seen = Result<String, String>;

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

fn judge(name: &str, ours: &Seen, botocore: &Seen, js: &Seen) -> (String, bool, Option<String>) {
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

fn base_env(home: &Path, check: &Check) -> Vec<(String, String)> {
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
    env.extend(check.env.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
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
) -> Result<(String, bool, Option<String>), String> {
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
    std::fs::write(&empty, "").map_err(|e| e.to_string())?;
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
    let config = format!(
        "[default]\naws_access_key_id = AKIAPLAINDEFAULT\naws_secret_access_key = plain\n\
         [profile default]\naws_access_key_id = AKIAPREFIXEDDEFAULT\naws_secret_access_key = prefixed\n\
         [profile merged]\nregion = eu-west-1\naws_access_key_id = AKIAFROMCONFIG\n\
         [profile process]\ncredential_process = {script}\n\
         [profile via-creds]\ncredential_process = {creds} export --profile static\n\
         [profile mixed]\ncredential_process = {script}\n",
        script = script.display(),
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

fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string())
}
