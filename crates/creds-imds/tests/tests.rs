//! creds-imds against loopback test servers from creds-testkit: the exchange, the
//! IMDSv1 fallback, time bounds, the off switch, static stability, the cross-SDK
//! endpoint cases, the registry and the logs.

mod bounds;
mod cross_sdk;
mod disabled;
mod exchange;
mod fallback;
mod logs;
mod moto;
mod registry;
mod settings;
mod stability;
mod support;
