//! [`EndpointMode`] and the checks of a configured endpoint.

use std::fmt;
use std::str::FromStr;

/// The IPv4 endpoint of the instance metadata service.
pub const IPV4_ENDPOINT: &str = "http://169.254.169.254";
/// The IPv6 endpoint of the instance metadata service (Nitro instances).
pub const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";

/// Which of the two standard endpoints to use when none is configured:
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`, the profile's
/// `ec2_metadata_service_endpoint_mode`, or
/// [`endpoint_mode`](crate::ImdsProviderBuilder::endpoint_mode).
///
/// Parsed without regard to case, as every SDK does:
///
/// ```
/// use creds_imds::EndpointMode;
///
/// assert_eq!("ipV6".parse::<EndpointMode>().unwrap(), EndpointMode::IpV6);
/// assert_eq!(EndpointMode::IpV6.endpoint(), "http://[fd00:ec2::254]");
/// assert_eq!(EndpointMode::default().endpoint(), "http://169.254.169.254");
/// let err = "IPv7".parse::<EndpointMode>().unwrap_err();
/// assert_eq!(err.to_string(), "`IPv7` is not a valid endpoint mode: use IPv4 or IPv6");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum EndpointMode {
    /// `http://169.254.169.254` (the default).
    #[default]
    IpV4,
    /// `http://[fd00:ec2::254]`.
    IpV6,
}

impl EndpointMode {
    /// The endpoint of this mode, without a trailing slash.
    pub fn endpoint(self) -> &'static str {
        match self {
            EndpointMode::IpV4 => IPV4_ENDPOINT,
            EndpointMode::IpV6 => IPV6_ENDPOINT,
        }
    }
}

impl fmt::Display for EndpointMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EndpointMode::IpV4 => "IPv4",
            EndpointMode::IpV6 => "IPv6",
        })
    }
}

/// A value that is neither `IPv4` nor `IPv6`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEndpointModeError(String);

impl fmt::Display for ParseEndpointModeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid endpoint mode: use IPv4 or IPv6",
            self.0
        )
    }
}

impl std::error::Error for ParseEndpointModeError {}

impl FromStr for EndpointMode {
    type Err = ParseEndpointModeError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let trimmed = value.trim();
        if trimmed.eq_ignore_ascii_case("ipv4") {
            Ok(EndpointMode::IpV4)
        } else if trimmed.eq_ignore_ascii_case("ipv6") {
            Ok(EndpointMode::IpV6)
        } else {
            // The value is shown: it is a mode name, not a secret. Control characters
            // are not echoed.
            Err(ParseEndpointModeError(
                trimmed
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(64)
                    .collect(),
            ))
        }
    }
}

/// The endpoint without trailing slashes, or why it cannot be one. The reason never
/// quotes the value.
pub(crate) fn check_endpoint(value: &str) -> Result<String, &'static str> {
    let trimmed = value.trim().trim_end_matches('/');
    let uri: http::Uri = trimmed
        .parse()
        .map_err(|_| "is not a URL; write it as http://host[:port]")?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err("must start with http:// or https://");
    }
    let Some(authority) = uri.authority() else {
        return Err("has no host");
    };
    if authority.as_str().contains('@') {
        return Err("must not hold a user name or password");
    }
    if authority.host().is_empty() {
        return Err("has no host");
    }
    if uri.query().is_some() {
        return Err("must not have a query (`?...`)");
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked_and_trimmed() {
        assert_eq!(
            check_endpoint(" http://127.0.0.1:8080/ ").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            check_endpoint("http://[fd00:ec2::254]").unwrap(),
            "http://[fd00:ec2::254]"
        );
        assert_eq!(check_endpoint("https://custom").unwrap(), "https://custom");
        for bad in [
            "not a uri",
            "169.254.169.254",
            "ftp://host",
            "http://user:pw@host",
            "http://host/?q=1",
            "",
        ] {
            assert!(check_endpoint(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn modes() {
        assert_eq!("IPv4".parse::<EndpointMode>().unwrap(), EndpointMode::IpV4);
        assert_eq!(
            " ipv6 ".parse::<EndpointMode>().unwrap(),
            EndpointMode::IpV6
        );
        assert!("".parse::<EndpointMode>().is_err());
        assert_eq!(EndpointMode::IpV6.to_string(), "IPv6");
    }
}
