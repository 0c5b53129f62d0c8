//! Secrets, documents, log capture and the checks every test makes.

use std::time::Duration;

use creds_container::{ContainerProvider, ContainerProviderBuilder};
use creds_core::{Credentials, CredentialsError, Env, ManualClock, ProviderConfig};

/// Secrets the servers answer or the tests send; they must never reach an error, a
/// `Debug` or a log line.
pub(crate) const SECRET: &str = "wJalrXUtnFEMI-CONTAINER-SECRET-KEY";
pub(crate) const TOKEN: &str = "IQoJb3JpZ2luX2VjE-CONTAINER-SESSION-TOKEN";
pub(crate) const AUTH: &str = "Bearer AUTH-CONTAINER-TOKEN-0001";

/// The tests' now; documents expire six hours later.
pub(crate) const NOW: &str = "2026-06-01T00:00:00Z";
pub(crate) const LATER: &str = "2026-06-01T06:00:00Z";

/// A credentials document expiring at `expiration`.
pub(crate) fn document_expiring(expiration: &str) -> String {
    format!(
        r#"{{"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIACONTAINER",
            "SecretAccessKey": "{SECRET}", "Token": "{TOKEN}", "Expiration": "{expiration}",
            "AccountId": "123456789012", "RoleArn": "arn:aws:iam::123456789012:role/task"}}"#
    )
}

/// A credentials document expiring at [`LATER`].
pub(crate) fn document() -> String {
    document_expiring(LATER)
}

pub(crate) fn clock() -> ManualClock {
    ManualClock::new(NOW.parse().unwrap())
}

/// A config with these variables, the clock at [`NOW`] and no files.
pub(crate) fn config(env: &[(&str, &str)]) -> ProviderConfig {
    capture_logs();
    ProviderConfig::empty()
        .with_env(Env::from_pairs(env.iter().copied()))
        .with_clock(clock())
}

/// A builder over [`config`]`(env)` with quick retries.
pub(crate) fn builder(env: &[(&str, &str)]) -> ContainerProviderBuilder {
    ContainerProvider::builder()
        .config(config(env))
        .retry_delay_base(Duration::from_millis(5))
}

/// The secret key, the session token and the authorization tokens of these tests.
const SECRETS: &[&str] = &[SECRET, TOKEN, AUTH, "AUTH-CONTAINER-TOKEN"];

/// The credentials, after checking that their `Debug` holds no secret.
pub(crate) fn expect_ok(result: Result<Credentials, CredentialsError>) -> Credentials {
    creds_testkit::expect_credentials(result, SECRETS)
}

/// The error, after checking that neither its `Display` nor its `Debug` nor the log
/// holds a secret.
pub(crate) fn expect_err(result: Result<Credentials, CredentialsError>) -> CredentialsError {
    creds_testkit::expect_error(result, SECRETS)
}

/// Fails when `text` holds a secret.
pub(crate) fn assert_secret_free(text: &str) {
    creds_testkit::assert_no_secret(text, SECRETS);
}

/// Log capture is creds-testkit's, shared by every crate's tests.
pub(crate) use creds_testkit::{capture_logs, captured_logs as logs};
