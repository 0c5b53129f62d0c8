//! creds-testkit's own tests: every route, record and fault does what it says,
//! checked with a raw TCP client on loopback.

mod faults;
mod helpers;
mod server;
mod support;
