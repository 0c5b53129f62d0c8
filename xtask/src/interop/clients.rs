//! Real S3 clients over the creds adapters (issue #17, part 3): `aws-sdk-s3` with
//! `creds-aws-sdk` (`s3-sdk`) and `object_store` with `creds-object-store`
//! (`s3-object-store`), the programs of `xtask/interop/clients/`, a workspace of its
//! own with its own lock file so that neither client enters the creds workspace.
//!
//! Each puts an object on `moto_server`'s S3 and gets it back, with credentials from
//! creds' default chain as a program sets it up: `AWS_PROFILE=chained`, a role whose
//! `source_profile` holds static keys, assumed through moto's STS
//! (`AWS_ENDPOINT_URL_STS`); the S3 endpoint is moto's too, path-style over plain
//! http. Everything runs in one loopback-only namespace shell with moto ([`SCRIPT`]),
//! each client with a temp `HOME` of its own.
//!
//! What signed the requests is read from moto itself: it runs with its request
//! recorder on (`MOTO_ENABLE_RECORDING`), which writes every request it receives,
//! headers and all, to a file; `xtask/interop/s3_requests.py` prints the access key id
//! of each request's `Authorization: AWS4-HMAC-SHA256 Credential=<key id>/...` (and
//! whether an `X-Amz-Security-Token` came with it, never its value) and the keys moto's
//! STS issued, with their roles (`/moto-api/data.json`), then empties the recording
//! for the next client. A check passes when the client put and got the same bytes,
//! and moto saw its `AssumeRole` of the role signed with the base profile's key and
//! every S3 request (at least the PUT and the GET of the object) signed with one
//! session key (`ASIA...`) that moto's STS issued for that role, with its session
//! token, the key the client's own chain holds, and never the base profile's key.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Isolation, Judged, Paths, base_env, free_port, script_sh, tagged};

/// The clients' workspace.
const MANIFEST: &str = "xtask/interop/clients/Cargo.toml";
/// How long fetching or building the clients may take.
const BUILD_DEADLINE: Duration = Duration::from_secs(30 * 60);
/// The role `chained` assumes...
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/s3-client";
/// ...with the keys of `base` (made up, as every key here).
const BASE_KEY: &str = "AKIAS3BASEEXAMPLE000";
/// Its secret.
const BASE_SECRET: &str = "s3BaseSecret00000000000000000000000000001";

/// One client: (tag in the script's output, program, bucket, object key, check name).
const CLIENTS: [(&str, &str, &str, &str, &str); 2] = [
    (
        "SDK",
        "s3-sdk",
        "creds-s3-sdk",
        "interop/s3-sdk.txt",
        "aws-sdk-s3 over creds-aws-sdk, a role chain through moto's STS: put and get on moto's S3",
    ),
    (
        "STORE",
        "s3-object-store",
        "creds-s3-object-store",
        "interop/s3-object-store.txt",
        "object_store over creds-object-store, a role chain through moto's STS: put and get on moto's S3",
    ),
];

/// Builds the clients (a debug build, without debug info or incremental caches: CI's
/// disk is small) into `target/interop/clients`, fetching first so that the build can
/// run `--offline`; returns the directory of the programs.
pub(super) fn build(root: &Path, work: &Path) -> Result<PathBuf, String> {
    let target = work.join("clients");
    let manifest = root.join(MANIFEST);
    let cargo = |task: &str| {
        let mut cmd = crate::cargo();
        // What `cargo run` set for xtask itself: ring's build script watches
        // CARGO_MANIFEST_DIR, so with it a build by hand and one by xtask would undo
        // each other's ring (and everything above it).
        for (var, _) in std::env::vars_os() {
            let name = var.to_string_lossy();
            if name.starts_with("CARGO_PKG_")
                || [
                    "CARGO_MANIFEST_DIR",
                    "CARGO_MANIFEST_PATH",
                    "CARGO_CRATE_NAME",
                ]
                .contains(&name.as_ref())
                || name.starts_with("CARGO_BIN_")
                || name == "CARGO_PRIMARY_PACKAGE"
            {
                cmd.env_remove(&var);
            }
        }
        cmd.current_dir(root)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .args([task, "--quiet", "--locked", "--manifest-path"])
            .arg(&manifest);
        cmd
    };
    crate::run_within(&mut cargo("fetch"), BUILD_DEADLINE).map_err(|e| {
        format!(
            "{e}; if cargo said the lock file needs to be updated (the creds crates' \
             dependencies changed), `cargo fetch --manifest-path {MANIFEST}` updates only \
             what changed: commit the Cargo.lock it writes"
        )
    })?;
    let started = Instant::now();
    crate::run_within(cargo("build").arg("--offline"), BUILD_DEADLINE)?;
    eprintln!(
        "xtask: the S3 clients of {MANIFEST} built in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(target.join("debug"))
}

/// Starts moto with its recorder on, makes the buckets (with a key no client has, the
/// recording then emptied), and for each client prints its output and what moto saw
/// (`s3_requests.py seen`), every line tagged with the client's tag.
const SCRIPT: &str = r#"umask 077
MOTO_ENABLE_RECORDING=true MOTO_RECORDER_FILEPATH="$D/requests.jsonl" \
  "$MOTO" -H 127.0.0.1 -p "$PORT" >"$D/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; wait $moto 2>/dev/null' EXIT
i=0
until "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 150 ] && { echo "FATAL moto did not start"; exit 1; }; sleep 0.1
done
URL="http://127.0.0.1:$PORT"
"$PY" "$SCRIPTS/s3_requests.py" buckets "$URL" "$SDK_BUCKET" "$STORE_BUCKET" 2>"$D/buckets.err" \
  || { echo "FATAL the buckets could not be made: $(tail -n 1 "$D/buckets.err")"; exit 1; }
client() {
  tag=$1; shift
  mkdir -p "$D/home-$tag"
  HOME="$D/home-$tag" "$@" 2>"$D/$tag.err" | sed "s/^/${tag}_/"
  echo "${tag}_STDERR $(tail -n 2 "$D/$tag.err" | tr '\n' ' ')"
  if "$PY" "$SCRIPTS/s3_requests.py" seen "$URL" "$D/requests.jsonl" >"$D/$tag.seen" 2>"$D/$tag.seen.err"; then
    sed "s/^/${tag}_/" "$D/$tag.seen"
  else
    echo "${tag}_SEEN_FAILED $(tail -n 1 "$D/$tag.seen.err")"
  fi
}
client SDK "$CLIENTS/$SDK_PROGRAM" "$URL" "$SDK_BUCKET" "$SDK_OBJECT"
client STORE "$CLIENTS/$STORE_PROGRAM" "$URL" "$STORE_BUCKET" "$STORE_OBJECT"
"#;

/// The S3 client checks.
pub(super) fn checks(paths: &Paths<'_>, isolation: Isolation) -> Result<Vec<Judged>, String> {
    let work = paths.home.join("s3");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let config = work.join("config");
    std::fs::write(
        &config,
        format!("[profile chained]\nrole_arn = {ROLE_ARN}\nsource_profile = base\n"),
    )
    .map_err(|e| e.to_string())?;
    let credentials = work.join("credentials");
    std::fs::write(
        &credentials,
        format!("[base]\naws_access_key_id = {BASE_KEY}\naws_secret_access_key = {BASE_SECRET}\n"),
    )
    .map_err(|e| e.to_string())?;
    let port = free_port()?;
    let path = |p: &Path| p.display().to_string();
    let mut extra = vec![
        ("HOME".to_owned(), path(&work)),
        ("AWS_CONFIG_FILE".to_owned(), path(&config)),
        ("AWS_SHARED_CREDENTIALS_FILE".to_owned(), path(&credentials)),
        ("AWS_PROFILE".to_owned(), "chained".to_owned()),
        (
            "AWS_ENDPOINT_URL_STS".to_owned(),
            format!("http://127.0.0.1:{port}"),
        ),
        ("PORT".to_owned(), port.to_string()),
        ("D".to_owned(), path(&work)),
        (
            "MOTO".to_owned(),
            path(&paths.python.with_file_name("moto_server")),
        ),
        ("PY".to_owned(), path(paths.python)),
        ("SCRIPTS".to_owned(), path(paths.scripts)),
        ("CLIENTS".to_owned(), path(paths.clients)),
    ];
    for (tag, program, bucket, key, _) in CLIENTS {
        extra.push((format!("{tag}_PROGRAM"), program.to_owned()));
        extra.push((format!("{tag}_BUCKET"), bucket.to_owned()));
        extra.push((format!("{tag}_OBJECT"), key.to_owned()));
    }
    let extra: Vec<(&str, String)> = extra.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let env = base_env(paths.home, &extra);
    let text = script_sh(SCRIPT, &env, isolation)?;
    if let Some(fatal) = tagged(&text, "FATAL") {
        return Err(format!("the S3 client checks could not run: {fatal}"));
    }
    Ok(CLIENTS
        .iter()
        .map(|(tag, _, bucket, key, name)| {
            judge(
                name,
                &Observed::parse(&text, tag),
                &format!("/{bucket}/{key}"),
            )
        })
        .collect())
}

/// A request moto recorded: `REQ <service> <what> <target> <key id> <token|no-token>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Request {
    /// `s3`, `sts`, or `-` for a request without a SigV4 signature.
    service: String,
    /// The method (S3) or the action (STS).
    what: String,
    /// The path (S3) or the role ARN (STS).
    target: String,
    /// The access key id of its `Credential=`.
    key: String,
    /// Whether it carried an `X-Amz-Security-Token`.
    token: bool,
}

/// What one client printed and what moto saw of it.
#[derive(Debug, Default)]
struct Observed {
    /// `OK ...`: what the client did.
    ok: Option<String>,
    /// `ERR ...`: why it failed.
    err: Option<String>,
    /// The access key id the client's chain held after its requests.
    key: Option<String>,
    /// The last lines of its stderr.
    stderr: String,
    /// Why `s3_requests.py seen` failed, if it did.
    seen_failed: Option<String>,
    /// The requests moto recorded while the client ran.
    requests: Vec<Request>,
    /// (access key id, role ARN) of every role moto's STS assumed so far.
    issued: Vec<(String, String)>,
}

impl Observed {
    /// The lines of `text` tagged `<tag>_`.
    fn parse(text: &str, tag: &str) -> Observed {
        let prefix = format!("{tag}_");
        let mut seen = Observed::default();
        for line in text.lines().filter_map(|l| l.strip_prefix(&prefix)) {
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            let rest = rest.trim();
            match word {
                "OK" => seen.ok = Some(rest.to_owned()),
                "ERR" => seen.err = Some(rest.to_owned()),
                "KEY" => seen.key = Some(rest.to_owned()),
                "STDERR" => seen.stderr = rest.to_owned(),
                "SEEN_FAILED" => seen.seen_failed = Some(rest.to_owned()),
                "REQ" => {
                    let words: Vec<&str> = rest.split_whitespace().collect();
                    if let [service, what, target, key, token] = words[..] {
                        seen.requests.push(Request {
                            service: service.to_owned(),
                            what: what.to_owned(),
                            target: target.to_owned(),
                            key: key.to_owned(),
                            token: token == "token",
                        });
                    }
                }
                "ISSUED" => {
                    if let Some((key, role)) = rest.split_once(' ') {
                        seen.issued.push((key.to_owned(), role.to_owned()));
                    }
                }
                _ => {}
            }
        }
        seen
    }
}

/// A client's check: it put and got its object back (`object` is `/<bucket>/<key>`),
/// and moto saw the role assumed with the base key and every S3 request signed with
/// the session key its STS issued for the role, the one the client's chain holds.
fn judge(name: &str, seen: &Observed, object: &str) -> Judged {
    let mut problems = Vec::new();
    if let Some(why) = &seen.seen_failed {
        problems.push(format!("moto's recording could not be read: {why}"));
    }
    match (&seen.ok, &seen.err) {
        (Some(_), _) => {}
        (None, Some(err)) => problems.push(format!("the client failed: {err}")),
        (None, None) => problems.push(format!(
            "the client printed no answer (stderr: {})",
            if seen.stderr.is_empty() {
                "empty"
            } else {
                &seen.stderr
            }
        )),
    }
    let assumed = seen.requests.iter().any(|r| {
        r.service == "sts" && r.what == "AssumeRole" && r.target == ROLE_ARN && r.key == BASE_KEY
    });
    if !assumed {
        problems.push(format!(
            "moto saw no AssumeRole of {ROLE_ARN} signed with the base profile's key {BASE_KEY}"
        ));
    }
    let s3: Vec<&Request> = seen.requests.iter().filter(|r| r.service == "s3").collect();
    for method in ["PUT", "GET"] {
        if !s3.iter().any(|r| r.what == method && r.target == object) {
            problems.push(format!("moto saw no S3 {method} of {object}"));
        }
    }
    let unsigned = seen.requests.iter().filter(|r| r.service == "-").count();
    if unsigned > 0 {
        problems.push(format!("{unsigned} requests without a SigV4 signature"));
    }
    let mut keys: Vec<&str> = s3.iter().map(|r| r.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let issued_for = |key: &str| {
        seen.issued
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, role)| role.as_str())
    };
    for key in &keys {
        if *key == BASE_KEY {
            problems.push(format!(
                "S3 requests signed with the base profile's static key {BASE_KEY}"
            ));
        } else if !key.starts_with("ASIA") {
            problems.push(format!("S3 requests signed with {key}, not a session key"));
        }
        match issued_for(key) {
            Some(ROLE_ARN) => {}
            Some(other) => problems.push(format!("{key} was issued for {other}, not {ROLE_ARN}")),
            None => problems.push(format!("{key} is not a key moto's STS issued")),
        }
        if seen.key.as_deref() != Some(key) {
            problems.push(format!(
                "S3 requests signed with {key}, the client's chain holds {}",
                seen.key.as_deref().unwrap_or("nothing")
            ));
        }
    }
    if keys.len() > 1 {
        problems.push(format!(
            "S3 requests signed with {} keys: {}",
            keys.len(),
            keys.join(", ")
        ));
    }
    let without_token = s3.iter().filter(|r| !r.token).count();
    if without_token > 0 {
        problems.push(format!(
            "{without_token} S3 requests without a session token"
        ));
    }
    let requests: Vec<String> = s3
        .iter()
        .map(|r| format!("{} {}", r.what, r.target))
        .collect();
    let line = format!(
        "interop: {name}: client {} | moto saw {} signed with {} ({}), AssumeRole {}",
        seen.ok.as_deref().unwrap_or("failed"),
        if requests.is_empty() {
            "no S3 request".to_owned()
        } else {
            requests.join(", ")
        },
        if keys.is_empty() {
            "-".to_owned()
        } else {
            keys.join(", ")
        },
        match keys.first().and_then(|k| issued_for(k)) {
            Some(role) => format!("issued by its STS for {role}"),
            None => "not issued by its STS".to_owned(),
        },
        if assumed {
            format!("signed with {BASE_KEY} of [base]")
        } else {
            "not seen".to_owned()
        },
    );
    if problems.is_empty() {
        (format!("{line}: ok"), true, None)
    } else {
        (
            format!("{line}: FAILED ({})", problems.join("; ")),
            false,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECT: &str = "/b/k";

    /// What a client that did everything right prints, and moto saw of it.
    fn good(tag: &str) -> String {
        format!(
            "{tag}_KEY ASIAROLEKEY\n{tag}_OK put 5 bytes, got 5 bytes back, the same\n{tag}_STDERR \n\
             {tag}_REQ sts AssumeRole {ROLE_ARN} {BASE_KEY} no-token\n\
             {tag}_REQ s3 PUT /b/k ASIAROLEKEY token\n\
             {tag}_REQ s3 GET /b/k ASIAROLEKEY token\n\
             {tag}_ISSUED ASIAOTHER {ROLE_ARN}\n\
             {tag}_ISSUED ASIAROLEKEY {ROLE_ARN}\n"
        )
    }

    fn judged(text: &str) -> (String, bool) {
        let (line, ok, _) = judge("n", &Observed::parse(text, "SDK"), OBJECT);
        (line, ok)
    }

    #[test]
    fn a_client_signing_with_the_assumed_role_passes() {
        let text = format!(
            "{}{}",
            good("SDK"),
            good("STORE").replace("ROLEKEY", "STOREKEY")
        );
        let (line, ok) = judged(&text);
        assert!(ok, "{line}");
        assert!(
            line.contains("PUT /b/k, GET /b/k signed with ASIAROLEKEY"),
            "{line}"
        );
    }

    #[test]
    fn s3_signed_with_the_base_key_fails() {
        let text = good("SDK").replace(
            "s3 GET /b/k ASIAROLEKEY",
            &format!("s3 GET /b/k {BASE_KEY}"),
        );
        let (line, ok) = judged(&text);
        assert!(
            !ok && line.contains("the base profile's static key"),
            "{line}"
        );
    }

    #[test]
    fn a_key_moto_did_not_issue_fails() {
        let text = good("SDK").replace(&format!("SDK_ISSUED ASIAROLEKEY {ROLE_ARN}\n"), "");
        let (line, ok) = judged(&text);
        assert!(
            !ok && line.contains("not a key moto's STS issued"),
            "{line}"
        );
    }

    #[test]
    fn a_role_not_assumed_with_the_base_key_fails() {
        let text = good("SDK").replace(
            &format!("{ROLE_ARN} {BASE_KEY}"),
            &format!("{ROLE_ARN} AKIAOTHER"),
        );
        let (line, ok) = judged(&text);
        assert!(!ok && line.contains("no AssumeRole"), "{line}");
    }

    #[test]
    fn a_failed_client_or_a_missing_request_fails() {
        let failed = good("SDK").replace(
            "SDK_OK put 5 bytes, got 5 bytes back, the same",
            "SDK_ERR GetObject: dispatch failure",
        );
        let (line, ok) = judged(&failed);
        assert!(
            !ok && line.contains("the client failed: GetObject"),
            "{line}"
        );
        let no_get = good("SDK").replace("SDK_REQ s3 GET /b/k ASIAROLEKEY token\n", "");
        let (line, ok) = judged(&no_get);
        assert!(!ok && line.contains("no S3 GET of /b/k"), "{line}");
        let (line, ok) = judged("");
        assert!(!ok && line.contains("printed no answer"), "{line}");
    }

    #[test]
    fn no_session_token_or_another_key_than_the_chains_fails() {
        let text = good("SDK").replace("/b/k ASIAROLEKEY token", "/b/k ASIAROLEKEY no-token");
        let (line, ok) = judged(&text);
        assert!(
            !ok && line.contains("2 S3 requests without a session token"),
            "{line}"
        );
        let text = good("SDK").replace("SDK_KEY ASIAROLEKEY", "SDK_KEY ASIAOTHER");
        let (line, ok) = judged(&text);
        assert!(
            !ok && line.contains("the client's chain holds ASIAOTHER"),
            "{line}"
        );
    }
}
