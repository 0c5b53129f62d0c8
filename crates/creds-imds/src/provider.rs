//! [`ImdsProvider`]: the off switch, the settings, the session, static stability, and
//! the registrations.

use std::fmt;
use std::sync::{Arc, OnceLock};

use creds_core::registry::{CredentialSource, ProviderFactory, order};
use creds_core::{
    Credentials, CredentialsError, ErrorKind, ProvideCredentials, ProvideFuture, ProviderConfig,
    SharedProvider, inventory,
};

use crate::builder::ImdsProviderBuilder;
use crate::session::Session;
use crate::settings::{self, Origin, Overrides, Settings};
use crate::stability::Stability;

/// The provider's name, in errors, traces and [`Credentials::provider_name`].
pub(crate) const NAME: &str = "imds";

/// Credentials of the instance profile of an EC2 instance, from the instance metadata
/// service: JS v3's `fromInstanceMetadata`, aws-config's `ImdsCredentialsProvider`, Go
/// v2's `ec2rolecreds`, botocore's `InstanceMetadataProvider`.
///
/// The first fetch gets an IMDSv2 session token, discovers the role and the credentials
/// path, and fetches the credentials (three or four requests); later fetches reuse the
/// token, the role and the path, so that a refresh is one request. Put a
/// [`CredentialsCache`](creds_core::CredentialsCache) in front (the default chain has
/// one), so that it fetches again only near the credentials' `Expiration`.
///
/// Clones share the token, what was discovered, and the last credentials served.
///
/// `AWS_EC2_METADATA_DISABLED=true` (or the profile's `disable_ec2_metadata = true`)
/// makes every fetch
/// [`NotConfigured`](ErrorKind::NotConfigured) without a packet sent; so does an
/// endpoint where nothing listens or that cannot be reached (not on EC2), so the
/// default chain moves on. Errors and logs never hold the token or a secret.
#[derive(Clone)]
pub struct ImdsProvider {
    config: ProviderConfig,
    overrides: Overrides,
    session: Arc<OnceLock<Result<Arc<Session>, CredentialsError>>>,
    stability: Arc<Stability>,
}

impl fmt::Debug for ImdsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsProvider")
            .field("config", &self.config)
            .field("overrides", &self.overrides)
            .field(
                "settings",
                &self
                    .session
                    .get()
                    .and_then(|s| s.as_ref().ok())
                    .map(|s| &s.settings),
            )
            .finish_non_exhaustive()
    }
}

impl ImdsProvider {
    /// Starts a builder.
    pub fn builder() -> ImdsProviderBuilder {
        ImdsProviderBuilder::default()
    }

    /// The provider of the default chain: the settings of `config`, the defaults
    /// otherwise (JS v3 `fromInstanceMetadata()`).
    pub fn new(config: &ProviderConfig) -> Self {
        Self::builder().config(config.clone()).build()
    }

    pub(crate) fn from_parts(config: ProviderConfig, overrides: Overrides) -> Self {
        ImdsProvider {
            config,
            overrides,
            session: Arc::default(),
            stability: Arc::default(),
        }
    }

    /// The endpoint requests go to (`http://169.254.169.254` by default), after every
    /// setting is read and checked, without sending anything: for tools that explain
    /// where credentials come from, and for the cross-SDK endpoint tests. Requests go
    /// to paths under it, the token to `/latest/api/token`.
    pub fn resolve_endpoint(&self) -> Result<String, CredentialsError> {
        Ok(self.session()?.settings.endpoint.clone())
    }

    fn session(&self) -> Result<Arc<Session>, CredentialsError> {
        self.session
            .get_or_init(|| {
                let settings = Settings::resolve(&self.config, &self.overrides)?;
                Ok(Arc::new(Session::new(&self.config, settings)))
            })
            .clone()
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        if let Some(origin) = settings::disabled(&self.config)? {
            return Err(self.disabled(&origin));
        }
        let session = self.session()?;
        let result = session.credentials().await;
        self.stability.settle(result, self.config.clock().now())
    }

    fn disabled(&self, origin: &Origin) -> CredentialsError {
        origin.error(ErrorKind::NotConfigured, format!("{origin} is true"))
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        NAME
    }
}

fn default_chain_entry(config: &ProviderConfig) -> Option<SharedProvider> {
    Some(Arc::new(ImdsProvider::new(config)))
}

fn credential_source(config: &ProviderConfig) -> Result<SharedProvider, CredentialsError> {
    Ok(Arc::new(ImdsProvider::new(config)))
}

inventory::submit! { ProviderFactory::new(NAME, order::INSTANCE_METADATA, default_chain_entry) }
inventory::submit! { CredentialSource::new("Ec2InstanceMetadata", credential_source) }
