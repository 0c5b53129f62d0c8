//! AWS credentials from environment variables, as the JavaScript SDK v3's `fromEnv`
//! and every other AWS SDK read them.
//!
//! | variable | |
//! | --- | --- |
//! | `AWS_ACCESS_KEY_ID` | required |
//! | `AWS_SECRET_ACCESS_KEY` | required |
//! | `AWS_SESSION_TOKEN` | optional |
//! | `AWS_CREDENTIAL_EXPIRATION` | optional, RFC 3339 (`2026-01-01T00:00:00Z`) |
//! | `AWS_ACCOUNT_ID` | optional |
//!
//! Blank or white-space-only values count as unset. With only one of the key pair set,
//! the source is skipped (as JS v3 and aws-config do) with a warning that names the
//! missing variable; `creds explain` shows it. An unparseable or past
//! `AWS_CREDENTIAL_EXPIRATION` is an error that stops the chain.
//!
//! Linking this crate registers the provider in the default chain (first, before the
//! shared files) and as `credential_source = Environment` for role profiles. When a
//! profile is named explicitly (a builder or `--profile`), the default chain skips the
//! environment keys; `AWS_PROFILE` does not (botocore, Go v2 and aws-config agree).
//!
//! # Example
//!
//! ```
//! use creds_core::{Env, ProvideCredentials, ProviderConfig};
//! use creds_env::EnvironmentProvider;
//!
//! let config = ProviderConfig::empty().with_env(Env::from_pairs([
//!     ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
//!     ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
//! ]));
//! let provider = EnvironmentProvider::new(&config);
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let creds = provider.provide_credentials().await.unwrap();
//! assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
//! # });
//! ```

mod provider;

pub use provider::EnvironmentProvider;
