//! Ports that refuse connections.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};

/// A port on `127.0.0.1` that refuses connections: bound to find a free one, then
/// released. Another program could take it in between; on a test machine that is
/// rare enough.
///
/// ```
/// let port = creds_testkit::refused_port();
/// assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
/// ```
///
/// # Panics
///
/// When no port can be bound.
pub fn refused_port() -> u16 {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .expect("bind a free port on 127.0.0.1");
    let port = listener.local_addr().expect("the bound address").port();
    drop(listener);
    port
}

/// `http://127.0.0.1:PORT` for a [`refused_port`].
pub fn refused_url() -> String {
    format!("http://127.0.0.1:{}", refused_port())
}
