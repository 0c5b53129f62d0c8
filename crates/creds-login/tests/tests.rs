//! The `aws login` provider against in-memory cache files and a loopback Sign-In
//! (creds-testkit), and through the registry as `creds-profile` uses it:
//!
//! - `provider`: where the cache file is, credentials from a valid file with no call,
//!   profiles without a session.
//! - `refresh`: the five-minute window, the request, the write-back, a file another
//!   process refreshed, failures and Sign-In's refusals.
//! - `dpop`: the proof's signature checked with the public key of its own header, and
//!   its claims.
//! - `bad_input`: broken files, keys and replies: clear errors, no secret, the file
//!   left as it was.
//! - `registry`: the `login_session` handler, behind its cache, through
//!   `creds-profile`.

mod bad_input;
mod dpop;
mod provider;
mod refresh;
mod registry;
mod support;
