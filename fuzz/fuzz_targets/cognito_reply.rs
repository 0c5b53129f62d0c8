//! Cognito's `GetCredentialsForIdentity` reply parser
//! (`creds_cognito::parse_credentials_reply`) on arbitrary bytes: it returns
//! credentials with non-empty keys, a session token and an expiration, or an
//! `Unavailable` error, never panics, and never quotes its input. Every error message
//! must be one of the messages the parser gives for a fixed set of probe replies.

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use creds_cognito::parse_credentials_reply;
use creds_core::ErrorKind;
use libfuzzer_sys::fuzz_target;

fn known_messages() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut probes = vec![
            "".to_owned(),
            "[]".to_owned(),
            "{}".to_owned(),
            r#"{"Credentials":1}"#.to_owned(),
        ];
        let fields = ["AccessKeyId", "SecretKey", "SessionToken"];
        for missing in fields {
            let mut creds: Vec<String> = fields
                .iter()
                .filter(|f| **f != missing)
                .map(|f| format!(r#""{f}":"x""#))
                .collect();
            creds.push(r#""Expiration":1"#.to_owned());
            probes.push(format!(r#"{{"Credentials":{{{}}}}}"#, creds.join(",")));
            let mut wrong = creds.clone();
            wrong.push(format!(r#""{missing}":1"#));
            probes.push(format!(r#"{{"Credentials":{{{}}}}}"#, wrong.join(",")));
        }
        let base = r#""AccessKeyId":"a","SecretKey":"s","SessionToken":"t""#;
        for expiration in ["", r#","Expiration":"x""#, r#","Expiration":1e300"#] {
            probes.push(format!(r#"{{"Credentials":{{{base}{expiration}}}}}"#));
        }
        probes
            .iter()
            .filter_map(|p| parse_credentials_reply(p.as_bytes(), "origin").err())
            .map(|e| e.to_string())
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    match parse_credentials_reply(data, "origin") {
        Ok((_, creds)) => {
            assert!(!creds.access_key_id().is_empty());
            assert!(!creds.secret_access_key().is_empty());
            assert!(creds.session_token().is_some_and(|t| !t.is_empty()));
            assert!(creds.expiration().is_some());
        }
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::Unavailable);
            let message = err.to_string();
            assert!(
                known_messages().contains(&message),
                "an unexpected message: {message}"
            );
        }
    }
});
