//! The `aws login` cache file parser (`creds_login::LoginToken::parse`) on arbitrary
//! bytes: it returns a token whose credentials have non-empty keys, token and account,
//! or an `InvalidConfig` error, never panics, and never quotes its input. Every word of
//! an error message (its digits, the line and column, aside) must be a word that the
//! parser uses for a fixed set of probe files, one per way to be wrong: a value of the
//! input in a message shows up as a new word.

#![no_main]

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use creds_core::ErrorKind;
use creds_login::{LoginToken, MAX_FILE_BYTES};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const PATH: &str = "/home/me/.aws/login/cache/f.json";

const FIELDS: [&str; 9] = [
    "accessToken",
    "accessToken.accessKeyId",
    "accessToken.secretAccessKey",
    "accessToken.sessionToken",
    "accessToken.accountId",
    "accessToken.expiresAt",
    "refreshToken",
    "clientId",
    "dpopKey",
];

fn words(message: &str) -> impl Iterator<Item = &str> {
    message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
}

fn valid() -> Value {
    json!({
        "accessToken": {
            "accessKeyId": "A", "secretAccessKey": "S", "sessionToken": "T",
            "accountId": "1", "expiresAt": "2026-06-01T00:00:00Z"
        },
        "refreshToken": "R", "clientId": "C", "dpopKey": "K"
    })
}

/// `doc` with the field at `path` (`a.b`) replaced by `value`, or removed (`None`).
fn with(mut doc: Value, path: &str, value: Option<Value>) -> Value {
    let (parent, key) = match path.split_once('.') {
        Some((parent, key)) => (Some(parent), key),
        None => (None, path),
    };
    let object = match parent {
        Some(parent) => &mut doc[parent],
        None => &mut doc,
    };
    if let Some(object) = object.as_object_mut() {
        match value {
            Some(value) => {
                object.insert(key.to_owned(), value);
            }
            None => {
                object.remove(key);
            }
        }
    }
    doc
}

fn known_words() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut probes: Vec<Vec<u8>> = ["", "{", "x", "[]", "{} x", "\"x\"", "{\"a\":", "\u{1}"]
            .iter()
            .map(|p| p.as_bytes().to_vec())
            .collect();
        probes.push(vec![b' '; MAX_FILE_BYTES + 1]);
        probes.push(b"\xa7".to_vec());
        for field in FIELDS {
            for value in [None, Some(json!(1)), Some(json!(""))] {
                probes.push(with(valid(), field, value).to_string().into_bytes());
            }
        }
        probes.push(
            with(valid(), "accessToken.expiresAt", Some(json!("soon")))
                .to_string()
                .into_bytes(),
        );
        let mut known = HashSet::new();
        for probe in &probes {
            if let Err(err) = LoginToken::parse(probe, Path::new(PATH)) {
                known.extend(words(&err.to_string()).map(str::to_owned));
            }
        }
        known
    })
}

fuzz_target!(|data: &[u8]| {
    match LoginToken::parse(data, Path::new(PATH)) {
        Ok(token) => {
            let creds = token.credentials();
            assert!(!creds.access_key_id().is_empty());
            assert!(!creds.secret_access_key().is_empty());
            assert!(creds.session_token().is_some_and(|t| !t.is_empty()));
            assert!(!token.account_id().is_empty());
            assert!(!token.client_id().is_empty());
            assert_eq!(creds.expiration(), Some(token.expires_at()));
            let _ = format!("{token:?}");
        }
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            let message = err.to_string();
            for word in words(&message) {
                assert!(
                    known_words().contains(word),
                    "an unexpected word {word:?} in: {message}"
                );
            }
        }
    }
});
