//! Any `creds` provider or chain as the credentials of `object_store`'s Amazon S3
//! store, for the programs that read and write objects with `object_store` (query
//! engines, data pipelines, Parquet and Delta tools) and want their credentials
//! resolved as the AWS SDKs resolve them: the whole default chain, role chains with
//! MFA, SSO, `aws login`, Cognito, cached and refreshed before they expire.
//!
//! - [`S3CredentialProvider`]: implements object_store's
//!   [`CredentialProvider`](object_store::CredentialProvider) with
//!   `Credential = `[`AwsCredential`](object_store::aws::AwsCredential) over any creds
//!   [`ProvideCredentials`](creds_core::ProvideCredentials).
//! - [`aws_credential`] and [`store_error`]: the conversions it makes.
//!
//! # Example
//!
//! The default chain of the `creds` facade (cached already) as the credentials of an
//! S3 store (`no_run`: building the store needs object_store's HTTP client, see
//! [Features](#features)):
//!
//! ```no_run
//! use std::sync::Arc;
//! use creds_object_store::S3CredentialProvider;
//! use object_store::aws::AmazonS3Builder;
//!
//! # fn run() -> object_store::Result<()> {
//! let s3 = AmazonS3Builder::new()
//!     .with_bucket_name("my-bucket")
//!     .with_region("eu-west-1")
//!     .with_credentials(Arc::new(S3CredentialProvider::new(creds::default_chain())))
//!     .build()?;
//! # let _ = s3;
//! # Ok(())
//! # }
//! ```
//!
//! A provider that is not cached, such as a role or an SSO profile built on its own,
//! goes through [`S3CredentialProvider::cached`]:
//!
//! ```ignore
//! let role = creds::from_temporary_credentials("arn:aws:iam::123456789012:role/reader").build();
//! let s3 = AmazonS3Builder::new()
//!     .with_bucket_name("my-bucket")
//!     .with_credentials(Arc::new(S3CredentialProvider::cached(role)))
//!     .build()?;
//! ```
//!
//! The provider itself, over an injected world, as object_store calls it:
//!
//! ```
//! use creds::{DefaultChain, Env, ProviderConfig};
//! use creds_object_store::S3CredentialProvider;
//! use object_store::CredentialProvider as _;
//!
//! let config = ProviderConfig::empty().with_env(Env::from_pairs([
//!     ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"),
//!     ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI"),
//!     ("AWS_SESSION_TOKEN", "token"),
//! ]));
//! let provider = S3CredentialProvider::new(DefaultChain::builder().config(config).build());
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let credential = provider.get_credential().await.unwrap();
//! assert_eq!(credential.key_id, "ASIAEXAMPLE");
//! assert_eq!(credential.token.as_deref(), Some("token"));
//! assert!(!format!("{credential:?} {provider:?}").contains("wJalrXUtnFEMI"));
//! # });
//! ```
//!
//! # Features
//!
//! This crate has none, and needs only object_store's `aws-base` feature: the S3 store,
//! `CredentialProvider` and `AwsCredential`, without an HTTP client or a crypto
//! library. To build a working store, enable object_store's `aws` feature in your own
//! `Cargo.toml`: it adds reqwest with rustls for HTTP, and aws-lc-rs to sign requests.
//! (Without it, the builder needs an `HttpConnector` of your own, and a crypto provider:
//! object_store's `ring` feature, or `with_crypto_provider`; this crate's tests do
//! that.) Cargo unifies the features of one object_store version, so this crate uses
//! the store you build:
//!
//! ```toml
//! [dependencies]
//! creds = "0.1"
//! creds-object-store = "0.1"
//! object_store = { version = "0.14", features = ["aws"] }
//! ```
//!
//! A lighter build signs with ring, which creds' HTTP client already links (through
//! rustls), instead of adding aws-lc-rs: object_store's `aws-base`, `reqwest` and
//! `ring` features, reqwest with `rustls-no-provider`, and ring installed as the
//! process's rustls provider (`rustls::crypto::ring::default_provider()
//! .install_default()`) before the store is built. The S3 client of `cargo xtask
//! interop` (`xtask/interop/clients/s3-object-store`) is built that way:
//!
//! ```toml
//! [dependencies]
//! object_store = { version = "0.14", default-features = false, features = ["aws-base", "reqwest", "ring"] }
//! reqwest = { version = "0.13", default-features = false, features = ["rustls-no-provider"] }
//! rustls = { version = "0.23", default-features = false, features = ["ring"] }
//! ```
//!
//! # Behaviour
//!
//! - **Every request** asks the provider (object_store keeps no credentials of its own
//!   from a custom provider, and its `AwsCredential` has no expiration): a
//!   [`CredentialsCache`](creds_core::CredentialsCache) answers those without a lock
//!   and refreshes before expiry, single-flight, serving the current credentials while
//!   the refresh runs and while they are valid if it fails. The facade's default chain
//!   is cached; wrap anything else with [`S3CredentialProvider::cached`] or a cache of
//!   your own settings.
//! - **What object_store gets**: the access key id, the secret access key and the
//!   session token, one [`AwsCredential`](object_store::aws::AwsCredential) per
//!   distinct set of credentials (not one per request). The account id and the
//!   expiration have no place there.
//! - **Errors**: [`object_store::Error::Generic`] with `store: "S3"` and the creds
//!   error as its source, whatever its kind, as object_store's own S3 providers do; a
//!   request fails with it, without retries (object_store retries HTTP, not
//!   credentials).
//! - **Secrets** never reach a `Debug`, a `Display`, an error or a log line: creds
//!   errors hold none, and object_store's `AwsCredential` redacts them.

mod convert;
mod provider;

pub use convert::{STORE, aws_credential, store_error};
pub use provider::S3CredentialProvider;
