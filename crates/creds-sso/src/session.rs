//! [`SsoSession`]: where an SSO token comes from (start URL, region, scopes, the
//! session's name), and the settings of an SSO profile in either form.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use creds_core::profile::{Profile, ProfileSet, Property};
use creds_core::{CredentialsError, Location, ProviderConfig};
use ring::digest;

use crate::NAME;

/// An IAM Identity Center sign-in: the start URL and region of the portal, the scopes
/// of the client registration, and the name of the `[sso-session NAME]` section it
/// comes from (`None` for the legacy form, with `sso_start_url` in the profile).
///
/// The name decides the token's cache file and whether it can be refreshed: tokens of
/// a named session are refreshed through SSO-OIDC, as every SDK does; legacy tokens
/// are not, and need a new login when they expire.
///
/// ```
/// use creds_sso::SsoSession;
///
/// let session = SsoSession::named("my-sso", "https://d-123.awsapps.com/start", "eu-west-1");
/// // The aws CLI's file name: the SHA-1 of the session's name.
/// assert_eq!(session.cache_key(), "0ad374308c5a4e22f723adf10145eafad7c4031c");
/// assert_eq!(session.region(), "eu-west-1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SsoSession {
    name: Option<String>,
    start_url: String,
    region: String,
    /// `None` when not configured; `Some` of an empty list for a blank
    /// `sso_registration_scopes =` (the aws CLI tells the two apart in its
    /// registration's cache key).
    scopes: Option<Vec<String>>,
    /// The profile whose `endpoint_url` and `[services]` settings count.
    profile: Option<String>,
}

impl SsoSession {
    /// A session in the legacy form: a start URL and region with no session name. Its
    /// token is cached under the start URL and is not refreshed.
    pub fn legacy(start_url: impl Into<String>, region: impl Into<String>) -> Self {
        SsoSession {
            name: None,
            start_url: start_url.into(),
            region: region.into(),
            scopes: None,
            profile: None,
        }
    }

    /// A named session, as an `[sso-session NAME]` section defines one.
    pub fn named(
        name: impl Into<String>,
        start_url: impl Into<String>,
        region: impl Into<String>,
    ) -> Self {
        SsoSession {
            name: Some(name.into()),
            ..Self::legacy(start_url, region)
        }
    }

    /// The same session with these registration scopes (`sso_registration_scopes`).
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The `[sso-session NAME]` section of `config`'s files.
    pub fn from_config(config: &ProviderConfig, name: &str) -> Result<Self, CredentialsError> {
        let profiles = config.profile_set()?;
        session_section(&profiles, name, None)
    }

    /// The session of a profile (`config`'s selected one when `profile` is `None`), in
    /// either form: `sso_session = NAME` or `sso_start_url` and `sso_region` in the
    /// profile.
    pub fn for_profile(
        config: &ProviderConfig,
        profile: Option<&str>,
    ) -> Result<Self, CredentialsError> {
        let profiles = config.profile_set()?;
        let name = match profile {
            Some(name) => name.to_owned(),
            None => profiles.selected().name.clone(),
        };
        let Some(found) = profiles.profile(&name) else {
            return Err(CredentialsError::invalid_config(
                NAME,
                format!("there is no profile '{name}' in the config files"),
            ));
        };
        if found.property("sso_session").is_none() && found.property("sso_start_url").is_none() {
            return Err(CredentialsError::invalid_config(
                NAME,
                format!(
                    "profile '{name}' has no SSO settings: add sso_session = NAME with an \
                     [sso-session NAME] section (`aws configure sso` writes them), or name a \
                     session (`creds sso login --sso-session NAME`)"
                ),
            )
            .with_location(found.location().clone()));
        }
        Ok(SsoProfile::resolve(&profiles, found)?.session)
    }

    /// The session's name, `None` in the legacy form.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The portal's start URL.
    pub fn start_url(&self) -> &str {
        &self.start_url
    }

    /// The region of the portal and of SSO-OIDC.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The registration scopes (empty: none asked, which the service reads as
    /// `sso:account:access`).
    pub fn scopes(&self) -> &[String] {
        self.scopes.as_deref().unwrap_or_default()
    }

    /// The scopes as configured: `None` when `sso_registration_scopes` is not set.
    pub(crate) fn configured_scopes(&self) -> Option<&[String]> {
        self.scopes.as_deref()
    }

    /// The profile whose endpoint settings the session's calls use.
    pub(crate) fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    /// The name of the token's cache file without `.json`: the SHA-1 (hex) of the
    /// session's name, or of the start URL in the legacy form, as botocore, the aws CLI
    /// and the JavaScript SDK name it.
    pub fn cache_key(&self) -> String {
        sha1_hex(self.name.as_deref().unwrap_or(&self.start_url))
    }

    /// The token's cache file: `~/.aws/sso/cache/<cache key>.json` of `config`'s home.
    pub fn token_file(&self, config: &ProviderConfig) -> Result<PathBuf, CredentialsError> {
        Ok(cache_dir(config)?.join(format!("{}.json", self.cache_key())))
    }

    /// What the session is called in messages: `sso-session 'NAME'`, or the start URL.
    pub(crate) fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("sso-session '{name}'"),
            None => format!("start URL {}", self.start_url),
        }
    }
}

/// `~/.aws/sso/cache` of `config`'s home directory.
pub(crate) fn cache_dir(config: &ProviderConfig) -> Result<PathBuf, CredentialsError> {
    let home = config.home_dir().ok_or_else(|| {
        CredentialsError::invalid_config(
            NAME,
            "no home directory (HOME is not set) to find ~/.aws/sso/cache in",
        )
    })?;
    Ok(Path::new(&home).join(".aws").join("sso").join("cache"))
}

/// The lowercase hex SHA-1 of `text`.
pub(crate) fn sha1_hex(text: &str) -> String {
    let hash = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, text.as_bytes());
    let mut hex = String::with_capacity(40);
    for b in hash.as_ref() {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// The settings of an SSO profile: its session, and the account and role whose
/// credentials it asks for (absent in a profile that only signs in).
#[derive(Debug, Clone)]
pub(crate) struct SsoProfile {
    pub(crate) session: SsoSession,
    pub(crate) account_id: Option<String>,
    pub(crate) role_name: Option<String>,
    /// Where the profile is, for errors.
    pub(crate) location: Location,
}

impl SsoProfile {
    /// Reads `profile`'s SSO settings. With `sso_session`, the section must exist and
    /// have `sso_start_url` and `sso_region`, and a key set in both the profile and the
    /// section must have the same value there (botocore's and the JavaScript SDK's
    /// rule); without it, the profile must have both.
    pub(crate) fn resolve(
        profiles: &ProfileSet,
        profile: &Profile,
    ) -> Result<SsoProfile, CredentialsError> {
        let value = |key: &str| {
            profile
                .property(key)
                .map(|p| p.value().trim())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let mut session = match profile.property("sso_session") {
            Some(reference) if !reference.value().trim().is_empty() => session_section(
                profiles,
                reference.value().trim(),
                Some((profile, reference)),
            )?,
            _ => {
                let missing: Vec<&str> = ["sso_start_url", "sso_region"]
                    .into_iter()
                    .filter(|key| value(key).is_none())
                    .collect();
                if !missing.is_empty() {
                    return Err(CredentialsError::invalid_config(
                        NAME,
                        format!(
                            "profile '{}' is an SSO profile but has no {}: set sso_session = NAME \
                             with an [sso-session NAME] section, or sso_start_url and sso_region",
                            profile.name(),
                            missing.join(" or ")
                        ),
                    )
                    .with_location(profile.location().clone()));
                }
                // The aws CLI reads no scopes in the legacy form.
                SsoSession::legacy(
                    value("sso_start_url").unwrap_or_default(),
                    value("sso_region").unwrap_or_default(),
                )
            }
        };
        session.profile = Some(profile.name().to_owned());
        Ok(SsoProfile {
            session,
            account_id: value("sso_account_id"),
            role_name: value("sso_role_name"),
            location: profile.location().clone(),
        })
    }

    /// The account and role, or an error naming what is missing: a profile that only
    /// signs in gives a token, not credentials.
    pub(crate) fn role(&self, profile: &str) -> Result<(&str, &str), CredentialsError> {
        match (&self.account_id, &self.role_name) {
            (Some(account), Some(role)) => Ok((account, role)),
            (account, role) => {
                let missing: Vec<&str> = [
                    account.is_none().then_some("sso_account_id"),
                    role.is_none().then_some("sso_role_name"),
                ]
                .into_iter()
                .flatten()
                .collect();
                Err(CredentialsError::invalid_config(
                    NAME,
                    format!(
                        "profile '{profile}' signs in with SSO but has no {}: add the account \
                         and the role (permission set) whose credentials to get",
                        missing.join(" and ")
                    ),
                )
                .with_location(self.location.clone()))
            }
        }
    }
}

/// The `[sso-session name]` section, checked against the referring profile's keys.
fn session_section(
    profiles: &ProfileSet,
    name: &str,
    referrer: Option<(&Profile, &Property)>,
) -> Result<SsoSession, CredentialsError> {
    let Some(section) = profiles.sso_session(name) else {
        let mut error = CredentialsError::invalid_config(
            NAME,
            format!(
                "{}there is no [sso-session {name}] section: add one with sso_start_url and \
                 sso_region (or run `aws configure sso`)",
                referrer
                    .map(|(p, _)| format!("profile '{}' names sso_session {name} but ", p.name()))
                    .unwrap_or_default()
            ),
        );
        if let Some((_, reference)) = referrer {
            error = error.with_location(reference.location().clone());
        }
        return Err(error);
    };
    let setting = |key: &str| {
        section
            .property(key)
            .filter(|p| !p.value().trim().is_empty())
    };
    let missing: Vec<&str> = ["sso_start_url", "sso_region"]
        .into_iter()
        .filter(|key| setting(key).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(CredentialsError::invalid_config(
            NAME,
            format!(
                "[sso-session {name}] has no {}: add it (the aws CLI's `aws configure sso` \
                 writes both)",
                missing.join(" or ")
            ),
        )
        .with_location(section.location().clone()));
    }
    if let Some((profile, _)) = referrer {
        // botocore compares every key the two share; these are the ones that matter.
        for key in ["sso_start_url", "sso_region", "sso_registration_scopes"] {
            let (Some(in_profile), Some(in_session)) =
                (profile.property(key), section.property(key))
            else {
                continue;
            };
            if in_profile.value().trim() != in_session.value().trim() {
                return Err(CredentialsError::invalid_config(
                    NAME,
                    format!(
                        "{key} is {:?} in profile '{}' (at {}) but {:?} in [sso-session {name}] \
                         (at {}): remove it from the profile or make the two agree",
                        in_profile.value().trim(),
                        profile.name(),
                        in_profile.location(),
                        in_session.value().trim(),
                        in_session.location(),
                    ),
                )
                .with_location(in_profile.location().clone()));
            }
        }
    }
    let mut session = SsoSession::named(
        name,
        setting("sso_start_url").map_or("", |p| p.value().trim()),
        setting("sso_region").map_or("", |p| p.value().trim()),
    );
    if let Some(scopes) = section.get("sso_registration_scopes") {
        session.scopes = Some(parse_scopes(scopes));
    }
    Ok(session)
}

/// `sso_registration_scopes`: a comma-separated list, blanks dropped (the aws CLI's
/// `parse_sso_registration_scopes`).
fn parse_scopes(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_keys_are_the_sha1_of_the_name_or_the_start_url() {
        // printf %s NAME | sha1sum
        let named = SsoSession::named("my-sso", "https://d-123.awsapps.com/start", "us-east-1");
        assert_eq!(
            named.cache_key(),
            "0ad374308c5a4e22f723adf10145eafad7c4031c"
        );
        let legacy = SsoSession::legacy("https://d-123.awsapps.com/start", "us-east-1");
        assert_eq!(
            legacy.cache_key(),
            "2b829a45f04c9828cb45b7d092d8e4aa30818393"
        );
    }

    #[test]
    fn scopes_are_a_comma_separated_list() {
        assert_eq!(
            parse_scopes(" sso:account:access , ,codewhisperer:completions"),
            ["sso:account:access", "codewhisperer:completions"]
        );
    }
}
