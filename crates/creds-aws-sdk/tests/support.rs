//! Credentials for the tests, and the scripted provider.

use creds_core::Credentials;

pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY";
pub(crate) const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

/// Temporary credentials with every field set.
pub(crate) fn full_credentials() -> Credentials {
    Credentials::builder()
        .access_key_id("ASIAEXAMPLE")
        .secret_access_key(SECRET)
        .session_token(TOKEN)
        .expiration("2026-01-01T00:15:00Z".parse().unwrap())
        .account_id("123456789012")
        .provider_name("sts")
        .build()
}

/// The scripted provider of creds-testkit, by the name these tests use.
pub(crate) use creds_testkit::ScriptedProvider as Scripted;
