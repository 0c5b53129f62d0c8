//! [`ImdsProviderBuilder`].

use std::time::Duration;

use creds_core::ProviderConfig;

use crate::endpoint::EndpointMode;
use crate::provider::ImdsProvider;
use crate::settings::Overrides;

/// Builds an [`ImdsProvider`], with the options of JS v3's `fromInstanceMetadata` and
/// aws-config's `ImdsCredentialsProvider`.
///
/// Every option given here wins over its environment variable and profile key; those
/// are read from the [`config`](Self::config) at the first fetch.
///
/// ```
/// use std::time::Duration;
/// use creds_imds::{EndpointMode, ImdsProvider};
///
/// // JS v3 fromInstanceMetadata({ timeout: 2000, maxRetries: 4, ec2MetadataV1Disabled: true })
/// let provider = ImdsProvider::builder()
///     .timeout(Duration::from_secs(2))
///     .max_attempts(5)
///     .ec2_metadata_v1_disabled(true)
///     .endpoint_mode(EndpointMode::IpV6)
///     .build();
/// # let _ = provider;
/// ```
#[derive(Debug, Clone, Default)]
pub struct ImdsProviderBuilder {
    config: Option<ProviderConfig>,
    pub(crate) overrides: Overrides,
}

impl ImdsProviderBuilder {
    /// The world to read: the environment variables, the shared config file and the
    /// clock (which judges the token's TTL and the credentials' expiry). Default:
    /// [`ProviderConfig::new`].
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// The endpoint, `http://host[:port]` (aws-config `endpoint`), over
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's
    /// `ec2_metadata_service_endpoint` and every endpoint mode. Tests point it at a
    /// loopback server.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.endpoint = Some(endpoint.into());
        self
    }

    /// The endpoint mode, over `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` and the
    /// profile's `ec2_metadata_service_endpoint_mode`; an endpoint set anywhere still
    /// wins over it (the cross-SDK order).
    pub fn endpoint_mode(mut self, mode: EndpointMode) -> Self {
        self.overrides.endpoint_mode = Some(mode);
        self
    }

    /// How long to wait to connect, and for each answer (JS `timeout`), over
    /// `AWS_METADATA_SERVICE_TIMEOUT` and the profile's `metadata_service_timeout`.
    /// Default: one second.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.overrides.timeout = Some(timeout);
        self
    }

    /// How many attempts a request gets when IMDS answers 5xx or drops the connection,
    /// the first included, over `AWS_METADATA_SERVICE_NUM_ATTEMPTS` and the profile's
    /// `metadata_service_num_attempts`. Default: 3. A refused or timed-out
    /// connection is never retried.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.overrides.max_attempts = Some(attempts);
        self
    }

    /// Whether IMDSv1 is refused when no IMDSv2 token can be had (JS
    /// `ec2MetadataV1Disabled`), over `AWS_EC2_METADATA_V1_DISABLED` and the profile's
    /// `ec2_metadata_v1_disabled`. Default: false (IMDSv1 is the fallback).
    pub fn ec2_metadata_v1_disabled(mut self, disabled: bool) -> Self {
        self.overrides.v1_disabled = Some(disabled);
        self
    }

    /// The instance profile (role) whose credentials are fetched (JS
    /// `ec2InstanceProfileName`), over `AWS_EC2_INSTANCE_PROFILE_NAME` and the
    /// profile's `ec2_instance_profile_name`. Default: the one IMDS lists.
    pub fn instance_profile_name(mut self, name: impl Into<String>) -> Self {
        self.overrides.instance_profile_name = Some(name.into());
        self
    }

    /// The TTL asked for the IMDSv2 session token, whole seconds from 1 to 21600.
    /// Default: 21600 (six hours, the most IMDS grants).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.overrides.token_ttl = Some(ttl);
        self
    }

    /// Builds the provider. Nothing is read and nothing is sent until the first fetch.
    pub fn build(self) -> ImdsProvider {
        ImdsProvider::from_parts(self.config.unwrap_or_default(), self.overrides)
    }
}
