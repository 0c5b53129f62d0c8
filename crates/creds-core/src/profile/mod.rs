//! The shared config and credentials files: where they are, their INI grammar, and the
//! profiles, SSO sessions and services sections they define.
//!
//! It follows the cross-SDK conformance suites (`profile-parser-tests.json` and
//! `file-location-tests.json`, every case of which is a test).

#[doc(hidden)]
pub mod eager;
mod index;
mod location;
mod model;
mod names;
mod parse;
mod rules;
mod scan;
mod set;

pub use location::{Platform, ProfileFiles, home_dir};
pub use model::{Profile, Property, Warning};
pub use parse::{IniError, IniProperty, IniSection, parse_ini};
pub use rules::FileKind;
pub use set::ProfileSet;
