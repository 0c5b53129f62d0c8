//! [`RecordedRequest`]: what a [`TestServer`](crate::TestServer) received.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method, Version};

/// One request as the server received it: method, request target, headers, body.
///
/// Its `Debug` shows header names and the body's length, never header values or the
/// body (they may hold tokens).
#[derive(Clone)]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The request target as sent: `/path?query` (origin form), or
    /// `http://host/path` when the request came through as to a proxy (absolute
    /// form), or `host:port` for `CONNECT`.
    pub target: String,
    /// The HTTP version.
    pub version: Version,
    /// Every header, as received.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl RecordedRequest {
    /// The path, without the query (`/` for a `CONNECT`'s authority form).
    pub fn path(&self) -> &str {
        let without_scheme = match self.target.split_once("://") {
            Some((_, rest)) => match rest.find('/') {
                Some(slash) => &rest[slash..],
                None => "/",
            },
            None if self.target.starts_with('/') => &self.target,
            None => "/",
        };
        without_scheme
            .split_once('?')
            .map_or(without_scheme, |(path, _)| path)
    }

    /// The query string, without the `?`.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// The path and query (`/path?query`), whatever the form of the target.
    pub fn path_and_query(&self) -> String {
        match self.query() {
            Some(query) => format!("{}?{query}", self.path()),
            None => self.path().to_owned(),
        }
    }

    /// A header's value, when it is present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(|k| k.as_str()).collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path())
            .field("version", &self.version)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(target: &str) -> RecordedRequest {
        RecordedRequest {
            method: Method::GET,
            target: target.to_owned(),
            version: Version::HTTP_11,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    #[test]
    fn paths_of_every_form() {
        assert_eq!(request("/a/b?x=1").path(), "/a/b");
        assert_eq!(request("/a/b?x=1").query(), Some("x=1"));
        assert_eq!(request("http://h:1/a?q").path(), "/a");
        assert_eq!(request("http://h:1/a?q").path_and_query(), "/a?q");
        assert_eq!(request("http://h:1").path(), "/");
        assert_eq!(request("h:443").path(), "/");
        assert_eq!(request("/").query(), None);
    }

    #[test]
    fn debug_hides_values_and_body() {
        let mut r = request("/");
        r.headers
            .insert("authorization", "Bearer SECRET-TOKEN".parse().unwrap());
        r.body = Bytes::from_static(b"SECRET-BODY");
        let shown = format!("{r:?}");
        assert!(shown.contains("authorization"), "{shown}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
