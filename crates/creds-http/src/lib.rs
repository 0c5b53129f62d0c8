//! The one HTTP client of the `creds` providers that speak HTTP (container and
//! instance metadata, STS, SSO, Cognito, Sign-In), and the endpoint and region rules
//! of the AWS services they call.
//!
//! - [`HttpClient`]: hyper 1's HTTP/1.1 connections on tokio with a small pool of our
//!   own (hyper-util's pooled client would bring four more crates), rustls for `https`;
//!   connect, read and total timeouts; bounded retries with backoff and full jitter
//!   ([`RetryPolicy`]); a cap on response bodies; no redirects; an optional HTTP
//!   proxy ([`Proxy`]) with `NO_PROXY`.
//! - [`HttpError`]: what went wrong, with a [kind](HttpErrorKind) and a message that
//!   names the endpoint and says what to check; [`HttpError::to_credentials_error`]
//!   turns it into a provider's error.
//! - [`endpoint`]: `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, `[services]`
//!   sections and `endpoint_url`; the region of inner calls; regional defaults.
//! - [`ClientSettings`] and [`shared_client`]: how every provider gets its client, by
//!   one formula (connect and read timeouts, attempts, backoff, and a total timeout
//!   that covers them all), one per configuration and shared through the
//!   [`ProviderConfig`](creds_core::ProviderConfig)'s extensions, so that every hop of
//!   a role chain uses one connection pool.
//! - [`ServiceError`]: an AWS service's error reply (status, code, message, request
//!   id) from any of their protocols, cleaned of control characters and of what the
//!   request sent; [`ServiceError::to_credentials_error`] sets
//!   [`CredentialsError::service_code`](creds_core::CredentialsError::service_code).
//! - [`NonIdempotent`]: marks a request that must never be sent twice.
//!
//! # Notes on the API as first specified
//!
//! Nothing specified was renamed; these fill in what the specification left open:
//!
//! - [`Proxy`] is `None` (default), `FromEnv` (the process environment, read through
//!   [`creds_core::Env::process`] when the client is built) and `Rules(`[`ProxyRules`]`)`;
//!   [`Proxy::from_env`]`(&Env)` returns `Rules` read from an injected `Env`. Provider
//!   crates use `Proxy::from_env(config.env())`.
//! - [`RetryPolicy`]'s settings are by-value builder methods
//!   (`RetryPolicy::new().max_attempts(4).retry_connect_errors(false)`).
//! - [`HttpErrorKind`] has two more kinds: `Proxy` and `InvalidResponse` (the
//!   endpoint answered something that is not HTTP/1.1). Both map to `Unavailable`.
//! - [`regional_default`] returns `Result<String, CredentialsError>`: a region that
//!   is not a DNS label is an `InvalidConfig` error. Endpoint and region errors carry
//!   the provider names `endpoint` and `region`; relabel them with
//!   [`CredentialsError::with_provider`](creds_core::CredentialsError::with_provider).
//! - Added: [`HttpClientBuilder::add_root_certificate_der`],
//!   [`endpoint::resolve_endpoint_for_profile`], [`endpoint::resolve_region_for_profile`],
//!   [`HttpError::endpoint`], [`HttpError::message`], `is_timeout`, `is_connect`,
//!   [`HttpError::during_connect`] (a connect timeout, as instance metadata tells it
//!   from a read timeout).
//!
//! # Example
//!
//! ```
//! use bytes::Bytes;
//! use creds_http::{HttpClient, RetryPolicy};
//! use creds_testkit::{Method, Reply, TestServer};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let server = TestServer::start().await;
//! server
//!     .route(Method::GET, "/credentials", Reply::new(503))
//!     .then(Reply::json(serde_json::json!({"AccessKeyId": "AKIDEXAMPLE"})));
//!
//! let client = HttpClient::builder().retry(RetryPolicy::new().max_attempts(3)).build();
//! let request = http::Request::get(server.uri("/credentials"))
//!     .header("authorization", "a token")
//!     .body(Bytes::new())
//!     .unwrap();
//! let response = client.send(request).await.unwrap();
//! assert_eq!(response.status(), 200);
//! assert_eq!(server.request_count(), 2); // the 503 was retried
//!
//! // A refused connection, as a provider reports it.
//! let refused = http::Request::get(creds_testkit::refused_url()).body(Bytes::new()).unwrap();
//! let client = HttpClient::builder().retry(RetryPolicy::none()).build();
//! let error = client.send(refused).await.unwrap_err();
//! assert!(error.is_connect());
//! let error = error.to_credentials_error("container");
//! assert!(error.to_string().contains("connection refused; is the endpoint right?"));
//! # });
//! ```
//!
//! # Behaviour
//!
//! - **Timeouts.** The connect timeout (1 s) bounds TCP, a proxy tunnel and the TLS
//!   handshake together, as aws-config's does. The read timeout (5 s) bounds every
//!   silence of the endpoint: from the request to the response's headers and between
//!   two parts of the body (it is enforced on the connection's reads, so a body that
//!   trickles slower than that fails). The total timeout (30 s) bounds the whole
//!   [`send`](HttpClient::send), every attempt and backoff sleep included.
//! - **Retries.** Only what is safe: connect errors, timeouts, connections that close
//!   before a complete response, and `5xx` and `429` responses, plus the service error
//!   codes a caller adds ([`RetryPolicy::retry_codes`]) in a `4xx`. A
//!   [`NonIdempotent`] request is resent only when it could not connect. After the last
//!   attempt a status is returned as a response, not an error. Never other `4xx`,
//!   TLS failures, or a body over the cap. Backoff is exponential with full jitter
//!   (a random time up to `min(max_delay, base × 2^n)`), as in the AWS SDKs' standard
//!   retry mode.
//! - **Bodies** are read whole, up to [`max_body_bytes`](HttpClientBuilder::max_body_bytes)
//!   (1 MiB): a declared `Content-Length` over it fails at once, a streamed body fails
//!   when it passes it, and no more than the cap and one network read is held.
//! - **Connections** are kept per endpoint (scheme, host, port), at most 8 idle, and
//!   reused while they stay open; an idle one closes after the read timeout. A
//!   request that finds its pooled connection closed before it was sent goes on a new
//!   one, without using an attempt. A host's addresses are tried in the order the
//!   resolver gives them (no happy eyeballs: the endpoints here are IPv4 or literal),
//!   all within the connect timeout.
//! - **Redirects** are never followed: a `3xx` is returned as it is (the SDKs do not
//!   follow them for credentials endpoints either, and following one could send a
//!   token elsewhere).
//! - **URLs** must be `http` or `https` with a host.
//! - **Proxies** ([`Proxy`]): none by default. [`Proxy::from_env`] reads
//!   `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (each also in lower case) from a
//!   [`creds_core::Env`], never from the process environment directly. Clients of AWS
//!   services use it; metadata and container clients never proxy, as in every SDK.
//! - **Errors** name the endpoint as `scheme://host:port` and never hold a path, a
//!   query, a header or a body.
//!
//! # TLS
//!
//! rustls with the `ring` crypto provider: it builds with cargo and a C compiler
//! alone, where `aws-lc-rs` (rustls' default) also needs cmake (and nasm on Windows),
//! and it is smaller. TLS 1.2 and 1.3, ALPN `http/1.1`.
//!
//! # Features
//!
//! - `native-roots` (default): trust the operating system's root certificates
//!   (`rustls-native-certs`), loaded once per process on the first `https`
//!   connection. Corporate roots installed on the system are trusted.
//! - `bundled-roots`: trust Mozilla's root certificates compiled into the program
//!   (`webpki-roots`), for containers without CA certificates. With both features,
//!   both sets are trusted.
//!
//! [`HttpClientBuilder::add_root_certificate_der`] trusts one more root.
//!
//! # Runtime
//!
//! [`HttpClient::send`] runs on tokio, and needs a runtime with IO and time enabled
//! (`Builder::enable_all`), current-thread or multi-thread. Pooled connections live on
//! the runtime that opened them.
//!
//! # Where the SDKs differ
//!
//! - **Region of inner calls** ([`endpoint::resolve_region`]): the design's order
//!   (explicit, profile, caller, `AWS_REGION`, `us-east-1`), with
//!   `AWS_DEFAULT_REGION` after `AWS_REGION`: Go v2 and aws-config read both in that
//!   order and botocore only `AWS_DEFAULT_REGION`; JavaScript v3 reads only
//!   `AWS_REGION`. Three of four read it.
//! - **Proxy variables**: upper case first (`HTTPS_PROXY`, then `https_proxy`), as Go
//!   does; Python's urllib prefers lower case. `ALL_PROXY` is not read (Go and
//!   botocore do not; curl does). `HTTP_PROXY` is ignored under CGI
//!   (`REQUEST_METHOD` set), as in Go. JavaScript v3 reads no proxy variable at all.
//!   `NO_PROXY` follows curl (and Python): loopback hosts are proxied unless listed,
//!   where Go never proxies them; `host:port` entries (Go) are not supported.
//! - **Proxy schemes**: only `http://` proxies; botocore also speaks TLS to an
//!   `https://` proxy. Such a proxy is a [`Proxy`](HttpErrorKind::Proxy) error, not
//!   silently bypassed.
//! - **`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`** other than `true`/`false` is an error,
//!   as in Go v2 and JavaScript v3 (botocore treats it as false).
// docs.rs labels each item that a feature gates with that feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
mod client;
mod connector;
pub mod endpoint;
mod error;
mod pool;
mod proxy;
mod retry;
mod service_error;
mod shared;
mod tls;

pub use client::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_READ_TIMEOUT, DEFAULT_TOTAL_TIMEOUT,
    HttpClient, HttpClientBuilder, NonIdempotent, endpoint_of,
};
pub use endpoint::{Service, regional_default, resolve_endpoint, resolve_region};
pub use error::{HttpError, HttpErrorKind};
pub use proxy::{Proxy, ProxyRules};
pub use retry::RetryPolicy;
pub use service_error::{ServiceError, THROTTLING_CODES};
pub use shared::{ClientSettings, shared_client};
