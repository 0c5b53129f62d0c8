//! AWS credentials from the shared config and credentials files (`~/.aws/config`,
//! `~/.aws/credentials`), as the JavaScript SDK v3's `fromIni` reads them.
//!
//! - **Profile selection**: the builder's profile, then `AWS_PROFILE`, then `default`.
//! - **Static keys**: `aws_access_key_id`, `aws_secret_access_key`,
//!   `aws_session_token`, `aws_account_id`; the credentials file wins over the config
//!   file. An empty key is an error with the file and line, not credentials.
//! - **Every other kind of profile** (`credential_process`, SSO, web identity, `aws
//!   login`) goes to the registered [`ProfileHandler`](creds_core::registry::ProfileHandler)
//!   that claims it. When the crate that handles it is not linked, the error names that
//!   crate and the `creds` feature to enable.
//! - **Role chains**: `role_arn` with `source_profile` or `credential_source`, hop by
//!   hop; static keys win on every hop after the first; a profile may name itself as
//!   `source_profile` when it holds static keys; a cycle is an error that names it. The
//!   roles themselves are assumed by the registered
//!   [`RoleAssumer`](creds_core::registry::RoleAssumer) (`creds-sts`).
//!   [`plan_profile`] describes a profile's chain as plain data ([`RoleChain`]: each
//!   hop's `role_arn` and source with their file and line, and the base) without
//!   building it, for `creds explain`; [`resolve_profile`] builds the same plan.
//! - **Built once**: the provider builds the profile's chain at its first fetch and
//!   keeps it (with whatever each hop holds), building it again only when the files
//!   change, on [`ProfileProvider::reload`], or always with `ignore_cache`.
//! - **Missing profiles**: the `default` profile missing moves the chain on; a profile
//!   named by the program or `AWS_PROFILE` missing is an error listing the profiles
//!   that exist.
//!
//! Linking this crate registers the provider in the default chain after the
//! environment.
//!
//! # Example
//!
//! ```
//! use creds_core::{Env, Fs, ProvideCredentials, ProviderConfig};
//! use creds_profile::ProfileProvider;
//!
//! let config = ProviderConfig::empty()
//!     .with_env(Env::from_pairs([("HOME", "/home/me")]))
//!     .with_fs(Fs::from_files([(
//!         "/home/me/.aws/credentials",
//!         "[demo]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n",
//!     )]));
//! let provider = ProfileProvider::builder().config(config).profile_name("demo").build();
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let creds = provider.provide_credentials().await.unwrap();
//! assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
//! # });
//! ```

mod kinds;
mod plan;
mod provider;
mod resolve;
mod static_keys;

pub use plan::{ChainBase, HopSource, RoleChain, RoleHop, plan_profile};
pub use provider::{ProfileProvider, ProfileProviderBuilder};
pub use resolve::resolve_profile;
