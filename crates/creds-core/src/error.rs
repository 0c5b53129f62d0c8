//! [`CredentialsError`] and its [`ErrorKind`]: the one error every provider returns.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What kind of failure a [`CredentialsError`] is. The chain acts on it: only
/// [`ErrorKind::NotConfigured`] moves on to the next source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// This source is absent (no variables set, no such profile keys): try the next one.
    NotConfigured,
    /// The user configured this source wrongly: stop and say where. A configuration
    /// file that exists but cannot be read is one too.
    InvalidConfig,
    /// A transient failure: a timeout, a 5xx, a refused connection, a program that
    /// failed.
    Unavailable,
    /// The service said no: an expired token, access denied.
    Rejected,
}

impl ErrorKind {
    /// A short lowercase name, as `creds explain` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotConfigured => "not configured",
            ErrorKind::InvalidConfig => "invalid configuration",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Rejected => "rejected",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a configuration file: the file and the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    file: Arc<Path>,
    line: u32,
}

impl Location {
    /// A location in `file` at 1-based `line`.
    pub fn new(file: impl Into<PathBuf>, line: u32) -> Self {
        Location {
            file: Arc::from(file.into().into_boxed_path()),
            line,
        }
    }

    /// A location sharing an already allocated file path.
    pub fn in_file(file: &Arc<Path>, line: u32) -> Self {
        Location {
            file: Arc::clone(file),
            line,
        }
    }

    /// The file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The 1-based line number.
    pub fn line(&self) -> u32 {
        self.line
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

type Source = Arc<dyn StdError + Send + Sync + 'static>;

/// The error of every credentials provider.
///
/// It carries a [kind](ErrorKind) that the chain acts on, the name of the provider that
/// failed, a message that says what to do next, the place in a file that caused it
/// when there is one, and the underlying error. When a deadline or a timeout caused it,
/// [`timeout`](Self::timeout) says which; when an AWS service refused,
/// [`service_code`](Self::service_code) and [`request_id`](Self::request_id) give the
/// service's error code and the request id to quote to AWS support. It never contains a
/// secret: providers build messages from names and places, never from values.
///
/// ```
/// use std::time::Duration;
/// use creds_core::{CredentialsError, ErrorKind};
///
/// let err = CredentialsError::rejected("sts", "the role cannot be assumed")
///     .with_service_error("AccessDenied", Some("f3a1-42".to_owned()));
/// assert_eq!(err.service_code(), Some("AccessDenied"));
/// assert_eq!(err.request_id(), Some("f3a1-42"));
///
/// let err = CredentialsError::timed_out("imds", "no answer", Duration::from_secs(1));
/// assert_eq!(err.kind(), ErrorKind::Unavailable);
/// assert_eq!(err.timeout(), Some(Duration::from_secs(1)));
/// assert!(err.is_timeout());
/// ```
#[derive(Clone)]
pub struct CredentialsError {
    kind: ErrorKind,
    provider: Cow<'static, str>,
    message: Cow<'static, str>,
    location: Option<Location>,
    source: Option<Source>,
    /// Rare details, boxed so that the common error stays small.
    detail: Option<Box<Detail>>,
}

#[derive(Clone, Default)]
struct Detail {
    timeout: Option<Duration>,
    service_code: Option<String>,
    request_id: Option<String>,
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.provider, self.message)?;
        if let Some(location) = &self.location {
            write!(f, " (at {location})")?;
        }
        Ok(())
    }
}

impl StdError for CredentialsError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

impl CredentialsError {
    /// A new error of `kind` from `provider`.
    pub fn new(
        kind: ErrorKind,
        provider: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        CredentialsError {
            kind,
            provider: provider.into(),
            message: message.into(),
            location: None,
            source: None,
            detail: None,
        }
    }

    /// A timeout or a deadline passed after `after`: an
    /// [`Unavailable`](ErrorKind::Unavailable) error for which
    /// [`is_timeout`](Self::is_timeout) is true, so that callers (and adapters such as
    /// the AWS SDK's `ProviderTimedOut`) can tell it from other unavailability.
    pub fn timed_out(
        provider: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
        after: Duration,
    ) -> Self {
        Self::new(ErrorKind::Unavailable, provider, message).with_timeout(after)
    }

    /// This source is absent: the chain tries the next one.
    pub fn not_configured(
        provider: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(ErrorKind::NotConfigured, provider, message)
    }

    /// The source is configured wrongly: the chain stops.
    pub fn invalid_config(
        provider: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(ErrorKind::InvalidConfig, provider, message)
    }

    /// A transient failure.
    pub fn unavailable(
        provider: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(ErrorKind::Unavailable, provider, message)
    }

    /// The service refused.
    pub fn rejected(
        provider: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(ErrorKind::Rejected, provider, message)
    }

    /// A file could not be written (or its directory created) at `path`: an
    /// [`Unavailable`](ErrorKind::Unavailable) error that names the path and the
    /// reason, and keeps `error` as its source. [`Fs::write_atomic`](crate::Fs::write_atomic)
    /// leaves the old file whole when it fails, and the message says so.
    ///
    /// ```
    /// use std::path::Path;
    /// use creds_core::{CredentialsError, ErrorKind, Fs, FsFault};
    ///
    /// let fs = Fs::from_files([("/h/.aws/sso/cache/t.json", "{}")]).with_fault("/h", FsFault::NoSpace);
    /// let path = Path::new("/h/.aws/sso/cache/t.json");
    /// let err = fs.write_atomic(path, b"{\"new\": 1}").unwrap_err();
    /// let err = CredentialsError::cannot_write("sso", path, err);
    /// assert_eq!(err.kind(), ErrorKind::Unavailable);
    /// assert!(err.message().contains("/h/.aws/sso/cache/t.json"));
    /// ```
    pub fn cannot_write(
        provider: impl Into<Cow<'static, str>>,
        path: &Path,
        error: std::io::Error,
    ) -> Self {
        let reason = match error.kind() {
            std::io::ErrorKind::PermissionDenied => {
                "permission denied; make its directory writable by this user".to_owned()
            }
            std::io::ErrorKind::StorageFull => "the disk is full; free some space".to_owned(),
            std::io::ErrorKind::NotFound => "its directory does not exist".to_owned(),
            _ => error.to_string(),
        };
        Self::unavailable(
            provider,
            format!(
                "cannot write {}: {reason} (the file there, if any, is unchanged)",
                path.display()
            ),
        )
        .with_source(error)
    }

    /// Attaches the place in a file that caused the error.
    pub fn with_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Attaches the underlying error. Its `Display` must not contain a secret.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Marks the error as caused by a timeout or deadline of `after` (see
    /// [`timed_out`](Self::timed_out)).
    pub fn with_timeout(mut self, after: Duration) -> Self {
        self.detail_mut().timeout = Some(after);
        self
    }

    /// Attaches an AWS service's error code (`AccessDenied`, `ExpiredToken`, ...) and
    /// the id of the request it answered.
    pub fn with_service_error(
        mut self,
        code: impl Into<String>,
        request_id: Option<String>,
    ) -> Self {
        let detail = self.detail_mut();
        detail.service_code = Some(code.into());
        detail.request_id = request_id;
        self
    }

    fn detail_mut(&mut self) -> &mut Detail {
        self.detail.get_or_insert_with(Box::default)
    }

    /// Replaces the kind, keeping everything else (for a provider that knows better
    /// than the one it wraps: an absent source that was asked for by name is a
    /// configuration error).
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// Replaces the message, keeping everything else (to add what the wrapper knows).
    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        self.message = message.into();
        self
    }

    /// Replaces the provider name, keeping everything else (used when one provider
    /// reports on behalf of another, as the profile provider does for a role chain).
    pub fn with_provider(mut self, provider: impl Into<Cow<'static, str>>) -> Self {
        self.provider = provider.into();
        self
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Whether the chain should move on to the next source.
    pub fn is_not_configured(&self) -> bool {
        self.kind == ErrorKind::NotConfigured
    }

    /// The name of the provider that failed.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The message, without the provider name and the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The place in a configuration file that caused the error, if any.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// Whether a timeout or a deadline caused the error.
    pub fn is_timeout(&self) -> bool {
        self.timeout().is_some()
    }

    /// The timeout or deadline that passed, when one caused the error.
    pub fn timeout(&self) -> Option<Duration> {
        self.detail.as_ref()?.timeout
    }

    /// The error code of the AWS service that refused (`AccessDenied`,
    /// `ExpiredToken`, `InvalidIdentityToken`, `UnauthorizedException`, ...), if one
    /// did.
    pub fn service_code(&self) -> Option<&str> {
        self.detail.as_ref()?.service_code.as_deref()
    }

    /// The request id of the AWS service's reply, if there was one.
    pub fn request_id(&self) -> Option<&str> {
        self.detail.as_ref()?.request_id.as_deref()
    }
}

impl fmt::Debug for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("CredentialsError");
        s.field("kind", &self.kind)
            .field("provider", &self.provider)
            .field("message", &self.message);
        if let Some(location) = &self.location {
            s.field("location", &format_args!("{location}"));
        }
        if let Some(timeout) = self.timeout() {
            s.field("timeout", &timeout);
        }
        if let Some(code) = self.service_code() {
            s.field("service_code", &code);
        }
        if let Some(id) = self.request_id() {
            s.field("request_id", &id);
        }
        if let Some(source) = &self.source {
            // Display, not Debug: a source's Debug may hold data its Display leaves out.
            s.field("source", &format_args!("{source}"));
        }
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_provider_message_and_location() {
        let err = CredentialsError::invalid_config("profile", "aws_secret_access_key is empty")
            .with_location(Location::new("/home/me/.aws/credentials", 7));
        assert_eq!(
            err.to_string(),
            "profile: aws_secret_access_key is empty (at /home/me/.aws/credentials:7)"
        );
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(err.location().unwrap().line(), 7);
    }

    #[test]
    fn source_is_kept_and_clone_shares_it() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let err =
            CredentialsError::unavailable("profile", "cannot read the config file").with_source(io);
        let copy = err.clone();
        assert_eq!(copy.source().unwrap().to_string(), "denied");
        assert!(format!("{err:?}").contains("denied"));
    }
}
