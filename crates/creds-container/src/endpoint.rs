//! Which URI to fetch: the relative URI under the ECS host, or a full URI that passes the
//! SDKs' checks (https to any host; plain http only to loopback and the container hosts,
//! every address of a host name included), all decided before any connection is made.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use creds_core::CredentialsError;
use http::Uri;

use crate::provider::NAME;
use crate::resolve::ResolveHost;

/// The host a relative URI is appended to: the ECS credentials endpoint.
pub const ECS_CONTAINER_HOST: &str = "http://169.254.170.2";

/// The ECS task credentials host.
const ECS_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 2);
/// The EKS Pod Identity agent, IPv4.
const EKS_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 23);
/// The EKS Pod Identity agent, IPv6 (`fd00:ec2::23`).
const EKS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23);

/// What plain http may reach, for messages.
const ALLOWED: &str = "plain http is only allowed to loopback (127.0.0.0/8, ::1, localhost), the ECS \
     host 169.254.170.2 and the EKS hosts 169.254.170.23 and fd00:ec2::23: use https, or one of those hosts";

/// Whether plain http may go to `ip`: loopback, or one of the container hosts. An
/// IPv4-mapped IPv6 address counts as its IPv4 address.
pub(crate) fn is_allowed_ip(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.is_loopback() || v4 == ECS_V4 || v4 == EKS_V4,
        IpAddr::V6(v6) => v6.is_loopback() || v6 == EKS_V6,
    }
}

/// Where a URI setting came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
    RelativeEnv,
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    FullEnv,
    /// [`relative_uri`](crate::ContainerProviderBuilder::relative_uri).
    RelativeOption,
    /// [`full_uri`](crate::ContainerProviderBuilder::full_uri).
    FullOption,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::RelativeEnv => crate::ENV_RELATIVE_URI,
            Origin::FullEnv => crate::ENV_FULL_URI,
            Origin::RelativeOption => "the relative_uri option",
            Origin::FullOption => "the full_uri option",
        })
    }
}

/// A URI that passed the checks, and how to show it.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub(crate) uri: Uri,
    /// Scheme, host, port and path: no user info and no query, which might hold a secret.
    pub(crate) shown: String,
    /// The setting it came from.
    pub(crate) origin: Origin,
}

/// The URI to fetch, from a relative and a full URI setting (the relative one wins, as
/// in the cross-SDK tests, aws-config, Go v2, botocore and JS v3's
/// `fromContainerMetadata`). `Ok(None)` when neither is set.
pub(crate) async fn resolve(
    relative: Option<(&str, Origin)>,
    full: Option<(&str, Origin)>,
    base: &str,
    resolver: &dyn ResolveHost,
) -> Result<Option<Endpoint>, CredentialsError> {
    if let Some((relative, origin)) = relative {
        return relative_uri(relative, origin, base).map(Some);
    }
    match full {
        Some((full, origin)) => full_uri(full, origin, resolver).await.map(Some),
        None => Ok(None),
    }
}

fn relative_uri(relative: &str, origin: Origin, base: &str) -> Result<Endpoint, CredentialsError> {
    if !relative.starts_with('/') {
        return Err(invalid(format!(
            "{origin} must be a path that starts with '/' (such as /v2/credentials/...): it is \
             appended to {base}"
        )));
    }
    let uri: Uri = format!("{base}{relative}").parse().map_err(|_| {
        invalid(format!(
            "{origin} does not make a valid URI when appended to {base}"
        ))
    })?;
    if uri.host().is_none() {
        return Err(invalid(format!(
            "{origin} does not make a valid URI when appended to {base}"
        )));
    }
    Ok(endpoint(uri, origin))
}

async fn full_uri(
    full: &str,
    origin: Origin,
    resolver: &dyn ResolveHost,
) -> Result<Endpoint, CredentialsError> {
    // The value is not quoted in these errors: it may hold user info or a query with a
    // secret in it.
    let uri: Uri = full
        .parse()
        .map_err(|_| invalid(format!("{origin} is not a valid URI")))?;
    let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
        return Err(invalid(format!(
            "{origin} does not name a scheme and a host; it must be a full URI such as \
             http://127.0.0.1:8080/credentials or https://credentials.example.com/"
        )));
    };
    if scheme.eq_ignore_ascii_case("https") {
        return Ok(endpoint(uri, origin));
    }
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(invalid(format!(
            "{origin} uses the scheme '{scheme}'; it must be http or https"
        )));
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let endpoint = endpoint(uri.clone(), origin);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        if is_allowed_ip(ip) {
            return Ok(endpoint);
        }
        return Err(invalid(format!(
            "{origin} is {}: {ALLOWED}",
            endpoint.shown
        )));
    }
    // A host name: every address it resolves to must be allowed (aws-config, Go v2).
    let addrs = resolver.resolve_host(bare).await.map_err(|e| {
        CredentialsError::unavailable(
            NAME,
            format!(
                "cannot resolve the host {bare} of {origin} to check that plain http may go there"
            ),
        )
        .with_source(e)
    })?;
    if addrs.is_empty() {
        return Err(CredentialsError::unavailable(
            NAME,
            format!("the host {bare} of {origin} resolves to no address"),
        ));
    }
    if let Some(bad) = addrs.iter().find(|ip| !is_allowed_ip(**ip)) {
        tracing::warn!(host = bare, address = %bad, "the container credentials host resolves to an address that plain http may not reach");
        return Err(invalid(format!(
            "{origin} is {}, whose host resolves to {bad}: {ALLOWED}",
            endpoint.shown
        )));
    }
    Ok(endpoint)
}

fn endpoint(uri: Uri, origin: Origin) -> Endpoint {
    let shown = show(&uri);
    Endpoint { uri, shown, origin }
}

/// `scheme://host[:port]/path`, and `?...` when there is a query.
pub(crate) fn show(uri: &Uri) -> String {
    let mut shown = String::new();
    if let Some(scheme) = uri.scheme_str() {
        shown.push_str(scheme);
        shown.push_str("://");
    }
    if let Some(host) = uri.host() {
        shown.push_str(host);
    }
    if let Some(port) = uri.port() {
        shown.push(':');
        shown.push_str(port.as_str());
    }
    shown.push_str(uri.path());
    if uri.query().is_some() {
        shown.push_str("?...");
    }
    shown
}

fn invalid(message: String) -> CredentialsError {
    CredentialsError::invalid_config(NAME, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::ErrorKind;
    use std::io;

    fn never(_: &str) -> io::Result<Vec<IpAddr>> {
        panic!("no lookup expected")
    }

    fn run(
        relative: Option<&str>,
        full: Option<&str>,
        resolver: &dyn ResolveHost,
    ) -> Result<Option<Endpoint>, CredentialsError> {
        let future = resolve(
            relative.map(|r| (r, Origin::RelativeEnv)),
            full.map(|f| (f, Origin::FullEnv)),
            ECS_CONTAINER_HOST,
            resolver,
        );
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn accepted(full: &str) -> String {
        run(None, Some(full), &never)
            .unwrap()
            .unwrap()
            .uri
            .to_string()
    }

    fn refused(full: &str) -> CredentialsError {
        run(None, Some(full), &never).unwrap_err()
    }

    #[test]
    fn allowed_addresses() {
        for ip in [
            "127.0.0.1",
            "127.255.0.9",
            "::1",
            "169.254.170.2",
            "169.254.170.23",
            "fd00:ec2::23",
            "::ffff:127.0.0.1",
            "::ffff:169.254.170.2",
        ] {
            assert!(is_allowed_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "169.254.169.254",
            "169.254.170.3",
            "10.0.0.1",
            "0.0.0.0",
            "::",
            "fd00:ec2::254",
            "fd00:ec2::22",
            "72.21.210.29",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_allowed_ip(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn ip_literals_are_checked_without_a_lookup() {
        assert_eq!(
            accepted("http://127.0.0.1:8080/creds"),
            "http://127.0.0.1:8080/creds"
        );
        assert_eq!(accepted("http://[::1]/creds"), "http://[::1]/creds");
        assert_eq!(
            accepted("https://example.com/creds"),
            "https://example.com/creds"
        );
        let err = refused("http://169.254.169.254/latest/creds");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(
            err.message().contains("plain http is only allowed"),
            "{err}"
        );
    }

    #[test]
    fn bad_full_uris_do_not_quote_the_value() {
        for (uri, needle) in [
            ("/credentials", "does not name a scheme and a host"),
            ("127.0.0.1:8080/creds", "not a valid URI"),
            ("ftp://127.0.0.1/creds", "must be http or https"),
            ("http://exa mple/secret-in-it", "not a valid URI"),
        ] {
            let err = refused(uri);
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{uri}");
            assert!(err.message().contains(needle), "{uri}: {err}");
            assert!(!err.to_string().contains("secret-in-it"), "{err}");
        }
    }

    #[test]
    fn shown_uris_drop_user_info_and_query() {
        let err = refused("http://user:pa55@10.1.2.3:9/path?token=t0ken");
        let text = err.to_string();
        assert!(text.contains("http://10.1.2.3:9/path?..."), "{text}");
        assert!(!text.contains("pa55") && !text.contains("t0ken"), "{text}");
    }

    #[test]
    fn relative_uris_must_be_paths() {
        let ok = run(Some("/v2/credentials/abc?x=1"), None, &never)
            .unwrap()
            .unwrap();
        assert_eq!(
            ok.uri.to_string(),
            "http://169.254.170.2/v2/credentials/abc?x=1"
        );
        assert_eq!(ok.shown, "http://169.254.170.2/v2/credentials/abc?...");
        for bad in ["credentials", "@evil.example/x", " /x"] {
            let err = run(Some(bad), None, &never).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{bad}");
        }
        assert!(run(None, None, &never).unwrap().is_none());
    }

    #[test]
    fn every_resolved_address_must_be_allowed() {
        let table = |host: &str| -> io::Result<Vec<IpAddr>> {
            match host {
                "local.test" => Ok(vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()]),
                "pod.test" => Ok(vec!["169.254.170.23".parse().unwrap()]),
                "mixed.test" => Ok(vec![
                    "127.0.0.1".parse().unwrap(),
                    "93.184.216.34".parse().unwrap(),
                ]),
                "empty.test" => Ok(vec![]),
                _ => Err(io::Error::new(io::ErrorKind::NotFound, "no such host")),
            }
        };
        let ok = |uri: &str| run(None, Some(uri), &table).unwrap().unwrap();
        assert_eq!(ok("http://local.test:80/c").shown, "http://local.test:80/c");
        ok("http://pod.test/v1/credentials");
        let mixed = run(None, Some("http://mixed.test/c"), &table).unwrap_err();
        assert_eq!(mixed.kind(), ErrorKind::InvalidConfig);
        assert!(
            mixed.message().contains("resolves to 93.184.216.34"),
            "{mixed}"
        );
        for host in ["empty.test", "nowhere.test"] {
            let err = run(None, Some(&format!("http://{host}/c")), &table).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unavailable, "{host}");
        }
    }
}
