//! [`S3CredentialProvider`]: a creds provider behind object_store's trait.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use creds_core::{Credentials, CredentialsCache, ProvideCredentials};
use object_store::CredentialProvider;
use object_store::aws::AwsCredential;

use crate::{aws_credential, store_error};

/// Any creds provider, chain or cache as object_store's S3
/// [`CredentialProvider`]: what
/// [`AmazonS3Builder::with_credentials`](object_store::aws::AmazonS3Builder::with_credentials)
/// takes, as `Arc::new(S3CredentialProvider::new(...))`.
///
/// object_store asks for credentials on every request, so the creds provider must be
/// cached: the facade's `creds::default_chain()` is, and so is any provider in a
/// [`CredentialsCache`]; give those to [`new`](Self::new). A bare provider (a
/// role, SSO, Cognito, a chain of your own) goes to [`cached`](Self::cached), which puts
/// it in a `CredentialsCache` with the default settings; for other settings, build the
/// cache yourself and give it to `new`. Without a cache every request would fetch
/// credentials afresh.
///
/// The [`AwsCredential`] of the last credentials is kept and handed out again while
/// the cache returns the same credentials, so that a request copies a pointer, not the
/// secrets.
///
/// ```
/// use std::sync::Arc;
/// use creds_core::Credentials;
/// use creds_object_store::S3CredentialProvider;
/// use object_store::CredentialProvider as _;
///
/// let provider = S3CredentialProvider::cached(Credentials::from_keys("AKID", "wJalrXUtnFEMI", "fixed"));
/// assert!(!format!("{provider:?}").contains("wJalrXUtnFEMI"));
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let first = provider.get_credential().await.unwrap();
/// assert_eq!(first.key_id, "AKID");
/// assert!(Arc::ptr_eq(&first, &provider.get_credential().await.unwrap()));
/// # });
/// ```
pub struct S3CredentialProvider<P> {
    provider: P,
    last: Mutex<Option<Converted>>,
}

/// The last credentials and object_store's copy of them.
struct Converted {
    creds: Credentials,
    aws: Arc<AwsCredential>,
}

impl<P: ProvideCredentials> S3CredentialProvider<P> {
    /// object_store's view of `provider`, which should be cached (a
    /// [`CredentialsCache`], or the facade's `creds::default_chain()`): it is asked on
    /// every request.
    pub fn new(provider: P) -> Self {
        S3CredentialProvider {
            provider,
            last: Mutex::new(None),
        }
    }

    /// The creds provider.
    pub fn get_ref(&self) -> &P {
        &self.provider
    }

    /// The creds provider, unwrapped.
    pub fn into_inner(self) -> P {
        self.provider
    }

    /// object_store's copy of `creds`: the kept one while they are the same.
    fn convert(&self, creds: Credentials) -> Arc<AwsCredential> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        match &*last {
            // Equal credentials compare by pointer first: a cache hit is one compare.
            Some(kept) if kept.creds == creds => Arc::clone(&kept.aws),
            _ => {
                let aws = Arc::new(aws_credential(&creds));
                *last = Some(Converted {
                    creds,
                    aws: Arc::clone(&aws),
                });
                aws
            }
        }
    }
}

impl S3CredentialProvider<CredentialsCache> {
    /// object_store's view of a bare `provider`, in a [`CredentialsCache`] with the
    /// default settings (refresh from 5 minutes before expiry, a 30-second deadline
    /// per fetch, the system clock). Not for a provider that is cached already, such
    /// as `creds::default_chain()`: give that one to [`new`](Self::new).
    pub fn cached(provider: impl ProvideCredentials + 'static) -> Self {
        Self::new(CredentialsCache::builder().build(provider))
    }
}

#[async_trait]
impl<P: ProvideCredentials> CredentialProvider for S3CredentialProvider<P> {
    type Credential = AwsCredential;

    async fn get_credential(&self) -> object_store::Result<Arc<AwsCredential>> {
        let creds = self
            .provider
            .provide_credentials()
            .await
            .map_err(store_error)?;
        Ok(self.convert(creds))
    }
}

/// Shows the creds provider, never the credentials.
impl<P: fmt::Debug> fmt::Debug for S3CredentialProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3CredentialProvider")
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}
