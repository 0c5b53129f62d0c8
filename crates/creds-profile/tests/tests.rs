//! The profile provider against injected files, with a fake role assumer and a fake
//! profile handler registered the way provider crates register theirs.

mod built_once;
mod fakes;
mod plan;
mod resolve;
