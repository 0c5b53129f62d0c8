//! [`ResolveHost`]: how the host name of a plain-http full URI is resolved, so that every
//! address it stands for can be checked before anything is sent to it.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;

/// What [`ResolveHost::resolve_host`] returns.
pub type ResolveFuture<'a> = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send + 'a>>;

/// Resolves a host name to its addresses.
///
/// The provider resolves the host of a plain-http full URI and accepts it only when every
/// address is allowed (loopback or a container host); `https` URIs and IP literals are
/// never resolved. The default is [`SystemResolver`]; tests inject a fixed table so that
/// they never depend on real DNS. Any `Fn(&str) -> io::Result<Vec<IpAddr>>` is a
/// resolver:
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use creds_container::ContainerProvider;
///
/// let provider = ContainerProvider::builder()
///     .full_uri("http://credentials.internal:8080/creds")
///     .resolver(|host: &str| match host {
///         "credentials.internal" => Ok(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]),
///         _ => Err(std::io::Error::new(std::io::ErrorKind::NotFound, "unknown host")),
///     })
///     .build();
/// # let _ = provider;
/// ```
pub trait ResolveHost: Send + Sync {
    /// The addresses of `host` (a name, never an IP literal).
    fn resolve_host<'a>(&'a self, host: &'a str) -> ResolveFuture<'a>;
}

impl<F> ResolveHost for F
where
    F: Fn(&str) -> io::Result<Vec<IpAddr>> + Send + Sync,
{
    fn resolve_host<'a>(&'a self, host: &'a str) -> ResolveFuture<'a> {
        Box::pin(std::future::ready(self(host)))
    }
}

/// The system resolver (`getaddrinfo`, through tokio's `lookup_host`, which runs it on a
/// blocking thread). Needs a tokio runtime, as the HTTP client does.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

impl ResolveHost for SystemResolver {
    fn resolve_host<'a>(&'a self, host: &'a str) -> ResolveFuture<'a> {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host, 0)).await?;
            Ok(addrs.map(|addr| addr.ip()).collect())
        })
    }
}

/// A shared resolver that prints as its kind only.
#[derive(Clone)]
pub(crate) struct SharedResolver(pub(crate) std::sync::Arc<dyn ResolveHost>, pub(crate) bool);

impl SharedResolver {
    pub(crate) fn system() -> Self {
        SharedResolver(std::sync::Arc::new(SystemResolver), true)
    }

    pub(crate) fn custom(resolver: impl ResolveHost + 'static) -> Self {
        SharedResolver(std::sync::Arc::new(resolver), false)
    }
}

impl fmt::Debug for SharedResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.1 { "SystemResolver" } else { "custom" })
    }
}
