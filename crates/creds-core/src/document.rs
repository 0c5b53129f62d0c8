//! The JSON credentials document that a `credential_process` prints and the container
//! and instance metadata endpoints answer, parsed by one set of rules per source
//! ([`DocumentRules`]) with [`parse_document`].
//!
//! The three differ in small ways, each a rule here: the token's field (`SessionToken`
//! or `Token`) and whether it must be there, whether `Expiration` must be, whether a
//! `Version` of 1 is required (process), whether a `Code` other than `Success` is a
//! failure (instance metadata), whether credentials already expired are an error, and
//! the words of the errors. Everything else is shared: field checks that never quote
//! a value, syntax errors by line and column (not serde_json's message, which could
//! quote the input), nothing accepted after the document, and every string of the
//! parsed document (keys too) zeroed before it is freed, since it holds the secret
//! access key and the session token.
//!
//! ```
//! use creds_core::document::{DocumentRules, Field, parse_document};
//! use creds_core::{Clock, ErrorKind};
//!
//! const RULES: DocumentRules = DocumentRules::new("my-endpoint", ErrorKind::Unavailable)
//!     .token("Token", Field::Required)
//!     .expiration(Field::Required);
//!
//! let body = br#"{"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t",
//!     "Token": "t0k3n", "Expiration": "2999-01-01T00:00:00Z"}"#;
//! let creds = parse_document(body, &RULES, "the endpoint", &Clock::system(), None).unwrap();
//! assert_eq!(creds.session_token(), Some("t0k3n"));
//!
//! let err = parse_document(br#"{"AccessKeyId": "ASIA"}"#, &RULES, "the endpoint", &Clock::system(), None)
//!     .unwrap_err();
//! assert_eq!(err.message(), "the endpoint answered a document without SecretAccessKey");
//! ```

use std::fmt;

use jiff::Timestamp;
use serde_json::{Map, Value};
use zeroize::Zeroize as _;

use crate::{Clock, Credentials, CredentialsError, ErrorKind};

/// How much of a `Code` or `Message` of the document is shown.
const MAX_SHOWN: usize = 256;

/// Whether a field of the document must be there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Field {
    /// It may be absent; absent, `null` and `""` mean none.
    Optional,
    /// It must be there as a string, but `""` means none (a container endpoint's
    /// `"Token": ""` for long-term keys).
    Present,
    /// It must be a non-empty string.
    Required,
}

/// The rules of one source's document. Build them in a `const` with
/// [`DocumentRules::new`] and the methods after it.
#[derive(Debug, Clone, Copy)]
pub struct DocumentRules {
    provider: &'static str,
    kind: ErrorKind,
    verb: &'static str,
    noun: &'static str,
    nothing: &'static str,
    expected: Option<&'static str>,
    token_field: &'static str,
    token: Field,
    expiration: Field,
    version_1: bool,
    code_success: bool,
    allow_expired: bool,
}

impl DocumentRules {
    /// Rules for `provider`'s documents (the name errors carry and the credentials'
    /// [`provider_name`](Credentials::provider_name)), whose errors are of `kind`. By
    /// default: errors say the source "answered a body" ("answered an empty body"),
    /// the token is an optional `SessionToken`, `Expiration` is optional, no `Version`
    /// or `Code` is checked, and credentials already expired are an error.
    pub const fn new(provider: &'static str, kind: ErrorKind) -> Self {
        DocumentRules {
            provider,
            kind,
            verb: "answered",
            noun: "a body",
            nothing: "an empty body",
            expected: None,
            token_field: "SessionToken",
            token: Field::Optional,
            expiration: Field::Optional,
            version_1: false,
            code_success: false,
            allow_expired: false,
        }
    }

    /// The words of errors: "{who} {verb} {noun} that is not valid JSON", "{who}
    /// {verb} {nothing}", "{who} {verb} a document without ...".
    pub const fn words(
        mut self,
        verb: &'static str,
        noun: &'static str,
        nothing: &'static str,
    ) -> Self {
        self.verb = verb;
        self.noun = noun;
        self.nothing = nothing;
        self
    }

    /// What a good document looks like, added to every error after a `;`.
    pub const fn expected(mut self, expected: &'static str) -> Self {
        self.expected = Some(expected);
        self
    }

    /// The session token's field and whether it must be there.
    pub const fn token(mut self, field: &'static str, rule: Field) -> Self {
        self.token_field = field;
        self.token = rule;
        self
    }

    /// Whether `Expiration` must be there.
    pub const fn expiration(mut self, rule: Field) -> Self {
        self.expiration = rule;
        self
    }

    /// `Version` must be the number 1 (the `credential_process` document).
    pub const fn version_1(mut self) -> Self {
        self.version_1 = true;
        self
    }

    /// A `Code` other than `Success` (when there is one) fails, with the `Code` and
    /// `Message` shown (instance metadata).
    pub const fn code_success(mut self) -> Self {
        self.code_success = true;
        self
    }

    /// Credentials whose `Expiration` has passed are returned, not refused (instance
    /// metadata, whose static stability decides what to do with them).
    pub const fn allow_expired(mut self) -> Self {
        self.allow_expired = true;
        self
    }

    fn error(&self, who: &str, what: &dyn fmt::Display) -> CredentialsError {
        let message = match self.expected {
            Some(expected) => format!("{who} {} {what}; {expected}", self.verb),
            None => format!("{who} {} {what}", self.verb),
        };
        CredentialsError::new(self.kind, self.provider, message)
    }
}

/// Parses `body` by `rules` into [`Credentials`] named after the rules' provider, with
/// `origin` as their [`origin`](Credentials::origin). `who` names the source in
/// errors ("the credential process `helper`"). Errors are of the rules' kind, name
/// the field that is wrong and never quote the body.
pub fn parse_document(
    body: &[u8],
    rules: &DocumentRules,
    who: &str,
    clock: &Clock,
    origin: Option<String>,
) -> Result<Credentials, CredentialsError> {
    let bad = |what: &dyn fmt::Display| rules.error(who, what);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad(&rules.nothing));
    }
    // Not `serde_json::from_slice`: it drops the document unwiped when bytes follow
    // it. (A document that breaks off inside is dropped unwiped by serde_json, and a
    // string with escapes passes through its scratch buffer: out of our reach.)
    let mut values = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    let value = match values.next() {
        Some(Ok(value)) => Wiped(value),
        Some(Err(e)) => {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "ends in the middle of the JSON document",
                _ => "is not valid JSON",
            };
            return Err(bad(&format_args!(
                "{} that {what} (at line {}, column {})",
                rules.noun,
                e.line(),
                e.column()
            )));
        }
        None => return Err(bad(&rules.nothing)),
    };
    let end = values.byte_offset();
    let after = &body[end..];
    if let Some(skip) = after.iter().position(|b| !b.is_ascii_whitespace()) {
        let (line, column) = position(body, end + skip);
        return Err(bad(&format_args!(
            "{} that is not valid JSON (at line {line}, column {column})",
            rules.noun
        )));
    }
    let Value::Object(doc) = &value.0 else {
        return Err(bad(&"JSON that is not an object"));
    };
    if rules.version_1 {
        match doc.get("Version") {
            None => return Err(bad(&"a document without Version; it must be 1")),
            Some(Value::Number(n)) if n.as_f64() == Some(1.0) => {}
            Some(_) => return Err(bad(&"a document whose Version is not the number 1")),
        }
    }
    if rules.code_success {
        check_code(doc, rules, who)?;
    }
    let field = |name: &str, rule: Field| string(doc, name, rule).map_err(|what| bad(&what));
    // Required fields are `Some` when they pass.
    let access_key_id = field("AccessKeyId", Field::Required)?.unwrap_or_default();
    let secret_access_key = field("SecretAccessKey", Field::Required)?.unwrap_or_default();
    let token = field(rules.token_field, rules.token)?;
    let expiration = field("Expiration", rules.expiration)?;
    let account_id = field("AccountId", Field::Optional)?;
    let expiration = match expiration {
        None => None,
        Some(text) => {
            let at: Timestamp = text.parse().map_err(|_| {
                bad(&"an Expiration that is not an RFC 3339 timestamp (such as 2026-01-01T00:00:00Z)")
            })?;
            let now = clock.now();
            if at <= now && !rules.allow_expired {
                return Err(bad(&format_args!(
                    "credentials whose Expiration ({at}) is in the past (now {now}): they have \
                     expired; is the clock right?"
                )));
            }
            Some(at)
        }
    };
    Ok(Credentials::builder()
        .access_key_id(access_key_id)
        .secret_access_key(secret_access_key)
        .set_session_token(token.map(str::to_owned))
        .set_expiration(expiration)
        .set_account_id(account_id.map(str::to_owned))
        .provider_name(rules.provider)
        .set_origin(origin)
        .build())
}

/// `Code` absent, `null` or `Success`; anything else fails with it and the `Message`.
fn check_code(
    doc: &Map<String, Value>,
    rules: &DocumentRules,
    who: &str,
) -> Result<(), CredentialsError> {
    let code = match doc.get("Code") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::String(code)) if code == "Success" => return Ok(()),
        Some(code) => code.as_str().map_or_else(
            || "(not a string)".to_owned(),
            |c| crate::redact::service_text(c, MAX_SHOWN),
        ),
    };
    let message = doc
        .get("Message")
        .and_then(Value::as_str)
        .map(|m| crate::redact::service_text(m, MAX_SHOWN))
        .filter(|m| !m.is_empty())
        .map_or_else(String::new, |m| format!(": {m}"));
    Err(CredentialsError::new(
        rules.kind,
        rules.provider,
        format!(
            "{who} answered Code {code} instead of Success{message}; the credentials are not ready"
        ),
    ))
}

/// A string field by `rule`; the error says what is wrong with it, never its value.
fn string<'a>(
    doc: &'a Map<String, Value>,
    name: &str,
    rule: Field,
) -> Result<Option<&'a str>, String> {
    match (doc.get(name), rule) {
        (None | Some(Value::Null), Field::Optional) => Ok(None),
        (None | Some(Value::Null), _) => Err(format!("a document without {name}")),
        (Some(Value::String(s)), Field::Required) if s.is_empty() => {
            Err(format!("a document whose {name} is empty"))
        }
        (Some(Value::String(s)), _) if s.is_empty() => Ok(None),
        (Some(Value::String(s)), _) => Ok(Some(s)),
        (Some(_), _) => Err(format!("a document whose {name} is not a string")),
    }
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
fn position(text: &[u8], at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The parsed document, every string of which (keys too) is zeroed when it is dropped:
/// it holds the secret access key and the session token, which [`Credentials`] copies.
struct Wiped(Value);

impl Drop for Wiped {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Zeroes every string of `value`, the keys of its objects too: for any parsed JSON
/// that held a secret (a credentials document, a cache file).
pub fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => {
            for (mut key, mut value) in std::mem::take(map) {
                key.zeroize();
                wipe(&mut value);
            }
        }
        // Numbers are held as numbers (serde_json's `arbitrary_precision` is off).
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A timestamp of a cache file: RFC 3339 (`2026-06-01T00:00:00Z`,
/// `2026-06-01T00:00:00.000Z` as the JavaScript SDK writes it, or with an offset), or
/// the form botocore once wrote for UTC datetimes (`2026-06-01T00:00:00UTC`).
///
/// ```
/// use creds_core::document::parse_timestamp;
///
/// let at = parse_timestamp("2026-06-01T00:00:00UTC").unwrap();
/// assert_eq!(at, parse_timestamp("2026-06-01T02:00:00+02:00").unwrap());
/// assert!(parse_timestamp("tomorrow").is_none());
/// ```
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    if let Ok(at) = text.parse::<Timestamp>() {
        return Some(at);
    }
    let naive = text.strip_suffix("UTC")?;
    format!("{naive}Z").parse().ok()
}

/// Writes `value` as Python's `json.dumps(value, sort_keys=True)` does: `", "` and
/// `": "` between items, object keys sorted, what is not printable ASCII as `\uXXXX`.
/// botocore and the aws CLI hash that text to name their cache files (assumed roles,
/// SSO client registrations), so the same arguments give the same file here.
///
/// ```
/// let mut text = String::new();
/// creds_core::document::python_json(&serde_json::json!({"b": [1, null], "a": "é"}), &mut text);
/// assert_eq!(text, r#"{"a": "\u00e9", "b": [1, null]}"#);
/// ```
pub fn python_json(value: &Value, out: &mut String) {
    use std::fmt::Write as _;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => python_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_string(key, out);
                out.push_str(": ");
                python_json(&map[key], out);
            }
            out.push('}');
        }
    }
}

/// A string as `json.dumps` writes it with `ensure_ascii`: control characters and
/// DEL and everything past ASCII escaped (UTF-16 pairs past the BMP).
fn python_string(s: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ManualClock;

    const SECRET: &str = "wJalrXUtnFEMI-DOCUMENT-SECRET";

    const IMDS: DocumentRules = DocumentRules::new("imds", ErrorKind::Unavailable)
        .token("Token", Field::Required)
        .expiration(Field::Required)
        .code_success()
        .allow_expired();

    fn clock() -> Clock {
        ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap()).into()
    }

    fn parse(body: &str, rules: &DocumentRules) -> Result<Credentials, CredentialsError> {
        parse_document(body.as_bytes(), rules, "IMDS", &clock(), None)
    }

    #[test]
    fn expired_credentials_only_where_allowed() {
        let body = format!(
            r#"{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}", "Token": "t", "Expiration": "2026-05-31T00:00:00Z"}}"#
        );
        let creds = parse(&body, &IMDS).unwrap();
        assert_eq!(
            creds.expiration().unwrap().to_string(),
            "2026-05-31T00:00:00Z"
        );
        const STRICT: DocumentRules =
            DocumentRules::new("x", ErrorKind::Unavailable).token("Token", Field::Required);
        let err = parse(&body, &STRICT).unwrap_err();
        assert!(err.message().contains("they have expired"), "{err}");
    }

    #[test]
    fn a_code_other_than_success_fails_with_its_message() {
        let body = format!(
            r#"{{"Code": "AssumeRoleUnauthorizedAccess", "Message": "no\nway", "AccessKeyId": "A", "SecretAccessKey": "{SECRET}"}}"#
        );
        let err = parse(&body, &IMDS).unwrap_err();
        assert_eq!(
            err.message(),
            "IMDS answered Code AssumeRoleUnauthorizedAccess instead of Success: no way; the credentials are not ready"
        );
        assert!(!format!("{err:?}").contains(SECRET));
    }

    #[test]
    fn present_tokens_may_be_empty() {
        const CONTAINER: DocumentRules = DocumentRules::new("container", ErrorKind::Unavailable)
            .token("Token", Field::Present)
            .expiration(Field::Required);
        let body = format!(
            r#"{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}", "Token": "", "Expiration": "2026-06-02T00:00:00Z"}}"#
        );
        assert_eq!(parse(&body, &CONTAINER).unwrap().session_token(), None);
        let body = format!(
            r#"{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}", "Expiration": "2026-06-02T00:00:00Z"}}"#
        );
        assert_eq!(
            parse(&body, &CONTAINER).unwrap_err().message(),
            "IMDS answered a document without Token"
        );
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(position("é\n  x".as_bytes(), 5), (2, 3));
        assert_eq!(position(b"{} x", 3), (1, 4));
    }
    #[test]
    fn python_strings_escape_as_json_dumps_does() {
        // python3 -c 'import json; print(json.dumps("é\x01\"\U0001F600\x7f"))'
        let mut out = String::new();
        python_string("é\u{1}\"\u{1F600}\u{7f}", &mut out);
        assert_eq!(out, r#""\u00e9\u0001\"\ud83d\ude00\u007f""#);
        let mut text = String::new();
        python_json(
            &serde_json::json!({"RoleArn": "r", "DurationSeconds": 3600, "S": ["a", true]}),
            &mut text,
        );
        assert_eq!(
            text,
            r#"{"DurationSeconds": 3600, "RoleArn": "r", "S": ["a", true]}"#
        );
    }
}
