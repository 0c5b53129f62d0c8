//! The spine of `creds`: the types every credentials provider shares.
//!
//! This crate is for authors of credentials providers, the `creds` provider crates and
//! third-party ones alike. Programs that only want credentials use the `creds` facade.
//! It holds no HTTP client, spawns no process and links no TLS:
//!
//! - [`Credentials`]: secrets zeroed on drop and redacted in `Debug`; cheap to clone.
//! - [`ProvideCredentials`]: the object-safe provider trait, shared as
//!   [`SharedProvider`].
//! - [`CredentialsError`] with its [`ErrorKind`], which the [`CredentialsChain`] acts on.
//! - [`ProviderConfig`]: the environment ([`Env`]), file system ([`Fs`]), [`Clock`],
//!   home directory and selected profile, all injectable so that tests never touch the
//!   real environment or `~/.aws`.
//! - [`registry`]: how provider crates join the default chain and claim profiles.
//! - [`CredentialsCache`]: lock-free hits, single-flight refresh, advisory and
//!   mandatory refresh windows with jitter, stale-on-failure, one deadline per fetch.
//! - [`Extensions`]: the typed slot through which a program hands providers state
//!   ([`ProviderConfig::with_extension`]).
//! - [`profile`]: the shared config and credentials files, parsed by the cross-SDK rules.
//! - [`redact`]: text from outside made safe to show in errors.
//! - `document` (feature `json`): the JSON credentials document of
//!   `credential_process` and the container and instance metadata endpoints.
//!
//! # Features
//!
//! - `json`: the `document` module (serde_json). Off by default, so that a program
//!   that reads only the environment and the shared files does not build serde_json.
//!
//! # Example
//!
//! A provider, a chain and a cache, tested against an injected world:
//!
//! ```
//! use creds_core::{
//!     CredentialsCache, CredentialsChain, CredentialsError, Credentials, Env,
//!     ProvideCredentials, ProvideFuture, ProviderConfig,
//! };
//!
//! /// Credentials from `MY_KEY_ID` and `MY_SECRET`.
//! #[derive(Debug)]
//! struct MyProvider(ProviderConfig);
//!
//! impl ProvideCredentials for MyProvider {
//!     fn provide_credentials(&self) -> ProvideFuture<'_> {
//!         let env = self.0.env();
//!         let result = match (env.get_non_blank("MY_KEY_ID"), env.get_non_blank("MY_SECRET")) {
//!             (Some(id), Some(secret)) => Ok(Credentials::from_keys(id, secret, "mine")),
//!             _ => Err(CredentialsError::not_configured("mine", "MY_KEY_ID is not set")),
//!         };
//!         Box::pin(std::future::ready(result))
//!     }
//!
//!     fn name(&self) -> &'static str {
//!         "mine"
//!     }
//! }
//!
//! let config = ProviderConfig::empty()
//!     .with_env(Env::from_pairs([("MY_KEY_ID", "AKID"), ("MY_SECRET", "s3cr3t")]));
//! let chain = CredentialsChain::new().push(MyProvider(config));
//! let cache = CredentialsCache::builder().build(chain);
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let creds = cache.provide_credentials().await.unwrap();
//! assert_eq!(creds.access_key_id(), "AKID");
//! assert!(!format!("{creds:?}").contains("s3cr3t"));
//! # });
//! ```
//!
//! # Handing state to providers
//!
//! What the environment and the files cannot hold (a callback that asks for an MFA
//! code, an HTTP client, a token store) reaches a provider through the config's
//! typed extension slot, never a global. The crate that reads it defines the type;
//! third-party crates do the same:
//!
//! ```
//! use std::sync::Arc;
//! use creds_core::ProviderConfig;
//!
//! /// What a hypothetical `my-vault` provider reads.
//! #[derive(Debug)]
//! struct VaultToken(String);
//!
//! let config = ProviderConfig::empty().with_extension(VaultToken("s.abc".into()));
//! let token: Arc<VaultToken> = config.extension::<VaultToken>().unwrap();
//! assert_eq!(token.0, "s.abc");
//!
//! // State that providers make on first use and share with every provider built from
//! // this config and its clones (a connection pool, say):
//! let shared = config.extensions().get_or_insert_with(|| String::from("made once"));
//! assert!(Arc::ptr_eq(&shared, &config.clone().extensions().get_or_insert_with(String::new)));
//! ```
//!
//! # Writing files
//!
//! A token refresh writes back through the config's [`Fs`]: atomically (a temporary
//! file in the same directory, flushed, renamed; mode `0600`) into directories made
//! private (`0700`). The in-memory `Fs` of tests takes the writes, records them and
//! can fail them:
//!
//! ```
//! use std::path::Path;
//! use creds_core::{CredentialsError, Fs, FsFault};
//!
//! let fs = Fs::empty();
//! let dir = Path::new("/home/me/.aws/sso/cache");
//! fs.create_dir_all(dir).unwrap();
//! fs.write_atomic(&dir.join("t.json"), b"{}").unwrap();
//! assert_eq!(fs.read(&dir.join("t.json")).unwrap(), b"{}");
//! assert_eq!(fs.writes().len(), 6); // five directories and the file
//!
//! let full = fs.with_fault("/home/me", FsFault::NoSpace);
//! let err = full.write_atomic(&dir.join("t.json"), b"{\"new\": 1}").unwrap_err();
//! let err = CredentialsError::cannot_write("sso", &dir.join("t.json"), err);
//! assert!(err.message().starts_with("cannot write /home/me/.aws/sso/cache/t.json: the disk is full"));
//! assert_eq!(full.read(&dir.join("t.json")).unwrap(), b"{}");
//! ```
//!
//! # Behaviour followed
//!
//! The chain stops on any error but "not configured", as aws-config, botocore, Go v2
//! and the JavaScript SDK v3 do. The cache's two windows are botocore's shape (an
//! advisory refresh that callers do not wait for, then a mandatory one that they do)
//! with the JavaScript SDK v3's five minutes as the advisory default; aws-config
//! refreshes only 10 seconds before expiry, which leaves no room for a slow source. The files follow the cross-SDK parser suite.
// docs.rs labels each item that a feature gates with that feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The registry's collection crate, re-exported so that a provider crate submits with
/// the same version creds collects with.
pub use inventory;
/// The date and time crate of every expiration and clock here ([`jiff::Timestamp`]),
/// re-exported so that callers name the same version creds uses.
pub use jiff;

mod cache;
mod chain;
mod clock;
mod config;
mod credentials;
#[cfg(feature = "json")]
pub mod document;
mod env;
mod error;
mod extensions;
mod fs;
pub mod profile;
mod provider;
pub mod redact;
pub mod registry;
mod timer;

pub use cache::{CacheFuture, CredentialsCache, CredentialsCacheBuilder, FetchDeadline};
pub use chain::{CredentialsChain, Found, Outcome, Trace, TraceEntry};
pub use clock::{Clock, ManualClock};
pub use config::{ProfileSource, ProviderConfig, SelectedProfile};
pub use credentials::{Credentials, CredentialsBuilder, REDACTED};
pub use env::Env;
pub use error::{CredentialsError, ErrorKind, Location};
pub use extensions::Extensions;
pub use fs::{Fs, FsFault, FsWrite};
pub use provider::{ProvideCredentials, ProvideFuture, SharedProvider};
