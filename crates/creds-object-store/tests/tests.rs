//! `S3CredentialProvider` called as object_store calls it:
//!
//! - `provider`: through the `CredentialProvider` trait: the fields, one
//!   `AwsCredential` per distinct set of credentials, the cache of `cached`, the
//!   facade's default chain over an injected world, no secret in `Debug`.
//! - `errors`: every creds kind as object_store's `Generic` S3 error, the creds error
//!   kept as the source, no secret.
//! - `store`: a real `AmazonS3` store built with `with_credentials`, over an
//!   in-process HTTP service: requests signed with the creds credentials, asked on
//!   every request, a failure surfacing from the store's call.

mod errors;
mod provider;
mod store;
mod support;
