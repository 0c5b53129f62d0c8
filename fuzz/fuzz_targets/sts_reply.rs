//! STS's XML reply parser (`creds_sts::parse_response`) on arbitrary bytes, for both
//! actions: it returns credentials that keep the rules (non-empty keys and token, an
//! expiration after the clock's now) or an `Unavailable` error, never panics, and never
//! quotes its input. Every error message, digits removed, must be one of the messages
//! the parser gives for a fixed set of probe documents.

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use creds_core::{Clock, ErrorKind, ManualClock};
use creds_sts::{StsAction, parse_response};
use libfuzzer_sys::fuzz_target;

const ACTIONS: [StsAction; 2] = [StsAction::AssumeRole, StsAction::AssumeRoleWithWebIdentity];

fn clock() -> Clock {
    ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap()).into()
}

fn shape(message: &str) -> String {
    message.chars().filter(|c| !c.is_ascii_digit()).collect()
}

fn known_messages() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut probes = vec![
            String::new(),
            "<".to_owned(),
            "<x>".to_owned(),
            "<!DOCTYPE x>".to_owned(),
            "<x/>".to_owned(),
        ];
        for action in ACTIONS {
            let a = action.as_str();
            let full = |creds: &str| {
                format!("<{a}Response><{a}Result>{creds}</{a}Result></{a}Response>")
            };
            probes.push(format!("<{a}Response></{a}Response>"));
            probes.push(format!("<{a}Response><{a}Result>"));
            probes.push(format!("<{a}Response>&e;</{a}Response>"));
            probes.push(full(&format!("{}<x/>", "<a>".repeat(20))));
            for missing in ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"] {
                let mut creds = String::from("<Credentials>");
                for field in ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"] {
                    if field != missing {
                        creds.push_str(&format!("<{field}>2999-01-01T00:00:00Z</{field}>"));
                    }
                }
                creds.push_str("</Credentials>");
                probes.push(full(&creds));
            }
            for expiration in ["soon", "2000-01-01T00:00:00Z"] {
                probes.push(full(&format!(
                    "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>\
                     <SessionToken>T</SessionToken><Expiration>{expiration}</Expiration></Credentials>"
                )));
            }
            probes.push(format!("{}{}", full(""), " ".repeat(creds_sts::MAX_REPLY_BYTES)));
        }
        let mut probes: Vec<Vec<u8>> = probes.into_iter().map(String::into_bytes).collect();
        // Text and an entity that are not UTF-8.
        probes.push(b"\n\xa7".to_vec());
        for action in ACTIONS {
            probes.push(format!("<{}Response>&#0;", action.as_str()).into_bytes());
            let mut entity = format!("<{}Response>&", action.as_str()).into_bytes();
            entity.extend_from_slice(b"\xa7;");
            probes.push(entity);
        }
        let mut known = HashSet::new();
        for probe in &probes {
            for action in ACTIONS {
                if let Err(err) = parse_response(action, probe, &clock()) {
                    known.insert(shape(&err.to_string()));
                }
            }
        }
        known
    })
}

fuzz_target!(|data: &[u8]| {
    for action in ACTIONS {
        match parse_response(action, data, &clock()) {
            Ok(creds) => {
                assert!(!creds.access_key_id().is_empty());
                assert!(!creds.secret_access_key().is_empty());
                assert!(creds.session_token().is_some_and(|t| !t.is_empty()));
                assert!(creds.expiration().is_some_and(|at| at > clock().now()));
            }
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::Unavailable);
                let message = shape(&err.to_string());
                // The expiration in the past is the reply's own timestamp: its words
                // are known, the instant is the input's (a timestamp, never a secret).
                if message.contains("is in the past") {
                    continue;
                }
                assert!(
                    known_messages().contains(&message),
                    "an unexpected message: {message}"
                );
            }
        }
    }
});
