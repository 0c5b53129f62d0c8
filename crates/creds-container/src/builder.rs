//! [`ContainerProviderBuilder`].

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use creds_core::{ProviderConfig, REDACTED};
use zeroize::Zeroizing;

use crate::endpoint::ECS_CONTAINER_HOST;
use crate::provider::{
    ContainerProvider, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES, DEFAULT_RETRY_DELAY_BASE,
    DEFAULT_TIMEOUT, Options, UriSetting,
};
use crate::resolve::{ResolveHost, SharedResolver};
use crate::token::TokenSetting;

/// Builds a [`ContainerProvider`], with the options of JS v2's `RemoteCredentials` and
/// JS v3's `fromContainerMetadata` and `fromHttp`.
///
/// Without [`relative_uri`](Self::relative_uri) or [`full_uri`](Self::full_uri), the
/// URIs are read from `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` and
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` at each fetch; given either, neither variable
/// is read. The same holds for the token: without
/// [`authorization_token`](Self::authorization_token) or
/// [`authorization_token_file`](Self::authorization_token_file), it comes from
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
/// Either way the relative URI wins over the full one and the file over the token.
///
/// ```
/// use std::time::Duration;
/// use creds_container::ContainerProvider;
///
/// // JS v3 fromHttp({ awsContainerCredentialsFullUri, awsContainerAuthorizationTokenFile,
/// // timeout, maxRetries }):
/// let provider = ContainerProvider::builder()
///     .full_uri("http://169.254.170.23/v1/credentials")
///     .authorization_token_file("/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token")
///     .timeout(Duration::from_secs(2))
///     .max_retries(5)
///     .build();
/// # let _ = provider;
/// ```
#[derive(Clone, Default)]
pub struct ContainerProviderBuilder {
    config: Option<ProviderConfig>,
    relative_uri: Option<String>,
    full_uri: Option<String>,
    token: Option<Zeroizing<String>>,
    token_file: Option<PathBuf>,
    relative_uri_base: Option<String>,
    resolver: Option<SharedResolver>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    retry_delay_base: Option<Duration>,
    max_response_bytes: Option<usize>,
}

/// The token is redacted.
impl fmt::Debug for ContainerProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerProviderBuilder")
            .field("config", &self.config)
            .field("relative_uri", &self.relative_uri)
            .field("full_uri", &self.full_uri)
            .field(
                "authorization_token",
                &self.token.as_ref().map(|_| REDACTED),
            )
            .field("authorization_token_file", &self.token_file)
            .field("relative_uri_base", &self.relative_uri_base)
            .field("resolver", &self.resolver)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_delay_base", &self.retry_delay_base)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl ContainerProviderBuilder {
    /// The world to read: the environment variables, the token file (through its
    /// [`Fs`](creds_core::Fs)) and the clock that judges `Expiration`. Default:
    /// [`ProviderConfig::new`].
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// A path appended to the ECS host `http://169.254.170.2`, as
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is (JS v3 `awsContainerCredentialsRelativeUri`).
    /// It must start with `/`.
    pub fn relative_uri(mut self, relative_uri: impl Into<String>) -> Self {
        self.relative_uri = Some(relative_uri.into());
        self
    }

    /// The whole URI to fetch, as `AWS_CONTAINER_CREDENTIALS_FULL_URI` (JS v3
    /// `awsContainerCredentialsFullUri`): https to any host; plain http only to loopback,
    /// 169.254.170.2, 169.254.170.23 or fd00:ec2::23, every address of a host name
    /// included. A [`relative_uri`](Self::relative_uri) wins over it.
    pub fn full_uri(mut self, full_uri: impl Into<String>) -> Self {
        self.full_uri = Some(full_uri.into());
        self
    }

    /// The `Authorization` header's value, sent verbatim (JS v3
    /// `awsContainerAuthorizationToken`). Never printed.
    pub fn authorization_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Zeroizing::new(token.into()));
        self
    }

    /// A file holding the `Authorization` header's value, read again at every fetch
    /// through the [`config`](Self::config)'s file system (JS v3
    /// `awsContainerAuthorizationTokenFile`). It wins over
    /// [`authorization_token`](Self::authorization_token). It is not trimmed: a file that
    /// ends with a newline is refused, as Go v2, botocore and aws-config refuse it.
    pub fn authorization_token_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.token_file = Some(path.into());
        self
    }

    /// How long to wait to connect, and for each read of the answer (JS v2
    /// `httpOptions.timeout`, JS v3 `timeout`). Default: one second.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a failed attempt is retried: a connection failure, a timeout, a
    /// 5xx or a 429 (JS `maxRetries`). Default: 3, so at most four attempts. A 4xx is
    /// never retried.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// The base of the exponential backoff between attempts: retry `n` waits a random
    /// time up to `base × 2ⁿ` (JS v2 `retryDelayOptions.base`). Default: 100 ms.
    pub fn retry_delay_base(mut self, base: Duration) -> Self {
        self.retry_delay_base = Some(base);
        self
    }

    /// The largest answer accepted, in bytes; a larger one fails the fetch and is never
    /// buffered whole. Default: 64 KiB (an answer is about 1.5 KiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Replaces the ECS host `http://169.254.170.2` that relative URIs are appended to:
    /// for tests, which point it at a loopback server. No environment variable changes it.
    pub fn relative_uri_base(mut self, base: impl Into<String>) -> Self {
        self.relative_uri_base = Some(base.into().trim_end_matches('/').to_owned());
        self
    }

    /// How the host name of a plain-http full URI is resolved before it is checked.
    /// Default: [`SystemResolver`](crate::SystemResolver).
    pub fn resolver(mut self, resolver: impl ResolveHost + 'static) -> Self {
        self.resolver = Some(SharedResolver::custom(resolver));
        self
    }

    /// Builds the provider. Nothing is read and nothing is sent until the first fetch.
    pub fn build(self) -> ContainerProvider {
        let uris = if self.relative_uri.is_some() || self.full_uri.is_some() {
            UriSetting::Given {
                relative: self.relative_uri,
                full: self.full_uri,
            }
        } else {
            UriSetting::FromEnv
        };
        let token = if self.token.is_some() || self.token_file.is_some() {
            TokenSetting::Given {
                token: self.token,
                file: self.token_file,
            }
        } else {
            TokenSetting::FromEnv
        };
        let options = Options {
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
            retry_delay_base: self.retry_delay_base.unwrap_or(DEFAULT_RETRY_DELAY_BASE),
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
        };
        ContainerProvider::from_parts(
            self.config.unwrap_or_default(),
            uris,
            token,
            self.relative_uri_base
                .unwrap_or_else(|| ECS_CONTAINER_HOST.to_owned()),
            self.resolver.unwrap_or_else(SharedResolver::system),
            options,
        )
    }
}
