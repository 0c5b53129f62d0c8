//! AWS credentials for Rust programs, resolved exactly as the official AWS SDKs resolve
//! them, without the SDK.
//!
//! `creds` is a family of small crates, one per credentials source, that this facade
//! puts together by feature. Programs that talk to AWS (object stores, database
//! drivers, build tools, agents) get the default chain of the SDKs in a few crates.
//!
//! # Example
//!
//! ```no_run
//! # async fn run() -> Result<(), creds::CredentialsError> {
//! use creds::ProvideCredentials;
//!
//! // Environment, then the shared files (`AWS_PROFILE` or `default`), then the
//! // sources of the other enabled features; cached, refreshed before expiry.
//! let provider = creds::default_chain();
//! let credentials = provider.provide_credentials().await?;
//! println!("using {}", credentials.access_key_id());
//! # Ok(())
//! # }
//! ```
//!
//! Tests inject their world instead of the real one (this one needs the `profile`
//! feature):
//!
//! ```
//! # #[cfg(feature = "profile")] {
//! use creds::{Env, Fs, ProvideCredentials, ProviderConfig};
//!
//! let config = ProviderConfig::empty()
//!     .with_env(Env::from_pairs([("HOME", "/home/me"), ("AWS_PROFILE", "demo")]))
//!     .with_fs(Fs::from_files([(
//!         "/home/me/.aws/credentials",
//!         "[demo]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n",
//!     )]));
//! let provider = creds::DefaultChain::builder().config(config).build();
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let credentials = provider.provide_credentials().await.unwrap();
//! assert_eq!(credentials.access_key_id(), "AKIDEXAMPLE");
//! # });
//! # }
//! ```
//!
//! # Features
//!
//! | feature | crate | source | crates alone |
//! | --- | --- | --- | --- |
//! | `env` (default) | `creds-env` | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, ... | 16 |
//! | `profile` (default) | `creds-profile` | `~/.aws/config` and `~/.aws/credentials`: static keys, role chains, and every kind of profile a linked crate handles | 16 |
//! | `process` (default) | `creds-process` | `credential_process` profiles, and any program that prints credentials ([`from_process`]) | 21 |
//! | `container` (default) | `creds-container` | ECS and EKS container endpoints (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, `AWS_CONTAINER_CREDENTIALS_FULL_URI`), any credentials URL ([`from_http`]), `credential_source = EcsContainer` | 45 |
//! | `imds` (default) | `creds-imds` | EC2 instance metadata: IMDSv2 with IMDSv1 fallback, static stability ([`from_instance_metadata`]), `credential_source = Ec2InstanceMetadata`; `AWS_EC2_METADATA_DISABLED=true` turns it off | 45 |
//! | `sts` (default) | `creds-sts` | STS: every `role_arn` hop of a profile (MFA, `external_id`, `duration_seconds`), `web_identity_token_file` profiles, `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN` (EKS), [`from_temporary_credentials`], [`from_web_token`], [`from_token_file`] | 46 |
//! | `sso` (default) | `creds-sso` | IAM Identity Center: `sso_session` and legacy `sso_start_url` profiles (also as a role chain's `source_profile`), the aws CLI's token cache, SSO-OIDC refresh, [`from_sso`], the device login of `creds sso login` | 45 |
//! | `login` (default) | `creds-login` | `aws login` sessions: `login_session` profiles, the cache in `~/.aws/login/cache` (or `AWS_LOGIN_CACHE_DIRECTORY`), Sign-In refresh with a DPoP proof (ECDSA P-256 from `ring`), [`from_login_credentials`] | 45 |
//! | `cognito` | `creds-cognito` | Amazon Cognito identity pools and identities (`from_cognito_identity_pool`, `from_cognito_identity`): `GetId` and `GetCredentialsForIdentity`, logins given or fetched at every refresh, a store of identity ids; not in the default chain, as in every SDK | 45 |
//!
//! The last column counts the distinct crates of `cargo tree -p creds -e normal
//! --no-default-features --features F`, this one and `creds-core` included. With no
//! feature, the tree is 15 crates: `creds`, `creds-core` and what the core is made of
//! (tokio without its drivers, jiff, nom, memchr, inventory, tracing, zeroize and a few
//! small ones). What each feature adds to them:
//!
//! - `env`, `profile`: their own crate, nothing else (17 crates for both).
//! - `process`: its crate and serde_json (+6).
//! - `container`, `imds`, `sts`, `sso`, `login`, `cognito`: their own crate on top of
//!   `creds-http`, the one HTTP client they share (hyper, rustls with ring, the
//!   platform's roots, tokio's net driver). The first of them adds 30 crates; each one
//!   more adds only its own crate, and `sts` also its XML reader, quick-xml.
//! - The default features come to 53 crates, all features to 54 (aws-config 1.13 is
//!   142, counted the same way).
//!
//! `cargo xtask deps` recounts these and fails when this table is out of date.
//!
//! # The default chain
//!
//! The order is the SDKs': environment, shared files, web identity token file,
//! container endpoint, instance metadata, each present when its feature is. A source
//! that is absent passes to the next; a source that is present but broken stops the
//! chain with an error that says what to fix. A profile named explicitly (with
//! [`DefaultChainBuilder::profile_name`]) skips the environment keys, as botocore, Go
//! v2 and aws-config do.
//!
//! # JavaScript-style entry points
//!
//! [`from_env`], [`from_ini`], [`from_process`], [`from_container_metadata`],
//! [`from_http`], [`from_instance_metadata`], [`from_temporary_credentials`],
//! [`from_web_token`], [`from_token_file`], [`from_sso`], [`from_login_credentials`],
//! `from_cognito_identity_pool`, `from_cognito_identity` (feature `cognito`) and
//! [`create_credential_chain`] mirror the JavaScript SDK v3's `fromEnv`, `fromIni`,
//! `fromProcess`, `fromContainerMetadata`, `fromHttp`, `fromInstanceMetadata`,
//! `fromTemporaryCredentials`, `fromWebToken`, `fromTokenFile`, `fromSSO`,
//! `fromLoginCredentials`, `fromCognitoIdentityPool`, `fromCognitoIdentity` and
//! `createCredentialChain`.
//!
//! # Writing a provider
//!
//! A crate of your own can add a source to the default chain, a kind of profile or a
//! `credential_source`, without a change here: see the guide for provider authors,
//! [`guide::authors`].

mod default_chain;
pub mod guide;

pub use creds_core as core;
pub use creds_core::{
    Clock, Credentials, CredentialsBuilder, CredentialsCache, CredentialsCacheBuilder,
    CredentialsChain, CredentialsError, Env, ErrorKind, FetchDeadline, Fs, ManualClock, Outcome,
    ProvideCredentials, ProvideFuture, ProviderConfig, SharedProvider, Trace, TraceEntry,
};
pub use default_chain::{DefaultChain, DefaultChainBuilder, default_chain};

/// The `creds-container` crate: [`ContainerProvider`], its host resolver and the
/// response parser.
#[cfg(feature = "container")]
pub use creds_container as container;
#[cfg(feature = "container")]
pub use creds_container::{ContainerProvider, ContainerProviderBuilder};
#[cfg(feature = "env")]
pub use creds_env::EnvironmentProvider;
/// The `creds-imds` crate: [`ImdsProvider`], its endpoint modes and settings.
#[cfg(feature = "imds")]
pub use creds_imds as imds;
#[cfg(feature = "imds")]
pub use creds_imds::{ImdsProvider, ImdsProviderBuilder};
/// The `creds-process` crate: [`ProcessProvider`], the output parser and the
/// [`StdinPassthrough`](creds_process::StdinPassthrough) extension.
#[cfg(feature = "process")]
pub use creds_process as process;
#[cfg(feature = "process")]
pub use creds_process::{ProcessProvider, ProcessProviderBuilder};
/// A profile's role chain planned without building it ([`plan_profile`]), as `creds
/// explain` shows it.
#[cfg(feature = "profile")]
pub use creds_profile::{ChainBase, HopSource, RoleChain, RoleHop, plan_profile};
#[cfg(feature = "profile")]
pub use creds_profile::{ProfileProvider, ProfileProviderBuilder};
/// The `creds-sts` crate: [`AssumeRoleProvider`], [`WebIdentityProvider`], the
/// [`MfaCodeProvider`](creds_sts::MfaCodeProvider) extension and the
/// [`FileCache`](creds_sts::FileCache) of assumed roles.
#[cfg(feature = "sts")]
pub use creds_sts as sts;
#[cfg(feature = "sts")]
pub use creds_sts::{
    AssumeRoleProvider, AssumeRoleProviderBuilder, WebIdentityProvider, WebIdentityProviderBuilder,
};

/// The `creds-sso` crate: [`SsoProvider`], the [`SsoTokenProvider`](creds_sso::SsoTokenProvider)
/// of a session's bearer token, and the [`device`](creds_sso::device) login.
#[cfg(feature = "sso")]
pub use creds_sso as sso;
#[cfg(feature = "sso")]
pub use creds_sso::{SsoProvider, SsoProviderBuilder};

/// The `creds-login` crate: [`LoginProvider`] and the [`LoginToken`](creds_login::LoginToken)
/// cache file.
#[cfg(feature = "login")]
pub use creds_login as login;
#[cfg(feature = "login")]
pub use creds_login::{LoginProvider, LoginProviderBuilder};

/// The `creds-cognito` crate: [`CognitoIdentityPoolProvider`],
/// [`CognitoIdentityProvider`], [`Logins`](creds_cognito::Logins) and the identity id
/// stores.
#[cfg(feature = "cognito")]
pub use creds_cognito as cognito;
#[cfg(feature = "cognito")]
pub use creds_cognito::{
    CognitoIdentityPoolProvider, CognitoIdentityPoolProviderBuilder, CognitoIdentityProvider,
    CognitoIdentityProviderBuilder,
};

/// Credentials from the process environment (JS `fromEnv()`).
#[cfg(feature = "env")]
pub fn from_env() -> EnvironmentProvider {
    EnvironmentProvider::from_process_env()
}

/// A builder for credentials from the shared files (JS `fromIni({...})`).
#[cfg(feature = "profile")]
pub fn from_ini() -> ProfileProviderBuilder {
    ProfileProvider::builder()
}

/// A builder for credentials from an external program (JS `fromProcess({...})`). As
/// built, it runs the `credential_process` of the selected profile; give it a
/// [`profile_name`](ProcessProviderBuilder::profile_name), a
/// [`command_line`](ProcessProviderBuilder::command_line) or a
/// [`program`](ProcessProviderBuilder::program) instead.
#[cfg(feature = "process")]
pub fn from_process() -> ProcessProviderBuilder {
    ProcessProvider::builder()
}

/// A builder for credentials from an ECS or EKS container endpoint (JS
/// `fromContainerMetadata({...})`). As built, it reads
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
/// the authorization token variables at each fetch; set
/// [`timeout`](ContainerProviderBuilder::timeout) and
/// [`max_retries`](ContainerProviderBuilder::max_retries) as JS does.
#[cfg(feature = "container")]
pub fn from_container_metadata() -> ContainerProviderBuilder {
    ContainerProvider::builder()
}

/// A builder for credentials from any credentials URL (JS `fromHttp({...})`): give it a
/// [`full_uri`](ContainerProviderBuilder::full_uri) or a
/// [`relative_uri`](ContainerProviderBuilder::relative_uri), and an
/// [`authorization_token`](ContainerProviderBuilder::authorization_token) or
/// [`authorization_token_file`](ContainerProviderBuilder::authorization_token_file);
/// without them it reads the same variables as [`from_container_metadata`]. Unlike JS
/// `fromHttp`, a relative URI wins over a full one and a token file over a token, as
/// in the other SDKs.
#[cfg(feature = "container")]
pub fn from_http() -> ContainerProviderBuilder {
    ContainerProvider::builder()
}

/// A builder for credentials from EC2 instance metadata (JS
/// `fromInstanceMetadata({...})`). As built, it reads `AWS_EC2_METADATA_DISABLED`, the
/// endpoint, timeout, attempts, IMDSv1 and role settings from the environment and the
/// selected profile at the first fetch; set [`timeout`](ImdsProviderBuilder::timeout),
/// [`max_attempts`](ImdsProviderBuilder::max_attempts) (JS `maxRetries + 1`),
/// [`ec2_metadata_v1_disabled`](ImdsProviderBuilder::ec2_metadata_v1_disabled) and
/// [`instance_profile_name`](ImdsProviderBuilder::instance_profile_name) as JS does.
#[cfg(feature = "imds")]
pub fn from_instance_metadata() -> ImdsProviderBuilder {
    ImdsProvider::builder()
}

/// A builder for the credentials of role `role_arn`, assumed with STS `AssumeRole`
/// (JS `fromTemporaryCredentials({ params: { RoleArn } })`). The source credentials
/// are the default chain's unless [`source`](AssumeRoleProviderBuilder::source) gives
/// others (JS `masterCredentials`).
#[cfg(feature = "sts")]
pub fn from_temporary_credentials(role_arn: impl Into<String>) -> AssumeRoleProviderBuilder {
    AssumeRoleProvider::builder(role_arn)
}

/// A builder for the credentials of role `role_arn` assumed with the OpenID Connect
/// token `token` (JS `fromWebToken({ roleArn, webIdentityToken })`).
#[cfg(feature = "sts")]
pub fn from_web_token(
    role_arn: impl Into<String>,
    token: impl Into<String>,
) -> WebIdentityProviderBuilder {
    WebIdentityProvider::builder(role_arn).token(token)
}

/// The credentials of `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` (JS
/// `fromTokenFile()`), or an error when they are not set. For a token file and role
/// given in code, use [`WebIdentityProvider::builder`] with
/// [`token_file`](WebIdentityProviderBuilder::token_file).
#[cfg(feature = "sts")]
pub fn from_token_file() -> Result<WebIdentityProvider, CredentialsError> {
    WebIdentityProvider::from_env(&ProviderConfig::new())
}

/// A builder for the credentials of an IAM Identity Center role (JS `fromSSO({...})`).
/// As built, it reads the selected profile; give it a
/// [`profile`](SsoProviderBuilder::profile), or the settings JS takes
/// ([`start_url`](SsoProviderBuilder::start_url),
/// [`region`](SsoProviderBuilder::region),
/// [`account_id`](SsoProviderBuilder::account_id),
/// [`role_name`](SsoProviderBuilder::role_name),
/// [`session_name`](SsoProviderBuilder::session_name)).
#[cfg(feature = "sso")]
pub fn from_sso() -> SsoProviderBuilder {
    SsoProvider::builder()
}

/// A builder for the credentials of an `aws login` session (JS
/// `fromLoginCredentials({...})`). As built, it reads the selected profile's
/// `login_session`; give it a [`profile`](LoginProviderBuilder::profile) or a
/// [`login_session`](LoginProviderBuilder::login_session).
#[cfg(feature = "login")]
pub fn from_login_credentials() -> LoginProviderBuilder {
    LoginProvider::builder()
}

/// A builder for the credentials of an identity of a Cognito identity pool (JS
/// `fromCognitoIdentityPool({ identityPoolId, ... })`); set
/// [`logins`](CognitoIdentityPoolProviderBuilder::logins),
/// [`user_identifier`](CognitoIdentityPoolProviderBuilder::user_identifier),
/// [`custom_role_arn`](CognitoIdentityPoolProviderBuilder::custom_role_arn),
/// [`account_id`](CognitoIdentityPoolProviderBuilder::account_id) and
/// [`store`](CognitoIdentityPoolProviderBuilder::store) as JS does. Wrap it in a
/// [`CredentialsCache`] to refresh before expiry.
#[cfg(feature = "cognito")]
pub fn from_cognito_identity_pool(
    identity_pool_id: impl Into<String>,
) -> CognitoIdentityPoolProviderBuilder {
    CognitoIdentityPoolProvider::builder(identity_pool_id)
}

/// A builder for the credentials of the Cognito identity `identity_id` (JS
/// `fromCognitoIdentity({ identityId, ... })`).
#[cfg(feature = "cognito")]
pub fn from_cognito_identity(identity_id: impl Into<String>) -> CognitoIdentityProviderBuilder {
    CognitoIdentityProvider::builder(identity_id)
}

/// A chain of the given providers, tried in order (JS `createCredentialChain(...)`).
/// Wrap it in [`CredentialsCache::builder`] with
/// [`expire_after`](CredentialsCacheBuilder::expire_after) for JS's `.expireAfter(ms)`.
pub fn create_credential_chain(
    providers: impl IntoIterator<Item = SharedProvider>,
) -> CredentialsChain {
    providers
        .into_iter()
        .fold(CredentialsChain::new(), CredentialsChain::push_shared)
}

/// The names of the providers of the default chain that this build links, in order.
pub fn linked_providers() -> Vec<&'static str> {
    default_chain::link_providers();
    creds_core::registry::provider_factories()
        .iter()
        .map(|f| f.name())
        .collect()
}
