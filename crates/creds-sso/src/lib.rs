//! AWS credentials from IAM Identity Center (SSO), for `creds`: the profiles that
//! `aws configure sso` writes, the aws CLI's token cache, SSO-OIDC refresh, and the
//! device login that `creds sso login` runs.
//!
//! - [`SsoProvider`] (JS `fromSSO`): a role's credentials from the portal's
//!   `GetRoleCredentials`, with the settings of a profile in either form, or given.
//! - [`SsoTokenProvider`] (JS `fromSso` of `@aws-sdk/token-providers`): a session's
//!   access token, refreshed and written back.
//! - [`SsoSession`]: a sign-in (start URL, region, scopes, session name) and its
//!   token file; [`SsoToken`]: that file.
//! - [`device`]: the OAuth device authorization login and logout, as `aws sso
//!   login` and `aws sso logout` do them.
//!
//! Linking this crate registers, through `creds_core::registry`, the handler of SSO
//! profiles, so that `creds-profile` resolves them, as a profile of their own or as
//! the `source_profile` of a role chain.
//!
//! # Example
//!
//! ```
//! use creds_core::{Env, Fs, ProviderConfig};
//! use creds_sso::SsoSession;
//!
//! let config = ProviderConfig::empty()
//!     .with_env(Env::from_pairs([("HOME", "/home/me"), ("AWS_PROFILE", "dev")]))
//!     .with_fs(Fs::from_files([(
//!         "/home/me/.aws/config",
//!         "[profile dev]\nsso_session = my-sso\nsso_account_id = 123456789012\n\
//!          sso_role_name = ReadOnly\n\
//!          [sso-session my-sso]\nsso_start_url = https://d-123.awsapps.com/start\n\
//!          sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n",
//!     )]));
//! let session = SsoSession::for_profile(&config, None).unwrap();
//! assert_eq!(session.name(), Some("my-sso"));
//! assert_eq!(session.region(), "eu-west-1");
//! assert_eq!(
//!     session.token_file(&config).unwrap(),
//!     std::path::Path::new("/home/me/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json")
//! );
//! ```
//!
//! # Behaviour
//!
//! - **Profiles**: `sso_session = NAME` with `[sso-session NAME]` (`sso_start_url`,
//!   `sso_region`, `sso_registration_scopes`), or the legacy form with
//!   `sso_start_url` and `sso_region` in the profile; both with `sso_account_id` and
//!   `sso_role_name`. A key set in both the profile and its session must agree (the
//!   error names both lines), as botocore and the JavaScript SDK require. A profile
//!   with any `sso_*` key is an SSO profile; what it lacks is an error, and no SSO
//!   error lets the chain fall through to instance metadata.
//! - **Token cache**: `~/.aws/sso/cache/<SHA-1 hex of the session name, or of the
//!   start URL in the legacy form>.json`, the aws CLI's file, shared with it and with
//!   every SDK. A file for another start URL is refused.
//! - **Refresh** (named sessions only, as in every SDK): SSO-OIDC `CreateToken` with
//!   the refresh token when less than 5 minutes remain, at most once per 30 s, one
//!   call however many callers (the providers of one config share a lock per token
//!   file), never resent, and run to its end even when its caller stops waiting; the
//!   new token is written back atomically (0600) with the file's other fields as they
//!   were. A refresh that fails while the token is valid keeps it, with a warning (the
//!   JavaScript SDK's rules).
//! - **Credentials**: `GET /federation/credentials` on
//!   `https://portal.sso.{region}.amazonaws.com` (or `creds-http`'s overrides:
//!   `AWS_ENDPOINT_URL_SSO`, `[services]`, `endpoint_url`), unsigned, the token in
//!   `x-amz-sso_bearer_token`; the expiry is in epoch milliseconds, the account id is
//!   `sso_account_id` (as botocore and aws-config set it).
//! - **Errors** say what to do: no token file, an expired token, an expired client
//!   registration and the portal's `UnauthorizedException` say to run `creds sso
//!   login --profile P` (or `aws sso login`). None shows a token, a refresh token or
//!   a client secret, even when a service echoes one.
//!
//! # Where the SDKs differ
//!
//! - **The refresh window**: botocore refreshes 15 minutes before expiry, the
//!   JavaScript SDK 5 (and at most once per 30 s); creds follows the JavaScript SDK.
//!   `cargo xtask interop` records the difference.
//! - **A reply without a new refresh token**: botocore and the JavaScript SDK write the
//!   file without one (so no later refresh can happen); creds keeps the old one, as
//!   Go v2 does.
//! - **An expired client registration**: the JavaScript SDK tries the refresh anyway;
//!   botocore and creds do not.
//! - **Unknown fields** of the token file: the JavaScript SDK and creds keep them,
//!   botocore writes only the fields it knows.
//! - **A refreshed token that cannot be written back** is used, and kept in memory for
//!   the process's next calls (the JavaScript SDK uses it once and forgets it).

mod http;
mod oidc;
mod portal;
mod profile;
mod provider;
mod session;
mod token;
mod token_provider;

pub mod device;

pub use http::MAX_REPLY_BYTES;
pub use provider::{SsoProvider, SsoProviderBuilder};
pub use session::SsoSession;
pub use token::{MAX_TOKEN_FILE_BYTES, SsoToken};
pub use token_provider::{AccessToken, REFRESH_INTERVAL, REFRESH_WINDOW, SsoTokenProvider};

/// The provider's name, in errors, traces and
/// [`Credentials::provider_name`](creds_core::Credentials::provider_name).
pub(crate) const NAME: &str = "sso";
