//! Endpoint and region resolution for the AWS services providers call (STS, SSO,
//! SSO-OIDC, Cognito Identity, Sign-In), following the SDKs' "service-specific
//! endpoints" rules.

use creds_core::profile::{Profile, ProfileSet};
use creds_core::{CredentialsError, Env, ProviderConfig};

/// The provider name of endpoint errors; callers may relabel them with
/// [`CredentialsError::with_provider`].
const ENDPOINT: &str = "endpoint";
/// The provider name of region errors.
const REGION: &str = "region";
/// The region of inner calls when nothing names one, as in every SDK.
pub const DEFAULT_REGION: &str = "us-east-1";

/// An AWS service as endpoint configuration names it: the suffix of its
/// `AWS_ENDPOINT_URL_<SUFFIX>` variable and its key in a `[services]` section.
///
/// Its fields can be read; other crates build one with [`Service::new`] (it is
/// `#[non_exhaustive]`, so that a field can be added without breaking them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Service {
    /// `STS` for `AWS_ENDPOINT_URL_STS`.
    pub env_suffix: &'static str,
    /// `sts` for `sts =\n  endpoint_url = ...` in a `[services]` section.
    pub config_key: &'static str,
}

impl Service {
    /// AWS STS.
    pub const STS: Service = Service::new("STS", "sts");
    /// IAM Identity Center (SSO) portal.
    pub const SSO: Service = Service::new("SSO", "sso");
    /// IAM Identity Center OIDC.
    pub const SSO_OIDC: Service = Service::new("SSO_OIDC", "sso_oidc");
    /// Amazon Cognito Identity.
    pub const COGNITO_IDENTITY: Service = Service::new("COGNITO_IDENTITY", "cognito_identity");
    /// AWS Sign-In (`aws login`).
    pub const SIGNIN: Service = Service::new("SIGNIN", "signin");

    /// A service by its environment suffix and config key.
    pub const fn new(env_suffix: &'static str, config_key: &'static str) -> Self {
        Service {
            env_suffix,
            config_key,
        }
    }
}

/// The configured endpoint of `service` for the selected profile, or `None` when
/// none is configured (the caller then uses the regional default: see
/// [`regional_default`]).
///
/// In order, the first that decides:
///
/// 1. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, else the profile's
///    `ignore_configured_endpoint_urls`, is `true`: `None`.
/// 2. `AWS_ENDPOINT_URL_<SERVICE>` (`AWS_ENDPOINT_URL_STS`).
/// 3. `AWS_ENDPOINT_URL`.
/// 4. The `<service> = endpoint_url = ...` sub-property of the `[services name]`
///    section that the profile's `services = name` names.
/// 5. The profile's `endpoint_url`.
///
/// Blank values count as unset. A URL must be `http` or `https` with a host; trailing
/// slashes are removed. Errors are [`InvalidConfig`](creds_core::ErrorKind::InvalidConfig)
/// (a value that is not a URL, a setting that is not `true` or `false`, unreadable
/// config files), at the line of the file when the value came from one.
///
/// ```
/// use creds_core::{Env, Fs, ProviderConfig};
/// use creds_http::endpoint::{resolve_endpoint, Service};
///
/// let config = ProviderConfig::empty()
///     .with_env(Env::from_pairs([("HOME", "/home/me")]))
///     .with_fs(Fs::from_files([(
///         "/home/me/.aws/config",
///         "[default]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:4566/\n",
///     )]));
/// assert_eq!(
///     resolve_endpoint(&config, Service::STS).unwrap().as_deref(),
///     Some("http://127.0.0.1:4566")
/// );
/// assert_eq!(resolve_endpoint(&config, Service::SSO).unwrap(), None);
/// ```
pub fn resolve_endpoint(
    config: &ProviderConfig,
    service: Service,
) -> Result<Option<String>, CredentialsError> {
    let profiles = config.profile_set()?;
    resolve(
        config.env(),
        &profiles,
        profiles.selected_profile(),
        service,
    )
}

/// [`resolve_endpoint`] for the profile named `profile` instead of the selected one.
pub fn resolve_endpoint_for_profile(
    config: &ProviderConfig,
    profile: &str,
    service: Service,
) -> Result<Option<String>, CredentialsError> {
    let profiles = config.profile_set()?;
    resolve(config.env(), &profiles, profiles.profile(profile), service)
}

fn resolve(
    env: &Env,
    profiles: &ProfileSet,
    profile: Option<&Profile>,
    service: Service,
) -> Result<Option<String>, CredentialsError> {
    const IGNORE_VAR: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    const IGNORE_KEY: &str = "ignore_configured_endpoint_urls";
    let ignore = match env.get_non_blank(IGNORE_VAR) {
        Some(value) => parse_bool(&value).ok_or_else(|| {
            CredentialsError::invalid_config(
                ENDPOINT,
                format!("{IGNORE_VAR} must be true or false"),
            )
        })?,
        None => match profile.and_then(|p| p.property(IGNORE_KEY)) {
            Some(property) => parse_bool(property.value()).ok_or_else(|| {
                CredentialsError::invalid_config(
                    ENDPOINT,
                    format!("{IGNORE_KEY} must be true or false"),
                )
                .with_location(property.location().clone())
            })?,
            None => false,
        },
    };
    if ignore {
        return Ok(None);
    }

    let service_var = format!("AWS_ENDPOINT_URL_{}", service.env_suffix);
    for var in [service_var.as_str(), "AWS_ENDPOINT_URL"] {
        if let Some(value) = env.get_non_blank(var) {
            return checked_url(&value)
                .map(Some)
                .map_err(|why| CredentialsError::invalid_config(ENDPOINT, format!("{var} {why}")));
        }
    }

    let Some(profile) = profile else {
        return Ok(None);
    };
    let section = profile
        .get("services")
        .filter(|name| !name.trim().is_empty())
        .and_then(|name| profiles.services(name.trim()));
    if let Some(property) = section.and_then(|s| s.property(service.config_key)) {
        if let Some(value) = property
            .sub_property("endpoint_url")
            .filter(|v| !v.is_empty())
        {
            return checked_url(value).map(Some).map_err(|why| {
                CredentialsError::invalid_config(
                    ENDPOINT,
                    format!("the endpoint_url of {} {why}", service.config_key),
                )
                .with_location(property.location().clone())
            });
        }
    }
    if let Some(property) = profile.property("endpoint_url") {
        let value = property.value().trim();
        if !value.is_empty() {
            return checked_url(value).map(Some).map_err(|why| {
                CredentialsError::invalid_config(ENDPOINT, format!("endpoint_url {why}"))
                    .with_location(property.location().clone())
            });
        }
    }
    Ok(None)
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

/// The URL without trailing slashes, or why it cannot be an endpoint. The reason
/// never quotes the value.
fn checked_url(value: &str) -> Result<String, &'static str> {
    let trimmed = value.trim().trim_end_matches('/');
    let uri: http::Uri = trimmed
        .parse()
        .map_err(|_| "is not a URL; write it as http(s)://host[:port]")?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err("must start with http:// or https://");
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err("has no host");
    }
    Ok(trimmed.to_owned())
}

/// The region of a provider's inner calls (STS, SSO, Cognito): the first of
/// `explicit` (a builder option), the selected profile's `region`, `caller` (the
/// region of the client that asked for credentials), `AWS_REGION`,
/// `AWS_DEFAULT_REGION`, and `us-east-1`. Blank values count as unset; config files
/// that cannot be read are skipped here (the providers that read them report it).
///
/// ```
/// use creds_core::{Env, ProviderConfig};
/// use creds_http::endpoint::resolve_region;
///
/// let config = ProviderConfig::empty().with_env(Env::from_pairs([("AWS_REGION", "eu-west-1")]));
/// assert_eq!(resolve_region(&config, None, None), "eu-west-1");
/// assert_eq!(resolve_region(&config, None, Some("ap-south-1")), "ap-south-1");
/// assert_eq!(resolve_region(&ProviderConfig::empty(), None, None), "us-east-1");
/// ```
pub fn resolve_region(
    config: &ProviderConfig,
    explicit: Option<&str>,
    caller: Option<&str>,
) -> String {
    configured_region(config, explicit, caller).unwrap_or_else(|| DEFAULT_REGION.to_owned())
}

/// [`resolve_region`] without its last resort: `None` when nothing sets a region, for
/// a provider that has a better default than `us-east-1` (Cognito's identity pool id
/// names the pool's region).
///
/// ```
/// use creds_core::ProviderConfig;
/// use creds_http::endpoint::configured_region;
///
/// assert_eq!(configured_region(&ProviderConfig::empty(), None, None), None);
/// assert_eq!(configured_region(&ProviderConfig::empty(), Some("eu-west-1"), None).as_deref(), Some("eu-west-1"));
/// ```
pub fn configured_region(
    config: &ProviderConfig,
    explicit: Option<&str>,
    caller: Option<&str>,
) -> Option<String> {
    let profile_region = config.profile_set().ok().and_then(|set| {
        set.selected_profile()
            .and_then(|p| p.get("region"))
            .map(str::to_owned)
    });
    region(config.env(), explicit, profile_region.as_deref(), caller)
}

/// [`resolve_region`] with the `region` of the profile named `profile` instead of the
/// selected one's (the profile being assumed in a role chain, say).
pub fn resolve_region_for_profile(
    config: &ProviderConfig,
    profile: &str,
    explicit: Option<&str>,
    caller: Option<&str>,
) -> String {
    let profile_region = config.profile_set().ok().and_then(|set| {
        set.profile(profile)
            .and_then(|p| p.get("region"))
            .map(str::to_owned)
    });
    region(config.env(), explicit, profile_region.as_deref(), caller)
        .unwrap_or_else(|| DEFAULT_REGION.to_owned())
}

fn region(
    env: &Env,
    explicit: Option<&str>,
    profile: Option<&str>,
    caller: Option<&str>,
) -> Option<String> {
    let given = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    given(explicit)
        .or_else(|| given(profile))
        .or_else(|| given(caller))
        .or_else(|| env.get_non_blank("AWS_REGION"))
        .or_else(|| env.get_non_blank("AWS_DEFAULT_REGION"))
}

/// The regional endpoint `https://{service_host_prefix}.{region}.{dns_suffix}`: the
/// DNS suffix of the region's partition (`amazonaws.com`, `amazonaws.com.cn` for
/// `cn-*`, and the isolated partitions' own). For example `regional_default("sts",
/// "eu-west-1")` is `https://sts.eu-west-1.amazonaws.com`, and
/// `regional_default("portal.sso", region)` the SSO portal's.
///
/// A region that is not a DNS label (letters, digits and `-`) is an
/// [`InvalidConfig`](creds_core::ErrorKind::InvalidConfig) error: it would put
/// credentials on the way to another host.
pub fn regional_default(
    service_host_prefix: &str,
    region: &str,
) -> Result<String, CredentialsError> {
    if !is_valid_region(region) {
        return Err(CredentialsError::invalid_config(
            REGION,
            format!("{region:?} is not a region name: use letters, digits and '-' (us-east-1)"),
        ));
    }
    Ok(format!(
        "https://{service_host_prefix}.{region}.{}",
        dns_suffix(region)
    ))
}

/// Whether `region` can be part of a host name: 1 to 63 letters, digits and `-`, not
/// starting or ending with `-`.
pub fn is_valid_region(region: &str) -> bool {
    (1..=63).contains(&region.len())
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-')
}

/// The DNS suffix of a region's partition.
fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else if region.starts_with("us-isob-") {
        "sc2s.sgov.gov"
    } else if region.starts_with("us-isof-") {
        "csp.hci.ic.gov"
    } else if region.starts_with("us-iso-") {
        "c2s.ic.gov"
    } else if region.starts_with("eu-isoe-") {
        "cloud.adc-e.uk"
    } else {
        "amazonaws.com"
    }
}

#[cfg(test)]
mod tests;
