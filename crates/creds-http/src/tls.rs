//! The rustls client configuration: the ring provider and the trusted roots.

use std::sync::{Arc, OnceLock};

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};

/// The configuration of clients that add no roots, built once per process on the
/// first `https` connection (loading the system's roots takes milliseconds).
static DEFAULT: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();

/// A client's TLS settings: the roots it adds, and its configuration once built.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tls {
    extra_roots: Arc<[CertificateDer<'static>]>,
    config: Arc<OnceLock<Result<Arc<ClientConfig>, String>>>,
}

impl Tls {
    pub(crate) fn new(extra_roots: Vec<CertificateDer<'static>>) -> Self {
        Tls {
            extra_roots: extra_roots.into(),
            config: Arc::default(),
        }
    }

    /// The configuration, built on first use. The error says what is missing.
    pub(crate) fn config(&self) -> Result<Arc<ClientConfig>, String> {
        let slot = if self.extra_roots.is_empty() {
            &DEFAULT
        } else {
            &*self.config
        };
        slot.get_or_init(|| build(&self.extra_roots)).clone()
    }
}

fn build(extra_roots: &[CertificateDer<'static>]) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    #[cfg(feature = "native-roots")]
    {
        let loaded = rustls_native_certs::load_native_certs();
        let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
        tracing::debug!(
            added,
            ignored,
            errors = loaded.errors.len(),
            "loaded the system's root certificates"
        );
    }
    #[cfg(feature = "bundled-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for root in extra_roots {
        roots
            .add(root.clone())
            .map_err(|e| format!("an added root certificate cannot be used: {e}"))?;
    }
    if roots.is_empty() {
        return Err(if cfg!(feature = "native-roots") {
            "no root certificates were found on this system; install the system's CA \
             certificates, or build creds-http with the `bundled-roots` feature"
                .to_owned()
        } else {
            "no root certificates: build creds-http with the `native-roots` or \
             `bundled-roots` feature"
                .to_owned()
        });
    }
    // rustls 0.23.48 deprecates ring's provider because it has no post-quantum key
    // exchange; aws-lc-rs, which has, would add a C build of minutes to every user's
    // tree. Credentials are short-lived, so ring stays, and the deprecation is allowed
    // here so that a newer lock file does not break `clippy -D warnings`.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The name to verify the certificate against: the URI's host, an IP address or a
/// DNS name.
pub(crate) fn server_name(host: &str) -> Result<ServerName<'static>, String> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    ServerName::try_from(host.to_owned())
        .map_err(|_| format!("{host} is not a valid name for a TLS certificate"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names() {
        assert!(matches!(
            server_name("sts.amazonaws.com"),
            Ok(ServerName::DnsName(_))
        ));
        assert!(matches!(
            server_name("127.0.0.1"),
            Ok(ServerName::IpAddress(_))
        ));
        assert!(matches!(server_name("[::1]"), Ok(ServerName::IpAddress(_))));
        assert!(server_name("bad name").is_err());
    }

    #[test]
    fn a_bad_added_root_is_an_error() {
        let tls = Tls::new(vec![CertificateDer::from(vec![1, 2, 3])]);
        let err = tls.config().unwrap_err();
        assert!(err.contains("root certificate"), "{err}");
    }
}
