//! The integration tests of `creds-core`, one binary (so the link step runs once):
//!
//! - `cross_sdk`: every case of the cross-SDK conformance suites
//!   (`profile-parser-tests.json`, `file-location-tests.json`) from `../shared/testdata`.
//! - `profile_props`: property tests of the INI parser and the profile model: no input
//!   panics, well-formed files round-trip, errors never hold a value.

mod cross_sdk;
mod profile_props;
