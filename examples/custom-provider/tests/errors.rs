//! Bad input: each error of the right kind, naming the file and saying what to do, and
//! none holding a secret (its `Display`, its `Debug`, the logs). A missing file and a
//! wrong one are configuration errors, which stop the chain; expired credentials are
//! a source unavailable for now, which stops it too.

use std::path::Path;
use std::time::Duration;

use creds::{CredentialsError, ErrorKind, Outcome, ProvideCredentials, ProviderConfig};
use creds_example_json_file::{ENV_VAR, JsonFileProvider, MAX_FILE_BYTES, NAME};
use creds_testkit::{assert_no_secret, capture_logs, expect_error};

use crate::support::*;

/// The error of the provider reading `contents` as the file named by the variable: a
/// configuration error that names the file and says what it must hold.
async fn error_for(contents: &str) -> CredentialsError {
    capture_logs();
    let config = world(&[(FILE, contents)], &[(ENV_VAR, FILE)], &clock());
    let err = fetch_error(&config).await;
    assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err}");
    names_the_file(&err);
    assert!(
        err.message().ends_with(
            "; it must hold a JSON object such as {\"AccessKeyId\": \"...\", \"SecretAccessKey\": \
             \"...\", \"SessionToken\": \"...\", \"Expiration\": \"2026-01-01T00:00:00Z\"} (what \
             `creds export` prints)"
        ),
        "{err}"
    );
    err
}

async fn fetch_error(config: &ProviderConfig) -> CredentialsError {
    let provider = JsonFileProvider::from_env(config);
    let err = expect_error(provider.provide_credentials().await, SECRETS);
    assert_eq!(err.provider(), NAME);
    assert_no_secret(&format!("{provider:?}"), SECRETS);
    err
}

/// The message names the file and the variable that named it.
#[track_caller]
fn names_the_file(err: &CredentialsError) {
    assert!(
        err.message()
            .contains(&format!("the JSON credentials file {FILE} ({ENV_VAR})")),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_file_stops_the_chain_with_what_to_do() {
    capture_logs();
    let credentials = default_profile();
    let config = world(&[(CREDENTIALS, &credentials)], &[(ENV_VAR, FILE)], &clock());
    let err = fetch_error(&config).await;
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    names_the_file(&err);
    assert!(
        err.message().ends_with(
            "does not exist: create it, or point JSON_CREDENTIALS_FILE at the file, or unset it"
        ),
        "{err}"
    );

    // The user named a file: the chain stops there, not at the profile's other identity.
    let (result, trace) = default_chain(&config).provide_traced().await;
    let err = expect_error(result, SECRETS);
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert_eq!(err.provider(), NAME);
    assert_eq!(trace.entries().len(), 2, "{trace:?}");
    assert!(matches!(trace.entries()[1].outcome, Outcome::Failed(_)));
}

#[tokio::test]
async fn a_file_that_is_not_json_names_the_line_and_column_and_never_quotes_it() {
    // The secret comes before the syntax error, on the line the error names.
    let err = error_for(&format!(
        "{{\"AccessKeyId\": \"ASIAJSON\",\n \"SecretAccessKey\": \"{SECRET}\" \"SessionToken\": \"{TOKEN}\"}}"
    ))
    .await;
    assert!(
        err.message()
            .contains("holds a document that is not valid JSON (at line 2, column"),
        "{err}"
    );

    let err = error_for(&format!(
        "{{\"AccessKeyId\": \"ASIAJSON\", \"SecretAccessKey\": \"{SECRET}"
    ))
    .await;
    assert!(
        err.message()
            .contains("ends in the middle of the JSON document"),
        "{err}"
    );

    let err = error_for("[\"ASIAJSON\"]").await;
    assert!(
        err.message().contains("holds JSON that is not an object"),
        "{err}"
    );

    let err = error_for(" \n").await;
    assert!(
        err.message().contains("holds nothing but white space"),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_or_mistyped_field_is_named() {
    let err = error_for(&format!(
        "{{\"AccessKeyId\": \"ASIAJSON\", \"Token\": \"{TOKEN}\"}}"
    ))
    .await;
    assert!(
        err.message()
            .contains("holds a document without SecretAccessKey"),
        "{err}"
    );

    let err = error_for(&format!(
        "{{\"AccessKeyId\": \"\", \"SecretAccessKey\": \"{SECRET}\"}}"
    ))
    .await;
    assert!(
        err.message().contains("whose AccessKeyId is empty"),
        "{err}"
    );

    let err = error_for(&format!(
        "{{\"AccessKeyId\": \"ASIAJSON\", \"SecretAccessKey\": \"{SECRET}\", \"SessionToken\": 7}}"
    ))
    .await;
    assert!(
        err.message().contains("whose SessionToken is not a string"),
        "{err}"
    );

    let err = error_for(&format!(
        "{{\"AccessKeyId\": \"ASIAJSON\", \"SecretAccessKey\": \"{SECRET}\", \"Expiration\": \"tomorrow\"}}"
    ))
    .await;
    assert!(
        err.message()
            .contains("an Expiration that is not an RFC 3339 timestamp"),
        "{err}"
    );
}

#[tokio::test]
async fn expired_credentials_are_unavailable_until_the_file_is_refreshed() {
    let clock = clock();
    capture_logs();
    let stale = document("ASIAOLD", Some(&after_t0(-60)));
    let credentials = default_profile();
    let config = world(
        &[(FILE, &stale), (CREDENTIALS, &credentials)],
        &[(ENV_VAR, FILE)],
        &clock,
    );
    let err = fetch_error(&config).await;
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    names_the_file(&err);
    assert!(
        err.message().contains(&format!(
            "expired at {} (now {T0}): whatever writes the file has not refreshed it",
            after_t0(-60)
        )),
        "{err}"
    );

    // Stale is not absent: the chain stops there too, rather than use the profile.
    let (result, trace) = default_chain(&config).provide_traced().await;
    assert_eq!(expect_error(result, SECRETS).kind(), ErrorKind::Unavailable);
    assert_eq!(trace.entries().len(), 2, "{trace:?}");

    // Credentials read while good expire as the file stays unchanged: not served either.
    let config = world(
        &[(FILE, &document("ASIAGOOD", Some(&after_t0(60))))],
        &[(ENV_VAR, FILE)],
        &clock,
    );
    let provider = JsonFileProvider::from_env(&config);
    assert!(provider.provide_credentials().await.is_ok());
    clock.advance(Duration::from_secs(61));
    let err = expect_error(provider.provide_credentials().await, SECRETS);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    // Once the writer catches up, they are good again.
    config
        .fs()
        .write_atomic(
            Path::new(FILE),
            document("ASIANEW", Some(&after_t0(3600))).as_bytes(),
        )
        .unwrap();
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIANEW");
}

#[tokio::test]
async fn a_file_too_large_is_not_read_to_its_end() {
    let mut big = document("ASIABIG", None);
    big.push_str(&" ".repeat(MAX_FILE_BYTES));
    let err = error_for(&big).await;
    assert!(err.message().contains("is larger than 64 KiB"), "{err}");
}

#[tokio::test]
async fn nothing_shows_a_secret() {
    capture_logs();
    let config = world(
        &[(FILE, &document("ASIAJSON", None))],
        &[(ENV_VAR, FILE)],
        &clock(),
    );
    let provider = JsonFileProvider::from_env(&config).cached();
    let creds = provider.provide_credentials().await.unwrap();
    for text in [
        format!("{creds:?}"),
        format!("{provider:?}"),
        format!("{:?}", JsonFileProvider::from_env(&config)),
        format!("{config:?}"),
        creds_testkit::captured_logs(),
    ] {
        assert_no_secret(&text, SECRETS);
    }
}
