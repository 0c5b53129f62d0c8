//! Long-form documentation. These modules hold no code: only their docs, whose
//! examples run as doctests, so that what they say stays true.
//!
//! - [`authors`]: writing a provider crate of your own, a credentials source that
//!   joins the default chain, a new kind of profile or a `credential_source`, and a
//!   `creds` binary with it linked.

pub mod authors;
