//! AWS credentials of an EC2 instance's IAM role, from the instance metadata service
//! (IMDS): the JavaScript SDK v3's `fromInstanceMetadata`, aws-config's
//! `ImdsCredentialsProvider`, Go v2's `ec2rolecreds`, botocore's
//! `InstanceMetadataProvider`.
//!
//! For programs that run on EC2 (or on ECS on EC2, EKS nodes, anything with an instance
//! profile). Linking this crate (the `imds` feature of `creds`) puts [`ImdsProvider`]
//! last in the default chain and registers it as `credential_source =
//! Ec2InstanceMetadata` for role profiles.
//!
//! # Example
//!
//! ```
//! use creds_core::{Env, ProvideCredentials, ProviderConfig};
//! use creds_imds::ImdsProvider;
//! # use creds_testkit::{Method, Reply, TestServer};
//! # let server = TestServer::start_blocking();
//! # server.route(Method::PUT, "/latest/api/token", Reply::ok("AQAEAEXAMPLETOKEN"));
//! # server.route(Method::GET, "/latest/meta-data/iam/security-credentials-extended/", Reply::ok("web-role"));
//! # server.route(Method::GET, "/latest/meta-data/iam/security-credentials-extended/web-role", Reply::ok(
//! #     r#"{"Code": "Success", "AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t",
//! #         "Token": "t0k3n", "Expiration": "2999-01-01T00:00:00Z", "AccountId": "123456789012"}"#,
//! # ));
//! # let endpoint = server.url();
//!
//! // On EC2 nothing needs to be set; here the endpoint is a loopback test server's.
//! let config = ProviderConfig::empty()
//!     .with_env(Env::from_pairs([("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str())]));
//! let provider = ImdsProvider::new(&config);
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let creds = provider.provide_credentials().await.unwrap();
//! assert_eq!(creds.access_key_id(), "ASIAEXAMPLE");
//! assert_eq!(creds.account_id(), Some("123456789012"));
//! assert_eq!(creds.provider_name(), "imds");
//! assert!(!format!("{creds:?}").contains("s3cr3t"));
//!
//! // The token, the role and the path are remembered: a refresh is one request.
//! # server.clear_requests();
//! provider.provide_credentials().await.unwrap();
//! # assert_eq!(server.request_count(), 1);
//! # });
//! ```
//!
//! # Settings
//!
//! Each is taken from the builder, else the environment variable, else the key of the
//! selected profile in the shared config file.
//!
//! | builder | variable | profile key | default |
//! | --- | --- | --- | --- |
//! | — | `AWS_EC2_METADATA_DISABLED` | `disable_ec2_metadata` | `false`; `true` (any case) turns IMDS off |
//! | [`endpoint`](ImdsProviderBuilder::endpoint) | `AWS_EC2_METADATA_SERVICE_ENDPOINT` | `ec2_metadata_service_endpoint` | from the mode |
//! | [`endpoint_mode`](ImdsProviderBuilder::endpoint_mode) | `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` | `ec2_metadata_service_endpoint_mode` | `IPv4`: `http://169.254.169.254`; `IPv6`: `http://[fd00:ec2::254]` |
//! | [`timeout`](ImdsProviderBuilder::timeout) | `AWS_METADATA_SERVICE_TIMEOUT` | `metadata_service_timeout` | 1 s (decimal seconds) |
//! | [`max_attempts`](ImdsProviderBuilder::max_attempts) | `AWS_METADATA_SERVICE_NUM_ATTEMPTS` | `metadata_service_num_attempts` | 3 |
//! | [`ec2_metadata_v1_disabled`](ImdsProviderBuilder::ec2_metadata_v1_disabled) | `AWS_EC2_METADATA_V1_DISABLED` | `ec2_metadata_v1_disabled` | `false` |
//! | [`instance_profile_name`](ImdsProviderBuilder::instance_profile_name) | `AWS_EC2_INSTANCE_PROFILE_NAME` | `ec2_instance_profile_name` | discovered |
//! | [`token_ttl`](ImdsProviderBuilder::token_ttl) | — | — | 21600 s |
//!
//! An endpoint set anywhere wins over every mode; a mode from the builder wins over
//! one from the variable or the profile (the cross-SDK `imds-endpoint-tests.json`
//! order, every case of which is a test). Values that are wrong (`IPv7`, `yes` for a
//! boolean, a timeout of `soon`, a role name with a `/`) are
//! [`InvalidConfig`](creds_core::ErrorKind::InvalidConfig) errors naming the setting
//! and, for a profile key, its line.
//!
//! # The exchange
//!
//! 1. **Token**: `PUT /latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds:
//!    21600`. The token is kept and sent as `x-aws-ec2-metadata-token` until two
//!    minutes before the TTL that IMDS granted ends (its TTL header, or the TTL asked
//!    when there is none, as from moto). A `400` is an error; a `403`, `404` or `405`,
//!    or no answer within the timeout on a connection that was made, switch to IMDSv1
//!    (requests without a token) for good, unless IMDSv1 is disabled: then the error
//!    names the setting that disabled it.
//! 2. **Role**: the configured one, else the first line of
//!    `/latest/meta-data/iam/security-credentials-extended/`, remembered.
//! 3. **Credentials**: `GET .../security-credentials-extended/<role>`, whose document
//!    carries `AccountId`. While the instance's path is not known, a `404` on the
//!    extended path (or a `5xx` after the retries: moto answers `500` there) is
//!    followed by the legacy `.../security-credentials/` path, and the one that
//!    answers is remembered. `Code` must be `Success` (a document without
//!    one is accepted, as aws-config accepts it); `AccessKeyId`, `SecretAccessKey`,
//!    `Token` and `Expiration` are required.
//!
//! A `401` drops the token and the request is sent once more with a new one (in IMDSv1
//! mode, a `401` ends it: IMDSv2 is required now). A `404` for a discovered role's
//! credentials discovers the role again, once.
//!
//! # Time bounds
//!
//! Each request waits at most the timeout to connect and the timeout for each answer.
//! A `5xx` or a connection dropped by an endpoint that answered is retried with
//! full-jitter backoff, up to the attempts; a refused connection, a connect timeout
//! and a read timeout are never retried. So off EC2 the default chain gives up at once
//! on a refused or unreachable endpoint (in well under a millisecond on loopback), one
//! connect timeout on a silent network, and at most one read timeout per request (two:
//! the token, then the IMDSv1 attempt) on an endpoint that accepts and never answers.
//!
//! # Static stability
//!
//! When a refresh fails (for any reason but a configuration error), or IMDS serves
//! credentials that have already expired, the provider returns the last credentials
//! IMDS served with their expiry moved 5 to 10 minutes (random) past now, and logs a
//! warning. The expiry it reports is the extended one, so that a
//! [`CredentialsCache`](creds_core::CredentialsCache) in front (which never serves
//! credentials past their expiry, and drops a fetch that returns expired ones) stores
//! and serves them, and asks again before they run out (it scales its refresh points
//! to such short lifetimes: after about half). Credentials that IMDS never served are
//! never returned.
//!
//! # Errors
//!
//! | what | kind |
//! | --- | --- |
//! | `AWS_EC2_METADATA_DISABLED=true`; nothing listens or nothing reachable at the endpoint; no role attached (`404` or an empty list) | `NotConfigured` (as a `credential_source`: `InvalidConfig`, which creds-core's registry makes of any absent named source) |
//! | a wrong setting; a configured role with no credentials; IMDSv1 needed but disabled, after a `403`/`404`/`405` | `InvalidConfig` |
//! | `400` to the token request; `401` after a new token; `403` and other `4xx` | `Rejected` |
//! | read timeouts; `5xx` after the retries; dropped connections; a document that is not JSON, lacks a field, or has a `Code` other than `Success` | `Unavailable` |
//!
//! # Where the SDKs differ
//!
//! - **The token is reused** until shortly before its TTL ends (aws-config, Go v2);
//!   JS v3 and botocore ask for a new one at every refresh. A steady-state refresh is
//!   one request here, two or three there.
//! - **IMDSv1 fallback** (JS v3, Go v2, botocore; aws-config has none) is
//!   remembered after a `403`/`404`/`405` or a token timeout (JS v3, Go v2); a `401`
//!   to an IMDSv1 request ends it (Go v2). botocore asks for a token every time. A connect timeout does not fall back here: nothing answers, so
//!   IMDSv1 would not either (JS v3 and botocore try it, doubling the wait off EC2).
//! - **Unreachable is "not configured"**: aws-config, botocore and JS v3 move on to
//!   the next source (IMDS is the last, so the chain says that none was found); Go v2
//!   returns the IMDS error.
//! - **`AWS_EC2_METADATA_DISABLED`**: only `true`, in any case, turns IMDS off
//!   (aws-config, botocore, Go v2); JS v3 takes any value but `false`. The profile key
//!   `disable_ec2_metadata` is read after it, as aws-config and JS v3 read it (Go v2
//!   and botocore do not).
//! - **`AWS_EC2_METADATA_V1_DISABLED`** other than `true`/`false` is an error (Go v2);
//!   JS v3 takes any value but `false` as true, botocore anything but `true` as false.
//!   A typo must not silently leave IMDSv1 on.
//! - **Static stability** extends by 5 to 10 minutes, as JS v3 does (aws-config: 10
//!   to 15 minutes, and only for expired credentials it is served); an extension
//!   never shortens credentials that last longer. Go v2 and botocore have none.
//! - **`metadata_service_timeout`** and **`metadata_service_num_attempts`**: botocore's
//!   profile keys, read here too; the timeout may have a fraction (`0.5`).
//! - **The extended path** falls back to the legacy one on a `404` (every SDK) and
//!   also on a `5xx`, as long as the instance's path is not known: moto answers `500`
//!   on the extended path, and JS v3 and aws-config fail there. The legacy path is
//!   remembered only when it answers.
//! - **Attempts**: 3 (aws-config 4, Go v2 3, botocore 1, JS v3 1 for the token and
//!   `maxRetries + 1` for the rest).

mod builder;
mod client;
mod endpoint;
mod provider;
mod response;
mod session;
mod settings;
mod stability;
mod token;

use std::time::Duration;

pub use builder::ImdsProviderBuilder;
pub use endpoint::{EndpointMode, IPV4_ENDPOINT, IPV6_ENDPOINT, ParseEndpointModeError};
pub use provider::ImdsProvider;

/// `true` (any case) turns instance metadata off: no request is ever sent. The profile
/// key `disable_ec2_metadata` does too, when the variable is not set.
pub const ENV_DISABLED: &str = "AWS_EC2_METADATA_DISABLED";
/// The endpoint, `http://host[:port]`.
pub const ENV_ENDPOINT: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
/// `IPv4` or `IPv6`.
pub const ENV_ENDPOINT_MODE: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
/// `true` refuses the IMDSv1 fallback.
pub const ENV_V1_DISABLED: &str = "AWS_EC2_METADATA_V1_DISABLED";
/// The timeout of each connection and answer, in seconds.
pub const ENV_TIMEOUT: &str = "AWS_METADATA_SERVICE_TIMEOUT";
/// The attempts of each request.
pub const ENV_NUM_ATTEMPTS: &str = "AWS_METADATA_SERVICE_NUM_ATTEMPTS";
/// The instance profile (role) name, instead of the one IMDS lists.
pub const ENV_INSTANCE_PROFILE_NAME: &str = "AWS_EC2_INSTANCE_PROFILE_NAME";

/// The timeout of each connection and each answer: one second (every SDK's).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);
/// The attempts of each request when IMDS answers `5xx` or drops the connection: 3.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The TTL asked for the session token: six hours, the most IMDS grants.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(21_600);
