//! Static keys in a profile.

use creds_core::profile::Profile;
use creds_core::{Credentials, CredentialsError};

use crate::provider::NAME;

pub(crate) const KEY_ID: &str = "aws_access_key_id";
pub(crate) const SECRET: &str = "aws_secret_access_key";
const TOKEN: &str = "aws_session_token";
const ACCOUNT: &str = "aws_account_id";

/// Whether the profile holds static keys (either half counts: a lone half is an error
/// to report, not a reason to look elsewhere).
pub(crate) fn has_static_keys(profile: &Profile) -> bool {
    profile.property(KEY_ID).is_some() || profile.property(SECRET).is_some()
}

/// The profile's static credentials. An empty or missing half of the key pair is an
/// error at the line that shows it.
pub(crate) fn static_credentials(profile: &Profile) -> Result<Credentials, CredentialsError> {
    let name = profile.name();
    let (id, secret) = match (profile.property(KEY_ID), profile.property(SECRET)) {
        (Some(id), Some(secret)) => (id, secret),
        (Some(present), None) | (None, Some(present)) => {
            let missing = if present.name() == KEY_ID {
                SECRET
            } else {
                KEY_ID
            };
            return Err(CredentialsError::invalid_config(
                NAME,
                format!(
                    "profile '{name}' sets {} but not {missing}; set both",
                    present.name()
                ),
            )
            .with_location(present.location().clone()));
        }
        (None, None) => {
            return Err(CredentialsError::not_configured(
                NAME,
                format!("profile '{name}' has no static keys"),
            ));
        }
    };
    for property in [id, secret] {
        if property.value().is_empty() {
            return Err(CredentialsError::invalid_config(
                NAME,
                format!(
                    "{} of profile '{name}' is empty; set it, or remove the profile's keys",
                    property.name()
                ),
            )
            .with_location(property.location().clone()));
        }
    }
    let optional = |key| {
        profile
            .get(key)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Ok(Credentials::builder()
        .access_key_id(id.value())
        .secret_access_key(secret.value())
        .set_session_token(optional(TOKEN))
        .set_account_id(optional(ACCOUNT))
        .provider_name(NAME)
        .origin(format!(
            "static keys of profile '{name}' at {}",
            id.location()
        ))
        .build())
}
