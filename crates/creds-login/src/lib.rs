//! AWS credentials from `aws login` sessions, for `creds`: the profiles with
//! `login_session` that the aws CLI's `aws login` writes, the credentials it
//! caches in `~/.aws/login/cache`, and their refresh through AWS Sign-In, signed with
//! the session's key (DPoP). JS v3's `fromLoginCredentials`, botocore's
//! `LoginProvider`.
//!
//! - [`LoginProvider`] (JS `fromLoginCredentials({ profile })`): the session of a
//!   profile, or one named with [`LoginProviderBuilder::login_session`].
//! - [`LoginToken`]: a session's cache file, parsed and checked;
//!   [`cache_file_path`] and [`cache_file_name`] say where it is.
//!
//! Linking this crate registers, through `creds_core::registry`, the handler of
//! profiles with `login_session` (named `login`, priority
//! [`priority::LOGIN`](creds_core::registry::priority::LOGIN): after SSO and before
//! `credential_process`, as botocore orders them), each profile's provider behind a
//! [`CredentialsCache`](creds_core::CredentialsCache) of its own.
//!
//! # Example
//!
//! A profile signed in with `aws login --profile dev`, against a local Sign-In (the
//! `AWS_ENDPOINT_URL_SIGNIN` override of `creds-http` points refreshes at it):
//!
//! ```no_run
//! use creds_core::{Env, ProvideCredentials, ProviderConfig};
//! use creds_login::LoginProvider;
//!
//! # async fn run() -> Result<(), creds_core::CredentialsError> {
//! let config = ProviderConfig::new()
//!     .with_env(Env::from_pairs([("HOME", "/home/me"), ("AWS_ENDPOINT_URL_SIGNIN", "http://127.0.0.1:4566")]));
//! let provider = LoginProvider::builder().config(config).profile("dev").build();
//! let creds = provider.provide_credentials().await?;
//! assert_eq!(creds.provider_name(), "login");
//! println!("account {}", creds.account_id().unwrap_or("?"));
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour
//!
//! - **The cache file** of a session is `<sha256 of its name, hex>.json` in
//!   `AWS_LOGIN_CACHE_DIRECTORY` (its `$VARIABLE`s and leading `~` expanded, as
//!   botocore does), else in `~/.aws/login/cache`: `accessToken` (`accessKeyId`,
//!   `secretAccessKey`, `sessionToken`, `accountId`, `expiresAt`), `refreshToken`,
//!   `clientId`, `dpopKey` (a SEC1 PEM of a P-256 key), and optionally `signInRegion`,
//!   `tokenType`, `idToken`. Missing fields are an error that lists them all.
//! - **Refresh** when five minutes or less remain (both SDKs' threshold), by Sign-In's
//!   `CreateOAuth2Token`: `POST /v1/token` with `{"clientId", "grantType":
//!   "refresh_token", "refreshToken"}`, unsigned, with a `DPoP` header: an ES256 JWT
//!   (RFC 9449) with the public key as its `jwk` and the claims `jti` (a random UUID),
//!   `htm`, `htu` (the request's URL) and `iat`, signed with the session's key by
//!   `ring`. It is sent once: never again after it may have arrived.
//! - **Write-back**: the new keys, refresh token and `expiresAt` (now plus `expiresIn`,
//!   900 seconds when the reply has none, as in the JavaScript SDK; written as
//!   botocore does, `%Y-%m-%dT%H:%M:%SZ`), every other field kept as it was, written
//!   atomically (temporary file, flush, rename; mode `0600`) through the config's
//!   [`Fs`](creds_core::Fs). The directory is not made again if it went away (`aws
//!   logout` may have removed it): that is a write error.
//! - **Endpoint**: `creds-http`'s overrides for Sign-In (`AWS_ENDPOINT_URL_SIGNIN`,
//!   `AWS_ENDPOINT_URL`, `signin` in a `[services]` section, `endpoint_url`), else
//!   `https://{region}.signin.aws.amazon.com`: what Sign-In's endpoint rule set (in
//!   botocore's data) gives `CreateOAuth2Token`, an operation outside the control
//!   plane, in the `aws` partition; `{region}.signin.amazonaws.cn` in China,
//!   `{region}.signin.amazonaws-us-gov.com` in GovCloud, and the isolated partitions'
//!   own domains.
//! - **Region**: the session's `signInRegion` (where `aws login` signed in), else the
//!   profile's `region`, else `AWS_REGION`, `AWS_DEFAULT_REGION`, `us-east-1`.
//! - **Failures**: a refresh that fails while the credentials have not expired logs a
//!   warning and returns them (both SDKs); once they have, the error. Sign-In's
//!   `AccessDeniedException` is an error at once, as in the JavaScript SDK (a
//!   [`CredentialsCache`](creds_core::CredentialsCache) in front, as the profile
//!   handler puts there, still serves unexpired credentials, as botocore does): its
//!   `TOKEN_EXPIRED` and `USER_CREDENTIALS_CHANGED` say to run `aws login` (after a
//!   password change, with the new password), `INSUFFICIENT_PERMISSIONS` names the
//!   missing `signin:CreateOAuth2Token` permission.
//! - **Errors** are never [`NotConfigured`](creds_core::ErrorKind::NotConfigured) for
//!   a profile with `login_session`, so that a broken session never falls through to
//!   other sources: a missing, unreadable or malformed file, a key that is not P-256
//!   or a bad region are [`InvalidConfig`](creds_core::ErrorKind::InvalidConfig), and
//!   name the file; Sign-In's refusals are [`Rejected`](creds_core::ErrorKind::Rejected);
//!   a refresh whose write-back fails is logged (a warning), its session used and kept
//!   in memory, the file left as it was. No error, log line or `Debug` holds a key, a
//!   token or the DPoP key; what Sign-In echoes of them is blanked out.
//!
//! # Where the SDKs differ
//!
//! - **`AccessDeniedException` while the credentials are valid**: the JavaScript SDK
//!   fails at once, botocore keeps the credentials until its mandatory refresh. Here
//!   the provider fails (JS) and the cache in front keeps serving (botocore's
//!   outcome for callers of the default chain).
//! - **Required fields**: botocore requires `accessToken`, `refreshToken`, `dpopKey`
//!   and `clientId`, the JavaScript SDK also `accountId`; both then read the members of
//!   `accessToken`. All of them are required here.
//! - **Write-back of `accessToken`**: botocore rewrites it with its five members, the
//!   JavaScript SDK keeps any other; they are kept here.
//! - **The DPoP key** may also be a PKCS#8 PEM (`PRIVATE KEY`) of a P-256 key, which
//!   the JavaScript SDK reads too; the aws CLI writes SEC1. A SEC1 key without its
//!   public key (which the aws CLI always writes) is refused: `ring` signs only with
//!   both, where OpenSSL (JS) and awscrt (botocore) derive the public key.
//! - **A refresh that cannot be written back**: botocore and the JavaScript SDK fail
//!   and drop the new session, leaving a spent refresh token in the file; here the new
//!   session is used, and kept in memory for the next refresh.
//! - **A refresh whose caller stops waiting** runs on to its write-back (in a task of
//!   its own), as the JavaScript SDK's in-flight promise does.

mod cache_file;
mod client;
mod dpop;
mod profile;
mod provider;

/// The provider's name, in errors, traces and [`Credentials::provider_name`](creds_core::Credentials::provider_name).
pub(crate) const NAME: &str = "login";

pub use cache_file::{
    ENV_CACHE_DIRECTORY, LoginToken, MAX_FILE_BYTES, cache_file_name, cache_file_path,
};
pub use client::MAX_REPLY_BYTES;
pub use provider::{LoginProvider, LoginProviderBuilder, REFRESH_WINDOW};
