//! The credential_process output parser on arbitrary text: `parse_output` returns
//! credentials or an error, never panics, and never quotes its input in an error. Every
//! error message, digits (line and column) removed, must be one of the messages the
//! parser gives for a fixed set of probe documents, one per way to be wrong: an error
//! that depends on the input's text shows up as a new message.

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use creds_core::{Clock, ManualClock};
use libfuzzer_sys::fuzz_target;

fn clock() -> Clock {
    ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap()).into()
}

fn shape(message: &str) -> String {
    message.chars().filter(|c| !c.is_ascii_digit()).collect()
}

fn known_messages() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let keys = r#""AccessKeyId": "A", "SecretAccessKey": "S""#;
        let mut probes = vec![
            String::new(),
            "{".to_owned(),
            "x".to_owned(),
            "[]".to_owned(),
            "{}".to_owned(),
            r#"{"Version": 2}"#.to_owned(),
        ];
        for field in ["AccessKeyId", "SecretAccessKey"] {
            let other = if field == "AccessKeyId" { "SecretAccessKey" } else { "AccessKeyId" };
            for value in [None, Some(r#""""#), Some("0")] {
                let mut doc = format!(r#"{{"Version": 1, "{other}": "x""#);
                if let Some(value) = value {
                    doc.push_str(&format!(r#", "{field}": {value}"#));
                }
                doc.push('}');
                probes.push(doc);
            }
        }
        for field in ["SessionToken", "AccountId", "Expiration"] {
            probes.push(format!(r#"{{"Version": 1, {keys}, "{field}": 0}}"#));
        }
        probes.push(format!(r#"{{"Version": 1, {keys}, "Expiration": "x"}}"#));
        probes.push(format!(r#"{{"Version": 1, {keys}, "Expiration": "2000-01-01T00:00:00Z"}}"#));
        probes
            .iter()
            .map(|probe| {
                let err = creds_process::parse_output(probe, &clock()).expect_err(probe);
                shape(&err.to_string())
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match creds_process::parse_output(text, &clock()) {
        Ok(creds) => {
            assert!(!creds.access_key_id().is_empty());
            assert!(!creds.secret_access_key().is_empty());
            assert!(creds.expiration().is_none_or(|at| at > clock().now()));
        }
        Err(err) => {
            let message = shape(&err.to_string());
            assert!(known_messages().contains(&message), "an unexpected message: {message}");
            assert_eq!(err.kind(), creds_core::ErrorKind::InvalidConfig);
        }
    }
});
