//! [`FileCache`]: assumed-role credentials kept in files between runs, in the aws
//! CLI's directory and format, so that a program run again neither calls STS nor asks
//! for an MFA code while they are valid.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use creds_core::document::wipe;
use creds_core::{Credentials, CredentialsError, ProviderConfig};
use ring::digest;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::assume_role::{NAME, Params};
use crate::xml::Reply;

/// Credentials with less than this left are not used from the cache: botocore's 15
/// minutes.
const MIN_LEFT: Duration = Duration::from_secs(15 * 60);

/// The largest cache file read.
const MAX_FILE_BYTES: usize = 64 * 1024;

/// A directory of assumed-role credentials, one JSON file per role and settings, as
/// the aws CLI keeps them in `~/.aws/cli/cache`: the file's name is the SHA-1 of the
/// `AssumeRole` arguments (the role ARN, and the session name, external id, MFA
/// serial and duration when set) in Python's `json.dumps(sort_keys=True)` form, as
/// botocore computes it, so that the aws CLI and `creds` use each other's files.
/// Files are written atomically and readable by their owner only; credentials with
/// less than 15 minutes left are not used (botocore's rule).
///
/// Libraries opt in by setting it as an extension of their
/// [`ProviderConfig`]; the `creds` CLI does for `export` and `exec` (not with
/// `--no-cache`):
///
/// ```
/// use creds_core::{Env, ProviderConfig};
/// use creds_sts::FileCache;
///
/// let config = ProviderConfig::empty().with_env(Env::from_pairs([("HOME", "/home/me")]));
/// let cache = FileCache::aws_cli(&config).unwrap();
/// assert_eq!(cache.dir(), std::path::Path::new("/home/me/.aws/cli/cache"));
/// let config = config.with_extension(cache);
/// # let _ = config;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCache {
    dir: PathBuf,
}

impl FileCache {
    /// A cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileCache { dir: dir.into() }
    }

    /// The aws CLI's: `~/.aws/cli/cache` of `config`'s home directory (`None` without
    /// one).
    pub fn aws_cli(config: &ProviderConfig) -> Option<Self> {
        let home = config.home_dir()?;
        Some(Self::new(
            Path::new(&home).join(".aws").join("cli").join("cache"),
        ))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(format!("{}.json", key.0))
    }

    /// The cached credentials for `key`, if a file holds some with 15 minutes left. A
    /// file that cannot be read or parsed is skipped (and logged), never an error.
    pub(crate) fn load(&self, config: &ProviderConfig, key: &CacheKey) -> Option<Credentials> {
        let path = self.path(key);
        let bytes = Zeroizing::new(config.fs().read_limited(&path, MAX_FILE_BYTES).ok()?);
        if bytes.len() > MAX_FILE_BYTES {
            tracing::debug!(path = %path.display(), "cache file too large; skipped");
            return None;
        }
        let mut value: Value = match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(_) => {
                tracing::warn!(path = %path.display(), "the cache file is not JSON; it is skipped");
                return None;
            }
        };
        let creds = read_document(&value, config, &path);
        wipe(&mut value);
        creds
    }

    /// Writes `reply` for `key`. A failure is logged and otherwise ignored: the
    /// credentials are good whether or not they could be kept.
    pub(crate) fn store(&self, config: &ProviderConfig, key: &CacheKey, reply: &Reply) {
        let creds = &reply.credentials;
        let mut credentials = Map::new();
        credentials.insert("AccessKeyId".into(), creds.access_key_id().into());
        credentials.insert("SecretAccessKey".into(), creds.secret_access_key().into());
        if let Some(token) = creds.session_token() {
            credentials.insert("SessionToken".into(), token.into());
        }
        if let Some(expiration) = creds.expiration() {
            credentials.insert("Expiration".into(), expiration.to_string().into());
        }
        if let Some(account) = creds.account_id() {
            credentials.insert("AccountId".into(), account.into());
        }
        let mut doc = Map::new();
        doc.insert("Credentials".into(), Value::Object(credentials));
        if let Some(arn) = &reply.assumed_role_arn {
            let mut user = Map::new();
            user.insert("Arn".into(), arn.clone().into());
            doc.insert("AssumedRoleUser".into(), Value::Object(user));
        }
        let mut doc = Value::Object(doc);
        let text = Zeroizing::new(doc.to_string());
        wipe(&mut doc);
        let path = self.path(key);
        let written = config
            .fs()
            .create_dir_all(&self.dir)
            .and_then(|()| config.fs().write_atomic(&path, text.as_bytes()));
        if let Err(error) = written {
            let error = CredentialsError::cannot_write(NAME, &path, error);
            tracing::warn!(%error, "assumed-role credentials not kept in the file cache");
        }
    }
}

/// The credentials of a cache document: `Credentials` with `AccessKeyId`,
/// `SecretAccessKey`, `SessionToken`, `Expiration` (RFC 3339, or botocore's
/// `2026-01-01T00:00:00UTC`) and maybe `AccountId`.
fn read_document(value: &Value, config: &ProviderConfig, path: &Path) -> Option<Credentials> {
    let skipped = |why: &str| {
        tracing::debug!(path = %path.display(), "cache file skipped: {why}");
        None
    };
    let Some(doc) = value.get("Credentials").and_then(Value::as_object) else {
        return skipped("no Credentials");
    };
    let field = |name: &str| {
        doc.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let (Some(id), Some(secret), Some(token), Some(expiration)) = (
        field("AccessKeyId"),
        field("SecretAccessKey"),
        field("SessionToken"),
        field("Expiration"),
    ) else {
        return skipped("a field is missing");
    };
    let Some(expiration) = creds_core::document::parse_timestamp(expiration) else {
        return skipped("an Expiration that is not a timestamp");
    };
    let left = expiration.duration_since(config.clock().now());
    if left < jiff::SignedDuration::try_from(MIN_LEFT).unwrap_or_default() {
        return skipped("less than 15 minutes left");
    }
    let account = field("AccountId").map(str::to_owned).or_else(|| {
        value
            .pointer("/AssumedRoleUser/Arn")
            .and_then(Value::as_str)
            .and_then(crate::xml::account_of)
    });
    Some(
        Credentials::builder()
            .access_key_id(id)
            .secret_access_key(secret)
            .session_token(token)
            .expiration(expiration)
            .set_account_id(account)
            .provider_name(NAME)
            .origin(format!("the assumed-role cache file {}", path.display()))
            .build(),
    )
}

/// A cache file's name: the SHA-1 (hex) of the `AssumeRole` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CacheKey(String);

impl CacheKey {
    /// The key botocore makes for the same arguments: `json.dumps(args,
    /// sort_keys=True)` of `RoleArn`, `RoleSessionName` (only when one is set: a
    /// generated one changes every time), `ExternalId`, `SerialNumber`,
    /// `DurationSeconds` (a number), `Policy` (parsed, so its keys sort too), and the
    /// other parameters the builder can set.
    pub(crate) fn of(params: &Params) -> Self {
        let mut args = Map::new();
        args.insert("RoleArn".into(), params.role_arn.clone().into());
        if let Some(name) = &params.session_name {
            args.insert("RoleSessionName".into(), name.clone().into());
        }
        if let Some(id) = &params.external_id {
            args.insert("ExternalId".into(), id.as_str().into());
        }
        if let Some(serial) = &params.serial_number {
            args.insert("SerialNumber".into(), serial.clone().into());
        }
        if let Some(duration) = params.duration {
            args.insert("DurationSeconds".into(), duration.as_secs().into());
        }
        if let Some(policy) = &params.policy {
            let parsed = serde_json::from_str(policy).unwrap_or_else(|_| policy.clone().into());
            args.insert("Policy".into(), parsed);
        }
        if !params.policy_arns.is_empty() {
            let arns = params
                .policy_arns
                .iter()
                .map(|arn| {
                    let mut m = Map::new();
                    m.insert("arn".into(), arn.clone().into());
                    Value::Object(m)
                })
                .collect();
            args.insert("PolicyArns".into(), Value::Array(arns));
        }
        if !params.tags.is_empty() {
            let tags = params
                .tags
                .iter()
                .map(|(k, v)| {
                    let mut m = Map::new();
                    m.insert("Key".into(), k.clone().into());
                    m.insert("Value".into(), v.clone().into());
                    Value::Object(m)
                })
                .collect();
            args.insert("Tags".into(), Value::Array(tags));
        }
        if !params.transitive_tag_keys.is_empty() {
            let keys = params
                .transitive_tag_keys
                .iter()
                .cloned()
                .map(Value::from)
                .collect();
            args.insert("TransitiveTagKeys".into(), Value::Array(keys));
        }
        if let Some(identity) = &params.source_identity {
            args.insert("SourceIdentity".into(), identity.clone().into());
        }
        let mut text = Zeroizing::new(String::new());
        creds_core::document::python_json(&Value::Object(args), &mut text);
        let hash = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, text.as_bytes());
        let mut hex = String::with_capacity(40);
        for b in hash.as_ref() {
            let _ = write!(hex, "{b:02x}");
        }
        CacheKey(hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(role: &str) -> Params {
        Params {
            role_arn: role.to_owned(),
            ..Params::default()
        }
    }

    #[test]
    fn keys_are_botocores() {
        // `python3 -c 'import json, hashlib; print(hashlib.sha1(json.dumps({...},
        // sort_keys=True).encode()).hexdigest())'` with the same arguments.
        let mut p = params("arn:aws:iam::123456789012:role/dev");
        assert_eq!(
            CacheKey::of(&p).0,
            "af854889538ac1a069a8274d5ee4dc500f8b1f91",
            "RoleArn only"
        );
        p.duration = Some(Duration::from_secs(3600));
        p.serial_number = Some("arn:aws:iam::123456789012:mfa/me".to_owned());
        assert_eq!(
            CacheKey::of(&p).0,
            "d547a3e53a1cde342fbd27c0bdff3670111d4875"
        );
    }
}
