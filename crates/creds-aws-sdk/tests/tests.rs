//! `SdkCredentialsProvider` called as the SDK calls it, through aws-credential-types'
//! `ProvideCredentials` (no service client):
//!
//! - `credentials`: keys, session token, expiration, account id and provider name
//!   carried over; the facade's default chain over an injected world; calls reaching
//!   the creds provider (and its cache) each time.
//! - `errors`: each creds kind to its SDK kind, the creds error kept as the source,
//!   the timeout logged; no secret in any `Debug`, `Display`, error or log line.

mod credentials;
mod errors;
mod support;
