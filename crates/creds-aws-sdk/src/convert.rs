//! Credentials and errors in aws-credential-types' terms.

use std::time::SystemTime;

use aws_credential_types::attributes::AccountId;
use aws_credential_types::provider::error::CredentialsError as SdkError;
use creds_core::{Credentials, CredentialsError, ErrorKind};

/// The provider name that SDK credentials carry when the creds credentials name none
/// (aws-credential-types wants a `&'static str`; creds' own names are static too).
pub const NAME: &str = "creds";

/// The SDK's [`Credentials`](aws_credential_types::Credentials) of `creds`: the same
/// keys, session token, expiration (as a `SystemTime`), account id, and provider name
/// (the creds provider's, such as `"profile"` or `"sts"`, else [`NAME`]).
///
/// The secrets are copied into the SDK's type, which zeroes them on drop too and
/// redacts the secret key in `Debug` (and never prints the token).
///
/// ```
/// use creds_core::Credentials;
///
/// let creds = Credentials::builder()
///     .access_key_id("AKIDEXAMPLE")
///     .secret_access_key("secret")
///     .session_token("token")
///     .account_id("123456789012")
///     .expiration("2026-01-01T00:00:00Z".parse().unwrap())
///     .provider_name("sts")
///     .build();
/// let sdk = creds_aws_sdk::sdk_credentials(&creds);
/// assert_eq!(sdk.access_key_id(), "AKIDEXAMPLE");
/// assert_eq!(sdk.session_token(), Some("token"));
/// assert_eq!(sdk.account_id().unwrap().as_str(), "123456789012");
/// assert_eq!(
///     sdk.expiry().unwrap(),
///     std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_225_600),
/// );
/// ```
pub fn sdk_credentials(creds: &Credentials) -> aws_credential_types::Credentials {
    let name = match creds.provider_name() {
        "" => NAME,
        name => name,
    };
    let mut builder = aws_credential_types::Credentials::builder()
        .access_key_id(creds.access_key_id())
        .secret_access_key(creds.secret_access_key())
        .provider_name(name);
    builder.set_session_token(creds.session_token().map(str::to_owned));
    builder.set_expiry(creds.expiration().map(SystemTime::from));
    builder.set_account_id(creds.account_id().map(AccountId::from));
    builder.build()
}

/// The SDK's [`CredentialsError`](SdkError) of a creds error, by its kind:
///
/// | creds | SDK |
/// | --- | --- |
/// | [`NotConfigured`](ErrorKind::NotConfigured) | `CredentialsNotLoaded` ([`not_loaded`](SdkError::not_loaded)), so that an SDK chain moves on too |
/// | a timeout ([`is_timeout`](CredentialsError::is_timeout)) | `ProviderTimedOut` ([`provider_timed_out`](SdkError::provider_timed_out)) with its duration |
/// | [`InvalidConfig`](ErrorKind::InvalidConfig) | `InvalidConfiguration` ([`invalid_configuration`](SdkError::invalid_configuration)) |
/// | anything else ([`Unavailable`](ErrorKind::Unavailable), [`Rejected`](ErrorKind::Rejected)) | `ProviderError` ([`provider_error`](SdkError::provider_error)) |
///
/// The kind decides first: a `NotConfigured` error stays "not loaded" even when a
/// timeout made it (the chain acts on the kind). Every SDK error keeps the creds error
/// as its [`source`](std::error::Error::source) but the timeout: aws-credential-types'
/// `ProviderTimedOut` holds a duration and nothing else, so its creds error (which names
/// the source that was still running) is logged at `warn` level instead.
///
/// ```
/// use std::error::Error as _;
/// use aws_credential_types::provider::error::CredentialsError as SdkError;
/// use creds_core::CredentialsError;
///
/// let err = CredentialsError::rejected("sts", "the role cannot be assumed");
/// let sdk = creds_aws_sdk::sdk_error(err);
/// assert!(matches!(sdk, SdkError::ProviderError(_)));
/// assert_eq!(sdk.source().unwrap().to_string(), "sts: the role cannot be assumed");
/// ```
pub fn sdk_error(err: CredentialsError) -> SdkError {
    if err.kind() == ErrorKind::NotConfigured {
        return SdkError::not_loaded(err);
    }
    if let Some(after) = err.timeout() {
        tracing::warn!(error = %err, "credentials provider timed out");
        return SdkError::provider_timed_out(after);
    }
    match err.kind() {
        ErrorKind::InvalidConfig => SdkError::invalid_configuration(err),
        _ => SdkError::provider_error(err),
    }
}
