//! AWS credentials from Amazon Cognito identity pools, for `creds`: the credentials
//! that mobile and desktop apps, IoT devices and games give their end users, each user
//! an identity of the pool, authenticated by an identity provider's token or not at
//! all.
//!
//! - [`CognitoIdentityPoolProvider`] (JS v3's `fromCognitoIdentityPool`): `GetId` for
//!   the pool (the id kept in an [`IdentityIdStore`]: [`MemoryStore`], a
//!   [`FileStore`], or one of the program's own), then `GetCredentialsForIdentity`.
//! - [`CognitoIdentityProvider`] (JS v3's `fromCognitoIdentity`): the credentials of an
//!   identity whose id is known.
//! - [`Logins`]: the identity providers' tokens, given or fetched by a callback at
//!   every refresh.
//! - [`parse_credentials_reply`]: `GetCredentialsForIdentity`'s reply.
//!
//! Neither is in the default chain: no SDK puts Cognito there, since only the program
//! knows its pool and its users. Wrap a provider in a
//! [`CredentialsCache`](creds_core::CredentialsCache) to refresh it before expiry.
//!
//! # Example
//!
//! An unauthenticated identity of a pool, against a local Cognito Identity (such as
//! `moto_server`): the `AWS_ENDPOINT_URL_COGNITO_IDENTITY` override of `creds-http`
//! points the calls at it.
//!
//! ```no_run
//! use creds_cognito::CognitoIdentityPoolProvider;
//! use creds_core::{CredentialsCache, Env, ProvideCredentials, ProviderConfig};
//!
//! # async fn run() -> Result<(), creds_core::CredentialsError> {
//! let config = ProviderConfig::empty().with_env(Env::from_pairs([(
//!     "AWS_ENDPOINT_URL_COGNITO_IDENTITY",
//!     "http://127.0.0.1:5000",
//! )]));
//! let pool = CognitoIdentityPoolProvider::builder("us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d")
//!     .config(config)
//!     .build();
//! let provider = CredentialsCache::builder().build(pool);
//! let creds = provider.provide_credentials().await?;
//! assert!(creds.session_token().is_some());
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour
//!
//! - **Requests**: awsJson 1.1, unsigned: `POST /` with `X-Amz-Target:
//!   AWSCognitoIdentityService.GetId` or `.GetCredentialsForIdentity` and
//!   `Content-Type: application/x-amz-json-1.1`, on `creds-http`'s endpoint overrides
//!   (`AWS_ENDPOINT_URL_COGNITO_IDENTITY`, `AWS_ENDPOINT_URL`, `[services]`,
//!   `endpoint_url`), else `https://cognito-identity.{region}.amazonaws.com`.
//! - **Region**: the builder's, else the selected profile's `region`, `AWS_REGION`,
//!   `AWS_DEFAULT_REGION`, else the one the pool id (or identity id) starts with, else
//!   `us-east-1`.
//! - **Replies**: the secret is `Credentials.SecretKey` (not `SecretAccessKey`), the
//!   expiration seconds since the epoch, possibly fractional.
//! - **Errors** surface Cognito's type and message (`service_code`, `request_id`),
//!   with what to do for the common ones; `TooManyRequestsException` and `5xx` are
//!   retried with backoff (three attempts). No error or log holds a login token or a
//!   secret, even when Cognito echoes a token.
//!
//! # Where the JavaScript SDK differs
//!
//! - **A failed fetch** there removes the kept identity id whatever the failure (a
//!   throttled call included), and a later fetch calls `GetId` again; here only an id
//!   that Cognito rejects is dropped, and `GetId` runs at once, in the same fetch.
//! - **Logins** there are resolved for `GetId` and again for
//!   `GetCredentialsForIdentity`; here once per fetch, for both calls.
//! - **The default store** there is the browser's IndexedDB or `localStorage`, and
//!   memory in Node.js; here memory, or a [`FileStore`] for programs that restart.
//! - **The region** there is `clientConfig.region`, else `AWS_REGION`, else the
//!   profile's `region`, else an error; here the order of every creds provider's inner
//!   calls (the builder's, the profile's, `AWS_REGION`, `AWS_DEFAULT_REGION`), then the
//!   pool id's own region rather than an error.

mod client;
mod identity;
mod logins;
mod pool;
mod reply;
mod store;

pub use identity::{CognitoIdentityProvider, CognitoIdentityProviderBuilder};
pub use logins::{LoginFuture, Logins};
pub use pool::{CognitoIdentityPoolProvider, CognitoIdentityPoolProviderBuilder};
pub use reply::{MAX_REPLY_BYTES, parse_credentials_reply};
pub use store::{FileStore, IdentityIdStore, MemoryStore};

/// The providers' name, in errors, traces and
/// [`Credentials::provider_name`](creds_core::Credentials::provider_name).
pub(crate) const NAME: &str = "cognito";
