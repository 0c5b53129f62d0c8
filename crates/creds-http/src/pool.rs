//! [`Pool`]: HTTP/1.1 connections kept open between requests, by endpoint.
//!
//! Our own, on hyper's connection API, rather than hyper-util's pooled client: the
//! credentials sources send a handful of sequential requests per endpoint, which a
//! list of idle connections per host serves, and hyper-util's client brings four
//! crates (futures-util, futures-task, futures-channel, tower-service) for more.
//! A connection goes back to the pool once its response was read whole and hyper says
//! it can take another request; an idle one closes itself after the read timeout
//! (the [`Stream`](crate::connector::Stream) fails its reads), and is then skipped.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use http::Uri;
use http::uri::Scheme;
use hyper::client::conn::http1::SendRequest;

use crate::body::RequestBody;

/// The most idle connections kept per endpoint.
const MAX_IDLE_PER_ENDPOINT: usize = 8;

/// Which connections may serve a request: scheme, host and port.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    https: bool,
    host: String,
    port: u16,
}

impl Key {
    pub(crate) fn of(uri: &Uri) -> Key {
        let https = uri.scheme() == Some(&Scheme::HTTPS);
        Key {
            https,
            host: uri.host().unwrap_or_default().to_ascii_lowercase(),
            port: uri.port_u16().unwrap_or(if https { 443 } else { 80 }),
        }
    }
}

/// One open connection: the handle requests are sent through (its connection is
/// driven by a task of its own), and whether it goes through a plain HTTP proxy,
/// which takes requests in absolute form.
pub(crate) struct Conn {
    pub(crate) sender: SendRequest<RequestBody>,
    pub(crate) proxied: bool,
    pub(crate) key: Key,
}

#[derive(Default)]
pub(crate) struct Pool {
    idle: Mutex<HashMap<Key, Vec<Conn>>>,
}

impl Pool {
    /// An idle connection to `key` that can take a request now, if there is one.
    pub(crate) fn checkout(&self, key: &Key) -> Option<Conn> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let list = idle.get_mut(key)?;
        // The most recently used first: the likeliest to be open still.
        while let Some(conn) = list.pop() {
            if conn.sender.is_ready() && !conn.sender.is_closed() {
                return Some(conn);
            }
        }
        None
    }

    /// Keeps `conn` for the next request to its endpoint.
    pub(crate) fn put(&self, conn: Conn) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let list = idle.entry(conn.key.clone()).or_default();
        list.retain(|c| !c.sender.is_closed());
        if list.len() < MAX_IDLE_PER_ENDPOINT {
            list.push(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_default_their_port_and_ignore_case() {
        let key = |s: &str| Key::of(&s.parse().unwrap());
        assert_eq!(
            key("https://STS.amazonaws.com/x"),
            key("https://sts.amazonaws.com:443/")
        );
        assert_eq!(key("http://127.0.0.1/"), key("http://127.0.0.1:80/a?b"));
        assert_ne!(key("http://127.0.0.1:80/"), key("https://127.0.0.1:80/"));
        assert_ne!(key("http://[::1]:8080/"), key("http://[::1]:8081/"));
    }
}
