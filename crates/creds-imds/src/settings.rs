//! The settings of a provider: the builder's options first, then the environment
//! variables, then the selected profile of the shared config file.

use std::fmt;
use std::time::Duration;

use creds_core::profile::Profile;
use creds_core::{CredentialsError, Env, Location, ProviderConfig};

use crate::endpoint::{EndpointMode, check_endpoint};
use crate::provider::NAME;
use crate::{
    DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT, DEFAULT_TOKEN_TTL, ENV_DISABLED, ENV_ENDPOINT,
    ENV_ENDPOINT_MODE, ENV_INSTANCE_PROFILE_NAME, ENV_NUM_ATTEMPTS, ENV_TIMEOUT, ENV_V1_DISABLED,
};

/// The profile keys.
pub(crate) const KEY_ENDPOINT: &str = "ec2_metadata_service_endpoint";
pub(crate) const KEY_ENDPOINT_MODE: &str = "ec2_metadata_service_endpoint_mode";
pub(crate) const KEY_V1_DISABLED: &str = "ec2_metadata_v1_disabled";
pub(crate) const KEY_INSTANCE_PROFILE_NAME: &str = "ec2_instance_profile_name";
pub(crate) const KEY_TIMEOUT: &str = "metadata_service_timeout";
pub(crate) const KEY_NUM_ATTEMPTS: &str = "metadata_service_num_attempts";

/// The longest token TTL IMDS grants: six hours.
const MAX_TOKEN_TTL: Duration = Duration::from_secs(21_600);

/// The profile key that turns instance metadata off (aws-config, JS v3).
pub(crate) const KEY_DISABLED: &str = "disable_ec2_metadata";

/// What turned instance metadata off, if anything: `AWS_EC2_METADATA_DISABLED`, else
/// the selected profile's `disable_ec2_metadata`, set to `true` in any case. Any other
/// value of the variable leaves instance metadata on, whatever the profile says
/// (aws-config, botocore, Go v2; JS v3 turns it off for any value but `false`).
pub(crate) fn disabled(config: &ProviderConfig) -> Result<Option<Origin>, CredentialsError> {
    if let Some(value) = config.env().get_non_blank(ENV_DISABLED) {
        return Ok(is_true(&value).then_some(Origin::Env(ENV_DISABLED)));
    }
    let profiles = config.profile_set()?;
    let sources = Sources {
        env: &Env::empty(),
        profile: profiles.selected_profile(),
    };
    Ok(sources
        .get(ENV_DISABLED, KEY_DISABLED)
        .filter(|(value, _)| is_true(value))
        .map(|(_, origin)| origin))
}

fn is_true(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}

/// Where a setting came from, as messages name it.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// A builder method.
    Builder(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// A key of the selected profile, at a line of a file.
    Profile {
        key: &'static str,
        profile: String,
        location: Location,
    },
}

impl Origin {
    /// An error of `kind` about this setting, at its line when it came from a file.
    pub(crate) fn error(&self, kind: creds_core::ErrorKind, message: String) -> CredentialsError {
        let error = CredentialsError::new(kind, NAME, message);
        match self {
            Origin::Profile { location, .. } => error.with_location(location.clone()),
            _ => error,
        }
    }

    fn invalid(&self, why: impl fmt::Display) -> CredentialsError {
        self.error(
            creds_core::ErrorKind::InvalidConfig,
            format!("{self} {why}"),
        )
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builder(method) => write!(f, "the builder option {method}"),
            Origin::Env(var) => f.write_str(var),
            Origin::Profile { key, profile, .. } => write!(f, "{key} of profile '{profile}'"),
        }
    }
}

/// What the builder was given.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    pub(crate) endpoint: Option<String>,
    pub(crate) endpoint_mode: Option<EndpointMode>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_attempts: Option<u32>,
    pub(crate) v1_disabled: Option<bool>,
    pub(crate) instance_profile_name: Option<String>,
    pub(crate) token_ttl: Option<Duration>,
}

/// Every setting, resolved and checked.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The base URL, without a trailing slash.
    pub(crate) endpoint: String,
    pub(crate) timeout: Duration,
    pub(crate) max_attempts: u32,
    /// Set when the IMDSv1 fallback is disabled, and by what.
    pub(crate) v1_disabled: Option<Origin>,
    /// The configured instance profile (role) name, and where it was set.
    pub(crate) role: Option<(String, Origin)>,
    pub(crate) token_ttl: Duration,
}

/// The environment and the selected profile, in that order.
struct Sources<'a> {
    env: &'a Env,
    profile: Option<&'a Profile>,
}

impl Sources<'_> {
    fn get(&self, var: &'static str, key: &'static str) -> Option<(String, Origin)> {
        if let Some(value) = self.env.get_non_blank(var) {
            return Some((value, Origin::Env(var)));
        }
        let profile = self.profile?;
        let property = profile.property(key)?;
        let value = property.value().trim();
        (!value.is_empty()).then(|| {
            (
                value.to_owned(),
                Origin::Profile {
                    key,
                    profile: profile.name().to_owned(),
                    location: property.location().clone(),
                },
            )
        })
    }
}

impl Settings {
    /// Resolves every setting of `config` under the builder's `overrides`. Errors are
    /// [`InvalidConfig`](creds_core::ErrorKind::InvalidConfig), naming the setting and,
    /// for a profile key, its line.
    pub(crate) fn resolve(
        config: &ProviderConfig,
        overrides: &Overrides,
    ) -> Result<Settings, CredentialsError> {
        let profiles = config.profile_set()?;
        let sources = Sources {
            env: config.env(),
            profile: profiles.selected_profile(),
        };
        Ok(Settings {
            endpoint: endpoint(&sources, overrides)?,
            timeout: timeout(&sources, overrides)?,
            max_attempts: max_attempts(&sources, overrides)?,
            v1_disabled: v1_disabled(&sources, overrides)?,
            role: role(&sources, overrides)?,
            token_ttl: token_ttl(overrides)?,
        })
    }
}

/// Builder endpoint, `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's endpoint, then
/// the mode (builder, variable, profile), then IPv4: the cross-SDK
/// `imds-endpoint-tests.json` order.
fn endpoint(sources: &Sources<'_>, overrides: &Overrides) -> Result<String, CredentialsError> {
    let given = match &overrides.endpoint {
        Some(endpoint) => Some((endpoint.clone(), Origin::Builder("endpoint"))),
        None => sources.get(ENV_ENDPOINT, KEY_ENDPOINT),
    };
    if let Some((value, origin)) = given {
        return check_endpoint(&value).map_err(|why| origin.invalid(why));
    }
    let mode = match overrides.endpoint_mode {
        Some(mode) => mode,
        None => match sources.get(ENV_ENDPOINT_MODE, KEY_ENDPOINT_MODE) {
            Some((value, origin)) => value.parse::<EndpointMode>().map_err(|e| {
                origin.error(
                    creds_core::ErrorKind::InvalidConfig,
                    format!("{origin}: {e}"),
                )
            })?,
            None => EndpointMode::default(),
        },
    };
    Ok(mode.endpoint().to_owned())
}

fn timeout(sources: &Sources<'_>, overrides: &Overrides) -> Result<Duration, CredentialsError> {
    if let Some(timeout) = overrides.timeout {
        if timeout.is_zero() {
            return Err(Origin::Builder("timeout").invalid("must be longer than zero"));
        }
        return Ok(timeout);
    }
    let Some((value, origin)) = sources.get(ENV_TIMEOUT, KEY_TIMEOUT) else {
        return Ok(DEFAULT_TIMEOUT);
    };
    value
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs > 0.0)
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| {
            origin.invalid("must be a number of seconds greater than zero, such as 1 or 2.5")
        })
}

fn max_attempts(sources: &Sources<'_>, overrides: &Overrides) -> Result<u32, CredentialsError> {
    if let Some(attempts) = overrides.max_attempts {
        if attempts == 0 {
            return Err(Origin::Builder("max_attempts").invalid("must be at least 1"));
        }
        return Ok(attempts);
    }
    let Some((value, origin)) = sources.get(ENV_NUM_ATTEMPTS, KEY_NUM_ATTEMPTS) else {
        return Ok(DEFAULT_MAX_ATTEMPTS);
    };
    value
        .parse::<u32>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| origin.invalid("must be a whole number of attempts, at least 1"))
}

fn v1_disabled(
    sources: &Sources<'_>,
    overrides: &Overrides,
) -> Result<Option<Origin>, CredentialsError> {
    let (disabled, origin) = match overrides.v1_disabled {
        Some(disabled) => (disabled, Origin::Builder("ec2_metadata_v1_disabled")),
        None => match sources.get(ENV_V1_DISABLED, KEY_V1_DISABLED) {
            // A typo in a security setting must not quietly leave IMDSv1 on.
            Some((value, origin)) => match parse_bool(&value) {
                Some(disabled) => (disabled, origin),
                None => return Err(origin.invalid("must be true or false")),
            },
            None => return Ok(None),
        },
    };
    Ok(disabled.then_some(origin))
}

fn role(
    sources: &Sources<'_>,
    overrides: &Overrides,
) -> Result<Option<(String, Origin)>, CredentialsError> {
    let given = match &overrides.instance_profile_name {
        Some(name) => Some((
            name.trim().to_owned(),
            Origin::Builder("instance_profile_name"),
        )),
        None => sources.get(ENV_INSTANCE_PROFILE_NAME, KEY_INSTANCE_PROFILE_NAME),
    };
    match given {
        Some((name, origin)) if !is_valid_role_name(&name) => {
            Err(origin
                .invalid("is not an instance profile name: 1 to 128 letters, digits and +=,.@_-"))
        }
        other => Ok(other),
    }
}

fn token_ttl(overrides: &Overrides) -> Result<Duration, CredentialsError> {
    match overrides.token_ttl {
        None => Ok(DEFAULT_TOKEN_TTL),
        Some(ttl) if ttl.as_secs() >= 1 && ttl <= MAX_TOKEN_TTL && ttl.subsec_nanos() == 0 => {
            Ok(ttl)
        }
        Some(_) => Err(Origin::Builder("token_ttl")
            .invalid("must be a whole number of seconds from 1 to 21600 (six hours)")),
    }
}

/// `true` or `false`, in any case.
fn parse_bool(value: &str) -> Option<bool> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An IAM instance profile name: 1 to 128 of `[A-Za-z0-9+=,.@_-]`. It goes into a URL
/// path, so nothing else is let through.
pub(crate) fn is_valid_role_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::{ErrorKind, Fs};

    fn resolve(
        env: &[(&str, &str)],
        config: &str,
        overrides: &Overrides,
    ) -> Result<Settings, CredentialsError> {
        let mut vars = vec![("HOME", "/home/me")];
        vars.extend_from_slice(env);
        let config = ProviderConfig::empty()
            .with_env(Env::from_pairs(vars))
            .with_fs(Fs::from_files([("/home/me/.aws/config", config)]));
        Settings::resolve(&config, overrides)
    }

    #[test]
    fn defaults() {
        let s = resolve(&[], "", &Overrides::default()).unwrap();
        assert_eq!(s.endpoint, "http://169.254.169.254");
        assert_eq!(s.timeout, Duration::from_secs(1));
        assert_eq!(s.max_attempts, 3);
        assert!(s.v1_disabled.is_none());
        assert!(s.role.is_none());
        assert_eq!(s.token_ttl, Duration::from_secs(21_600));
    }

    #[test]
    fn builder_then_env_then_profile() {
        let profile = "[default]\nmetadata_service_timeout = 4\nmetadata_service_num_attempts = 5\n\
                       ec2_metadata_v1_disabled = TRUE\nec2_instance_profile_name = from-file\n";
        let s = resolve(&[], profile, &Overrides::default()).unwrap();
        assert_eq!(s.timeout, Duration::from_secs(4));
        assert_eq!(s.max_attempts, 5);
        let origin = s.v1_disabled.unwrap();
        assert!(matches!(origin, Origin::Profile { .. }), "{origin:?}");
        assert_eq!(
            origin.to_string(),
            "ec2_metadata_v1_disabled of profile 'default'"
        );
        assert_eq!(s.role.unwrap().0, "from-file");

        let env = [
            ("AWS_METADATA_SERVICE_TIMEOUT", "0.25"),
            ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2"),
            ("AWS_EC2_METADATA_V1_DISABLED", "false"),
            ("AWS_EC2_INSTANCE_PROFILE_NAME", "from-env"),
        ];
        let s = resolve(&env, profile, &Overrides::default()).unwrap();
        assert_eq!(s.timeout, Duration::from_millis(250));
        assert_eq!(s.max_attempts, 2);
        assert!(
            s.v1_disabled.is_none(),
            "the variable wins over the profile"
        );
        assert_eq!(s.role.unwrap().0, "from-env");

        let overrides = Overrides {
            timeout: Some(Duration::from_millis(10)),
            max_attempts: Some(1),
            v1_disabled: Some(true),
            instance_profile_name: Some("from-builder".into()),
            ..Overrides::default()
        };
        let s = resolve(&env, profile, &overrides).unwrap();
        assert_eq!(s.timeout, Duration::from_millis(10));
        assert_eq!(s.max_attempts, 1);
        assert_eq!(
            s.v1_disabled.unwrap().to_string(),
            "the builder option ec2_metadata_v1_disabled"
        );
        assert_eq!(s.role.unwrap().0, "from-builder");
    }

    #[test]
    fn bad_values_name_the_setting_and_line() {
        for (env, file, needle) in [
            (
                vec![("AWS_METADATA_SERVICE_TIMEOUT", "soon")],
                "",
                "AWS_METADATA_SERVICE_TIMEOUT must be",
            ),
            (
                vec![("AWS_METADATA_SERVICE_TIMEOUT", "0")],
                "",
                "greater than zero",
            ),
            (
                vec![("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0")],
                "",
                "AWS_METADATA_SERVICE_NUM_ATTEMPTS must be",
            ),
            (
                vec![("AWS_EC2_METADATA_V1_DISABLED", "yes")],
                "",
                "must be true or false",
            ),
            (
                vec![("AWS_EC2_INSTANCE_PROFILE_NAME", "../admin")],
                "",
                "not an instance profile name",
            ),
            (
                vec![],
                "[default]\nec2_metadata_v1_disabled = 1\n",
                "ec2_metadata_v1_disabled of profile 'default' must be",
            ),
            (
                vec![],
                "[default]\nmetadata_service_num_attempts = many\n",
                "metadata_service_num_attempts of profile",
            ),
        ] {
            let err = resolve(&env, file, &Overrides::default()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            assert!(err.message().contains(needle), "{err}");
            if !file.is_empty() {
                assert_eq!(err.location().unwrap().line(), 2, "{err}");
            }
        }
        let err = resolve(
            &[],
            "",
            &Overrides {
                max_attempts: Some(0),
                ..Overrides::default()
            },
        )
        .unwrap_err();
        assert!(
            err.message().contains("max_attempts must be at least 1"),
            "{err}"
        );
        let err = resolve(
            &[],
            "",
            &Overrides {
                token_ttl: Some(Duration::from_secs(21_601)),
                ..Overrides::default()
            },
        )
        .unwrap_err();
        assert!(err.message().contains("token_ttl"), "{err}");
    }

    #[test]
    fn the_off_switch() {
        let off = |env: &[(&str, &str)], file: &str| {
            let mut vars = vec![("HOME", "/home/me")];
            vars.extend_from_slice(env);
            let config = ProviderConfig::empty()
                .with_env(Env::from_pairs(vars))
                .with_fs(Fs::from_files([("/home/me/.aws/config", file)]));
            disabled(&config).unwrap().map(|origin| origin.to_string())
        };
        for on in ["true", "TRUE", "True", " true "] {
            assert_eq!(
                off(&[("AWS_EC2_METADATA_DISABLED", on)], "").as_deref(),
                Some("AWS_EC2_METADATA_DISABLED"),
                "{on}"
            );
        }
        for not in ["false", "1", "yes"] {
            assert_eq!(
                off(
                    &[("AWS_EC2_METADATA_DISABLED", not)],
                    "[default]\ndisable_ec2_metadata = true\n"
                ),
                None,
                "{not}"
            );
        }
        assert_eq!(off(&[], ""), None);
        assert_eq!(
            off(&[], "[default]\ndisable_ec2_metadata = True\n").as_deref(),
            Some("disable_ec2_metadata of profile 'default'")
        );
        assert_eq!(off(&[], "[default]\ndisable_ec2_metadata = no\n"), None);
    }

    #[test]
    fn role_names() {
        assert!(is_valid_role_name("my-role_1+=,.@"));
        for bad in ["", "a/b", "..%2f", "a b", &"x".repeat(129)] {
            assert!(!is_valid_role_name(bad), "{bad}");
        }
    }
}
