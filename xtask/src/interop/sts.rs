//! Roles and web identity against `moto_server`'s STS, resolved by `creds`, botocore
//! and the JavaScript SDK, all in one loopback-only namespace shell with moto
//! ([`SCRIPT`]).
//!
//! moto makes up new keys at every call, so the three cannot agree on a key: each
//! must resolve session credentials (`ASIA...`, with an expiration) of the role's
//! account, and where an SDK reports the account, the same one. The aws CLI's file
//! cache is checked across programs: a second `creds export` answers the same key
//! without a call, botocore (given the aws CLI's `JSONFileCache`) reads the file
//! `creds` wrote, and `creds` reads one botocore wrote.

use std::path::Path;

use super::{Isolation, Judged, Paths, Seen, base_env, free_port, parse, script_sh, tagged};

/// The account of every role here.
const ACCOUNT: &str = "123456789012";

/// The shared files of the checks: static keys, two roles over them, a role over the
/// environment, a web identity profile.
fn config(token_file: &Path) -> String {
    format!(
        "[profile sts-static]\naws_access_key_id = AKIASTSSTATIC0000001\naws_secret_access_key = stsStaticSecret0000000000000000000000001\n\
         [profile sts-a]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role-a\nsource_profile = sts-static\n\
         [profile sts-b]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role-b\nsource_profile = sts-a\n\
         [profile sts-c]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role-c\nsource_profile = sts-static\n\
         [profile sts-env]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role-env\ncredential_source = Environment\n\
         [profile sts-web]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/role-web\nweb_identity_token_file = {}\nrole_session_name = web-session\n",
        token_file.display()
    )
}

/// Starts moto, then prints a tagged line per resolver and scenario. `fp` fingerprints
/// what a `creds export` printed; `boto_cached` resolves with botocore's assume-role
/// provider given the aws CLI's cache directory.
const SCRIPT: &str = r#"umask 077
"$MOTO" -H 127.0.0.1 -p "$PORT" >"$D/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; wait $moto 2>/dev/null' EXIT
i=0
until "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 150 ] && { echo "FATAL moto did not start"; exit 1; }; sleep 0.1
done
fp() {
  doc=$("$@") || { echo "ERR exit-$?"; return; }
  printf '%s' "$doc" | (cd "$SCRIPTS" && "$PY" fingerprint.py)
}
boto_cached='import os, sys
import botocore.session
from botocore.utils import JSONFileCache
sys.path.insert(0, os.environ["SCRIPTS"])
from botocore_creds import fingerprint
session = botocore.session.Session(profile=sys.argv[1])
provider = session.get_component("credential_provider").get_provider("assume-role")
provider.cache = JSONFileCache(os.path.expanduser("~/.aws/cli/cache"))
creds = session.get_credentials().get_frozen_credentials()
print(fingerprint(creds.access_key, creds.secret_key, creds.token, None, getattr(creds, "account_id", None)))'
three() {
  tag=$1; shift
  echo "${tag}_CREDS $(fp "$CREDS" export --no-cache ${1:+--profile "$1"})"
  echo "${tag}_BOTO $("$PY" "$SCRIPTS/botocore_creds.py" "$1")"
  echo "${tag}_JS $(node "$NODE_DIR/js_creds.mjs" "$1")"
}
three CHAIN sts-b
(
  export AWS_ACCESS_KEY_ID=AKIASTSENVIRONMENT01 AWS_SECRET_ACCESS_KEY=stsEnvSecret000000000000000000000000001
  three ENV sts-env
)
three WEB sts-web
(
  export AWS_CONFIG_FILE="$EMPTY" AWS_SHARED_CREDENTIALS_FILE="$EMPTY"
  export AWS_WEB_IDENTITY_TOKEN_FILE="$TOKEN_FILE" AWS_ROLE_ARN="arn:aws:iam::$ACCOUNT:role/role-irsa" AWS_ROLE_SESSION_NAME=irsa
  three IRSA ""
)
echo "CACHE_FIRST $(fp "$CREDS" export --profile sts-a)"
echo "CACHE_SECOND $(fp "$CREDS" export --profile sts-a)"
echo "CACHE_BOTO_READS $(SCRIPTS="$SCRIPTS" "$PY" -c "$boto_cached" sts-a)"
echo "CACHE_BOTO_WRITES $(SCRIPTS="$SCRIPTS" "$PY" -c "$boto_cached" sts-c)"
echo "CACHE_CREDS_READS $(fp "$CREDS" export --profile sts-c)"
"#;

/// The STS checks.
pub(super) fn checks(paths: &Paths<'_>, isolation: Isolation) -> Result<Vec<Judged>, String> {
    let work = paths.home.join("sts");
    let cache_home = work.join("home");
    std::fs::create_dir_all(cache_home.join(".aws")).map_err(|e| e.to_string())?;
    let token_file = work.join("token");
    // moto takes any token; a JWT's shape, as EKS writes it.
    std::fs::write(
        &token_file,
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2ln\n",
    )
    .map_err(|e| e.to_string())?;
    let config_file = work.join("config");
    std::fs::write(&config_file, config(&token_file)).map_err(|e| e.to_string())?;
    let empty = paths.home.join("empty");
    let port = free_port()?;
    let path = |p: &Path| p.display().to_string();
    let env = base_env(
        paths.home,
        &[
            ("HOME", path(&cache_home)),
            ("AWS_CONFIG_FILE", path(&config_file)),
            ("AWS_SHARED_CREDENTIALS_FILE", path(&empty)),
            ("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{port}")),
            // botocore reads AWS_DEFAULT_REGION, not AWS_REGION, for the STS client
            // of a role.
            ("AWS_DEFAULT_REGION", "us-east-1".to_owned()),
            ("PORT", port.to_string()),
            ("ACCOUNT", ACCOUNT.to_owned()),
            ("TOKEN_FILE", path(&token_file)),
            ("EMPTY", path(&empty)),
            ("D", path(&work)),
            ("MOTO", path(&paths.python.with_file_name("moto_server"))),
            ("PY", path(paths.python)),
            ("CREDS", path(paths.creds)),
            ("SCRIPTS", path(paths.scripts)),
            ("NODE_DIR", path(paths.node_dir)),
        ],
    );
    let text = script_sh(SCRIPT, &env, isolation)?;
    if let Some(fatal) = tagged(&text, "FATAL") {
        return Err(format!("the STS checks could not run: {fatal}"));
    }
    let seen =
        |tag: &str| tagged(&text, tag).map_or_else(|| Seen::NoAnswer("no line".to_owned()), parse);
    let mut judged = Vec::new();
    for (tag, name) in [
        ("CHAIN", "static → role A → role B through moto's STS"),
        (
            "ENV",
            "a credential_source = Environment role through moto's STS",
        ),
        (
            "WEB",
            "a web_identity_token_file profile through moto's STS",
        ),
        (
            "IRSA",
            "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN through moto's STS",
        ),
    ] {
        let (ours, boto, js) = (
            seen(&format!("{tag}_CREDS")),
            seen(&format!("{tag}_BOTO")),
            seen(&format!("{tag}_JS")),
        );
        judged.push(judge_session(name, &ours, &boto, &js));
    }
    judged.push(judge_cache(
        &seen("CACHE_FIRST"),
        &seen("CACHE_SECOND"),
        &seen("CACHE_BOTO_READS"),
        &seen("CACHE_BOTO_WRITES"),
        &seen("CACHE_CREDS_READS"),
    ));
    Ok(judged)
}

/// All three resolved session credentials of [`ACCOUNT`]: `ASIA` keys, an expiration
/// each, and the account where a resolver reports one (creds must).
fn judge_session(name: &str, ours: &Seen, boto: &Seen, js: &Seen) -> Judged {
    let line = format!(
        "interop: {name}: creds {} | botocore {} | js {}",
        ours.show(),
        boto.show(),
        js.show()
    );
    let mut problems = Vec::new();
    for (who, seen) in [("creds", ours), ("botocore", boto), ("js", js)] {
        match seen {
            Seen::Resolved {
                key,
                expiration,
                account,
            } => {
                if !key.starts_with("ASIA") {
                    problems.push(format!("{who} did not resolve session credentials"));
                }
                if expiration == "-" {
                    problems.push(format!("{who} has no expiration"));
                }
                let required = who == "creds";
                if (required || account != "-") && account != ACCOUNT {
                    problems.push(format!("{who}'s account is {account}, not {ACCOUNT}"));
                }
            }
            other => problems.push(format!("{who}: {}", other.show())),
        }
    }
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

/// The file cache across runs and programs: the same key every time it is read.
fn judge_cache(
    first: &Seen,
    second: &Seen,
    boto_reads: &Seen,
    boto_writes: &Seen,
    creds_reads: &Seen,
) -> Judged {
    let key = |seen: &Seen| match seen {
        Seen::Resolved { key, .. } => Some(key.clone()),
        _ => None,
    };
    let line = format!(
        "interop: the aws CLI's cache of assumed roles: creds {} then {} | botocore reads {} | botocore writes {}, creds reads {}",
        first.show(),
        second.show(),
        boto_reads.show(),
        boto_writes.show(),
        creds_reads.show()
    );
    let ok = key(first).is_some_and(|k| k.starts_with("ASIA"))
        && key(first) == key(second)
        && key(first) == key(boto_reads)
        && key(boto_writes).is_some()
        && key(boto_writes) == key(creds_reads);
    if ok {
        (format!("{line}: ok"), true, None)
    } else {
        (
            format!("{line}: FAILED (each pair must be the same credentials, from the file)"),
            false,
            None,
        )
    }
}
