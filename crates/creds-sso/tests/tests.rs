//! The SSO providers against loopback portal and SSO-OIDC servers (creds-testkit),
//! and through the registry as `creds-profile` uses them:
//!
//! - `profiles`: both profile forms, the token file, the portal's request and reply,
//!   errors with what to do, SSO under a role chain.
//! - `refresh`: the 5-minute window, the 30 s limit, one refresh for 100 callers, the
//!   write-back, a failed refresh.
//! - `device`: the device login and the logout.

mod device;
mod profiles;
mod refresh;
mod support;
