//! [`CognitoIdentityPoolProvider`]: an identity of a pool (`GetId`, kept in a store),
//! then its credentials.

use std::fmt;
use std::sync::{Arc, OnceLock};

use creds_core::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, ProviderConfig,
};
use serde_json::{Map, Value};

use crate::NAME;
use crate::client::{CognitoClient, Operation};
use crate::identity::{get_credentials, region_prefix};
use crate::logins::{Logins, Resolved};
use crate::reply::parse_identity_id;
use crate::store::{IdentityIdStore, MemoryStore};

/// The user identifier of the store's key when there are no logins.
const ANONYMOUS: &str = "ANONYMOUS";

/// Credentials of an identity of a Cognito identity pool (JS v3's
/// `fromCognitoIdentityPool`): `GetId` gives the identity (authenticated with the
/// logins, or unauthenticated without them), `GetCredentialsForIdentity` its
/// credentials, both unsigned.
///
/// - **The identity id** is kept in the provider and in an [`IdentityIdStore`]
///   ([`MemoryStore`] unless another is given), keyed
///   `aws:cognito-identity-credentials:<pool id>:<user identifier>` as the JavaScript
///   SDK keys it: the user identifier given, else `ANONYMOUS` when there are no logins;
///   with logins and no user identifier the store is not used (the JavaScript SDK's
///   rule: the id of one user must not be handed to another). So a refresh calls
///   `GetId` once per identity, not at every refresh.
/// - **A kept id that Cognito refuses** (`ResourceNotFoundException`, or
///   `NotAuthorizedException`, which may also mean a login token it no longer takes)
///   is dropped and `GetId` runs once more, in the same fetch.
/// - **One `GetId` at a time**: callers that arrive while it runs wait for its id.
/// - **The region** is the builder's, else `creds-http`'s (the selected profile's
///   `region`, `AWS_REGION`, `AWS_DEFAULT_REGION`), else the pool id's
///   (`us-east-1:...`).
///
/// ```no_run
/// use creds_cognito::{CognitoIdentityPoolProvider, Logins};
/// use creds_core::ProvideCredentials;
///
/// # async fn run() -> Result<(), creds_core::CredentialsError> {
/// let provider = CognitoIdentityPoolProvider::builder("us-east-1:1a2b3c4d-5e6f-...")
///     .logins(Logins::new().callback("accounts.google.com", || async {
///         Ok("a fresh id token".to_owned())
///     }))
///     .user_identifier("user-42")
///     .build();
/// let creds = provider.provide_credentials().await?;
/// # let _ = creds;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CognitoIdentityPoolProvider {
    inner: Arc<Inner>,
}

struct Inner {
    config: ProviderConfig,
    pool_id: String,
    account_id: Option<String>,
    logins: Logins,
    custom_role_arn: Option<String>,
    region: Option<String>,
    /// The store's key, when the store is used.
    key: Option<String>,
    store: Arc<dyn IdentityIdStore>,
    /// The identity id in use, and the count of `GetId` calls when it was got; locked
    /// across `GetId`, so that one runs at a time.
    identity: tokio::sync::Mutex<Option<(String, u64)>>,
    /// `GetId` calls made: an id got after a fetch started is not a kept one to it.
    got: std::sync::atomic::AtomicU64,
    client: OnceLock<Result<CognitoClient, CredentialsError>>,
}

impl fmt::Debug for CognitoIdentityPoolProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoIdentityPoolProvider")
            .field("identity_pool_id", &self.inner.pool_id)
            .field("logins", &self.inner.logins)
            .field("custom_role_arn", &self.inner.custom_role_arn)
            .field("store", &self.inner.store)
            .finish_non_exhaustive()
    }
}

/// Builds a [`CognitoIdentityPoolProvider`].
#[derive(Debug)]
#[must_use]
pub struct CognitoIdentityPoolProviderBuilder {
    config: Option<ProviderConfig>,
    pool_id: String,
    account_id: Option<String>,
    logins: Logins,
    custom_role_arn: Option<String>,
    region: Option<String>,
    user_identifier: Option<String>,
    store: Option<Arc<dyn IdentityIdStore>>,
}

impl CognitoIdentityPoolProviderBuilder {
    /// The environment, files, clock and extensions to use (default:
    /// [`ProviderConfig::new`], the process's).
    pub fn config(mut self, config: ProviderConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// The AWS account that owns the pool (JS `accountId`), sent to `GetId`.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// The identity's logins (JS `logins`); none for an unauthenticated identity.
    pub fn logins(mut self, logins: Logins) -> Self {
        self.logins = logins;
        self
    }

    /// The role to assume among those the pool's rules allow (JS `customRoleArn`).
    pub fn custom_role_arn(mut self, arn: impl Into<String>) -> Self {
        self.custom_role_arn = Some(arn.into());
        self
    }

    /// Who the identity is, for the store's key (JS `userIdentifier`).
    pub fn user_identifier(mut self, user: impl Into<String>) -> Self {
        self.user_identifier = Some(user.into());
        self
    }

    /// Where identity ids are kept (JS `cache`): a [`MemoryStore`] of this provider's
    /// own unless given; a [`FileStore`](crate::FileStore) keeps them across restarts,
    /// and one store may serve several providers.
    pub fn store(mut self, store: Arc<dyn IdentityIdStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The region of Cognito Identity (JS `clientConfig.region`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The provider. The pool id is checked at the first fetch.
    pub fn build(self) -> CognitoIdentityPoolProvider {
        // An empty identifier is none, as in the JavaScript SDK.
        let user = self
            .user_identifier
            .filter(|user| !user.is_empty())
            .or_else(|| self.logins.is_empty().then(|| ANONYMOUS.to_owned()));
        let key =
            user.map(|user| format!("aws:cognito-identity-credentials:{}:{user}", self.pool_id));
        CognitoIdentityPoolProvider {
            inner: Arc::new(Inner {
                config: self.config.unwrap_or_default(),
                pool_id: self.pool_id,
                account_id: self.account_id,
                logins: self.logins,
                custom_role_arn: self.custom_role_arn,
                region: self.region,
                key,
                store: self.store.unwrap_or_else(|| Arc::new(MemoryStore::new())),
                identity: tokio::sync::Mutex::new(None),
                got: std::sync::atomic::AtomicU64::new(0),
                client: OnceLock::new(),
            }),
        }
    }
}

impl CognitoIdentityPoolProvider {
    /// A builder for the pool `identity_pool_id` (`REGION:GUID`, JS
    /// `identityPoolId`).
    pub fn builder(identity_pool_id: impl Into<String>) -> CognitoIdentityPoolProviderBuilder {
        CognitoIdentityPoolProviderBuilder {
            config: None,
            pool_id: identity_pool_id.into(),
            account_id: None,
            logins: Logins::new(),
            custom_role_arn: None,
            region: None,
            user_identifier: None,
            store: None,
        }
    }

    /// The pool's id.
    pub fn identity_pool_id(&self) -> &str {
        &self.inner.pool_id
    }

    /// The store's key of this provider's identity id (`None` when the store is not
    /// used: logins without a user identifier).
    pub fn store_key(&self) -> Option<&str> {
        self.inner.key.as_deref()
    }

    /// The identity id in use, once a fetch has found one.
    pub async fn identity_id(&self) -> Option<String> {
        self.inner
            .identity
            .lock()
            .await
            .as_ref()
            .map(|(id, _)| id.clone())
    }

    fn client(&self) -> Result<&CognitoClient, CredentialsError> {
        let inner = &*self.inner;
        inner
            .client
            .get_or_init(|| {
                let Some(prefix) = region_prefix(&inner.pool_id) else {
                    return Err(CredentialsError::invalid_config(
                        NAME,
                        format!(
                            "the identity pool id {:?} has no region: pool ids are REGION:GUID, \
                             such as us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d (the \
                             Cognito console shows it)",
                            inner.pool_id
                        ),
                    ));
                };
                CognitoClient::new(&inner.config, inner.region.as_deref(), Some(prefix))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The identity id to use, and whether it was kept from before this fetch (from the
    /// store, or got by an earlier fetch), and so may have gone stale. `started` is the
    /// count of `GetId` calls when the fetch started: an id another caller got while
    /// this one waited is fresh to it too.
    async fn identity(
        &self,
        client: &CognitoClient,
        logins: &Resolved,
        started: u64,
    ) -> Result<(String, bool), CredentialsError> {
        use std::sync::atomic::Ordering;
        let inner = &*self.inner;
        let mut identity = inner.identity.lock().await;
        if let Some((id, got)) = identity.as_ref() {
            // `got` counts the `GetId` calls up to the one that gave this id: at most
            // `started` when an earlier fetch made it (equal if it was the last one),
            // 0 when the store gave the id.
            return Ok((id.clone(), *got <= started));
        }
        let stored = inner
            .key
            .as_deref()
            .and_then(|key| inner.store.get(key))
            // An empty id is none, as the JavaScript SDK's `!identityId` has it.
            .filter(|id| !id.is_empty());
        if let Some(id) = stored {
            *identity = Some((id.clone(), 0));
            return Ok((id, true));
        }
        let mut body = Map::new();
        body.insert("IdentityPoolId".into(), inner.pool_id.clone().into());
        if let Some(account) = &inner.account_id {
            body.insert("AccountId".into(), account.clone().into());
        }
        if let Some(logins) = logins.to_json() {
            body.insert("Logins".into(), logins);
        }
        let mut body = Value::Object(body);
        let reply = client
            .call(Operation::GetId, &body, &logins.secrets())
            .await;
        creds_core::document::wipe(&mut body);
        let id = parse_identity_id(&reply?)?;
        tracing::debug!(pool = %inner.pool_id, "Cognito GetId gave an identity");
        let got = inner.got.fetch_add(1, Ordering::SeqCst) + 1;
        *identity = Some((id.clone(), got));
        // The store is written once the others may go on.
        drop(identity);
        if let Some(key) = &inner.key {
            inner.store.set(key, &id);
        }
        Ok((id, false))
    }

    /// Forgets `id` if it is still the one in use.
    async fn forget(&self, id: &str) {
        let inner = &*self.inner;
        let mut identity = inner.identity.lock().await;
        if identity.as_ref().is_some_and(|(kept, _)| kept == id) {
            *identity = None;
            drop(identity);
            if let Some(key) = &inner.key {
                inner.store.remove(key);
            }
        }
    }

    /// Replaces `used` by `merged` (the identity Cognito merged it into), if `used` is
    /// still the one in use.
    async fn merged(&self, used: &str, merged: &str) {
        let inner = &*self.inner;
        let mut identity = inner.identity.lock().await;
        let Some((current, _)) = identity.as_mut() else {
            return;
        };
        if current != used {
            return;
        }
        *current = merged.to_owned();
        drop(identity);
        if let Some(key) = &inner.key {
            inner.store.set(key, merged);
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        use std::sync::atomic::Ordering;
        let client = self.client()?;
        let logins = self.inner.logins.resolve().await?;
        let custom = self.inner.custom_role_arn.as_deref();
        let started = self.inner.got.load(Ordering::SeqCst);
        let (mut id, kept) = self.identity(client, &logins, started).await?;
        let result = match get_credentials(client, &id, &logins, custom).await {
            Err(error) if kept && rejects_identity(&error) => {
                tracing::debug!(code = ?error.service_code(), "Cognito refused the kept identity id; asking GetId again");
                self.forget(&id).await;
                let started = self.inner.got.load(Ordering::SeqCst);
                (id, _) = self.identity(client, &logins, started).await?;
                get_credentials(client, &id, &logins, custom).await
            }
            other => other,
        };
        let (replied, creds) = result?;
        if replied != id {
            self.merged(&id, &replied).await;
        }
        Ok(creds)
    }
}

/// Whether an error of `GetCredentialsForIdentity` says the identity id is no good.
fn rejects_identity(error: &CredentialsError) -> bool {
    matches!(
        error.service_code(),
        Some("ResourceNotFoundException" | "NotAuthorizedException")
    )
}

impl ProvideCredentials for CognitoIdentityPoolProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn running(&self) -> Option<String> {
        let client = self.inner.client.get()?.as_ref().ok()?;
        Some(format!(
            "Cognito Identity for pool {} at {}",
            self.inner.pool_id,
            client.endpoint()
        ))
    }
}
