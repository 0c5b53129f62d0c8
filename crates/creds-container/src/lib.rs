//! AWS credentials from an ECS or EKS container endpoint, or from any credentials URL: the
//! JavaScript SDK's `RemoteCredentials` (v2), `fromContainerMetadata` and `fromHttp`
//! (v3), aws-config's `EcsCredentialsProvider`, Go's `endpointcreds`.
//!
//! For programs that run in ECS tasks, on EKS with Pod Identity, or beside a local
//! credentials server (`creds serve`, `aws-vault --ecs-server`). Linking this crate (the
//! `container` feature of `creds`) puts [`ContainerProvider`] in the default chain, after
//! the shared files and web identity, and registers it as `credential_source =
//! EcsContainer` for role profiles.
//!
//! # Example
//!
//! ```
//! use creds_core::{Env, ProvideCredentials, ProviderConfig};
//! use creds_container::ContainerProvider;
//! # use creds_testkit::{Method, Reply, TestServer};
//! # let server = TestServer::start_blocking();
//! # server.route(Method::GET, "/creds", Reply::ok(
//! #     r#"{"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t", "Token": "t0k3n",
//! #         "Expiration": "2999-01-01T00:00:00Z"}"#,
//! # ));
//! # let full_uri = server.uri("/creds");
//!
//! // What EKS Pod Identity sets (here the URI is a loopback test server's).
//! let config = ProviderConfig::empty().with_env(Env::from_pairs([
//!     ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri.as_str()),
//!     ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer abc"),
//! ]));
//! let provider = ContainerProvider::new(&config);
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let creds = provider.provide_credentials().await.unwrap();
//! assert_eq!(creds.access_key_id(), "ASIAEXAMPLE");
//! assert_eq!(creds.provider_name(), "container");
//! assert!(!format!("{creds:?}").contains("s3cr3t"));
//! # });
//! ```
//!
//! # Settings
//!
//! | variable | builder | |
//! | --- | --- | --- |
//! | `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` | [`relative_uri`](ContainerProviderBuilder::relative_uri) | a path appended to `http://169.254.170.2` (ECS); wins over the full URI |
//! | `AWS_CONTAINER_CREDENTIALS_FULL_URI` | [`full_uri`](ContainerProviderBuilder::full_uri) | the whole URI (EKS Pod Identity, local servers) |
//! | `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` | [`authorization_token_file`](ContainerProviderBuilder::authorization_token_file) | a file holding the `Authorization` header, read at every fetch; wins over the token |
//! | `AWS_CONTAINER_AUTHORIZATION_TOKEN` | [`authorization_token`](ContainerProviderBuilder::authorization_token) | the `Authorization` header |
//!
//! The ECS host can only be changed through the builder
//! ([`relative_uri_base`](ContainerProviderBuilder::relative_uri_base)), for tests.
//! [`timeout`](ContainerProviderBuilder::timeout) (1 s),
//! [`max_retries`](ContainerProviderBuilder::max_retries) (3) and
//! [`retry_delay_base`](ContainerProviderBuilder::retry_delay_base) (100 ms) are JS v2
//! `RemoteCredentials`' options.
//!
//! # Which URIs are accepted
//!
//! Checked before any connection is made (the cross-SDK `ecs-tests.json` cases):
//!
//! - a relative URI must start with `/`;
//! - a full URI may use https to any host; plain http only to loopback (127.0.0.0/8,
//!   `::1`), the ECS host 169.254.170.2, or the EKS hosts 169.254.170.23 and
//!   `fd00:ec2::23`. A host name (`localhost` included) is resolved, through the
//!   [`ResolveHost`] of the builder ([`SystemResolver`] by default), and every address
//!   must be allowed.
//!
//! # The exchange
//!
//! One `GET`, with the token (if any) as the `Authorization` header, verbatim, never
//! through a proxy, no redirect followed. A 2xx answer must be the JSON of
//! [`parse_response`]: `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` (RFC 3339,
//! after now) and an optional `AccountId`. Connection failures, timeouts, 5xx and 429
//! are retried with exponential backoff and full jitter; a 4xx is not.
//!
//! # Errors
//!
//! | what | kind |
//! | --- | --- |
//! | neither URI set | `NotConfigured` (`InvalidConfig` for `credential_source = EcsContainer`) |
//! | a URI that is malformed or that plain http may not reach; a token with CR, LF or another control character; a missing token file | `InvalidConfig` |
//! | a 4xx (but 408 and 429), with the status and the error document's `Code` and `Message` | `Rejected` |
//! | connection failures, timeouts and 5xx after the retries; an answer that is too large, not JSON, lacks a field or has expired; a host name that does not resolve; an unreadable token file | `Unavailable` |
//!
//! Errors name the URI without its user info and query, never quote the token or the
//! answer's secrets; logs (`tracing`, at debug) say the same.
//!
//! # Where the SDKs differ
//!
//! - Relative or full URI when both are set: the relative one wins (the cross-SDK
//!   tests, aws-config, Go v2, botocore, JS v3 `fromContainerMetadata`); JS v3
//!   `fromHttp` prefers the full one.
//! - Token file or token when both are set: the file (aws-config, Go v2, botocore); JS
//!   v3 `fromHttp` prefers the token.
//! - A trailing newline in the token file: refused, as Go v2, botocore and aws-config
//!   refuse it (none trims; JS sends it and Node rejects the header).
//! - `localhost` over plain http: resolved and checked like any name (aws-config, Go
//!   v2, Java v2); JS v3 and botocore accept the name without resolving it.
//! - `Token` and `Expiration` are required (JS v3, aws-config, botocore); Go v2 accepts
//!   answers without them.
//! - Retries: JS's count (`max_retries` 3, four attempts) and JS v2's backoff; aws-config
//!   and Go v2 make three attempts, botocore three with no backoff.
//! - The check of a host name and the connection resolve it separately (as in every
//!   SDK), so DNS that changes in between is not caught.

mod builder;
mod endpoint;
mod provider;
mod resolve;
mod response;
mod token;

pub use builder::ContainerProviderBuilder;
pub use endpoint::ECS_CONTAINER_HOST;
pub use provider::{
    ContainerProvider, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES, DEFAULT_RETRY_DELAY_BASE,
    DEFAULT_TIMEOUT,
};
pub use resolve::{ResolveFuture, ResolveHost, SystemResolver};
pub use response::parse_response;

/// A path appended to the ECS host (`http://169.254.170.2`).
pub const ENV_RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
/// The whole URI of a credentials endpoint.
pub const ENV_FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// The value of the `Authorization` header.
pub const ENV_AUTHORIZATION_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
/// A file holding the value of the `Authorization` header, read at every fetch.
pub const ENV_AUTHORIZATION_TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
