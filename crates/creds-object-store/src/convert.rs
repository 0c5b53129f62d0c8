//! Credentials and errors in object_store's terms.

use creds_core::{Credentials, CredentialsError};
use object_store::aws::AwsCredential;

/// The store that errors name: object_store's own name for its S3 store, as in the
/// errors of its own credential providers.
pub const STORE: &str = "S3";

/// object_store's [`AwsCredential`] of `creds`: the access key id, the secret access
/// key and the session token. object_store's type has no field for the expiration or
/// the account id: it asks for credentials again on every request instead.
///
/// `AwsCredential` holds the secrets in plain `String`s, which are not zeroed when
/// they are dropped; [`S3CredentialProvider`](crate::S3CredentialProvider) makes one
/// per distinct set of credentials, not one per request.
///
/// ```
/// use creds_core::Credentials;
///
/// let creds = Credentials::builder()
///     .access_key_id("ASIAEXAMPLE")
///     .secret_access_key("wJalrXUtnFEMI")
///     .session_token("token")
///     .build();
/// let aws = creds_object_store::aws_credential(&creds);
/// assert_eq!(aws.key_id, "ASIAEXAMPLE");
/// assert_eq!(aws.secret_key, "wJalrXUtnFEMI");
/// assert_eq!(aws.token.as_deref(), Some("token"));
/// assert!(!format!("{aws:?}").contains("wJalrXUtnFEMI"));
/// ```
pub fn aws_credential(creds: &Credentials) -> AwsCredential {
    AwsCredential {
        key_id: creds.access_key_id().to_owned(),
        secret_key: creds.secret_access_key().to_owned(),
        token: creds.session_token().map(str::to_owned),
    }
}

/// object_store's error of a creds error: [`Error::Generic`](object_store::Error::Generic)
/// for the [`STORE`] `"S3"`, with the creds error as its source, whatever its kind
/// (object_store has no variant for a credentials failure; its own providers use this
/// one). Its message is `Generic S3 error: ` and the creds error's, which names the
/// provider, says what to do, and holds no secret.
///
/// ```
/// use creds_core::CredentialsError;
///
/// let err = creds_object_store::store_error(CredentialsError::rejected("sso", "the token expired"));
/// assert_eq!(err.to_string(), "Generic S3 error: sso: the token expired");
/// ```
pub fn store_error(err: CredentialsError) -> object_store::Error {
    object_store::Error::Generic {
        store: STORE,
        source: Box::new(err),
    }
}
