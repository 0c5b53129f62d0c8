//! Cognito identity pools against `moto_server`'s Cognito Identity, resolved by
//! creds-cognito (its `cognito_pool` example) and by the JavaScript SDK's
//! `fromCognitoIdentityPool` and `fromCognitoIdentity` (`xtask/interop/js_cognito.mjs`),
//! all in one loopback-only namespace shell with moto ([`SCRIPT`]), the endpoint in
//! `AWS_ENDPOINT_URL_COGNITO_IDENTITY`. botocore has no Cognito credential provider:
//! these checks have two resolvers, not three. boto3 only sets them up: it creates the
//! pools (`CreateIdentityPool`, unauthenticated identities allowed, us-east-1) and
//! lists their identities (`ListIdentities`), which is moto's record of every `GetId`:
//! each call adds one identity to its pool. Each scenario has a pool of its own, so a
//! pool's identities count the `GetId` calls of that scenario.
//!
//! moto 5.2.5 answers every `GetCredentialsForIdentity` with the same made-up
//! credentials and an expiration 90 s after the call, whatever the identity: creds and
//! the JavaScript SDK must agree on the key and the fingerprint (the JavaScript peer
//! refuses credentials without a session token, so creds' equal fingerprint has one
//! too), and each expiration must fall after the call and within a day of it (a reply's
//! seconds read as milliseconds would not), not be the same. Identity ids must be
//! `us-east-1:<guid>`, and one of the pool's.

use std::path::Path;

use super::{Isolation, Judged, Paths, Seen, base_env, free_port, parse, script_sh, tagged};

/// The region of every pool here (the one moto gives the pool ids).
const REGION: &str = "us-east-1";
/// The latest an expiration may be, in seconds after the call (Cognito's credentials
/// last an hour, moto's 90 s).
const MAX_LIFE: i64 = 24 * 3600;
/// The pool id without a region of the error check.
const BAD_POOL: &str = "not-a-pool";

/// Starts moto, creates three pools (`A`: creds and the JavaScript SDK each get an
/// identity, then the JavaScript SDK the credentials of creds'; `S`: creds with a
/// `COGNITO_STORE` twice, then the JavaScript SDK with the same file; `T`: the
/// JavaScript SDK with a file of its own, then creds with it), then the pool id
/// without a region. Every answer is `TAG <seconds since the epoch before the call>
/// <what the resolver printed>`; `IDS_* <count> <ids...>` are a pool's identities;
/// `BAD_REQUESTS` counts the requests moto logged during each bad-pool call (werkzeug
/// colours the line of a failed request, so the match is inside the line). The umask
/// is 022, so that the store file's mode is creds' own doing.
const SCRIPT: &str = r#"umask 022
"$MOTO" -H 127.0.0.1 -p "$PORT" >"$D/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; wait $moto 2>/dev/null' EXIT
i=0
until "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 150 ] && { echo "FATAL moto did not start"; exit 1; }; sleep 0.1
done
moto_py='import os, sys
import boto3
client = boto3.client("cognito-identity", region_name=os.environ["REGION"],
    endpoint_url=os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY"],
    aws_access_key_id="interop", aws_secret_access_key="interop")
if sys.argv[1] == "create":
    print(client.create_identity_pool(IdentityPoolName=sys.argv[2], AllowUnauthenticatedIdentities=True)["IdentityPoolId"])
else:
    ids = [i["IdentityId"] for i in client.list_identities(IdentityPoolId=sys.argv[2], MaxResults=60)["Identities"]]
    print(len(ids), *ids)'
create() {
  "$PY" -c "$moto_py" create "$1" 2>>"$D/boto.err" \
    || { echo "FATAL boto3 could not create an identity pool in moto: $(tail -n 1 "$D/boto.err")"; exit 1; }
}
POOL_A=$(create interop-a) || exit 1
POOL_S=$(create interop-store) || exit 1
POOL_T=$(create interop-js-store) || exit 1
echo "POOL_A $POOL_A"
echo "POOL_S $POOL_S"
echo "POOL_T $POOL_T"
ids() { "$PY" -c "$moto_py" list "$1" 2>>"$D/boto.err"; }
ours() {
  if [ -n "$2" ]; then
    COGNITO_POOL_ID="$1" COGNITO_STORE="$2" "$POOL_BIN" 2>>"$D/creds.err"
  else
    COGNITO_POOL_ID="$1" "$POOL_BIN" 2>>"$D/creds.err"
  fi
}
js() { node "$NODE_DIR/js_cognito.mjs" "$@" 2>>"$D/js.err"; }
at() { t=$(date +%s); echo "$t $("$@" | tail -n 1)"; }
keys() { "$PY" -c 'import json, sys; print(*json.load(open(sys.argv[1])))' "$1" 2>/dev/null || echo unreadable; }
posts() { grep -c 'POST / HTTP/' "$D/moto.log"; }

# A: an identity each, then the JavaScript SDK with creds' identity.
t=$(date +%s); out=$(ours "$POOL_A" | tail -n 1)
echo "POOL_CREDS $t $out"
echo "POOL_JS $(at js pool "$POOL_A")"
id=$(printf '%s\n' "$out" | awk '$1 == "OK" { print $6 }')
echo "KNOWN_JS $(at js identity "${id:-none}")"
echo "IDS_A $(ids "$POOL_A")"

# S: creds' store across two runs, then the JavaScript SDK with the same file.
S="$D/store.json"
echo "STORE_FIRST $(at ours "$POOL_S" "$S")"
echo "STORE_SECOND $(at ours "$POOL_S" "$S")"
echo "STORE_MODE $(stat -c %a "$S" 2>/dev/null || echo missing)"
echo "STORE_KEYS $(keys "$S")"
echo "IDS_S1 $(ids "$POOL_S")"
echo "STORE_JS $(at js pool "$POOL_S" "$S")"
echo "IDS_S2 $(ids "$POOL_S")"

# T: the JavaScript SDK's store first, then creds with it.
T="$D/js-store.json"
echo "JSSTORE_JS $(at js pool "$POOL_T" "$T")"
echo "JSSTORE_KEYS $(keys "$T")"
echo "JSSTORE_CREDS $(at ours "$POOL_T" "$T")"
echo "IDS_T $(ids "$POOL_T")"

# A pool id without a region.
t=$(date +%s); b0=$(posts); c=$(ours "$BAD_POOL" | tail -n 1); sleep 0.3
b1=$(posts); j=$(js pool "$BAD_POOL" | tail -n 1); sleep 0.3
b2=$(posts)
echo "BAD_CREDS $t $c"
echo "BAD_JS $t $j"
echo "BAD_REQUESTS $((b1 - b0)) $((b2 - b1))"
"#;

/// The Cognito checks.
pub(super) fn checks(paths: &Paths<'_>, isolation: Isolation) -> Result<Vec<Judged>, String> {
    let work = paths.home.join("cognito");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let empty = paths.home.join("empty");
    let port = free_port()?;
    let path = |p: &Path| p.display().to_string();
    let env = base_env(
        paths.home,
        &[
            ("HOME", path(&work)),
            ("AWS_CONFIG_FILE", path(&empty)),
            ("AWS_SHARED_CREDENTIALS_FILE", path(&empty)),
            (
                "AWS_ENDPOINT_URL_COGNITO_IDENTITY",
                format!("http://127.0.0.1:{port}"),
            ),
            ("AWS_REGION", REGION.to_owned()),
            ("REGION", REGION.to_owned()),
            ("BAD_POOL", BAD_POOL.to_owned()),
            ("PORT", port.to_string()),
            ("D", path(&work)),
            ("MOTO", path(&paths.python.with_file_name("moto_server"))),
            ("PY", path(paths.python)),
            ("POOL_BIN", path(paths.cognito_pool)),
            ("NODE_DIR", path(paths.node_dir)),
        ],
    );
    let text = script_sh(SCRIPT, &env, isolation)?;
    if let Some(fatal) = tagged(&text, "FATAL") {
        return Err(format!("the Cognito checks could not run: {fatal}"));
    }
    Ok(judge_all(&text))
}

/// Every check's line, from what [`SCRIPT`] printed.
fn judge_all(text: &str) -> Vec<Judged> {
    let answer = |tag: &str| Answer::of(text, tag);
    let raw = |tag: &str| tagged(text, tag).unwrap_or("").trim().to_owned();
    let pool = |tag: &str| Identities::of(text, tag);
    let key = |tag: &str| format!("aws:cognito-identity-credentials:{}:ANONYMOUS", raw(tag));
    vec![
        judge_pool(&answer("POOL_CREDS"), &answer("POOL_JS"), &pool("IDS_A")),
        judge_known(&answer("POOL_CREDS"), &answer("KNOWN_JS"), &pool("IDS_A")),
        judge_store(
            (&answer("STORE_FIRST"), &answer("STORE_SECOND")),
            &raw("STORE_MODE"),
            (&raw("STORE_KEYS"), &key("POOL_S")),
            &pool("IDS_S1"),
        ),
        judge_shared(
            (&answer("STORE_FIRST"), &answer("STORE_JS"), &pool("IDS_S2")),
            (&answer("JSSTORE_JS"), &raw("JSSTORE_KEYS"), &key("POOL_T")),
            (&answer("JSSTORE_CREDS"), &pool("IDS_T")),
        ),
        judge_bad(
            &answer("BAD_CREDS"),
            &answer("BAD_JS"),
            &raw("BAD_REQUESTS"),
        ),
    ]
}

/// A resolver's answer, from the line `TAG <seconds since the epoch before the call>
/// <what it printed>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Answer {
    /// Its credentials (`key` is the access key id and the fingerprint's start), its
    /// refusal (the first word) or no answer.
    seen: Seen,
    /// The identity id its `OK` line ends with.
    identity: Option<String>,
    /// All of what follows `ERR`: creds prints an `ErrorKind` of two words.
    error: Option<String>,
    /// When the call was made, in seconds since the epoch.
    before: Option<i64>,
}

impl Answer {
    fn of(text: &str, tag: &str) -> Answer {
        let Some(value) = tagged(text, tag) else {
            return Answer {
                seen: Seen::NoAnswer("no line".to_owned()),
                identity: None,
                error: None,
                before: None,
            };
        };
        let (before, output) = value.split_once(' ').unwrap_or((value, ""));
        let seen = parse(output);
        let output = output.trim();
        let identity = match seen {
            Seen::Resolved { .. } => output.split_whitespace().nth(5).map(str::to_owned),
            _ => None,
        };
        Answer {
            seen,
            identity,
            error: output.strip_prefix("ERR ").map(str::to_owned),
            before: before.parse().ok(),
        }
    }

    fn show(&self) -> String {
        match (&self.seen, &self.identity, &self.error) {
            (Seen::Resolved { .. }, Some(id), _) => format!("{} {id}", self.seen.show()),
            (Seen::Refused(_), _, Some(error)) => format!("error ({error})"),
            (seen, ..) => seen.show(),
        }
    }

    /// The identity id, or `-`.
    fn id(&self) -> &str {
        self.identity.as_deref().unwrap_or("-")
    }

    /// Whether both resolved the same credentials (key and fingerprint).
    fn same_credentials(&self, other: &Answer) -> bool {
        match (&self.seen, &other.seen) {
            (Seen::Resolved { key: a, .. }, Seen::Resolved { key: b, .. }) => a == b,
            _ => false,
        }
    }

    /// What is wrong with it as credentials of an identity of `pool`: it resolved, its
    /// expiration falls after the call and within [`MAX_LIFE`] of it, its identity id
    /// is `us-east-1:<guid>` and one of the pool's. Each problem names `who`.
    fn problems(&self, who: &str, pool: &Identities) -> Vec<String> {
        let Seen::Resolved {
            key, expiration, ..
        } = &self.seen
        else {
            return vec![format!("{who}: {}", self.show())];
        };
        let mut problems = Vec::new();
        if key.split(' ').next().is_none_or(str::is_empty) {
            problems.push(format!("{who} gave no access key id"));
        }
        match (epoch_seconds(expiration), self.before) {
            (Some(at), Some(before)) if at > before && at <= before + MAX_LIFE => {}
            (Some(_), Some(_)) => problems.push(format!(
                "{who}'s expiration {expiration} is not in the day after the call"
            )),
            (None, _) => problems.push(format!("{who} has no expiration ({expiration})")),
            (_, None) => problems.push(format!("no time of {who}'s call")),
        }
        match &self.identity {
            Some(id) if !is_identity_id(id) => {
                problems.push(format!("{who}'s identity id {id} is not {REGION}:<guid>"));
            }
            Some(id) if !pool.ids.contains(id) => {
                problems.push(format!("{who}'s identity {id} is not one of the pool's"));
            }
            Some(_) => {}
            None => problems.push(format!("{who} printed no identity id")),
        }
        problems
    }
}

/// A pool's identities, as moto lists them (`IDS_* <count> <ids...>`): one for each
/// `GetId` for the pool.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Identities {
    ids: Vec<String>,
    /// Whether the line was there and its count matched its ids.
    listed: bool,
}

impl Identities {
    fn of(text: &str, tag: &str) -> Identities {
        let mut words = tagged(text, tag).unwrap_or("").split_whitespace();
        let count = words.next().and_then(|c| c.parse::<usize>().ok());
        let ids: Vec<String> = words.map(str::to_owned).collect();
        Identities {
            listed: count == Some(ids.len()),
            ids,
        }
    }

    /// `N GetId` (or `? GetId` when moto did not list them).
    fn show(&self) -> String {
        if self.listed {
            format!("{} GetId", self.ids.len())
        } else {
            "? GetId".to_owned()
        }
    }

    /// A problem unless moto listed exactly `want` identities.
    fn expect(&self, want: usize, what: &str) -> Option<String> {
        if !self.listed {
            Some(format!("moto did not list the identities of {what}"))
        } else if self.ids.len() != want {
            Some(format!(
                "{} GetId calls for {what}, not {want}",
                self.ids.len()
            ))
        } else {
            None
        }
    }
}

/// `Region:GUID`, the region [`REGION`], the GUID 8-4-4-4-12 lowercase hex digits.
fn is_identity_id(id: &str) -> bool {
    let Some(guid) = id.strip_prefix(REGION).and_then(|r| r.strip_prefix(':')) else {
        return false;
    };
    let groups: Vec<&str> = guid.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| {
            g.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// `YYYY-MM-DDTHH:MM:SSZ` in seconds since the epoch.
fn epoch_seconds(at: &str) -> Option<i64> {
    let b = at.as_bytes();
    let shape = b.len() == 20
        && [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'Z'),
        ]
        .iter()
        .all(|&(i, c)| b[i] == c);
    if !shape {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let digits = at.get(from..to)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mm, ss) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days since 1970-01-01 of the civil date (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// The line `interop: NAME [FACTS]: ANSWERS: ok`, or `FAILED (problems)`.
fn verdict(name: &str, facts: &str, answers: &str, problems: &[String]) -> Judged {
    let line = format!("interop: {name} [{facts}]: {answers}");
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

/// creds and `fromCognitoIdentityPool` each get an identity of the pool (one `GetId`
/// each) and its credentials.
fn judge_pool(ours: &Answer, js: &Answer, pool: &Identities) -> Judged {
    let mut problems = ours.problems("creds", pool);
    problems.extend(js.problems("js", pool));
    if problems.is_empty() {
        if !ours.same_credentials(js) {
            problems.push("creds and js differ on moto's credentials".to_owned());
        }
        if ours.identity == js.identity {
            problems.push("creds and js got the same identity from two GetId calls".to_owned());
        }
    }
    problems.extend(pool.expect(2, "the pool (one each)"));
    verdict(
        "an identity pool through moto's Cognito Identity (GetId, GetCredentialsForIdentity; JS fromCognitoIdentityPool)",
        &pool.show(),
        &format!("creds {} | js {}", ours.show(), js.show()),
        &problems,
    )
}

/// `fromCognitoIdentity` with the identity id creds got: the same identity's
/// credentials, and no `GetId`.
fn judge_known(ours: &Answer, js: &Answer, pool: &Identities) -> Judged {
    let mut problems = js.problems("js", pool);
    if problems.is_empty() {
        if js.identity != ours.identity {
            problems.push(format!(
                "js's identity {} is not creds' {}",
                js.id(),
                ours.id()
            ));
        }
        if !ours.same_credentials(js) {
            problems.push("creds and js differ on moto's credentials".to_owned());
        }
    }
    problems.extend(pool.expect(2, "the pool (none by fromCognitoIdentity)"));
    verdict(
        "the identity creds got, through the JavaScript SDK's fromCognitoIdentity",
        &format!("creds' identity {}; {} in all", ours.id(), pool.show()),
        &format!("js {}", js.show()),
        &problems,
    )
}

/// creds with `COGNITO_STORE` twice: one `GetId`, the second run the first one's
/// identity, the file 0600 and keyed as the JavaScript SDK keys it.
fn judge_store(
    (first, second): (&Answer, &Answer),
    mode: &str,
    (keys, want_key): (&str, &str),
    pool: &Identities,
) -> Judged {
    let mut problems = first.problems("creds' first run", pool);
    problems.extend(second.problems("creds' second run", pool));
    if problems.is_empty() && first.identity != second.identity {
        problems.push(format!(
            "the second run's identity {} is not the first's {}",
            second.id(),
            first.id()
        ));
    }
    problems.extend(pool.expect(1, "the pool over two runs"));
    if mode != "600" {
        problems.push(format!("the store file's mode is {mode}, not 600"));
    }
    if keys != want_key {
        problems.push(format!(
            "the store file's keys are {keys:?}, not {want_key}"
        ));
    }
    verdict(
        "creds' FileStore (COGNITO_STORE) over two runs: the identity id kept",
        &format!(
            "{} over two runs; file mode {mode}, keyed {}",
            pool.show(),
            if keys == want_key {
                "as the JavaScript SDK keys it"
            } else {
                "OTHERWISE"
            }
        ),
        &format!("creds {} then {}", first.show(), second.show()),
        &problems,
    )
}

/// The store file shared: the JavaScript SDK (a `cache` over the file) uses the
/// identity creds kept, and creds the one the JavaScript SDK kept; neither calls
/// `GetId` for an identity the file holds.
fn judge_shared(
    (creds_wrote, js_reads, pool_s): (&Answer, &Answer, &Identities),
    (js_wrote, js_keys, want_key): (&Answer, &str, &str),
    (creds_reads, pool_t): (&Answer, &Identities),
) -> Judged {
    let mut problems = js_reads.problems("js reading creds' file", pool_s);
    if problems.is_empty() && js_reads.identity != creds_wrote.identity {
        problems.push(format!(
            "js used the identity {}, not creds' {}",
            js_reads.id(),
            creds_wrote.id()
        ));
    }
    problems.extend(pool_s.expect(1, "creds' pool after js read its file"));
    let reverse = js_wrote
        .problems("js writing its file", pool_t)
        .into_iter()
        .chain(creds_reads.problems("creds reading js's file", pool_t));
    problems.extend(reverse);
    if js_keys != want_key {
        problems.push(format!(
            "js's file has the keys {js_keys:?}, not {want_key}"
        ));
    }
    if let (Some(wrote), Some(read)) = (&js_wrote.identity, &creds_reads.identity) {
        if wrote != read {
            problems.push(format!("creds used the identity {read}, not js's {wrote}"));
        }
    }
    problems.extend(pool_t.expect(1, "js's pool after creds read its file"));
    verdict(
        "the identity id file shared with the JavaScript SDK (its cache option), both ways",
        &format!(
            "creds' file: {} in all, js's file: {} in all",
            pool_s.show(),
            pool_t.show()
        ),
        &format!(
            "js reads creds' {} | creds reads js's {}",
            js_reads.show(),
            creds_reads.show()
        ),
        &problems,
    )
}

/// A pool id without a region: creds refuses it as invalid configuration before any
/// request; the JavaScript SDK refuses it too, after sending the `GetId` (moto fails
/// it with a 500 of its own, a `KeyError` page the SDK cannot parse: `SyntaxError`).
fn judge_bad(ours: &Answer, js: &Answer, requests: &str) -> Judged {
    let mut counts = requests.split_whitespace();
    let (by_creds, by_js) = (counts.next().unwrap_or("?"), counts.next().unwrap_or("?"));
    let mut problems = Vec::new();
    if ours.error.as_deref() != Some("invalid configuration") {
        problems.push(format!(
            "creds must refuse it as invalid configuration ({})",
            ours.show()
        ));
    }
    if by_creds != "0" {
        problems.push(format!("creds made {by_creds} requests, not 0"));
    }
    if !matches!(js.seen, Seen::Refused(_)) {
        problems.push(format!("js must refuse it ({})", js.show()));
    }
    let (line, ok, recorded) = verdict(
        &format!("a pool id without a region ({BAD_POOL})"),
        &format!("requests: {by_creds} by creds, {by_js} by js"),
        &format!("creds {} | js {}", ours.show(), js.show()),
        &problems,
    );
    let line = if ok {
        format!("{line} (each refused)")
    } else {
        line
    };
    (line, ok, recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUID_1: &str = "us-east-1:4d97f25b-0a0e-4036-bb3d-12cba52391d7";
    const GUID_2: &str = "us-east-1:5ae565b5-435c-430f-a77e-f8f16a0a87e7";
    const FP: &str = "356a0df981b9f5d7f7dd7d6a068877fa62bfbca164cda62fadb7d3d298cc4424";
    /// 2026-12-07T01:34:08Z.
    const AT: i64 = 1_796_607_248;

    fn line(tag: &str, before: i64, output: &str) -> String {
        format!("{tag} {before} {output}\n")
    }

    fn ok(id: &str) -> String {
        format!("OK TESTACCESSKEY12345 {FP} 2026-12-07T01:34:08Z - {id}")
    }

    fn pool(ids: &[&str]) -> Identities {
        Identities::of(&format!("IDS {} {}", ids.len(), ids.join(" ")), "IDS")
    }

    #[test]
    fn expirations_are_read_as_utc_seconds() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(epoch_seconds("2024-02-29T23:59:59Z"), Some(1_709_251_199));
        assert_eq!(epoch_seconds("2026-12-07T01:34:08Z"), Some(AT));
        for bad in [
            "-",
            "2026-12-07T01:34:08",
            "2026-12-07 01:34:08Z",
            "2026-13-07T01:34:08Z",
            "+026-12-07T01:34:08Z",
        ] {
            assert_eq!(epoch_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn identity_ids_are_region_and_guid() {
        assert!(is_identity_id(GUID_1));
        assert!(!is_identity_id(
            "us-west-2:4d97f25b-0a0e-4036-bb3d-12cba52391d7"
        ));
        assert!(!is_identity_id(
            "us-east-1:4d97f25b0a0e4036bb3d12cba52391d7"
        ));
        assert!(!is_identity_id(
            "us-east-1:4D97F25B-0A0E-4036-BB3D-12CBA52391D7"
        ));
        assert!(!is_identity_id("none"));
    }

    #[test]
    fn answers_keep_the_identity_and_the_whole_error() {
        let a = Answer::of(&line("T", AT - 90, &ok(GUID_1)), "T");
        assert_eq!(a.identity.as_deref(), Some(GUID_1));
        assert_eq!(a.before, Some(AT - 90));
        assert!(a.problems("creds", &pool(&[GUID_1])).is_empty());
        let e = Answer::of(&line("T", AT, "ERR invalid configuration"), "T");
        assert_eq!(e.error.as_deref(), Some("invalid configuration"));
        assert_eq!(e.show(), "error (invalid configuration)");
        assert!(matches!(Answer::of("", "T").seen, Seen::NoAnswer(_)));
    }

    #[test]
    fn an_expiration_must_follow_the_call_within_a_day() {
        let ids = pool(&[GUID_1]);
        let past = Answer::of(&line("T", AT + 1, &ok(GUID_1)), "T");
        assert!(past.problems("creds", &ids)[0].contains("not in the day after"));
        let far = Answer::of(&line("T", AT - MAX_LIFE - 1, &ok(GUID_1)), "T");
        assert!(!far.problems("creds", &ids).is_empty());
        let none = Answer::of(&line("T", AT - 90, &format!("OK K {FP} - - {GUID_1}")), "T");
        assert!(none.problems("creds", &ids)[0].contains("no expiration"));
    }

    #[test]
    fn the_pool_check_wants_two_identities_and_equal_credentials() {
        let ours = Answer::of(&line("T", AT - 90, &ok(GUID_1)), "T");
        let js = Answer::of(&line("T", AT - 89, &ok(GUID_2)), "T");
        let (l, ok_, _) = judge_pool(&ours, &js, &pool(&[GUID_1, GUID_2]));
        assert!(ok_ && l.ends_with(": ok"), "{l}");
        let (l, ok_, _) = judge_pool(&ours, &js, &pool(&[GUID_1, GUID_2, GUID_1]));
        assert!(!ok_ && l.contains("3 GetId calls"), "{l}");
        let (l, ok_, _) = judge_pool(&ours, &ours, &pool(&[GUID_1, GUID_2]));
        assert!(!ok_ && l.contains("the same identity"), "{l}");
        let other = Answer::of(
            &line("T", AT - 89, &ok(GUID_2).replace(FP, &"0".repeat(64))),
            "T",
        );
        let (l, ok_, _) = judge_pool(&ours, &other, &pool(&[GUID_1, GUID_2]));
        assert!(!ok_ && l.contains("differ on moto's credentials"), "{l}");
    }

    #[test]
    fn the_store_must_keep_the_id_under_the_javascript_key() {
        let key = "aws:cognito-identity-credentials:us-east-1:p:ANONYMOUS";
        let first = Answer::of(&line("T", AT - 90, &ok(GUID_1)), "T");
        let (l, ok_, _) = judge_store((&first, &first), "600", (key, key), &pool(&[GUID_1]));
        assert!(ok_, "{l}");
        let (l, ok_, _) = judge_store((&first, &first), "644", ("other", key), &pool(&[GUID_1]));
        assert!(
            !ok_ && l.contains("mode is 644") && l.contains("keys are"),
            "{l}"
        );
        let second = Answer::of(&line("T", AT - 90, &ok(GUID_2)), "T");
        let (l, ok_, _) = judge_store(
            (&first, &second),
            "600",
            (key, key),
            &pool(&[GUID_1, GUID_2]),
        );
        assert!(!ok_ && l.contains("not the first's"), "{l}");
    }

    #[test]
    fn the_bad_pool_must_be_refused_by_both_and_creds_must_not_call() {
        let ours = Answer::of(&line("T", AT, "ERR invalid configuration"), "T");
        let js = Answer::of(&line("T", AT, "ERR SyntaxError"), "T");
        let (l, ok_, _) = judge_bad(&ours, &js, "0 1");
        assert!(ok_ && l.ends_with(": ok (each refused)"), "{l}");
        let (l, ok_, _) = judge_bad(&ours, &js, "1 1");
        assert!(!ok_ && l.contains("creds made 1 requests"), "{l}");
        let unavailable = Answer::of(&line("T", AT, "ERR unavailable"), "T");
        assert!(!judge_bad(&unavailable, &js, "0 1").1);
        let resolved = Answer::of(&line("T", AT - 90, &ok(GUID_1)), "T");
        assert!(!judge_bad(&ours, &resolved, "0 1").1);
    }
}
