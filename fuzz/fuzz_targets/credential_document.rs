//! The shared JSON credentials document parser (`creds_core::document`) on arbitrary
//! bytes, under the rules of each source that uses it (`credential_process`, container
//! endpoints, instance metadata): it returns credentials that keep the rules or an
//! error of the rules' kind, never panics, and never quotes its input. Every error
//! message, digits (line and column, timestamps) removed, must be one of the messages
//! the parser gives for a fixed set of probe documents, one per way to be wrong: an
//! error that depends on the input's text shows up as a new message. (Instance
//! metadata's `Code` and `Message` are shown by design: they are the service's words,
//! never a secret.)

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use creds_core::document::{DocumentRules, Field, parse_document};
use creds_core::{Clock, ErrorKind, ManualClock};
use libfuzzer_sys::fuzz_target;

const RULES: [DocumentRules; 3] = [
    DocumentRules::new("process", ErrorKind::InvalidConfig)
        .words("printed", "output", "nothing on standard output")
        .expected("the program must print a document")
        .token("SessionToken", Field::Optional)
        .expiration(Field::Optional)
        .version_1(),
    DocumentRules::new("container", ErrorKind::Unavailable)
        .expected("the endpoint must answer a document")
        .token("Token", Field::Present)
        .expiration(Field::Required),
    DocumentRules::new("imds", ErrorKind::Unavailable)
        .token("Token", Field::Required)
        .expiration(Field::Required)
        .code_success()
        .allow_expired(),
];

const KINDS: [ErrorKind; 3] = [ErrorKind::InvalidConfig, ErrorKind::Unavailable, ErrorKind::Unavailable];

fn clock() -> Clock {
    ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap()).into()
}

fn shape(message: &str) -> String {
    message.chars().filter(|c| !c.is_ascii_digit()).collect()
}

fn parse(data: &[u8], rules: usize) -> Result<creds_core::Credentials, creds_core::CredentialsError> {
    parse_document(data, &RULES[rules], "the source", &clock(), None)
}

/// For each rule set, the shapes of the errors of probe documents.
fn known_messages() -> &'static [HashSet<String>; 3] {
    static KNOWN: OnceLock<[HashSet<String>; 3]> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut probes = vec![
            String::new(),
            "{".to_owned(),
            "x".to_owned(),
            "{} x".to_owned(),
            "[]".to_owned(),
            "{}".to_owned(),
            r#"{"Version": 2}"#.to_owned(),
            r#"{"Version": "1"}"#.to_owned(),
            r#"{"Code": 0}"#.to_owned(),
        ];
        let fields = ["AccessKeyId", "SecretAccessKey", "SessionToken", "Token", "Expiration", "AccountId"];
        for field in fields {
            for value in [None, Some(r#""""#), Some("0"), Some(r#""x""#), Some(r#""2000-01-01T00:00:00Z""#)] {
                let mut doc = String::from(r#"{"Version": 1"#);
                for other in fields.iter().filter(|f| **f != field) {
                    let good = match *other {
                        "Expiration" => r#""2999-01-01T00:00:00Z""#,
                        _ => r#""x""#,
                    };
                    doc.push_str(&format!(r#", "{other}": {good}"#));
                }
                if let Some(value) = value {
                    doc.push_str(&format!(r#", "{field}": {value}"#));
                }
                doc.push('}');
                probes.push(doc);
            }
        }
        std::array::from_fn(|rules| {
            probes
                .iter()
                .filter_map(|probe| parse(probe.as_bytes(), rules).err())
                .map(|err| shape(&err.to_string()))
                .collect()
        })
    })
}

fuzz_target!(|data: &[u8]| {
    for rules in 0..RULES.len() {
        match parse(data, rules) {
            Ok(creds) => {
                assert!(!creds.access_key_id().is_empty());
                assert!(!creds.secret_access_key().is_empty());
                if rules != 2 {
                    assert!(creds.expiration().is_none_or(|at| at > clock().now()));
                }
                if rules == 0 {
                    continue;
                }
                assert!(creds.expiration().is_some());
            }
            Err(err) => {
                assert_eq!(err.kind(), KINDS[rules]);
                let message = shape(&err.to_string());
                if rules == 2 && message.starts_with("imds: the source answered Code ") {
                    continue;
                }
                assert!(
                    known_messages()[rules].contains(&message),
                    "an unexpected message: {message}"
                );
            }
        }
    }
});
