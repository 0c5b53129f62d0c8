//! [`EnvironmentProvider`].

use std::sync::Arc;

use creds_core::registry::{CredentialSource, ProviderFactory, order};
use creds_core::{
    Credentials, CredentialsError, ProfileSource, ProvideCredentials, ProvideFuture,
    ProviderConfig, SharedProvider, inventory,
};
use jiff::Timestamp;

const NAME: &str = "environment";

const ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
const SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
const EXPIRATION: &str = "AWS_CREDENTIAL_EXPIRATION";
const ACCOUNT_ID: &str = "AWS_ACCOUNT_ID";

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
/// `AWS_CREDENTIAL_EXPIRATION` and `AWS_ACCOUNT_ID`. The variables are read on every
/// call.
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    config: ProviderConfig,
}

impl EnvironmentProvider {
    /// A provider reading `config`'s environment.
    pub fn new(config: &ProviderConfig) -> Self {
        EnvironmentProvider {
            config: config.clone(),
        }
    }

    /// A provider reading the process environment.
    pub fn from_process_env() -> Self {
        Self::new(&ProviderConfig::new())
    }

    fn read(&self) -> Result<Credentials, CredentialsError> {
        let env = self.config.env();
        let (id, secret) = match (
            env.get_non_blank(ACCESS_KEY_ID),
            env.get_non_blank(SECRET_ACCESS_KEY),
        ) {
            (Some(id), Some(secret)) => (id, secret),
            (None, None) => {
                return Err(CredentialsError::not_configured(
                    NAME,
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
                ));
            }
            (Some(_), None) => return Err(half_pair(ACCESS_KEY_ID, SECRET_ACCESS_KEY)),
            (None, Some(_)) => return Err(half_pair(SECRET_ACCESS_KEY, ACCESS_KEY_ID)),
        };
        let expiration = match env.get_non_blank(EXPIRATION) {
            None => None,
            Some(text) => {
                let at: Timestamp = text.parse().map_err(|_| {
                    CredentialsError::invalid_config(
                        NAME,
                        "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 timestamp (such as \
                         2026-01-01T00:00:00Z); fix or unset it",
                    )
                })?;
                if at <= self.config.clock().now() {
                    return Err(CredentialsError::invalid_config(
                        NAME,
                        format!(
                            "the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY expired at {at} \
                             (AWS_CREDENTIAL_EXPIRATION); set fresh ones or unset them"
                        ),
                    ));
                }
                Some(at)
            }
        };
        let token = env.get_non_blank(SESSION_TOKEN);
        let account = env.get_non_blank(ACCOUNT_ID);
        // The names of the variables that gave a value, for `creds explain`.
        let read: Vec<&str> = [
            (ACCESS_KEY_ID, true),
            (SECRET_ACCESS_KEY, true),
            (SESSION_TOKEN, token.is_some()),
            (EXPIRATION, expiration.is_some()),
            (ACCOUNT_ID, account.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        Ok(Credentials::builder()
            .access_key_id(id)
            .secret_access_key(secret)
            .set_session_token(token)
            .set_expiration(expiration)
            .set_account_id(account)
            .provider_name(NAME)
            .origin(read.join(", "))
            .build())
    }
}

fn half_pair(set: &str, missing: &str) -> CredentialsError {
    tracing::warn!(
        "{set} is set but {missing} is not: the environment credentials are skipped; set both or neither"
    );
    CredentialsError::not_configured(
        NAME,
        format!(
            "{set} is set but {missing} is not, so the environment credentials are skipped; set both or neither"
        ),
    )
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(self.read()))
    }

    fn name(&self) -> &'static str {
        NAME
    }
}

fn default_chain_entry(config: &ProviderConfig) -> Option<SharedProvider> {
    // An explicitly named profile means "use that profile", not the environment keys.
    if config.selected_profile().source == ProfileSource::Explicit {
        return None;
    }
    Some(Arc::new(EnvironmentProvider::new(config)))
}

fn credential_source(config: &ProviderConfig) -> Result<SharedProvider, CredentialsError> {
    Ok(Arc::new(EnvironmentProvider::new(config)))
}

inventory::submit! { ProviderFactory::new(NAME, order::ENVIRONMENT, default_chain_entry) }
inventory::submit! { CredentialSource::new("Environment", credential_source) }

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::{Env, ErrorKind, ManualClock};

    const SECRET: &str = "SECRETKEYSECRETKEY";
    const TOKEN: &str = "SESSIONTOKENSESSIONTOKEN";

    fn provider(vars: &[(&str, &str)]) -> EnvironmentProvider {
        let clock = ManualClock::new("2026-06-01T00:00:00Z".parse().unwrap());
        EnvironmentProvider::new(
            &ProviderConfig::empty()
                .with_env(Env::from_pairs(vars.iter().copied()))
                .with_clock(clock),
        )
    }

    fn assert_no_secret(err: &CredentialsError) {
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
        }
    }

    #[test]
    fn reads_every_variable() {
        let creds = provider(&[
            (ACCESS_KEY_ID, "AKID"),
            (SECRET_ACCESS_KEY, SECRET),
            (SESSION_TOKEN, TOKEN),
            (EXPIRATION, "2026-06-01T01:00:00Z"),
            (ACCOUNT_ID, "123456789012"),
        ])
        .read()
        .unwrap();
        assert_eq!(creds.access_key_id(), "AKID");
        assert_eq!(creds.secret_access_key(), SECRET);
        assert_eq!(creds.session_token(), Some(TOKEN));
        assert_eq!(
            creds.expiration().unwrap().to_string(),
            "2026-06-01T01:00:00Z"
        );
        assert_eq!(creds.account_id(), Some("123456789012"));
        assert_eq!(creds.provider_name(), "environment");
        assert_eq!(
            creds.origin(),
            Some(
                "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, \
                 AWS_CREDENTIAL_EXPIRATION, AWS_ACCOUNT_ID"
            )
        );
    }

    #[test]
    fn blank_values_are_unset() {
        let creds = provider(&[
            (ACCESS_KEY_ID, "AKID"),
            (SECRET_ACCESS_KEY, SECRET),
            (SESSION_TOKEN, "  "),
            (EXPIRATION, ""),
            (ACCOUNT_ID, "\t"),
        ])
        .read()
        .unwrap();
        assert_eq!(creds.session_token(), None);
        assert_eq!(creds.expiration(), None);
        assert_eq!(creds.account_id(), None);
        assert_eq!(
            creds.origin(),
            Some("AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"),
            "blank variables did not decide anything"
        );

        let err = provider(&[(ACCESS_KEY_ID, " "), (SECRET_ACCESS_KEY, "")])
            .read()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotConfigured);
    }

    #[test]
    fn half_pair_is_skipped_naming_the_missing_variable() {
        let err = provider(&[(ACCESS_KEY_ID, "AKID")]).read().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotConfigured);
        assert!(
            err.to_string().contains("AWS_SECRET_ACCESS_KEY is not"),
            "{err}"
        );

        let err = provider(&[(SECRET_ACCESS_KEY, SECRET)]).read().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotConfigured);
        assert!(
            err.to_string().contains("AWS_ACCESS_KEY_ID is not"),
            "{err}"
        );
        assert_no_secret(&err);
    }

    #[test]
    fn bad_or_past_expiration_stops_the_chain() {
        let err = provider(&[
            (ACCESS_KEY_ID, "AKID"),
            (SECRET_ACCESS_KEY, SECRET),
            (EXPIRATION, "tomorrow"),
        ])
        .read()
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.to_string().contains("RFC 3339"), "{err}");
        assert_no_secret(&err);

        let err = provider(&[
            (ACCESS_KEY_ID, "AKID"),
            (SECRET_ACCESS_KEY, SECRET),
            (SESSION_TOKEN, TOKEN),
            (EXPIRATION, "2026-05-31T23:59:59Z"),
        ])
        .read()
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.to_string().contains("expired"), "{err}");
        assert_no_secret(&err);
    }

    #[test]
    fn explicit_profile_skips_the_environment_in_the_default_chain() {
        let env = Env::from_pairs([
            (ACCESS_KEY_ID, "AKID"),
            (SECRET_ACCESS_KEY, SECRET),
            ("AWS_PROFILE", "p"),
        ]);
        let config = ProviderConfig::empty().with_env(env);
        assert!(
            default_chain_entry(&config).is_some(),
            "AWS_PROFILE does not skip it"
        );
        assert!(default_chain_entry(&config.with_profile_name("p")).is_none());
    }

    #[tokio::test]
    async fn registered_as_provider_and_credential_source() {
        let names: Vec<_> = creds_core::registry::provider_factories()
            .iter()
            .map(|f| f.name())
            .collect();
        assert_eq!(names, ["environment"]);
        let source = creds_core::registry::credential_source("Environment").expect("registered");
        let config = ProviderConfig::empty().with_env(Env::from_pairs([
            (ACCESS_KEY_ID, "AKID"),
            (SECRET_ACCESS_KEY, SECRET),
        ]));
        let creds = source
            .build(&config)
            .unwrap()
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(creds.access_key_id(), "AKID");
    }
}
