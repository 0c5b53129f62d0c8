//! [`ProvideCredentials`]: the trait every source implements.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::{Credentials, CredentialsError};

/// What [`ProvideCredentials::provide_credentials`] returns: a boxed `Send` future, so
/// that providers are object-safe and can be chained and shared as
/// [`SharedProvider`].
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A provider shared between owners: the chain, the cache, role chains.
pub type SharedProvider = Arc<dyn ProvideCredentials>;

/// A source of AWS credentials.
///
/// Implementations return [`CredentialsError`] with
/// [`ErrorKind::NotConfigured`](crate::ErrorKind::NotConfigured) when their source is
/// absent, so that a chain moves on, and another kind when the source is present but
/// fails.
///
/// ```
/// use creds_core::{Credentials, ProvideCredentials, ProvideFuture};
///
/// #[derive(Debug)]
/// struct Fixed;
///
/// impl ProvideCredentials for Fixed {
///     fn provide_credentials(&self) -> ProvideFuture<'_> {
///         Box::pin(async { Ok(Credentials::from_keys("AKID", "SECRET", "fixed")) })
///     }
///
///     fn name(&self) -> &'static str {
///         "fixed"
///     }
/// }
/// ```
pub trait ProvideCredentials: Send + Sync + std::fmt::Debug {
    /// Fetches credentials.
    fn provide_credentials(&self) -> ProvideFuture<'_>;

    /// A short name for logs, errors and `creds explain` (`"environment"`, `"profile"`).
    fn name(&self) -> &'static str;

    /// While a fetch runs, what it is waiting on, if the provider can say (a chain
    /// names the provider whose turn it is, a profile provider the hop of its role
    /// chain): named in the error when the cache's deadline passes. `None` by default.
    fn running(&self) -> Option<String> {
        None
    }
}

/// Fixed credentials are a provider of themselves.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let creds = self.clone();
        Box::pin(std::future::ready(Ok(creds)))
    }

    fn name(&self) -> &'static str {
        "static"
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        (**self).provide_credentials()
    }

    fn name(&self) -> &'static str {
        (**self).name()
    }

    fn running(&self) -> Option<String> {
        (**self).running()
    }
}
