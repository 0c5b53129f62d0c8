//! creds-process against real programs: small shell scripts written into a temp dir
//! and run through `sh`, as a user's `credential_process` would be.

#![cfg(unix)]

mod concurrency;
mod document;
mod host_death;
mod profile;
mod props;
mod redaction;
mod run;
mod support;
