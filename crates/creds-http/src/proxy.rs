//! [`Proxy`]: whether requests go through an HTTP proxy.

use std::fmt;

use std::net::IpAddr;

use creds_core::Env;
use http::{HeaderValue, Uri};

/// Whether and how an [`HttpClient`](crate::HttpClient) uses a proxy.
///
/// The default is [`Proxy::None`]. Clients of AWS services (STS, SSO, Cognito) use
/// [`Proxy::from_env`]; the instance metadata and container endpoints never use a
/// proxy, as in every SDK.
///
/// Only `http://` proxies are supported (a URL without a scheme counts as `http://`):
/// `http` requests go to the proxy in absolute form, `https` ones through a `CONNECT`
/// tunnel, so the proxy never sees inside them. A user name and password in the proxy
/// URL are sent as `Proxy-Authorization: Basic`.
///
/// ```
/// use creds_core::Env;
/// use creds_http::Proxy;
///
/// let env = Env::from_pairs([
///     ("HTTPS_PROXY", "http://proxy.corp:3128"),
///     ("NO_PROXY", "localhost,.internal,10.0.0.0/8"),
/// ]);
/// let proxy = Proxy::from_env(&env);
/// assert!(proxy.is_some());
/// assert!(!Proxy::from_env(&Env::empty()).is_some());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Proxy {
    /// No proxy, whatever the environment says.
    #[default]
    None,
    /// The proxy variables of the process environment, read (through
    /// [`Env::process`]) when the client is built: what [`Proxy::from_env`] reads.
    FromEnv,
    /// These settings.
    Rules(ProxyRules),
}

impl Proxy {
    /// The proxy settings of `env`: `HTTPS_PROXY` (else `https_proxy`) for `https`
    /// requests, `HTTP_PROXY` (else `http_proxy`) for `http` ones, and `NO_PROXY`
    /// (else `no_proxy`) for the hosts that bypass them. Blank values count as unset.
    /// As Go does, `HTTP_PROXY` is ignored when `REQUEST_METHOD` is set (a CGI
    /// program, where a client's `Proxy:` header would become that variable).
    ///
    /// `NO_PROXY` is a comma-separated list, read by curl's rules: `*` (every host),
    /// IP addresses and networks (`10.0.0.0/8`, `::1`), and domain names, each
    /// matching itself and its subdomains (`example.com`, `.example.com` and
    /// `*.example.com` all match `example.com` and `a.example.com`), in any case.
    /// Ports in entries are not supported. Loopback hosts are proxied unless listed
    /// (Go alone always sends them direct).
    pub fn from_env(env: &Env) -> Proxy {
        Proxy::Rules(ProxyRules::from_env(env))
    }

    /// Whether any proxy is configured.
    pub fn is_some(&self) -> bool {
        match self {
            Proxy::None => false,
            Proxy::FromEnv => ProxyRules::from_env(&Env::process()).is_some(),
            Proxy::Rules(rules) => rules.is_some(),
        }
    }

    /// The matcher the connector uses, when a proxy is configured.
    pub(crate) fn matcher(&self) -> Option<ProxyMatcher> {
        match self {
            Proxy::None => None,
            Proxy::FromEnv => ProxyRules::from_env(&Env::process()).matcher(),
            Proxy::Rules(rules) => rules.matcher(),
        }
    }
}

/// Proxy URLs for `http` and `https` requests, and the hosts that bypass them.
///
/// Its `Debug` hides any password in the URLs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyRules {
    http: Option<String>,
    https: Option<String>,
    no_proxy: Option<String>,
}

impl ProxyRules {
    /// No proxy for anything.
    pub fn new() -> Self {
        Self::default()
    }

    /// The proxy for `http` requests.
    pub fn http(mut self, url: impl Into<String>) -> Self {
        self.http = Some(url.into());
        self
    }

    /// The proxy for `https` requests.
    pub fn https(mut self, url: impl Into<String>) -> Self {
        self.https = Some(url.into());
        self
    }

    /// The hosts that bypass the proxy, in `NO_PROXY` syntax (see
    /// [`Proxy::from_env`]).
    pub fn no_proxy(mut self, list: impl Into<String>) -> Self {
        self.no_proxy = Some(list.into());
        self
    }

    /// The settings of `env`: see [`Proxy::from_env`].
    pub fn from_env(env: &Env) -> Self {
        let first = |names: &[&str]| names.iter().find_map(|name| env.get_non_blank(name));
        let cgi = env.get("REQUEST_METHOD").is_some();
        let http = if cgi {
            first(&["http_proxy"])
        } else {
            first(&["HTTP_PROXY", "http_proxy"])
        };
        ProxyRules {
            http,
            https: first(&["HTTPS_PROXY", "https_proxy"]),
            no_proxy: first(&["NO_PROXY", "no_proxy"]),
        }
    }

    fn is_some(&self) -> bool {
        (self.http.is_some() || self.https.is_some())
            && !NoProxy::parse(self.no_proxy.as_deref().unwrap_or_default()).everything
    }

    fn matcher(&self) -> Option<ProxyMatcher> {
        if !self.is_some() {
            return None;
        }
        let target = |which: &str, url: &Option<String>| {
            let url = url.as_deref()?;
            let target = ProxyTarget::parse(url);
            if target.is_none() {
                // Not the value: it may hold a password.
                tracing::warn!("the proxy URL for {which} requests is not a URL; they go direct");
            }
            target
        };
        Some(ProxyMatcher {
            http: target("http", &self.http),
            https: target("https", &self.https),
            no_proxy: NoProxy::parse(self.no_proxy.as_deref().unwrap_or_default()),
        })
    }
}

/// Which proxy, if any, a request goes through.
#[derive(Debug)]
pub(crate) struct ProxyMatcher {
    http: Option<ProxyTarget>,
    https: Option<ProxyTarget>,
    no_proxy: NoProxy,
}

impl ProxyMatcher {
    /// The proxy for `uri`, unless `NO_PROXY` lets it go direct.
    pub(crate) fn intercept(&self, uri: &Uri) -> Option<&ProxyTarget> {
        let target = match uri.scheme_str() {
            Some("http") => self.http.as_ref(),
            Some("https") => self.https.as_ref(),
            _ => None,
        }?;
        (!self.no_proxy.contains(uri.host()?)).then_some(target)
    }
}

/// A proxy: its URL without user information, and the `Basic` credentials from it.
pub(crate) struct ProxyTarget {
    uri: Uri,
    auth: Option<HeaderValue>,
}

impl fmt::Debug for ProxyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyTarget")
            .field("uri", &self.uri)
            .field("auth", &self.auth.is_some())
            .finish()
    }
}

impl ProxyTarget {
    /// `[scheme://][user[:password]@]host[:port][/...]`; no scheme means `http`.
    fn parse(url: &str) -> Option<Self> {
        let url = url.trim();
        let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
        let authority = rest.split(['/', '?', '#']).next()?;
        let (auth, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let credentials = format!("{}:{}", percent_decode(user), percent_decode(password));
                let mut value =
                    HeaderValue::from_str(&format!("Basic {}", base64(credentials.as_bytes())))
                        .ok()?;
                value.set_sensitive(true);
                (Some(value), host_port)
            }
            None => (None, authority),
        };
        if host_port.is_empty() {
            return None;
        }
        let uri = Uri::builder()
            .scheme(scheme.to_ascii_lowercase().as_str())
            .authority(host_port)
            .path_and_query("/")
            .build()
            .ok()?;
        Some(ProxyTarget { uri, auth })
    }

    /// The proxy's URL, `scheme://host:port/`.
    pub(crate) fn uri(&self) -> &Uri {
        &self.uri
    }

    /// `Basic ...` when the URL held a user name.
    pub(crate) fn basic_auth(&self) -> Option<&HeaderValue> {
        self.auth.as_ref()
    }
}

/// `NO_PROXY`, by curl's rules: `*`, IP addresses and networks, and domains that
/// match themselves and their subdomains.
#[derive(Debug, Default)]
struct NoProxy {
    everything: bool,
    networks: Vec<(IpAddr, u8)>,
    domains: Vec<String>,
}

impl NoProxy {
    fn parse(list: &str) -> Self {
        let mut no_proxy = NoProxy::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                no_proxy.everything = true;
            } else if let Some(network) = parse_network(entry) {
                no_proxy.networks.push(network);
            } else {
                let domain = entry.trim_start_matches("*.").trim_start_matches('.');
                no_proxy.domains.push(domain.to_ascii_lowercase());
            }
        }
        no_proxy
    }

    fn contains(&self, host: &str) -> bool {
        if self.everything {
            return true;
        }
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self
                .networks
                .iter()
                .any(|&(network, bits)| in_network(ip, network, bits));
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.domains.iter().any(|domain| {
            host == *domain
                || host
                    .strip_suffix(domain.as_str())
                    .is_some_and(|prefix| prefix.ends_with('.'))
        })
    }
}

/// `10.0.0.0/8`, `::1`, `[::1]` or `192.168.1.1` as a network and prefix length.
fn parse_network(entry: &str) -> Option<(IpAddr, u8)> {
    let (address, bits) = match entry.split_once('/') {
        Some((address, bits)) => (address, Some(bits.parse::<u8>().ok()?)),
        None => (entry, None),
    };
    let address = address
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(address);
    let ip: IpAddr = address.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = bits.unwrap_or(max);
    (bits <= max).then_some((ip, bits))
}

fn in_network(ip: IpAddr, network: IpAddr, bits: u8) -> bool {
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(network)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(network) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(network)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(network) & mask
        }
        _ => false,
    }
}

/// `%XX` escapes decoded; invalid ones and invalid UTF-8 kept as they are (lossy).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 with padding (RFC 4648), for `Basic` credentials.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A URL with any user information replaced.
fn redacted(url: &str) -> String {
    match url.split_once('@') {
        Some((before, after)) => match before.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://**@{after}"),
            None => format!("**@{after}"),
        },
        None => url.to_owned(),
    }
}

impl fmt::Debug for ProxyRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyRules")
            .field("http", &self.http.as_deref().map(redacted))
            .field("https", &self.https.as_deref().map(redacted))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> http::Uri {
        s.parse().unwrap()
    }

    #[test]
    fn reads_upper_then_lower_case() {
        let env = Env::from_pairs([
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:1"),
            ("http_proxy", "http://plain:2"),
            ("no_proxy", "internal"),
        ]);
        let rules = ProxyRules::from_env(&env);
        assert_eq!(rules.https.as_deref(), Some("http://upper:1"));
        assert_eq!(rules.http.as_deref(), Some("http://plain:2"));
        assert_eq!(rules.no_proxy.as_deref(), Some("internal"));
    }

    #[test]
    fn blank_values_and_cgi() {
        let env = Env::from_pairs([("HTTPS_PROXY", "  "), ("HTTP_PROXY", "http://p:1")]);
        let rules = ProxyRules::from_env(&env);
        assert_eq!(rules.https, None);
        assert_eq!(rules.http.as_deref(), Some("http://p:1"));
        let cgi = Env::from_pairs([("HTTP_PROXY", "http://evil:1"), ("REQUEST_METHOD", "GET")]);
        assert!(!Proxy::from_env(&cgi).is_some());
    }

    #[test]
    fn matcher_follows_no_proxy() {
        let rules = ProxyRules::new()
            .https("http://user:pa%40ss@proxy:3128")
            .http("proxy:8080")
            .no_proxy("localhost, .internal ,10.0.0.0/8");
        let m = rules.matcher().unwrap();
        let hit = m.intercept(&uri("https://sts.amazonaws.com/")).unwrap();
        assert_eq!(hit.uri().authority().unwrap().as_str(), "proxy:3128");
        assert!(hit.basic_auth().is_some());
        let plain = m.intercept(&uri("http://example.com/")).unwrap();
        assert_eq!(plain.uri().to_string(), "http://proxy:8080/");
        assert!(m.intercept(&uri("https://localhost/")).is_none());
        assert!(m.intercept(&uri("https://a.b.internal/")).is_none());
        assert!(m.intercept(&uri("http://10.1.2.3/")).is_none());
        assert!(m.intercept(&uri("http://11.1.2.3/")).is_some());
    }

    #[test]
    fn no_proxy_rules() {
        let rules = NoProxy::parse(
            " example.com, .corp.internal ,*.svc, 10.0.0.0/8, ::1, [fd00::]/8, 192.168.1.7,,",
        );
        for host in [
            "example.com",
            "EXAMPLE.com.",
            "a.b.example.com",
            "corp.internal",
            "x.corp.internal",
            "x.svc",
            "10.255.0.1",
            "[::1]",
            "[fd00:ec2::254]",
            "192.168.1.7",
        ] {
            assert!(rules.contains(host), "{host}");
        }
        for host in [
            "notexample.com",
            "example.com.evil",
            "internal",
            "11.0.0.1",
            "192.168.1.8",
            "[::2]",
            "127.0.0.1",
        ] {
            assert!(!rules.contains(host), "{host}");
        }
        assert!(NoProxy::parse("*").contains("127.0.0.1"));
        assert!(!NoProxy::parse("").contains("example.com"));
        // A bad prefix length makes the entry a (never matching) name.
        assert!(!NoProxy::parse("10.0.0.0/40").contains("10.0.0.1"));
        assert!(NoProxy::parse("0.0.0.0/0").contains("8.8.8.8"));
    }

    #[test]
    fn proxy_urls() {
        let plain = ProxyTarget::parse("proxy.corp:3128").unwrap();
        assert_eq!(plain.uri().to_string(), "http://proxy.corp:3128/");
        assert!(plain.basic_auth().is_none());
        let full = ProxyTarget::parse("HTTP://u%3Ase:p%40ss@10.0.0.1:8080/ignored?x").unwrap();
        assert_eq!(full.uri().to_string(), "http://10.0.0.1:8080/");
        // base64("u:se:p@ss")
        assert_eq!(full.basic_auth().unwrap(), "Basic dTpzZTpwQHNz");
        assert!(full.basic_auth().unwrap().is_sensitive());
        let user_only = ProxyTarget::parse("http://me@p:1").unwrap();
        assert_eq!(user_only.basic_auth().unwrap(), "Basic bWU6");
        assert_eq!(
            ProxyTarget::parse("socks5://p:1")
                .unwrap()
                .uri()
                .scheme_str(),
            Some("socks5")
        );
        for bad in ["", "http://", "http://user@", "http://bad host:1"] {
            assert!(ProxyTarget::parse(bad).is_none(), "{bad}");
        }
        assert!(!format!("{full:?}").contains("cDpAc3M"));
    }

    #[test]
    fn base64_and_percent_decoding() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input}");
        }
        assert_eq!(percent_decode("a%20b%2fc%zz%4"), "a b/c%zz%4");
        assert_eq!(percent_decode("%E2%9C%93"), "\u{2713}");
    }

    #[test]
    fn a_star_bypasses_every_host() {
        let rules = ProxyRules::new().http("proxy:1").no_proxy("a.com, *");
        assert!(rules.matcher().is_none());
        assert!(!Proxy::Rules(rules).is_some());
    }

    #[test]
    fn none_ignores_the_environment() {
        assert!(Proxy::None.matcher().is_none());
        assert!(ProxyRules::new().matcher().is_none());
    }

    #[test]
    fn debug_hides_passwords() {
        let rules = ProxyRules::new().https("http://me:SECRET@proxy:3128");
        let shown = format!("{:?}", Proxy::Rules(rules));
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("proxy:3128"), "{shown}");
    }
}
