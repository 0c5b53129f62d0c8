//! [`ContainerProvider`]: checks the URI, reads the token, fetches, parses.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use creds_core::registry::{CredentialSource, ProviderFactory, order};
use creds_core::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, ProviderConfig,
    SharedProvider, inventory,
};
use creds_http::{ClientSettings, HttpClient, HttpError, Proxy, shared_client};

use crate::builder::ContainerProviderBuilder;
use crate::endpoint::{self, Endpoint, Origin};
use crate::resolve::SharedResolver;
use crate::response;
use crate::token::TokenSetting;
use crate::{ENV_FULL_URI, ENV_RELATIVE_URI};

/// The provider's name, in errors, traces and [`Credentials::provider_name`].
pub(crate) const NAME: &str = "container";

/// How long to wait to connect and for each read (JS v2 `RemoteCredentials`, JS v3): one
/// second.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

/// How many times a failed attempt is retried (JS v2 `RemoteCredentials`, JS v3
/// `fromHttp`): 3, so at most four attempts.
pub const DEFAULT_MAX_RETRIES: u32 = 3;

/// The base of the backoff between attempts (JS v2 `retryDelayOptions.base`): 100 ms.
pub const DEFAULT_RETRY_DELAY_BASE: Duration = Duration::from_millis(100);

/// The largest answer accepted: 64 KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Credentials from an ECS or EKS container endpoint, or any credentials URL: JS v2's
/// `RemoteCredentials`, JS v3's `fromContainerMetadata` and `fromHttp`, aws-config's
/// `EcsCredentialsProvider`, Go's `endpointcreds`, botocore's `ContainerProvider`.
///
/// Each [`provide_credentials`](ProvideCredentials::provide_credentials) reads the
/// settings (the environment variables unless the builder gave them), checks the URI
/// before any connection is made, reads the token (the token file again every time) and
/// fetches once, retrying transient failures. Put a
/// [`CredentialsCache`](creds_core::CredentialsCache) in front (the default chain has
/// one), so that it fetches again only when the credentials near their `Expiration`.
///
/// Neither URI set is [`NotConfigured`](creds_core::ErrorKind::NotConfigured): the
/// default chain moves on. Errors never hold the token, the answer's secrets, or a full
/// URI's user info and query.
#[derive(Clone)]
pub struct ContainerProvider {
    config: ProviderConfig,
    uris: UriSetting,
    token: TokenSetting,
    relative_base: String,
    resolver: SharedResolver,
    options: Options,
    client: HttpClient,
}

/// The URI settings.
#[derive(Debug, Clone, Default)]
pub(crate) enum UriSetting {
    /// The environment variables, read at each fetch.
    #[default]
    FromEnv,
    /// Given to the builder.
    Given {
        relative: Option<String>,
        full: Option<String>,
    },
}

/// The HTTP options.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) retry_delay_base: Duration,
    pub(crate) max_response_bytes: usize,
}

impl fmt::Debug for ContainerProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerProvider")
            .field("config", &self.config)
            .field("uris", &self.uris)
            .field("token", &self.token)
            .field("relative_base", &self.relative_base)
            .field("resolver", &self.resolver)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ContainerProvider {
    /// Starts a builder.
    pub fn builder() -> ContainerProviderBuilder {
        ContainerProviderBuilder::default()
    }

    /// The provider of the default chain: the environment variables of `config`, the
    /// default options (JS v3 `fromContainerMetadata()`).
    pub fn new(config: &ProviderConfig) -> Self {
        Self::builder().config(config.clone()).build()
    }

    pub(crate) fn from_parts(
        config: ProviderConfig,
        uris: UriSetting,
        token: TokenSetting,
        relative_base: String,
        resolver: SharedResolver,
        options: Options,
    ) -> Self {
        ContainerProvider {
            client: client_for(&config, &options),
            config,
            uris,
            token,
            relative_base,
            resolver,
            options,
        }
    }

    /// The URI the next fetch would use, after every check (the relative URI under the
    /// ECS host, or a full URI that plain http may reach), without fetching: `Ok(None)`
    /// when no URI is set. For tools that explain where credentials come from, and for
    /// the cross-SDK tests. It may resolve a host name, never connects.
    pub async fn resolve_uri(&self) -> Result<Option<String>, CredentialsError> {
        Ok(self.endpoint().await?.map(|e| e.uri.to_string()))
    }

    async fn endpoint(&self) -> Result<Option<Endpoint>, CredentialsError> {
        let env = self.config.env();
        let (relative, full) = match &self.uris {
            UriSetting::FromEnv => (
                env.get_non_blank(ENV_RELATIVE_URI)
                    .map(|r| (r, Origin::RelativeEnv)),
                env.get_non_blank(ENV_FULL_URI)
                    .map(|f| (f, Origin::FullEnv)),
            ),
            UriSetting::Given { relative, full } => (
                relative.clone().map(|r| (r, Origin::RelativeOption)),
                full.clone().map(|f| (f, Origin::FullOption)),
            ),
        };
        if relative.is_some() && full.is_some() {
            tracing::debug!(
                "both a relative and a full container credentials URI are set: the relative one wins"
            );
        }
        endpoint::resolve(
            relative.as_ref().map(|(r, o)| (r.as_str(), *o)),
            full.as_ref().map(|(f, o)| (f.as_str(), *o)),
            &self.relative_base,
            &*self.resolver.0,
        )
        .await
    }

    fn not_configured(&self) -> CredentialsError {
        match &self.uris {
            UriSetting::FromEnv => CredentialsError::not_configured(
                NAME,
                format!("neither {ENV_RELATIVE_URI} nor {ENV_FULL_URI} is set"),
            ),
            UriSetting::Given { .. } => CredentialsError::not_configured(
                NAME,
                "neither the relative_uri nor the full_uri option is set",
            ),
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let endpoint = self
            .endpoint()
            .await?
            .ok_or_else(|| self.not_configured())?;
        let token = self.token.header(&self.config)?;
        let who = format!("the container credentials endpoint {}", endpoint.shown);
        let mut request = http::Request::get(endpoint.uri.clone());
        if let Some(token) = &token {
            request = request.header(http::header::AUTHORIZATION, token.clone());
        }
        let request = request.body(Bytes::new()).map_err(|_| {
            CredentialsError::invalid_config(NAME, format!("cannot make a request to {who}"))
        })?;
        tracing::debug!(endpoint = %endpoint.shown, authorization = token.is_some(), "fetching container credentials");
        let started = Instant::now();
        let response = self
            .client
            .send(request)
            .await
            .map_err(|e| http_failure(e, &who))?;
        let status = response.status();
        tracing::debug!(endpoint = %endpoint.shown, %status, elapsed = ?started.elapsed(), "the container credentials endpoint answered");
        if !status.is_success() {
            return Err(response::status_error(
                status,
                response.body(),
                &who,
                token.as_ref().map(|t| t.as_bytes()),
            ));
        }
        // `shown` has no user info and no query: safe to show.
        let origin = format!("{} ({})", endpoint.shown, endpoint.origin);
        response::parse(response.body(), self.config.clock(), &who, Some(origin))
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        NAME
    }
}

/// The most a backoff sleep may last, whatever the base and the attempt.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(20);

/// The client for `options`, shared with the other providers of `config` that ask
/// for the same: connect and read timeouts of `timeout`, `max_retries + 1` attempts
/// with JS v2's backoff, and a total timeout that lets every attempt use both of its
/// timeouts and every sleep its longest.
fn client_for(config: &ProviderConfig, options: &Options) -> HttpClient {
    let settings = ClientSettings::new(options.timeout, options.max_retries.saturating_add(1))
        .backoff(options.retry_delay_base, MAX_RETRY_DELAY)
        .max_body_bytes(options.max_response_bytes)
        // Container endpoints are local or link-local: never through a proxy, as in
        // every SDK.
        .proxy(Proxy::None);
    shared_client(config, &settings)
}

fn http_failure(error: HttpError, who: &str) -> CredentialsError {
    let base = error.to_credentials_error(NAME);
    CredentialsError::new(
        base.kind(),
        NAME,
        format!("cannot fetch from {who}: {}", base.message()),
    )
    .with_source(error)
}

fn default_chain_entry(config: &ProviderConfig) -> Option<SharedProvider> {
    Some(Arc::new(ContainerProvider::new(config)))
}

fn credential_source(config: &ProviderConfig) -> Result<SharedProvider, CredentialsError> {
    Ok(Arc::new(ContainerProvider::new(config)))
}

inventory::submit! { ProviderFactory::new(NAME, order::CONTAINER, default_chain_entry) }
inventory::submit! { CredentialSource::new("EcsContainer", credential_source) }
