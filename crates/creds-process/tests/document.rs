//! Documents that programs print wrongly: each error names the field and never the
//! value, and a profile's command is reported at its line.

use creds_core::{Env, ErrorKind, Fs, ProvideCredentials, ProviderConfig};
use creds_process::ProcessProvider;

use crate::support::*;

fn fetch_printed(document: &str) -> creds_core::CredentialsError {
    let scripts = Scripts::new();
    let command = scripts.printing("doc", document);
    let err = expect_err(block_on(
        ProcessProvider::new(command).provide_credentials(),
    ));
    assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
    assert!(
        err.to_string()
            .starts_with("process: the credential process `sh` printed"),
        "{err}"
    );
    err
}

#[test]
fn version_2() {
    let doc = document(None).replace(r#""Version": 1"#, r#""Version": 2"#);
    let err = fetch_printed(&doc);
    assert!(
        err.message().contains("Version is not the number 1"),
        "{err}"
    );
}

#[test]
fn missing_and_empty_keys() {
    for (doc, needle) in [
        (
            format!(r#"{{"Version": 1, "SecretAccessKey": "{SECRET}"}}"#),
            "without AccessKeyId",
        ),
        (
            r#"{"Version": 1, "AccessKeyId": "AKID"}"#.to_owned(),
            "without SecretAccessKey",
        ),
        (
            format!(r#"{{"Version": 1, "AccessKeyId": "", "SecretAccessKey": "{SECRET}"}}"#),
            "AccessKeyId is empty",
        ),
        (
            format!(
                r#"{{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "", "SessionToken": "{TOKEN}"}}"#
            ),
            "SecretAccessKey is empty",
        ),
    ] {
        let err = fetch_printed(&doc);
        assert!(err.message().contains(needle), "{doc}: {err}");
    }
}

#[test]
fn invalid_json_gives_a_position_not_the_text() {
    let doc = format!(
        r#"{{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "{SECRET}" "SessionToken": "{TOKEN}"}}"#
    );
    let err = fetch_printed(&doc);
    assert!(
        err.message()
            .contains("is not valid JSON (at line 1, column"),
        "{err}"
    );
    let err = fetch_printed(&format!("Error: token {TOKEN} expired"));
    assert!(err.message().contains("is not valid JSON"), "{err}");
}

#[test]
fn past_expiration() {
    let err = fetch_printed(&document(Some("2020-01-01T00:00:00Z")));
    assert!(
        err.message()
            .contains("Expiration (2020-01-01T00:00:00Z) is in the past"),
        "{err}"
    );
    let err = fetch_printed(&document(Some("next tuesday")));
    assert!(err.message().contains("not an RFC 3339 timestamp"), "{err}");
}

#[test]
fn errors_of_a_profile_command_point_at_its_line() {
    let scripts = Scripts::new();
    let command = scripts.printing(
        "v2",
        &document(None).replace(r#""Version": 1"#, r#""Version": 2"#),
    );
    let config = ProviderConfig::empty()
        .with_env(Env::from_pairs([("HOME", "/home/me")]))
        .with_fs(Fs::from_files([(
            "/home/me/.aws/config",
            format!("[profile a]\nregion = eu-west-1\n\n[profile broken]\nregion = us-east-1\ncredential_process = {command}\n"),
        )]));
    let err = expect_err(block_on(
        ProcessProvider::from_profile(&config, "broken").provide_credentials(),
    ));
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.to_string().ends_with("(at /home/me/.aws/config:6)"),
        "{err}"
    );
}
