//! The `creds` binary, run as a user runs it: a temp HOME, a cleared environment,
//! instance metadata disabled, and no network.

mod cli;
mod roles;
mod serve;
mod sso;
mod status;
mod support;
