//! Checks that no secret reaches an error, a `Debug` or a log line.

use creds_core::{Credentials, CredentialsError};

use crate::captured_logs;

/// Fails when `text` holds any of `secrets`.
#[track_caller]
pub fn assert_no_secret(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "a secret leaked: {text}");
    }
}

/// The credentials of `result`, after checking that their `Debug` holds none of
/// `secrets`.
#[track_caller]
pub fn expect_credentials(
    result: Result<Credentials, CredentialsError>,
    secrets: &[&str],
) -> Credentials {
    let creds = result.unwrap_or_else(|e| panic!("expected credentials, got {e}"));
    assert_no_secret(&format!("{creds:?}"), secrets);
    creds
}

/// The error of `result`, after checking that neither its `Display`, nor its `Debug`
/// (plain and alternate), nor anything logged so far (see
/// [`capture_logs`](crate::capture_logs)) holds any of `secrets`.
#[track_caller]
pub fn expect_error(
    result: Result<Credentials, CredentialsError>,
    secrets: &[&str],
) -> CredentialsError {
    let err = match result {
        Ok(creds) => panic!("expected an error, got {creds:?}"),
        Err(err) => err,
    };
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert_no_secret(&text, secrets);
    }
    assert_no_secret(&captured_logs(), secrets);
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "a secret leaked")]
    fn a_secret_in_an_error_fails() {
        let err = CredentialsError::unavailable("test", "leaked SECRET-1234");
        expect_error(Err(err), &["SECRET-1234"]);
    }

    #[test]
    fn clean_errors_and_credentials_pass() {
        let err = CredentialsError::unavailable("test", "nothing to see");
        assert_eq!(
            expect_error(Err(err), &["SECRET-1234"]).message(),
            "nothing to see"
        );
        let creds = Credentials::from_keys("AKID", "SECRET-1234", "test");
        assert_eq!(
            expect_credentials(Ok(creds), &["SECRET-1234"]).access_key_id(),
            "AKID"
        );
    }
}
