//! AWS Signature Version 4 for the requests this crate sends (STS's `AssumeRole`), by
//! the rules of the SigV4 test suite: canonical request, string to sign, signing key,
//! `Authorization` header. HMAC-SHA256 and SHA-256 come from `ring`.
//!
//! The canonical URI is the path with dot segments and repeated slashes removed and
//! each segment percent-encoded once more (every service but S3 signs it so); the
//! canonical query sorts the parameters by encoded name, then value; headers are
//! lowercased, their values trimmed with inner runs of spaces made one, repeated
//! headers joined with commas in their order.

use std::fmt::Write as _;

use jiff::Timestamp;
use ring::{digest, hmac};
use zeroize::Zeroizing;

/// What is signed: the request's method, path and query (as sent: percent-encoded),
/// its headers in their order, and the body.
pub(crate) struct Signable<'a> {
    pub(crate) method: &'a str,
    pub(crate) path_and_query: &'a str,
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a [u8],
}

/// Who signs, for what, and when.
pub(crate) struct Signer<'a> {
    pub(crate) access_key_id: &'a str,
    pub(crate) secret_access_key: &'a str,
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
    pub(crate) time: Timestamp,
}

/// The signature's parts, for tests and for the headers to send.
pub(crate) struct Signature {
    /// `20150830T123600Z`: the `X-Amz-Date` header to send.
    pub(crate) amz_date: String,
    /// Checked by the test suite; never logged (it holds the session token's header).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
    /// The `Authorization` header to send.
    pub(crate) authorization: String,
}

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

impl Signer<'_> {
    /// Signs `request`, which must not carry `X-Amz-Date` or `Authorization` of its own
    /// (an `X-Amz-Date` is replaced by the signing time's, as the SDKs do).
    pub(crate) fn sign(&self, request: &Signable<'_>) -> Signature {
        let amz_date = self.time.strftime("%Y%m%dT%H%M%SZ").to_string();
        let date = &amz_date[..8];
        let mut headers: Vec<(String, String)> = request
            .headers
            .iter()
            .filter(|(name, _)| {
                !name.eq_ignore_ascii_case("x-amz-date")
                    && !name.eq_ignore_ascii_case("authorization")
            })
            .map(|(name, value)| (name.to_ascii_lowercase(), canonical_value(value)))
            .collect();
        headers.push(("x-amz-date".to_owned(), amz_date.clone()));
        // A stable sort keeps repeated headers in their order.
        headers.sort_by(|a, b| a.0.cmp(&b.0));
        let mut canonical_headers = String::new();
        let mut signed_headers = String::new();
        for (i, (name, value)) in headers.iter().enumerate() {
            if i > 0 && headers[i - 1].0 == *name {
                canonical_headers.pop(); // the newline
                let _ = writeln!(canonical_headers, ",{value}");
                continue;
            }
            let _ = writeln!(canonical_headers, "{name}:{value}");
            if !signed_headers.is_empty() {
                signed_headers.push(';');
            }
            signed_headers.push_str(name);
        }
        let (path, query) = match request.path_and_query.split_once('?') {
            Some((path, query)) => (path, query),
            None => (request.path_and_query, ""),
        };
        let canonical_request = format!(
            "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{}",
            request.method,
            canonical_uri(path),
            canonical_query(query),
            hex(digest::digest(&digest::SHA256, request.body).as_ref()),
        );
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let string_to_sign = format!(
            "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
            hex(digest::digest(&digest::SHA256, canonical_request.as_bytes()).as_ref())
        );
        let key = self.signing_key(date);
        let signature = hex(hmac::sign(&key, string_to_sign.as_bytes()).as_ref());
        let authorization = format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            self.access_key_id
        );
        Signature {
            amz_date,
            canonical_request,
            string_to_sign,
            authorization,
        }
    }

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    fn signing_key(&self, date: &str) -> hmac::Key {
        let secret = Zeroizing::new(format!("AWS4{}", self.secret_access_key));
        let mut key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
        for part in [date, self.region, self.service, "aws4_request"] {
            let tag = hmac::sign(&key, part.as_bytes());
            key = hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref());
        }
        key
    }
}

/// A header value trimmed, with each run of spaces inside made one (and the folded
/// lines of a multi-line value joined by commas).
fn canonical_value(value: &str) -> String {
    let lines: Vec<String> = value
        .split('\n')
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect();
    lines.join(",")
}

/// The path normalized (no `.` or `..` segments, no empty ones but a trailing slash)
/// and each segment percent-encoded (again, where it was already).
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = String::from("/");
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&encode(segment.as_bytes()));
    }
    if segments.is_empty() {
        return out;
    }
    if path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..") {
        out.push('/');
    }
    out
}

/// The query's parameters decoded, encoded again by the SigV4 rules and sorted by
/// name, then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (encode(&decode(name)), encode(&decode(value)))
        })
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        let _ = write!(out, "{name}={value}");
    }
    out
}

/// Percent-encodes every byte but the unreserved ones (`A-Z a-z 0-9 - _ . ~`), in
/// upper-case hex: the encoding of SigV4 and of the query protocol's form body.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Percent-decodes `text` (`+` stays `+`); a `%` not followed by two hex digits stays.
fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_at = |j: usize| bytes.get(j).and_then(|b| char::from(*b).to_digit(16));
        match (bytes[i], hex_at(i + 1), hex_at(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests;
