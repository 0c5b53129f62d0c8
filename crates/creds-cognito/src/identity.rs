//! [`CognitoIdentityProvider`]: the credentials of a known identity id
//! (`GetCredentialsForIdentity`).

use std::fmt;
use std::sync::{Arc, OnceLock};

use creds_core::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, ProviderConfig,
};
use serde_json::{Map, Value};

use crate::NAME;
use crate::client::{CognitoClient, Operation};
use crate::logins::{Logins, Resolved};
use crate::reply::parse_credentials_reply;

/// Credentials of a Cognito identity whose id is known: `GetCredentialsForIdentity`
/// with the identity's logins and an optional custom role, unsigned (JS v3's
/// `fromCognitoIdentity`).
///
/// The region is the builder's, else `creds-http`'s (the selected profile's `region`,
/// `AWS_REGION`, `AWS_DEFAULT_REGION`), else the one the identity id starts with
/// (`us-east-1:...`), else `us-east-1`.
///
/// ```no_run
/// use creds_cognito::{CognitoIdentityProvider, Logins};
/// use creds_core::ProvideCredentials;
///
/// # async fn run() -> Result<(), creds_core::CredentialsError> {
/// let provider = CognitoIdentityProvider::builder("us-east-1:0b7a1c2d-...")
///     .logins(Logins::new().token("accounts.google.com", "eyJhbGciOi..."))
///     .build();
/// let creds = provider.provide_credentials().await?;
/// # let _ = creds;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CognitoIdentityProvider {
    inner: Arc<Inner>,
}

struct Inner {
    config: ProviderConfig,
    identity_id: String,
    logins: Logins,
    custom_role_arn: Option<String>,
    region: Option<String>,
    client: OnceLock<Result<CognitoClient, CredentialsError>>,
}

impl fmt::Debug for CognitoIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoIdentityProvider")
            .field("identity_id", &self.inner.identity_id)
            .field("logins", &self.inner.logins)
            .field("custom_role_arn", &self.inner.custom_role_arn)
            .finish_non_exhaustive()
    }
}

/// Builds a [`CognitoIdentityProvider`].
#[derive(Debug)]
#[must_use]
pub struct CognitoIdentityProviderBuilder {
    config: Option<ProviderConfig>,
    identity_id: String,
    logins: Logins,
    custom_role_arn: Option<String>,
    region: Option<String>,
}

impl CognitoIdentityProviderBuilder {
    /// The environment, files, clock and extensions to use (default:
    /// [`ProviderConfig::new`], the process's).
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// The identity's logins (JS `logins`).
    pub fn logins(mut self, logins: Logins) -> Self {
        self.logins = logins;
        self
    }

    /// The role to assume among those the pool's rules allow (JS `customRoleArn`).
    pub fn custom_role_arn(mut self, arn: impl Into<String>) -> Self {
        self.custom_role_arn = Some(arn.into());
        self
    }

    /// The region of Cognito Identity (JS `clientConfig.region`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The provider.
    pub fn build(self) -> CognitoIdentityProvider {
        CognitoIdentityProvider {
            inner: Arc::new(Inner {
                config: self.config.unwrap_or_default(),
                identity_id: self.identity_id,
                logins: self.logins,
                custom_role_arn: self.custom_role_arn,
                region: self.region,
                client: OnceLock::new(),
            }),
        }
    }
}

impl CognitoIdentityProvider {
    /// A builder for the identity `identity_id` (JS `identityId`).
    pub fn builder(identity_id: impl Into<String>) -> CognitoIdentityProviderBuilder {
        CognitoIdentityProviderBuilder {
            config: None,
            identity_id: identity_id.into(),
            logins: Logins::new(),
            custom_role_arn: None,
            region: None,
        }
    }

    /// The identity id.
    pub fn identity_id(&self) -> &str {
        &self.inner.identity_id
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let inner = &*self.inner;
        if inner.identity_id.trim().is_empty() {
            return Err(CredentialsError::invalid_config(
                NAME,
                "no identity id was given: give the id GetId returned, or use \
                 CognitoIdentityPoolProvider with the pool's id",
            ));
        }
        let client = inner
            .client
            .get_or_init(|| {
                CognitoClient::new(
                    &inner.config,
                    inner.region.as_deref(),
                    region_prefix(&inner.identity_id),
                )
            })
            .as_ref()
            .map_err(Clone::clone)?;
        let logins = inner.logins.resolve().await?;
        let (_, creds) = get_credentials(
            client,
            &inner.identity_id,
            &logins,
            inner.custom_role_arn.as_deref(),
        )
        .await?;
        Ok(creds)
    }
}

impl ProvideCredentials for CognitoIdentityProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn running(&self) -> Option<String> {
        let client = self.inner.client.get()?.as_ref().ok()?;
        Some(format!(
            "Cognito Identity GetCredentialsForIdentity at {}",
            client.endpoint()
        ))
    }
}

/// The region an id starts with (`us-east-1:...`), if it names one.
pub(crate) fn region_prefix(id: &str) -> Option<&str> {
    let (region, rest) = id.split_once(':')?;
    (creds_http::endpoint::is_valid_region(region) && !rest.is_empty()).then_some(region)
}

/// `GetCredentialsForIdentity` of `identity_id`: the reply's identity id (Cognito may
/// name the identity it merged this one into) and the credentials.
pub(crate) async fn get_credentials(
    client: &CognitoClient,
    identity_id: &str,
    logins: &Resolved,
    custom_role_arn: Option<&str>,
) -> Result<(String, Credentials), CredentialsError> {
    let mut body = Map::new();
    body.insert("IdentityId".into(), identity_id.into());
    if let Some(logins) = logins.to_json() {
        body.insert("Logins".into(), logins);
    }
    if let Some(arn) = custom_role_arn {
        body.insert("CustomRoleArn".into(), arn.into());
    }
    let mut body = Value::Object(body);
    let reply = client
        .call(
            Operation::GetCredentialsForIdentity,
            &body,
            &logins.secrets(),
        )
        .await;
    creds_core::document::wipe(&mut body);
    let origin = format!(
        "Cognito identity {identity_id} ({}, {})",
        client.endpoint(),
        client.region()
    );
    let (replied, creds) = parse_credentials_reply(&reply?, &origin)?;
    Ok((replied.unwrap_or_else(|| identity_id.to_owned()), creds))
}
