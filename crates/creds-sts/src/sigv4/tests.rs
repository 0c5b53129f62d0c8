//! Every case of the SigV4 test suite in `../shared/testdata/sigv4/`: the canonical
//! request, the string to sign and the `Authorization` header, from the `.req`.
//!
//! The cases are read as written, but for three whose files disagree with each other
//! (they come from smithy-rs, which edited the suite):
//!
//! - `post-x-www-form-urlencoded`: its `.creq` lists `host;x-amz-date` as the signed
//!   headers under three canonical headers, content-type among them, which its own
//!   `.sts` and `.authz` contradict: the canonical request is checked against the
//!   `.sts` (by its hash) and `.authz`, and against the `.creq` with the signed-headers
//!   line as the `.sts` implies.
//! - `post-x-www-form-urlencoded-parameters`: its `.creq`, `.sts` and `.authz` sign the
//!   form's parameters as the query string with an empty body (smithy-rs parses no
//!   body); the `.req` is signed that way.
//! - `double-encode-path` (no `.sts`, no `.authz`) has an `X-Amz-Date` in its `.creq`
//!   other than its `.req`'s: it is signed at the `.creq`'s time. `double-url-encode`'s
//!   `.authz` was made with a key the suite does not give: its `.creq` and `.sts` are
//!   checked.

use std::path::{Path, PathBuf};

use super::*;

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata/sigv4")
}

/// A `.req`: the method, the path and query as written, the headers in order (a
/// folded line continues the value above it, after a newline), the body.
struct Req {
    method: String,
    path_and_query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_req(text: &str) -> Req {
    let (head, body) = match text.split_once("\n\n") {
        Some((head, body)) => (head, body),
        None => (text, ""),
    };
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let (method, rest) = request_line.split_once(' ').unwrap();
    let path_and_query = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().unwrap();
            last.1.push('\n');
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    Req {
        method: method.to_owned(),
        path_and_query: path_and_query.to_owned(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.join(format!("{name}.req")).exists() {
                out.push(path.clone());
            }
            cases(&path, out);
        }
    }
}

fn read(case: &Path, ext: &str) -> Option<String> {
    let name = case.file_name().unwrap().to_string_lossy();
    std::fs::read_to_string(case.join(format!("{name}.{ext}")))
        .ok()
        .map(|s| s.replace("\r\n", "\n"))
}

#[test]
fn every_case_of_the_sigv4_suite() {
    let mut all = Vec::new();
    cases(&suite(), &mut all);
    all.sort();
    assert_eq!(all.len(), 33, "cases found in {}", suite().display());
    let mut checked = 0;
    for case in &all {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let mut req = parse_req(&read(case, "req").unwrap());
        let creq = read(case, "creq").unwrap().trim_end().to_owned();
        let sts = read(case, "sts");
        let authz = read(case, "authz");
        if name == "post-x-www-form-urlencoded-parameters" {
            req.path_and_query = format!(
                "{}?{}",
                req.path_and_query,
                String::from_utf8_lossy(&req.body)
            );
            req.body.clear();
        }
        // The time and scope of the .sts, or the .creq's time (double-encode-path).
        let (time, region, service) = match &sts {
            Some(sts) => {
                let lines: Vec<&str> = sts.lines().collect();
                let scope: Vec<&str> = lines[2].split('/').collect();
                (
                    lines[1].to_owned(),
                    scope[1].to_owned(),
                    scope[2].to_owned(),
                )
            }
            None => {
                let date = creq
                    .lines()
                    .find_map(|l| l.strip_prefix("x-amz-date:"))
                    .unwrap()
                    .to_owned();
                (date, "us-east-1".to_owned(), "service".to_owned())
            }
        };
        let time: Timestamp = jiff::fmt::strtime::parse("%Y%m%dT%H%M%SZ", &time)
            .unwrap()
            .to_datetime()
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp();
        let signer = Signer {
            access_key_id: ACCESS_KEY_ID,
            secret_access_key: SECRET,
            region: &region,
            service: &service,
            time,
        };
        let signature = signer.sign(&Signable {
            method: &req.method,
            path_and_query: &req.path_and_query,
            headers: &req.headers,
            body: &req.body,
        });
        let expected_creq = if name == "post-x-www-form-urlencoded" {
            creq.replace("\nhost;x-amz-date\n", "\ncontent-type;host;x-amz-date\n")
        } else {
            creq
        };
        assert_eq!(
            signature.canonical_request, expected_creq,
            "{name}: canonical request"
        );
        if let Some(sts) = &sts {
            assert_eq!(
                signature.string_to_sign,
                sts.trim_end(),
                "{name}: string to sign"
            );
        }
        if let Some(authz) = authz.filter(|_| name != "double-url-encode") {
            assert_eq!(
                signature.authorization,
                authz.trim_end(),
                "{name}: Authorization"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 33);
}

#[test]
fn encoding_and_paths() {
    assert_eq!(encode(b"a b+c/~"), "a%20b%2Bc%2F~");
    assert_eq!(decode("a%2Fb%zz%4"), b"a/b%zz%4");
    assert_eq!(canonical_uri(""), "/");
    assert_eq!(canonical_uri("/a/./b/../c/"), "/a/c/");
    assert_eq!(canonical_query("b=2&a=&a=1&c"), "a=&a=1&b=2&c=");
    assert_eq!(canonical_value("  x \n   y  z "), "x,y z");
}
