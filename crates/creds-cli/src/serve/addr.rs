//! The address `creds serve` binds: loopback only.

use std::net::{Ipv4Addr, SocketAddr};

/// Parses `--addr`: `127.0.0.1:PORT`, any `127.x.y.z`, `[::1]:PORT` or `localhost:PORT`
/// (port 0: any free port). Any other address is refused: the endpoint hands out
/// credentials to whoever holds the token, and the SDKs only accept plain HTTP to a
/// loopback host anyway.
pub(crate) fn parse_loopback(text: &str) -> Result<SocketAddr, String> {
    let addr = match text.strip_prefix("localhost:") {
        Some(port) => port
            .parse::<u16>()
            .map(|port| SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .map_err(|_| format!("'{port}' is not a port number"))?,
        None => text.parse::<SocketAddr>().map_err(|_| {
            format!("'{text}' is not an address with a port, such as 127.0.0.1:0 or [::1]:8080")
        })?,
    };
    if !addr.ip().is_loopback() {
        return Err(format!(
            "{} is not a loopback address: creds serve binds 127.0.0.0/8 or ::1 only, so \
             that no other machine can ask for the credentials",
            addr.ip()
        ));
    }
    Ok(addr)
}

/// The URI to give the SDKs for a bound address.
pub(crate) fn full_uri(addr: SocketAddr) -> String {
    // SocketAddr's Display brackets IPv6 addresses, as a URI needs.
    format!("http://{addr}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_are_accepted() {
        for (text, uri) in [
            ("127.0.0.1:0", "http://127.0.0.1:0/"),
            ("127.8.9.10:8080", "http://127.8.9.10:8080/"),
            ("[::1]:9911", "http://[::1]:9911/"),
            ("localhost:4000", "http://127.0.0.1:4000/"),
        ] {
            assert_eq!(full_uri(parse_loopback(text).unwrap()), uri, "{text}");
        }
    }

    #[test]
    fn other_addresses_are_refused() {
        for text in [
            "0.0.0.0:80",
            "[::]:80",
            "10.0.0.1:80",
            "169.254.170.2:80",
            "[fd00:ec2::23]:80",
        ] {
            let err = parse_loopback(text).unwrap_err();
            assert!(err.contains("not a loopback address"), "{text}: {err}");
        }
        for text in [
            "127.0.0.1",
            "localhost",
            "localhost:http",
            "example.com:80",
            "",
        ] {
            assert!(parse_loopback(text).is_err(), "{text}");
        }
    }
}
