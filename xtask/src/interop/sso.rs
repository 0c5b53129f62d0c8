//! IAM Identity Center (SSO) profiles, resolved by `creds`, botocore and the
//! JavaScript SDK against a loopback stand-in for the SSO portal and SSO-OIDC
//! (`xtask/interop/sso_server.py`: moto has neither), all in one loopback-only
//! namespace shell with the server ([`SCRIPT`]), in a home of its own (the aws CLI's
//! token cache is `~/.aws/sso/cache`). `AWS_ENDPOINT_URL_SSO` and
//! `AWS_ENDPOINT_URL_SSO_OIDC` point all three at the server: botocore's service ids
//! `SSO` and `SSO OIDC` name those variables, and the JavaScript SDK reads the same.
//!
//! The server's role credentials are a function of the access token, the account and
//! the role, and their access key id names the token (`ASIA<label>`: `ASIAVALID` for
//! the token the check wrote, `ASIABYCREDS1` for the first one a refresh of that
//! session issued), so the three must agree exactly (key, fingerprint, expiration) and
//! a check knows which token each used. The server logs each request (never a token),
//! so a check counts who refreshed.
//!
//! The refresh windows differ: creds and the JavaScript SDK refresh a token with less
//! than 5 minutes left, botocore one with less than 15 (`SSOTokenProvider.
//! _REFRESH_WINDOW`); the refresh checks use 3 minutes, inside every window, and one
//! check sits between the windows, where botocore alone refreshes (a documented SDK
//! difference: creds follows the JavaScript SDK, and the disagreement is recorded).
//!
//! What a writer keeps: creds writes the refreshed token back with every field it does
//! not know, as it was (required here); the JavaScript SDK does too (`writeSSOTokenToFile`
//! of `{...ssoToken, accessToken, expiresAt, refreshToken}`); botocore does not: its
//! `SSOTokenProvider._attempt_create_token` writes a new dict of the eight fields it
//! knows. The lines show what each did.

use std::path::Path;

use super::{
    Isolation, Judged, Paths, Rule, Seen, answers_line, base_env, free_port, judge, parse,
    script_sh, tagged,
};

/// The account of every SSO profile here...
const ACCOUNT: &str = "111122223333";
/// ...and its role.
const ROLE: &str = "InteropReadOnly";
/// The SSO region of every session.
const REGION: &str = "us-east-1";

/// An SSO profile of the checks: in the session form (`sso_session = NAME`, with a
/// `[sso-session NAME]` of the same name) or the legacy form, and the token file the
/// check writes for it, if any.
struct Profile {
    name: &'static str,
    legacy: bool,
    token: Option<Token>,
}

/// A token file the check writes (a line of `sso_server.py`'s SPEC).
struct Token {
    /// The access token's label: its credentials' key is `ASIA<label>`.
    label: &'static str,
    /// Seconds left until it expires (negative: it has expired).
    left: i64,
    /// `yes`: a refresh token SSO-OIDC takes; `refused`: one it refuses; `no`: none.
    refresh: &'static str,
    /// `known`, or `revoked`: the portal refuses the access token.
    portal: &'static str,
}

const fn profile(name: &'static str, legacy: bool, token: Option<Token>) -> Profile {
    Profile {
        name,
        legacy,
        token,
    }
}

const fn token(
    label: &'static str,
    left: i64,
    refresh: &'static str,
    portal: &'static str,
) -> Option<Token> {
    Some(Token {
        label,
        left,
        refresh,
        portal,
    })
}

/// The profiles, and the token file of each.
const PROFILES: [Profile; 12] = [
    profile("sso-valid", false, token("VALID", 7200, "yes", "known")),
    profile("sso-legacy", true, token("LEGACY", 7200, "no", "known")),
    // 3 minutes left: inside every SDK's refresh window; each is refreshed by one
    // program and read by the other two.
    profile("sso-by-creds", false, token("BYCREDS", 180, "yes", "known")),
    profile("sso-by-js", false, token("BYJS", 180, "yes", "known")),
    profile(
        "sso-by-botocore",
        false,
        token("BYBOTO", 180, "yes", "known"),
    ),
    // 3 minutes left, and SSO-OIDC refuses the refresh: the token is used while valid.
    profile("sso-kept", false, token("KEPT", 180, "refused", "known")),
    // 3 minutes left and a refresh token, in the legacy form: never refreshed.
    profile(
        "sso-legacy-short",
        true,
        token("SHORTLEGACY", 180, "yes", "known"),
    ),
    // 10 minutes left: inside botocore's 15-minute window only.
    profile("sso-window", false, token("WINDOW", 600, "yes", "known")),
    // `creds sso login` writes its token.
    profile("sso-device", false, None),
    profile(
        "sso-expired",
        false,
        token("EXPIRED", -3600, "refused", "known"),
    ),
    profile(
        "sso-expired-legacy",
        true,
        token("OLDLEGACY", -3600, "no", "known"),
    ),
    profile(
        "sso-revoked",
        false,
        token("REVOKED", 7200, "no", "revoked"),
    ),
];

/// A profile's start URL (only ever hashed and compared: nothing is sent there).
fn start_url(name: &str) -> String {
    format!("https://{name}.awsapps.com/start")
}

/// The config file: each profile, and its `[sso-session]` in the session form.
fn config() -> String {
    let mut out = String::new();
    for p in &PROFILES {
        let (name, url) = (p.name, start_url(p.name));
        if p.legacy {
            out += &format!(
                "[profile {name}]\nsso_start_url = {url}\nsso_region = {REGION}\n\
                 sso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n"
            );
        } else {
            out += &format!(
                "[profile {name}]\nsso_session = {name}\nsso_account_id = {ACCOUNT}\n\
                 sso_role_name = {ROLE}\n\
                 [sso-session {name}]\nsso_start_url = {url}\nsso_region = {REGION}\n\
                 sso_registration_scopes = sso:account:access\n"
            );
        }
    }
    out
}

/// `sso_server.py fixture`'s SPEC: `CACHE_KEY START_URL LABEL SECONDS_LEFT REFRESH
/// PORTAL` a token file, the cache key the session name, or the start URL in the
/// legacy form.
fn spec() -> String {
    let mut out = String::new();
    for p in &PROFILES {
        let Some(t) = &p.token else { continue };
        let url = start_url(p.name);
        let key = if p.legacy {
            url.clone()
        } else {
            p.name.to_owned()
        };
        out += &format!(
            "{key} {url} {} {} {} {}\n",
            t.label, t.left, t.refresh, t.portal
        );
    }
    out
}

/// Writes the token files (`sso_server.py fixture`), starts the server, then prints a
/// tagged line per resolver and scenario, and the server's counts. `ours` fingerprints
/// what `creds export` printed and keeps its stderr in `$D/TAG.err`; `file_facts`
/// says whether a token file kept the field no SDK knows, and its mode; `said`
/// whether creds' stderr says to run `creds sso login`, and whether it shows any
/// secret of the fixture. The scenarios with 3 and 10 minutes left run first.
const SCRIPT: &str = r#"umask 077
"$PY" "$SCRIPTS/sso_server.py" fixture "$D/spec" "$D/seed.json" "$D/secrets" 2>"$D/fixture.err" \
  || { echo "FATAL the token files could not be written: $(tail -n 1 "$D/fixture.err")"; exit 1; }
"$PY" "$SCRIPTS/sso_server.py" serve "$PORT" "$LOG" "$D/seed.json" 2>"$D/server.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
i=0
until "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null; do
  i=$((i + 1))
  [ $i -gt 150 ] && { echo "FATAL the SSO server did not start: $(tail -n 1 "$D/server.err")"; exit 1; }
  sleep 0.1
done
ours() {
  doc=$("$CREDS" export --profile "$2" 2>"$D/$1.err") || { echo "ERR exit-$?"; return; }
  printf '%s' "$doc" | (cd "$SCRIPTS" && "$PY" fingerprint.py)
}
boto() { "$PY" "$SCRIPTS/botocore_creds.py" "$1"; }
js() { node "$NODE_DIR/js_creds.mjs" "$1"; }
three() {
  echo "$1_CREDS $(ours "$1" "$2")"
  echo "$1_BOTO $(boto "$2")"
  echo "$1_JS $(js "$2")"
}
count() { grep -c -- "$1" "$LOG"; }
refreshes() { count "^POST /token grant=refresh_token label=$1 "; }
portal_calls() { count "^GET /federation/credentials grant=- label=$1 "; }
file_of() { printf '%s/.aws/sso/cache/%s.json' "$HOME" "$(printf '%s' "$1" | sha1sum | cut -c1-40)"; }
file_facts() {
  f=$(file_of "$1")
  [ -e "$f" ] || { echo "missing -"; return; }
  echo "$("$PY" -c 'import json, sys; print("kept" if "interopUnknownField" in json.load(open(sys.argv[1])) else "dropped")' "$f") $(stat -c %a "$f")"
}
said() {
  grep -q 'creds sso login' "$D/$1.err" && h=hint || h=no-hint
  grep -qF -f "$D/secrets" "$D/$1.err" && l=LEAK || l=clean
  echo "$h $l"
}

# Refreshed by creds, then read by botocore and the JavaScript SDK.
echo "BYCREDS_CREDS $(ours BYCREDS sso-by-creds)"
echo "BYCREDS_WRITER $(refreshes BYCREDS) $(file_facts sso-by-creds)"
echo "BYCREDS_BOTO $(boto sso-by-creds)"
echo "BYCREDS_JS $(js sso-by-creds)"
echo "BYCREDS_REFRESHES $(refreshes BYCREDS)"
# Refreshed by the JavaScript SDK, then read by creds and botocore.
echo "BYJS_JS $(js sso-by-js)"
echo "BYJS_WRITER $(refreshes BYJS) $(file_facts sso-by-js)"
echo "BYJS_CREDS $(ours BYJS sso-by-js)"
echo "BYJS_BOTO $(boto sso-by-js)"
echo "BYJS_REFRESHES $(refreshes BYJS)"
# Refreshed by botocore, then read by creds and the JavaScript SDK.
echo "BYBOTO_BOTO $(boto sso-by-botocore)"
echo "BYBOTO_WRITER $(refreshes BYBOTO) $(file_facts sso-by-botocore)"
echo "BYBOTO_CREDS $(ours BYBOTO sso-by-botocore)"
echo "BYBOTO_JS $(js sso-by-botocore)"
echo "BYBOTO_REFRESHES $(refreshes BYBOTO)"
# A refresh SSO-OIDC refuses while the token is valid: each tries, then uses it.
echo "KEPT_CREDS $(ours KEPT sso-kept)"
echo "KEPT_BY_CREDS $(refreshes KEPT) $(said KEPT)"
echo "KEPT_BOTO $(boto sso-kept)"
echo "KEPT_JS $(js sso-kept)"
echo "KEPT_ALL $(refreshes KEPT)"
# The legacy form is never refreshed, whatever the file has.
three SHORTLEGACY sso-legacy-short
echo "SHORTLEGACY_REFRESHES $(refreshes SHORTLEGACY)"
# Between the windows: creds and the JavaScript SDK use the token as it is, then
# botocore refreshes it.
echo "WINDOW_CREDS $(ours WINDOW sso-window)"
echo "WINDOW_AFTER_CREDS $(refreshes WINDOW)"
echo "WINDOW_JS $(js sso-window)"
echo "WINDOW_BOTO $(boto sso-window)"
echo "WINDOW_REFRESHES $(refreshes WINDOW)"

three VALID sso-valid
echo "VALID_REFRESHES $(refreshes VALID)"
three LEGACY sso-legacy

# `creds sso login` (SSO-OIDC answers authorization_pending twice), then all three
# with the token it wrote.
timeout 60 "$CREDS" sso login --profile sso-device --no-browser >"$D/login.out" 2>"$D/login.err"
echo "DEVICE_LOGIN $? $(count '^POST /client/register ') $(count '^POST /device_authorization ') $(count '^POST /token grant=urn:ietf:params:oauth:grant-type:device_code ')"
echo "DEVICE_FILE $("$PY" -c 'import json, sys
doc = json.load(open(sys.argv[1]))
need = ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt", "refreshToken"]
missing = [k for k in need if not doc.get(k)]
print("missing:" + ",".join(missing) if missing else "complete")' "$(file_of sso-device)" 2>/dev/null || echo unreadable)"
three DEVICE sso-device
echo "DEVICE_REFRESHES $(refreshes DEVICE)"

# Nobody can use these: expired and its refresh refused; expired in the legacy form;
# valid by the file but revoked at the portal.
echo "EXPIRED_CREDS $(ours EXPIRED sso-expired)"
echo "EXPIRED_BY_CREDS $(refreshes EXPIRED) $(portal_calls EXPIRED) $(said EXPIRED)"
echo "EXPIRED_BOTO $(boto sso-expired)"
echo "EXPIRED_JS $(js sso-expired)"
echo "EXPIRED_ALL $(refreshes EXPIRED) $(portal_calls EXPIRED)"
echo "OLDLEGACY_CREDS $(ours OLDLEGACY sso-expired-legacy)"
echo "OLDLEGACY_BY_CREDS $(refreshes OLDLEGACY) $(portal_calls OLDLEGACY) $(said OLDLEGACY)"
echo "OLDLEGACY_BOTO $(boto sso-expired-legacy)"
echo "OLDLEGACY_JS $(js sso-expired-legacy)"
echo "OLDLEGACY_ALL $(refreshes OLDLEGACY) $(portal_calls OLDLEGACY)"
echo "REVOKED_CREDS $(ours REVOKED sso-revoked)"
echo "REVOKED_BY_CREDS $(refreshes REVOKED) $(portal_calls REVOKED) $(said REVOKED)"
echo "REVOKED_BOTO $(boto sso-revoked)"
echo "REVOKED_JS $(js sso-revoked)"
echo "REVOKED_ALL $(refreshes REVOKED) $(portal_calls REVOKED)"
"#;

/// The SSO checks.
pub(super) fn checks(paths: &Paths<'_>, isolation: Isolation) -> Result<Vec<Judged>, String> {
    let work = paths.home.join("sso");
    let home = work.join("home");
    std::fs::create_dir_all(home.join(".aws")).map_err(|e| e.to_string())?;
    let config_file = work.join("config");
    std::fs::write(&config_file, config()).map_err(|e| e.to_string())?;
    std::fs::write(work.join("spec"), spec()).map_err(|e| e.to_string())?;
    let port = free_port()?;
    let server = format!("http://127.0.0.1:{port}");
    let path = |p: &Path| p.display().to_string();
    let env = base_env(
        paths.home,
        &[
            ("HOME", path(&home)),
            ("AWS_CONFIG_FILE", path(&config_file)),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                path(&paths.home.join("empty")),
            ),
            // One server for both: the paths differ.
            ("AWS_ENDPOINT_URL_SSO", server.clone()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", server),
            ("PORT", port.to_string()),
            ("LOG", path(&work.join("requests.log"))),
            ("D", path(&work)),
            ("PY", path(paths.python)),
            ("CREDS", path(paths.creds)),
            ("SCRIPTS", path(paths.scripts)),
            ("NODE_DIR", path(paths.node_dir)),
        ],
    );
    let text = script_sh(SCRIPT, &env, isolation)?;
    if let Some(fatal) = tagged(&text, "FATAL") {
        return Err(format!("the SSO checks could not run: {fatal}"));
    }
    Ok(judge_all(&text))
}

/// The words of the line `TAG ...` (none when there is no such line).
fn words<'a>(text: &'a str, tag: &str) -> Vec<&'a str> {
    tagged(text, tag).map_or_else(Vec::new, |v| v.split_whitespace().collect())
}

/// The `n`-th word of `TAG ...`, or `?`.
fn word<'a>(text: &'a str, tag: &str, n: usize) -> &'a str {
    words(text, tag).get(n).copied().unwrap_or("?")
}

/// Every check's line, from what [`SCRIPT`] printed.
fn judge_all(text: &str) -> Vec<Judged> {
    let seen =
        |tag: &str| tagged(text, tag).map_or_else(|| Seen::NoAnswer("no line".to_owned()), parse);
    let three = |tag: &str| {
        (
            seen(&format!("{tag}_CREDS")),
            seen(&format!("{tag}_BOTO")),
            seen(&format!("{tag}_JS")),
        )
    };
    let mut judged = Vec::new();

    // Refreshed by one program, then read by the other two without a refresh.
    for (tag, writer, name) in [
        (
            "BYCREDS",
            "creds",
            "an SSO token refreshed by creds (3 min left), then read by botocore and the JavaScript SDK",
        ),
        (
            "BYJS",
            "js",
            "an SSO token refreshed by the JavaScript SDK (3 min left), then read by creds and botocore",
        ),
        (
            "BYBOTO",
            "botocore",
            "an SSO token refreshed by botocore (3 min left), then read by creds and the JavaScript SDK",
        ),
    ] {
        let (ours, boto, js) = three(tag);
        let writer_calls = word(text, &format!("{tag}_WRITER"), 0);
        let field = word(text, &format!("{tag}_WRITER"), 1);
        let mode = word(text, &format!("{tag}_WRITER"), 2);
        let total = word(text, &format!("{tag}_REFRESHES"), 0);
        let mut problems = Vec::new();
        if writer_calls != "1" {
            problems.push(format!("{writer} made {writer_calls} refreshes, not 1"));
        }
        if total != writer_calls {
            problems.push(format!(
                "{total} refreshes in all: the readers did not use the token {writer} wrote"
            ));
        }
        if writer == "creds" {
            if field != "kept" {
                problems.push(format!(
                    "creds wrote the token file back without the field it does not know ({field})"
                ));
            }
            if mode != "600" {
                problems.push(format!(
                    "creds wrote the token file with mode {mode}, not 600"
                ));
            }
        }
        let facts = format!(
            "{writer_calls} refresh by {writer}, {total} in all; the unknown field {field} by {writer}"
        );
        let expect = format!("ASIA{tag}1");
        // Every reader must use the token the writer left: an SDK that refuses it is
        // not a disagreement to record but a file that tool cannot read.
        for (who, seen) in [("creds", &ours), ("botocore", &boto), ("js", &js)] {
            if !matches!(seen, Seen::Resolved { key, .. } if key.split(' ').next() == Some(expect.as_str()))
            {
                problems.push(format!(
                    "{who} did not resolve {expect} from the token {writer} wrote"
                ));
            }
        }
        judged.push(judged_with(
            name,
            &expect,
            (&ours, &boto, &js),
            &facts,
            problems,
        ));
    }

    // A refused refresh of a valid token: every program tries once, then uses the
    // token; creds warns, without the refresh token the service echoed.
    {
        let (ours, boto, js) = three("KEPT");
        let by_creds = words(text, "KEPT_BY_CREDS");
        let at = |n: usize| by_creds.get(n).copied().unwrap_or("?");
        let total = word(text, "KEPT_ALL", 0);
        let mut problems = Vec::new();
        if at(0) != "1" {
            problems.push(format!("creds tried {} refreshes, not 1", at(0)));
        }
        if at(2) != "clean" {
            problems.push("creds' warning shows a token or secret".to_owned());
        }
        judged.push(judged_with(
            "an SSO token with 3 min left whose refresh SSO-OIDC refuses (used while valid)",
            "ASIAKEPT",
            (&ours, &boto, &js),
            &format!(
                "{} refused refresh by creds, {total} in all; creds' warning {}",
                at(0),
                if at(2) == "clean" {
                    "shows no secret"
                } else {
                    "SHOWS A SECRET"
                }
            ),
            problems,
        ));
    }
    {
        let (ours, boto, js) = three("SHORTLEGACY");
        let refreshes = word(text, "SHORTLEGACY_REFRESHES", 0);
        let mut problems = Vec::new();
        if refreshes != "0" {
            problems.push(format!("{refreshes} refreshes of a legacy-form token"));
        }
        judged.push(judged_with(
            "an SSO token in the legacy form with 3 min left and a refresh token (never refreshed)",
            "ASIASHORTLEGACY",
            (&ours, &boto, &js),
            &format!("{refreshes} refreshes"),
            problems,
        ));
    }

    // Between the windows: botocore alone refreshes (documented; creds follows the
    // JavaScript SDK), so its credentials are another token's.
    {
        let (ours, boto, js) = three("WINDOW");
        let by_creds = word(text, "WINDOW_AFTER_CREDS", 0);
        let total = word(text, "WINDOW_REFRESHES", 0);
        let mut problems = Vec::new();
        if by_creds != "0" {
            problems.push(format!(
                "creds refreshed a token with 10 minutes left ({by_creds} refreshes)"
            ));
        }
        judged.push(judged_with(
            "an SSO token with 10 min left, between the refresh windows (creds and the JavaScript SDK 5 min, botocore 15)",
            "ASIAWINDOW",
            (&ours, &boto, &js),
            &format!("{by_creds} refresh by creds, {total} in all"),
            problems,
        ));
    }

    for (tag, name, expect) in [
        (
            "VALID",
            "an SSO profile in the session form, its token valid for 2 hours",
            "ASIAVALID",
        ),
        (
            "LEGACY",
            "an SSO profile in the legacy form (sso_start_url in the profile)",
            "ASIALEGACY",
        ),
    ] {
        let (ours, boto, js) = three(tag);
        let mut problems = Vec::new();
        if tag == "VALID" {
            let refreshes = word(text, "VALID_REFRESHES", 0);
            if refreshes != "0" {
                problems.push(format!(
                    "{refreshes} refreshes of a token with 2 hours left"
                ));
            }
        }
        judged.push(judged_with(name, expect, (&ours, &boto, &js), "", problems));
    }

    // `creds sso login`, then all three with its token.
    {
        let (ours, boto, js) = three("DEVICE");
        let login = words(text, "DEVICE_LOGIN");
        let at = |n: usize| login.get(n).copied().unwrap_or("?");
        let file = word(text, "DEVICE_FILE", 0);
        let refreshes = word(text, "DEVICE_REFRESHES", 0);
        let mut problems = Vec::new();
        if at(0) != "0" {
            problems.push(format!("`creds sso login` exited with {}", at(0)));
        }
        if (at(1), at(2), at(3)) != ("1", "1", "3") {
            problems.push(format!(
                "{} registrations, {} device authorizations, {} polls (want 1, 1, 3: two authorization_pending, then the token)",
                at(1),
                at(2),
                at(3)
            ));
        }
        if file != "complete" {
            problems.push(format!("the token file creds wrote is {file}"));
        }
        if refreshes != "0" {
            problems.push(format!("{refreshes} refreshes of the new token"));
        }
        judged.push(judged_with(
            "`creds sso login --no-browser` (device code), then botocore and the JavaScript SDK with its token",
            "ASIADEVICE1",
            (&ours, &boto, &js),
            &format!(
                "login exit {}, {} registration, {} authorization, {} polls",
                at(0),
                at(1),
                at(2),
                at(3)
            ),
            problems,
        ));
    }

    // Nobody can use these; creds says what to run.
    for (tag, name, creds_calls) in [
        (
            "EXPIRED",
            "an expired SSO token whose refresh SSO-OIDC refuses",
            ("1", "0"),
        ),
        (
            "OLDLEGACY",
            "an expired SSO token in the legacy form (never refreshed)",
            ("0", "0"),
        ),
        (
            "REVOKED",
            "an SSO token the portal refuses (401 UnauthorizedException)",
            ("0", "1"),
        ),
    ] {
        let (ours, boto, js) = three(tag);
        let by_creds = words(text, &format!("{tag}_BY_CREDS"));
        let at = |n: usize| by_creds.get(n).copied().unwrap_or("?");
        let all = words(text, &format!("{tag}_ALL"));
        let all_at = |n: usize| all.get(n).copied().unwrap_or("?");
        let mut problems = Vec::new();
        if (at(0), at(1)) != creds_calls {
            problems.push(format!(
                "creds made {} refreshes and {} portal calls, not {} and {}",
                at(0),
                at(1),
                creds_calls.0,
                creds_calls.1
            ));
        }
        if at(2) != "hint" {
            problems.push("creds' error does not say to run `creds sso login`".to_owned());
        }
        if at(3) != "clean" {
            problems.push("creds' error shows a token or secret of the token file".to_owned());
        }
        if tag != "REVOKED" && all_at(1) != "0" {
            problems.push(format!("{} portal calls with an expired token", all_at(1)));
        }
        let facts = format!(
            "{} refreshes and {} portal calls by creds, {} and {} in all; creds' error {} `creds sso login`",
            at(0),
            at(1),
            all_at(0),
            all_at(1),
            if at(2) == "hint" {
                "says"
            } else {
                "does NOT say"
            }
        );
        judged.push(judge_refused(name, (&ours, &boto, &js), &facts, problems));
    }
    judged
}

/// [`judge`]'s verdict on the three answers, with `facts` in the name and failed for
/// `problems`, and for an account that is not [`ACCOUNT`] (creds must report it; an
/// SDK where it reports one: botocore sets `sso_account_id`, the JavaScript SDK only
/// what the portal returns, which is none).
fn judged_with(
    name: &str,
    expect: &str,
    (ours, boto, js): (&Seen, &Seen, &Seen),
    facts: &str,
    mut problems: Vec<String>,
) -> Judged {
    let name = if facts.is_empty() {
        name.to_owned()
    } else {
        format!("{name} [{facts}]")
    };
    for (who, seen) in [("creds", ours), ("botocore", boto), ("js", js)] {
        if let Seen::Resolved { account, .. } = seen {
            if (who == "creds" || account != "-") && account != ACCOUNT {
                problems.push(format!("{who}'s account is {account}, not {ACCOUNT}"));
            }
        }
    }
    let rule = Rule {
        name: &name,
        expect,
        expiration: true,
    };
    let (line, ok, recorded) = judge(&rule, ours, boto, js);
    if problems.is_empty() {
        return (line, ok, recorded);
    }
    let start = answers_line(&name, ours, boto, js);
    let verdict = line.strip_prefix(start.as_str()).unwrap_or_default();
    let mut why: Vec<String> = verdict
        .strip_prefix(": FAILED (")
        .and_then(|v| v.strip_suffix(')'))
        .map(str::to_owned)
        .into_iter()
        .collect();
    why.extend(problems);
    (format!("{start}: FAILED ({})", why.join("; ")), false, None)
}

/// Every resolver refused (an error of its own: no credentials, no crash), and no
/// `problems`.
fn judge_refused(
    name: &str,
    (ours, boto, js): (&Seen, &Seen, &Seen),
    facts: &str,
    mut problems: Vec<String>,
) -> Judged {
    let name = format!("{name} [{facts}]");
    for (who, seen) in [("creds", ours), ("botocore", boto), ("js", js)] {
        match seen {
            Seen::Refused(_) => {}
            Seen::Resolved { key, .. } => problems.insert(0, format!("{who} resolved {key}")),
            Seen::NoAnswer(_) => problems.insert(0, format!("{who} gave no answer")),
        }
    }
    let start = answers_line(&name, ours, boto, js);
    if problems.is_empty() {
        (format!("{start}: ok (each refused)"), true, None)
    } else {
        (
            format!("{start}: FAILED ({})", problems.join("; ")),
            false,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(key: &str, account: &str) -> Seen {
        Seen::Resolved {
            key: format!("{key} 0123456789ab"),
            expiration: "2030-01-01T00:00:00Z".to_owned(),
            account: account.to_owned(),
        }
    }

    #[test]
    fn every_token_file_is_named_as_the_sdks_look_for_it() {
        let spec = spec();
        assert!(
            spec.contains("sso-valid https://sso-valid.awsapps.com/start VALID 7200 yes known\n")
        );
        // The legacy form's file is under the start URL.
        assert!(spec.contains(
            "https://sso-legacy.awsapps.com/start https://sso-legacy.awsapps.com/start LEGACY "
        ));
        assert!(!spec.contains("sso-device"), "the login writes that one");
        let config = config();
        assert!(config.contains("[profile sso-by-creds]\nsso_session = sso-by-creds\n"));
        assert!(config.contains("[sso-session sso-by-creds]\nsso_start_url = "));
        assert!(!config.contains("[sso-session sso-legacy]"));
    }

    #[test]
    fn accounts_must_match_where_reported() {
        let creds = resolved("ASIAVALID", ACCOUNT);
        let js = resolved("ASIAVALID", "-");
        let (line, ok, _) = judged_with("c", "ASIAVALID", (&creds, &creds, &js), "", vec![]);
        assert!(ok, "{line}");
        let other = resolved("ASIAVALID", "999999999999");
        let (line, ok, _) = judged_with("c", "ASIAVALID", (&creds, &other, &js), "", vec![]);
        assert!(
            !ok && line.contains("botocore's account is 999999999999"),
            "{line}"
        );
        let (line, ok, _) = judged_with("c", "ASIAVALID", (&js, &creds, &js), "", vec![]);
        assert!(!ok && line.contains("creds's account is -"), "{line}");
    }

    #[test]
    fn problems_fail_an_agreement() {
        let a = resolved("ASIABYCREDS1", ACCOUNT);
        let (line, ok, _) = judged_with(
            "c",
            "ASIABYCREDS1",
            (&a, &a, &a),
            "1 refresh",
            vec!["2 refreshes in all".to_owned()],
        );
        assert!(!ok, "{line}");
        assert!(line.starts_with("interop: c [1 refresh]: creds "), "{line}");
        assert!(line.ends_with(": FAILED (2 refreshes in all)"), "{line}");
    }

    #[test]
    fn the_window_difference_is_recorded() {
        let old = resolved("ASIAWINDOW", ACCOUNT);
        let new = resolved("ASIAWINDOW1", ACCOUNT);
        let (line, ok, recorded) = judged_with("w", "ASIAWINDOW", (&old, &new, &old), "", vec![]);
        assert!(ok && line.ends_with("ok (SDKs disagree)"), "{line}");
        assert!(
            recorded
                .unwrap()
                .contains("creds follows the JavaScript SDK")
        );
    }

    #[test]
    fn refusals_must_come_from_all_three() {
        let no = Seen::Refused("exit-5".to_owned());
        let (line, ok, _) = judge_refused("e", (&no, &no, &no), "f", vec![]);
        assert!(ok && line.ends_with(": ok (each refused)"), "{line}");
        let yes = resolved("ASIAEXPIRED", ACCOUNT);
        let (line, ok, _) = judge_refused("e", (&no, &yes, &no), "f", vec![]);
        assert!(
            !ok && line.contains("botocore resolved ASIAEXPIRED"),
            "{line}"
        );
        let (_, ok, _) = judge_refused("e", (&no, &no, &no), "f", vec!["no hint".to_owned()]);
        assert!(!ok);
    }
}
