//! The integration tests of `creds-core`, one binary (so the link step runs once):
//!
//! - `cross_sdk`: every case of the cross-SDK conformance suites
//!   (`profile-parser-tests.json`, `file-location-tests.json`) from `../shared/testdata`.
//! - `fs_writes`: atomic writes and private directories on the real file system,
//!   concurrent writers that never tear a file.
//! - `profile_props`: property tests of the INI parser and the profile model: no input
//!   panics, well-formed files round-trip, errors never hold a value, the lazy
//!   `ProfileSet` answers as its eager oracle does.

mod cross_sdk;
mod fs_writes;
mod profile_props;
