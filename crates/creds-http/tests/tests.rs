//! creds-http against real loopback servers from creds-testkit: requests, retries,
//! faults, proxies and TLS. Nothing here connects beyond 127.0.0.1 and ::1.

mod errors;
mod faults;
mod proxy;
mod requests;
mod retries;
mod support;
mod tls;
