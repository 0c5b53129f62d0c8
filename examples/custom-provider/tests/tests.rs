//! The example provider as a program that links it sees it: in the default chain, in
//! profiles and role chains (against a loopback STS), with its errors, and in its own
//! `creds` binary. Every world is injected: no test reads the real environment or
//! `~/.aws`, and nothing leaves loopback.

mod chain;
#[cfg(feature = "cli")]
mod cli;
mod errors;
mod profile;
mod support;
