//! [`SdkCredentialsProvider`]: a creds provider behind the SDK's trait.

use aws_credential_types::provider::{self as sdk, future};
use creds_core::ProvideCredentials;

use crate::{sdk_credentials, sdk_error};

/// Any creds provider, chain or cache as the AWS SDK for Rust's credentials provider:
/// it implements aws-credential-types'
/// [`ProvideCredentials`](aws_credential_types::provider::ProvideCredentials), so it
/// goes wherever the SDK takes one (`aws_sdk_s3::config::Builder::credentials_provider`,
/// `aws_config::ConfigLoader::credentials_provider`,
/// [`SharedCredentialsProvider::new`](aws_credential_types::provider::SharedCredentialsProvider::new)).
///
/// Each call of the SDK's `provide_credentials` is one call of the creds provider's;
/// the credentials are converted by [`sdk_credentials`] and errors by [`sdk_error`].
/// Hand it a cached provider (the facade's `creds::default_chain()` is one, or any
/// provider in a [`CredentialsCache`](creds_core::CredentialsCache)): the SDK's own
/// identity cache asks again only shortly before expiry, and the creds cache refreshes
/// earlier, single-flight, and keeps serving unexpired credentials when a refresh fails.
///
/// When the SDK stops waiting (its identity cache has a load timeout of its own), it
/// drops the future, and with it the creds provider's: whether that cancels the fetch
/// is the creds provider's business. A [`CredentialsCache`](creds_core::CredentialsCache)
/// cancels nothing: the fetch goes on for the callers still waiting, and for the next
/// call.
///
/// ```
/// use aws_credential_types::provider::{ProvideCredentials as _, SharedCredentialsProvider};
/// use creds_aws_sdk::SdkCredentialsProvider;
/// use creds_core::{Credentials, CredentialsCache};
///
/// let keys = Credentials::from_keys("AKID", "wJalrXUtnFEMI", "fixed");
/// let provider = SdkCredentialsProvider::new(CredentialsCache::builder().build(keys));
/// assert!(!format!("{provider:?}").contains("wJalrXUtnFEMI"));
///
/// // What SDK configs hold.
/// let shared = SharedCredentialsProvider::new(provider);
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let creds = shared.provide_credentials().await.unwrap();
/// assert_eq!(creds.access_key_id(), "AKID");
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct SdkCredentialsProvider<P> {
    provider: P,
}

impl<P: ProvideCredentials> SdkCredentialsProvider<P> {
    /// The SDK's view of `provider`: any creds provider, a
    /// [`CredentialsChain`](creds_core::CredentialsChain), a
    /// [`CredentialsCache`](creds_core::CredentialsCache) or a
    /// [`SharedProvider`](creds_core::SharedProvider).
    pub fn new(provider: P) -> Self {
        SdkCredentialsProvider { provider }
    }

    /// The creds provider.
    pub fn get_ref(&self) -> &P {
        &self.provider
    }

    /// The creds provider, unwrapped.
    pub fn into_inner(self) -> P {
        self.provider
    }
}

impl<P: ProvideCredentials> sdk::ProvideCredentials for SdkCredentialsProvider<P> {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let fetch = self.provider.provide_credentials();
        future::ProvideCredentials::new(async move {
            match fetch.await {
                Ok(creds) => Ok(sdk_credentials(&creds)),
                Err(err) => Err(sdk_error(err)),
            }
        })
    }
}
