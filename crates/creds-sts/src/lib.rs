//! AWS credentials from STS: roles assumed with other credentials (`AssumeRole`, role
//! chains in `~/.aws/config`, MFA) and with OpenID Connect tokens
//! (`AssumeRoleWithWebIdentity`: EKS service accounts, CI systems), for `creds`.
//!
//! - [`AssumeRoleProvider`] (JS `fromTemporaryCredentials`): any source provider, the
//!   role ARN, session name, duration, external id, session policies and tags, source
//!   identity, and MFA codes from a [`MfaCodeProvider`].
//! - [`WebIdentityProvider`] (JS `fromWebToken` and `fromTokenFile`): a token given or
//!   read from a file at every fetch; [`WebIdentityProvider::from_env`] reads
//!   `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`.
//! - [`FileCache`]: assumed-role credentials kept between runs in the aws CLI's
//!   `~/.aws/cli/cache`, for programs that opt in (the `creds` CLI does).
//! - [`parse_response`]: STS's XML replies.
//!
//! Linking this crate registers, through `creds_core::registry`:
//!
//! - the role assumer that `creds-profile` layers over every `role_arn` hop of a
//!   profile (`role_session_name`, `external_id`, `mfa_serial`, `duration_seconds`),
//!   each hop cached on its own;
//! - the handler of `web_identity_token_file` profiles;
//! - the web identity variables in the default chain, after the shared files and
//!   before the container endpoint (where botocore and aws-config agree).
//!
//! # Example
//!
//! A role assumed with static keys, against a local STS (such as `moto_server`); the
//! `AWS_ENDPOINT_URL_STS` override of `creds-http` points the call at it:
//!
//! ```no_run
//! use creds_core::{Credentials, Env, ProvideCredentials, ProviderConfig};
//! use creds_sts::AssumeRoleProvider;
//!
//! # async fn run() -> Result<(), creds_core::CredentialsError> {
//! let config = ProviderConfig::empty()
//!     .with_env(Env::from_pairs([("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000")]));
//! let provider = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/deploy")
//!     .config(config)
//!     .source(Credentials::from_keys("AKIDEXAMPLE", "secret", "static"))
//!     .build();
//! let creds = provider.provide_credentials().await?;
//! assert_eq!(creds.account_id(), Some("123456789012"));
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour
//!
//! - **Requests**: the query protocol (`Action`, `Version=2011-06-15`, a form body),
//!   `AssumeRole` signed with SigV4 (every case of the AWS SigV4 test suite passes),
//!   `AssumeRoleWithWebIdentity` unsigned. HMAC and SHA-256 come from `ring`.
//! - **Endpoint**: `creds-http`'s overrides (`AWS_ENDPOINT_URL_STS`,
//!   `AWS_ENDPOINT_URL`, `[services]`, `endpoint_url`), else
//!   `https://sts.{region}.amazonaws.com`. With `sts_regional_endpoints = legacy` (or
//!   `AWS_STS_REGIONAL_ENDPOINTS=legacy`) the sixteen regions of the old global
//!   endpoint use `https://sts.amazonaws.com`, as botocore and the JavaScript SDK do;
//!   Go v2 and aws-config always use the regional one.
//! - **Region** of a hop: the builder's, else the hop profile's `region`, else the
//!   selected profile's, else `AWS_REGION`, `AWS_DEFAULT_REGION`, `us-east-1`.
//! - **Errors**: STS's `<ErrorResponse>` becomes the service error of
//!   `creds-http` (`service_code`, `request_id`); `AccessDenied`, `ExpiredToken`,
//!   `RegionDisabledException` and `InvalidIdentityToken` are
//!   [`Rejected`](creds_core::ErrorKind::Rejected), with what to do; throttling and
//!   `5xx` are retried (three attempts), and `IDPCommunicationError` too for web
//!   identity. No error holds a secret, a token or a signature; a token STS echoes is
//!   blanked out.
//! - **Session names** not given are `creds-<milliseconds>` (botocore
//!   `botocore-session-<seconds>`, JS `aws-sdk-js-<milliseconds>`).
//! - **MFA**: the code is asked of the [`MfaCodeProvider`] each time the role is
//!   assumed (once per role session). botocore asks once per process and then refuses
//!   to refresh; here a later refresh asks again.
//!
//! # Where the SDKs differ
//!
//! - **`role_arn` beside `credential_process` (or SSO, or static keys) with no
//!   `source_profile` or `credential_source`**: botocore and aws-config refuse it, the
//!   JavaScript SDK ignores the role and uses the process's credentials, Go v2 assumes
//!   the role with them. `creds-profile` refuses it, saying how to write it (the
//!   process in a profile of its own, named as `source_profile`): using other
//!   credentials than the role the user asked for is the one outcome to avoid.

mod assume_role;
mod client;
mod file_cache;
mod mfa;
mod profile;
mod sigv4;
mod web_identity;
mod xml;

pub use assume_role::{AssumeRoleProvider, AssumeRoleProviderBuilder, MAX_DURATION, MIN_DURATION};
pub use file_cache::FileCache;
pub use mfa::MfaCodeProvider;
pub use web_identity::{
    ENV_ROLE_ARN, ENV_SESSION_NAME, ENV_TOKEN_FILE, WebIdentityProvider, WebIdentityProviderBuilder,
};
pub use xml::{MAX_REPLY_BYTES, StsAction, parse_response};
