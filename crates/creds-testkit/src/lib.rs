//! Test helpers for the `creds` crates: loopback HTTP servers with scripted answers and
//! faults, temporary home directories, fixed clocks. Not published; every crate's
//! tests use it, so that no test reaches beyond loopback.
//!
//! - [`TestServer`]: an HTTP/1.1 server on `127.0.0.1:0` (or `[::1]:0`), on the test's
//!   tokio runtime ([`TestServer::start`]) or on a thread of its own
//!   ([`TestServer::start_blocking`]) for synchronous tests and child processes.
//!   Routes by method and path answer scripted [`Reply`]s in turn, and every request
//!   is recorded ([`RecordedRequest`]).
//! - [`Reply`]: status, headers, body (bytes, text, JSON) and faults: `delay`, `hang`,
//!   `trickle`, `drop_connection`, `oversized`, `malformed_json`.
//! - [`refused_port`]: a port where nothing listens.
//! - [`TempHome`]: a home directory with `.aws/config` and `.aws/credentials`,
//!   removed on drop.
//! - [`ScriptedProvider`]: a credentials provider answering scripted outcomes in turn.
//! - [`ManualClock`] (from `creds-core`) and [`clock_at`].
//!
//! # Example
//!
//! ```
//! use creds_testkit::{Method, Reply, TestServer};
//! use std::io::{Read, Write};
//!
//! let server = TestServer::start_blocking();
//! server
//!     .route(Method::GET, "/latest/meta-data/", Reply::new(503))
//!     .then(Reply::ok("ami-id\n"));
//!
//! let get = |path: &str| {
//!     let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
//!     write!(stream, "GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").unwrap();
//!     let mut response = String::new();
//!     stream.read_to_string(&mut response).unwrap();
//!     response
//! };
//! assert!(get("/latest/meta-data/").starts_with("HTTP/1.1 503"));
//! assert!(get("/latest/meta-data/").ends_with("ami-id\n"));
//! assert!(get("/nowhere").starts_with("HTTP/1.1 404"));
//! assert_eq!(server.requests_to("/latest/meta-data/").len(), 2);
//! ```

mod home;
mod logs;
mod net;
mod record;
mod reply;
mod scripted;
mod secrets;
mod server;

pub use creds_core::{Clock, ManualClock};
pub use home::TempHome;
pub use http::Method;
pub use logs::{capture_logs, captured_logs};
pub use net::{refused_port, refused_url};
pub use record::RecordedRequest;
pub use reply::Reply;
pub use scripted::ScriptedProvider;
pub use secrets::{assert_no_secret, expect_credentials, expect_error};
pub use server::{Route, TestServer};

/// A [`ManualClock`] stopped at `time` (RFC 3339, `2026-01-01T00:00:00Z`).
///
/// ```
/// let clock = creds_testkit::clock_at("2026-01-01T00:00:00Z");
/// assert_eq!(clock.now().to_string(), "2026-01-01T00:00:00Z");
/// ```
///
/// # Panics
///
/// When `time` is not an RFC 3339 timestamp.
pub fn clock_at(time: &str) -> ManualClock {
    ManualClock::new(
        time.parse()
            .unwrap_or_else(|e| panic!("{time} is not an RFC 3339 timestamp: {e}")),
    )
}
