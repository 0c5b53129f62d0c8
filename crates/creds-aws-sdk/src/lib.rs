//! Any `creds` provider or chain as the credentials provider of the AWS SDK for Rust,
//! for programs that use the SDK's service clients but resolve credentials with creds:
//! the same resolution as the `creds` command line tool, sources the SDK lacks, the
//! creds cache (advisory refresh, stale on failure), and a world injected in tests.
//!
//! - [`SdkCredentialsProvider`]: implements aws-credential-types'
//!   [`ProvideCredentials`](aws_credential_types::provider::ProvideCredentials) over any
//!   creds [`ProvideCredentials`](creds_core::ProvideCredentials).
//! - [`sdk_credentials`] and [`sdk_error`]: the conversions it makes, for code that
//!   implements the SDK's trait itself.
//!
//! It depends on `aws-credential-types` alone (and the `aws-smithy-*` crates under it):
//! not on `aws-config`, not on the SDK's runtime. That crate declares Rust 1.94.1, and
//! so does this one.
//!
//! # Example
//!
//! The default chain of the `creds` facade, as the SDK sees it (`no_run`: it reads the
//! real environment and may reach the instance metadata service):
//!
//! ```no_run
//! use aws_credential_types::provider::ProvideCredentials as _;
//! use creds_aws_sdk::SdkCredentialsProvider;
//!
//! # async fn run() -> Result<(), aws_credential_types::provider::error::CredentialsError> {
//! let provider = SdkCredentialsProvider::new(creds::default_chain());
//! let credentials = provider.provide_credentials().await?;
//! println!("using {}", credentials.access_key_id());
//! # Ok(())
//! # }
//! ```
//!
//! The same chain over an injected world, as tests build it (the facade's `env`
//! feature):
//!
//! ```
//! use aws_credential_types::provider::ProvideCredentials as _;
//! use creds::{DefaultChain, Env, ProviderConfig};
//! use creds_aws_sdk::SdkCredentialsProvider;
//!
//! let config = ProviderConfig::empty().with_env(Env::from_pairs([
//!     ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
//!     ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI"),
//!     ("AWS_SESSION_TOKEN", "token"),
//! ]));
//! let provider = SdkCredentialsProvider::new(DefaultChain::builder().config(config).build());
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let credentials = provider.provide_credentials().await.unwrap();
//! assert_eq!(credentials.access_key_id(), "AKIDEXAMPLE");
//! assert_eq!(credentials.session_token(), Some("token"));
//! assert!(!format!("{credentials:?}").contains("wJalrXUtnFEMI"));
//! # });
//! ```
//!
//! # With a service client
//!
//! `aws-sdk-s3` and `aws-config` are not dependencies of this crate, so these two are
//! not compiled here. A client's config takes the provider directly:
//!
//! ```ignore
//! use aws_sdk_s3::config::{BehaviorVersion, Builder, Region};
//! use creds_aws_sdk::SdkCredentialsProvider;
//!
//! let config = Builder::new()
//!     .behavior_version(BehaviorVersion::latest())
//!     .region(Region::new("eu-west-1"))
//!     .credentials_provider(SdkCredentialsProvider::new(creds::default_chain()))
//!     .build();
//! let s3 = aws_sdk_s3::Client::from_conf(config);
//! ```
//!
//! With `aws-config`, replace the credentials of `aws_config::load_defaults` and keep
//! everything else it resolves (the region, retries, endpoints): give the provider to
//! the loader, which then builds no credentials chain of its own:
//!
//! ```ignore
//! use aws_config::BehaviorVersion;
//! use creds_aws_sdk::SdkCredentialsProvider;
//!
//! let sdk_config = aws_config::defaults(BehaviorVersion::latest())
//!     .credentials_provider(SdkCredentialsProvider::new(creds::default_chain()))
//!     .load()
//!     .await;
//! let s3 = aws_sdk_s3::Client::new(&sdk_config);
//! ```
//!
//! A config already loaded keeps its region when only its credentials are replaced:
//!
//! ```ignore
//! use aws_credential_types::provider::SharedCredentialsProvider;
//!
//! let loaded = aws_config::load_defaults(BehaviorVersion::latest()).await;
//! let sdk_config = loaded
//!     .into_builder()
//!     .credentials_provider(SharedCredentialsProvider::new(SdkCredentialsProvider::new(
//!         creds::default_chain(),
//!     )))
//!     .build();
//! ```
//!
//! (That one has resolved the SDK's own credentials chain first, for nothing: prefer
//! the loader's `credentials_provider`.)
//!
//! # Features
//!
//! None: the crate is the adapter and nothing else.
//!
//! # Behaviour
//!
//! - **Credentials**: the keys, the session token, the expiration (a `SystemTime`), the
//!   account id (which the SDK uses for account-based endpoints), and the creds
//!   provider's name (`"environment"`, `"profile"`, `"sts"`, ...; [`NAME`] when it has
//!   none) as the SDK credentials' provider name.
//! - **Errors**: see [`sdk_error`]; `NotConfigured` is the SDK's `CredentialsNotLoaded`
//!   (an SDK chain moves on), a timeout `ProviderTimedOut`, `InvalidConfig`
//!   `InvalidConfiguration`, the rest `ProviderError`, each with the creds error as its
//!   source but the timeout, which cannot hold one.
//! - **Caching**: none here. The SDK's identity cache caches what this returns until
//!   shortly before expiry (and credentials without one for 15 minutes); put a creds
//!   cache underneath for the earlier refresh and stale-on-failure of creds.
//! - **Secrets** never reach a `Debug`, a `Display`, an error or a log line: creds
//!   errors hold none, and both crates' credentials redact them.

mod convert;
mod provider;

pub use convert::{NAME, sdk_credentials, sdk_error};
pub use provider::SdkCredentialsProvider;
