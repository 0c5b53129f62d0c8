//! [`JsonFileProvider`]: credentials from a JSON file, read again when the file changes.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use creds_core::document::{DocumentRules, Field, parse_document};
use creds_core::{
    Credentials, CredentialsCache, CredentialsCacheBuilder, CredentialsError, ErrorKind, Location,
    ProvideCredentials, ProvideFuture, ProviderConfig,
};
use zeroize::Zeroizing;

/// The provider's name: in the default chain, in `creds explain`, in errors, and as the
/// [`provider_name`](Credentials::provider_name) of the credentials it gives.
pub const NAME: &str = "json-file";

/// The environment variable that names the file and puts the provider in the default
/// chain.
pub const ENV_VAR: &str = "JSON_CREDENTIALS_FILE";

/// The largest file read: a credentials document is a few hundred bytes, and a path
/// given by mistake (a log, `/dev/zero`) must not be read to its end.
pub const MAX_FILE_BYTES: usize = 64 * 1024;

/// How long credentials without an `Expiration` are used before the file is looked at
/// again (one `stat`; it is read only when it changed). Given to the cache as its
/// [`expire_after`](CredentialsCacheBuilder::expire_after), so a long-running program
/// sees a new file within this time, and a `creds export` says when to ask again.
pub const RECHECK_AFTER: Duration = Duration::from_secs(60);

/// What the file must hold, for every error about its contents. No input is quoted.
const EXPECTED: &str = "it must hold a JSON object such as {\"AccessKeyId\": \"...\", \
     \"SecretAccessKey\": \"...\", \"SessionToken\": \"...\", \"Expiration\": \"2026-01-01T00:00:00Z\"} \
     (what `creds export` prints)";

/// The document is `credential_process`'s without `Version`: errors about the contents
/// are configuration errors (the file is wrong, not the network), and credentials that
/// have expired are returned to [`JsonFileProvider::fetch`], which says more about
/// them than the parser can.
const RULES: DocumentRules = DocumentRules::new(NAME, ErrorKind::InvalidConfig)
    .words("holds", "a document", "nothing but white space")
    .expected(EXPECTED)
    .token("SessionToken", Field::Optional)
    .expiration(Field::Optional)
    .allow_expired();

/// Credentials from a JSON file: the document `credential_process` prints (and
/// `creds export` writes), without its `Version`:
///
/// | field | |
/// | --- | --- |
/// | `AccessKeyId` | required, a non-empty string |
/// | `SecretAccessKey` | required, a non-empty string |
/// | `SessionToken` | optional |
/// | `Expiration` | optional RFC 3339 timestamp |
/// | `AccountId` | optional |
///
/// The file is watched: each fetch looks at it with one
/// [`Fs::fingerprint`](creds_core::Fs::fingerprint) (size, modification and change
/// times, inode) and reads and parses it only when that changed, so a file that
/// another program rewrites (a sidecar, a vault agent, a cron job) is picked up at the
/// next fetch, and an unchanged one costs a `stat`. Put a cache in front
/// ([`cached`](Self::cached)) so that a fetch happens only near the credentials'
/// expiry, or every [`RECHECK_AFTER`] for credentials that carry none.
///
/// Everything it reads (the variable, the file, the clock) comes from its
/// [`ProviderConfig`], so tests give it an in-memory world.
///
/// # Errors
///
/// None of them holds a secret: the file's contents are never quoted.
///
/// | case | kind | why that kind |
/// | --- | --- | --- |
/// | [`ENV_VAR`] unset or blank | [`NotConfigured`](ErrorKind::NotConfigured) | the source is absent: the chain tries the next one |
/// | the file is missing or unreadable | [`InvalidConfig`](ErrorKind::InvalidConfig) | the user named a file that is not there: falling through to another identity would hide it |
/// | not JSON, a field missing or of the wrong type, larger than [`MAX_FILE_BYTES`] | [`InvalidConfig`](ErrorKind::InvalidConfig) | the file is wrong; the message names the field, or the line and column |
/// | the credentials have expired | [`Unavailable`](ErrorKind::Unavailable) | the file is right but stale: whatever writes it has not refreshed it yet, and a later fetch may succeed |
///
/// # Example
///
/// ```
/// use creds_core::{Env, Fs, ProvideCredentials, ProviderConfig};
/// use creds_example_json_file::JsonFileProvider;
///
/// let config = ProviderConfig::empty()
///     .with_env(Env::from_pairs([("JSON_CREDENTIALS_FILE", "/run/creds.json")]))
///     .with_fs(Fs::from_files([(
///         "/run/creds.json",
///         r#"{"AccessKeyId": "AKIDJSON", "SecretAccessKey": "json-secret"}"#,
///     )]));
/// let provider = JsonFileProvider::from_env(&config).cached();
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let creds = provider.provide_credentials().await.unwrap();
/// assert_eq!(creds.access_key_id(), "AKIDJSON");
/// assert_eq!(creds.provider_name(), "json-file");
/// // No expiration in the file: the cache gives them one, when the file is looked at again.
/// assert!(creds.expiration().is_some());
/// # });
/// ```
#[derive(Clone)]
pub struct JsonFileProvider {
    inner: Arc<Inner>,
}

struct Inner {
    config: ProviderConfig,
    file: Option<PathBuf>,
    named_by: NamedBy,
    kept: Mutex<Option<Kept>>,
}

/// Who named the file, for messages and the credentials' origin.
#[derive(Debug, Clone)]
enum NamedBy {
    Env,
    Profile { name: String, location: Location },
    Given,
}

/// The last credentials read, and the fingerprint of the file they were read from.
struct Kept {
    fingerprint: u64,
    credentials: Credentials,
}

/// The path and who named it; never the credentials, though their `Debug` is redacted.
impl fmt::Debug for JsonFileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kept = self
            .inner
            .kept
            .lock()
            .map(|kept| kept.is_some())
            .unwrap_or(false);
        f.debug_struct("JsonFileProvider")
            .field("file", &self.inner.file)
            .field("named_by", &self.inner.named_by)
            .field("kept", &kept)
            .finish_non_exhaustive()
    }
}

impl JsonFileProvider {
    /// Reads the file at `path`, whatever the environment says.
    pub fn new(config: &ProviderConfig, path: impl Into<PathBuf>) -> Self {
        Self::with(config, Some(path.into()), NamedBy::Given)
    }

    /// Reads the file that [`ENV_VAR`] names in `config`'s environment; without one,
    /// every fetch is [`NotConfigured`](ErrorKind::NotConfigured), so that a chain moves
    /// on.
    pub fn from_env(config: &ProviderConfig) -> Self {
        let file = config.env().get_non_blank(ENV_VAR).map(PathBuf::from);
        Self::with(config, file, NamedBy::Env)
    }

    /// The file named by `json_credentials_file` of profile `name`, written at
    /// `location`.
    pub(crate) fn from_profile(
        config: &ProviderConfig,
        path: &str,
        name: &str,
        location: &Location,
    ) -> Self {
        let named_by = NamedBy::Profile {
            name: name.to_owned(),
            location: location.clone(),
        };
        Self::with(config, Some(PathBuf::from(path)), named_by)
    }

    fn with(config: &ProviderConfig, file: Option<PathBuf>, named_by: NamedBy) -> Self {
        JsonFileProvider {
            inner: Arc::new(Inner {
                config: config.clone(),
                file,
                named_by,
                kept: Mutex::new(None),
            }),
        }
    }

    /// The file read, if one is named.
    pub fn path(&self) -> Option<&Path> {
        self.inner.file.as_deref()
    }

    /// This provider behind a [`CredentialsCache`] with the config's clock and deadline
    /// ([`CredentialsCacheBuilder::for_config`]): credentials with an `Expiration` are
    /// refreshed before it, and credentials without one get one [`RECHECK_AFTER`] the
    /// read, so that the file is looked at again then. What the registrations of this
    /// crate put in the default chain and in profiles.
    pub fn cached(self) -> CredentialsCache {
        CredentialsCacheBuilder::for_config(&self.inner.config)
            .expire_after(RECHECK_AFTER)
            .build(self)
    }

    /// One fetch: the kept credentials while the file is unchanged, else the file read
    /// and parsed again.
    fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let Some(path) = self.inner.file.as_deref() else {
            return Err(CredentialsError::not_configured(
                NAME,
                format!("{ENV_VAR} is not set"),
            ));
        };
        let fs = self.inner.config.fs();
        // Before reading: an edit between the two shows as a change at the next fetch.
        let fingerprint = fs.fingerprint(path);
        if let Some(fingerprint) = fingerprint {
            if let Some(credentials) = self.kept(fingerprint) {
                return self.unexpired(path, credentials);
            }
        }
        let bytes = Zeroizing::new(
            fs.read_limited(path, MAX_FILE_BYTES)
                .map_err(|e| self.unreadable(path, e))?,
        );
        if bytes.len() > MAX_FILE_BYTES {
            return Err(self.located(CredentialsError::invalid_config(
                NAME,
                format!(
                    "{} is larger than {} KiB, too large for a credentials document; {EXPECTED}",
                    self.who(path),
                    MAX_FILE_BYTES / 1024
                ),
            )));
        }
        let credentials = parse_document(
            &bytes,
            &RULES,
            &self.who(path),
            self.inner.config.clock(),
            Some(self.origin(path)),
        )
        .map_err(|e| self.located(e))?;
        if let Some(fingerprint) = fingerprint {
            *self.lock() = Some(Kept {
                fingerprint,
                credentials: credentials.clone(),
            });
        }
        self.unexpired(path, credentials)
    }

    /// The kept credentials, if they were read from the file as it is now.
    fn kept(&self, fingerprint: u64) -> Option<Credentials> {
        let kept = self.lock();
        let kept = kept.as_ref().filter(|k| k.fingerprint == fingerprint)?;
        Some(kept.credentials.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Kept>> {
        self.inner
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// `credentials`, unless they have expired: then the file is stale.
    fn unexpired(
        &self,
        path: &Path,
        credentials: Credentials,
    ) -> Result<Credentials, CredentialsError> {
        let now = self.inner.config.clock().now();
        match credentials.expiration() {
            Some(at) if at <= now => Err(self.located(CredentialsError::unavailable(
                NAME,
                format!(
                    "the credentials in {} expired at {at} (now {now}): whatever writes the file \
                     has not refreshed it; check that it runs (and that the clock is right), or \
                     write fresh credentials there",
                    self.who(path)
                ),
            ))),
            _ => Ok(credentials),
        }
    }

    /// The file cannot be read: a configuration error that says what to do.
    fn unreadable(&self, path: &Path, e: std::io::Error) -> CredentialsError {
        let who = self.who(path);
        let what_to_do = match &self.inner.named_by {
            NamedBy::Env => format!("point {ENV_VAR} at the file, or unset it"),
            NamedBy::Profile { .. } => "fix json_credentials_file, or remove it".to_owned(),
            NamedBy::Given => "give the path of another file".to_owned(),
        };
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("{who} does not exist: create it, or {what_to_do}")
            }
            std::io::ErrorKind::PermissionDenied => format!(
                "cannot read {who}: permission denied; make it readable by this user, or {what_to_do}"
            ),
            _ => format!("cannot read {who}: {e}; {what_to_do}"),
        };
        self.located(CredentialsError::invalid_config(NAME, message).with_source(e))
    }

    /// The file, and who named it: "the JSON credentials file /run/creds.json
    /// (JSON_CREDENTIALS_FILE)".
    fn who(&self, path: &Path) -> String {
        let named_by = match &self.inner.named_by {
            NamedBy::Env => format!(" ({ENV_VAR})"),
            NamedBy::Profile { name, .. } => {
                format!(" (json_credentials_file of profile '{name}')")
            }
            NamedBy::Given => String::new(),
        };
        format!("the JSON credentials file {}{named_by}", path.display())
    }

    /// The credentials' origin, as `creds explain` shows it.
    fn origin(&self, path: &Path) -> String {
        match &self.inner.named_by {
            NamedBy::Env => format!("{} ({ENV_VAR})", path.display()),
            NamedBy::Profile { name, location } => format!(
                "{} (json_credentials_file of profile '{name}' at {location})",
                path.display()
            ),
            NamedBy::Given => path.display().to_string(),
        }
    }

    /// `error` at the profile line that named the file, when a profile did.
    fn located(&self, error: CredentialsError) -> CredentialsError {
        match &self.inner.named_by {
            NamedBy::Profile { location, .. } => error.with_location(location.clone()),
            _ => error,
        }
    }
}

impl ProvideCredentials for JsonFileProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        // A small local file: read inline, as the other file-based sources do.
        Box::pin(std::future::ready(self.fetch()))
    }

    fn name(&self) -> &'static str {
        NAME
    }
}
