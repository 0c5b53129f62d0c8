//! creds-container against loopback test servers from creds-testkit: the cross-SDK URI
//! cases, fetches, faults, the registry and the logs.

mod cross_sdk;
mod faults;
mod fetch;
mod logs;
mod registry;
mod support;
