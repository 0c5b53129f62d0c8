//! The SSO token file parser (`creds_sso::SsoToken::parse`) on arbitrary bytes: it
//! returns a token with a non-empty access token, or an `InvalidConfig` error, never
//! panics, and never quotes the file. Every error message, digits removed, must be one
//! of the messages the parser gives for a fixed set of probe files.

#![no_main]

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use creds_core::ErrorKind;
use creds_sso::{MAX_TOKEN_FILE_BYTES, SsoToken};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "/home/me/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json";

fn shape(message: &str) -> String {
    message.chars().filter(|c| !c.is_ascii_digit()).collect()
}

fn known_messages() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let ok = r#""accessToken":"t","expiresAt":"2026-06-01T00:00:00Z""#;
        let mut probes = vec![
            String::new(),
            "{".to_owned(),
            "[]".to_owned(),
            "{}".to_owned(),
            r#"{"accessToken":1}"#.to_owned(),
            r#"{"accessToken":"t"}"#.to_owned(),
            r#"{"accessToken":"t","expiresAt":1}"#.to_owned(),
            r#"{"accessToken":"t","expiresAt":"x"}"#.to_owned(),
            format!(r#"{{{ok},"registrationExpiresAt":"x"}}"#),
            format!(r#"{{{ok},"registrationExpiresAt":1}}"#),
            format!("{{{ok}}}{}", " ".repeat(MAX_TOKEN_FILE_BYTES)),
        ];
        for key in ["refreshToken", "clientId", "clientSecret", "region", "startUrl"] {
            probes.push(format!(r#"{{{ok},"{key}":1}}"#));
        }
        let mut known = HashSet::new();
        for probe in &probes {
            if let Err(err) = SsoToken::parse(probe.as_bytes(), Path::new(PATH)) {
                known.insert(shape(&err.to_string()));
            }
        }
        known
    })
}

fuzz_target!(|data: &[u8]| {
    match SsoToken::parse(data, Path::new(PATH)) {
        Ok(token) => {
            assert!(!token.access_token().is_empty());
        }
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            let message = shape(&err.to_string());
            assert!(
                known_messages().contains(&message),
                "an unexpected message: {message}"
            );
        }
    }
});
