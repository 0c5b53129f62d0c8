//! The STS providers against loopback STS servers (creds-testkit), and through the
//! registry as `creds-profile` uses them:
//!
//! - `assume_role`: request shape and signature headers, replies, errors, retries,
//!   MFA, the file cache.
//! - `web_identity`: unsigned requests, token files re-read, errors, the variables.
//! - `chains`: role chains of two and three hops from profiles, each hop cached,
//!   `credential_source`, errors with their lines.

mod assume_role;
mod chains;
mod support;
mod web_identity;
