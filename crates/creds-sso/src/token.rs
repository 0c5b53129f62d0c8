//! [`SsoToken`]: the aws CLI's SSO token cache file, read and written back.

use std::fmt;
use std::path::Path;

use creds_core::document::{parse_timestamp, wipe};
use creds_core::{CredentialsError, REDACTED};
use jiff::Timestamp;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::NAME;

/// The largest token file read: 64 KiB (they are about 2 KiB).
pub const MAX_TOKEN_FILE_BYTES: usize = 64 * 1024;

/// An SSO access token as the aws CLI caches it in `~/.aws/sso/cache/<sha1>.json`:
/// `accessToken` and `expiresAt`, and for a named session what refreshing needs
/// (`refreshToken`, the client registration's `clientId`, `clientSecret` and
/// `registrationExpiresAt`), with `region` and `startUrl`.
///
/// Fields it does not know are kept: writing a refreshed token back changes only the
/// token's fields. Every string of the file is wiped when the token is dropped, and
/// `Debug` shows no token, refresh token or client secret.
///
/// ```
/// use creds_sso::SsoToken;
/// use std::path::Path;
///
/// let file = br#"{"accessToken": "opaque", "expiresAt": "2026-06-01T00:00:00Z",
///                 "startUrl": "https://d-123.awsapps.com/start", "region": "us-east-1"}"#;
/// let token = SsoToken::parse(file, Path::new("/home/me/.aws/sso/cache/x.json")).unwrap();
/// assert_eq!(token.expires_at().to_string(), "2026-06-01T00:00:00Z");
/// assert!(!token.can_refresh());
/// assert!(!format!("{token:?}").contains("opaque"));
/// ```
#[derive(Clone)]
pub struct SsoToken {
    /// The whole file, unknown fields included.
    doc: Map<String, Value>,
    expires_at: Timestamp,
    registration_expires_at: Option<Timestamp>,
}

impl SsoToken {
    /// Reads a token file's bytes; `path` names it in errors. The errors say what is
    /// wrong (not JSON, no `accessToken`, an `expiresAt` that is not a timestamp) and
    /// never quote the file.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<SsoToken, CredentialsError> {
        Self::parse_for(bytes, path, "run `creds sso login` (or `aws sso login`)")
    }

    /// [`parse`](Self::parse), with `hint` as what to do about a bad file.
    pub(crate) fn parse_for(
        bytes: &[u8],
        path: &Path,
        hint: &str,
    ) -> Result<SsoToken, CredentialsError> {
        let bad = |why: &str| {
            CredentialsError::invalid_config(
                NAME,
                format!(
                    "the SSO token file {} {why}: {hint} to write a new one",
                    path.display()
                ),
            )
        };
        if bytes.len() > MAX_TOKEN_FILE_BYTES {
            return Err(bad("is larger than 64 KiB"));
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            // The position only: serde's message could quote the file.
            bad(&format!(
                "is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        let Value::Object(doc) = value else {
            let mut value = value;
            wipe(&mut value);
            return Err(bad("is not a JSON object"));
        };
        let mut token = SsoToken {
            doc,
            expires_at: Timestamp::UNIX_EPOCH,
            registration_expires_at: None,
        };
        match token.doc.get("accessToken") {
            Some(Value::String(s)) if !s.is_empty() => {}
            Some(_) => return Err(bad("has an accessToken that is not a non-empty string")),
            None => return Err(bad("has no accessToken")),
        }
        token.expires_at = match token.doc.get("expiresAt") {
            Some(Value::String(s)) => {
                parse_timestamp(s).ok_or_else(|| bad("has an expiresAt that is not a timestamp"))?
            }
            Some(_) => return Err(bad("has an expiresAt that is not a timestamp")),
            None => return Err(bad("has no expiresAt")),
        };
        for key in [
            "refreshToken",
            "clientId",
            "clientSecret",
            "region",
            "startUrl",
        ] {
            if token.doc.get(key).is_some_and(|v| !v.is_string()) {
                return Err(bad(&format!("has a {key} that is not a string")));
            }
        }
        token.registration_expires_at = match token.doc.get("registrationExpiresAt") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(
                parse_timestamp(s)
                    .ok_or_else(|| bad("has a registrationExpiresAt that is not a timestamp"))?,
            ),
            Some(_) => return Err(bad("has a registrationExpiresAt that is not a timestamp")),
        };
        Ok(token)
    }

    /// A new token file's contents, as the aws CLI writes them after a login.
    pub(crate) fn new(doc: Map<String, Value>) -> Result<SsoToken, CredentialsError> {
        let mut doc = Value::Object(doc);
        let text = Zeroizing::new(doc.to_string());
        wipe(&mut doc);
        SsoToken::parse(text.as_bytes(), Path::new("(new token)"))
    }

    fn string(&self, key: &str) -> Option<&str> {
        self.doc
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The access token (the portal's bearer token).
    pub fn access_token(&self) -> &str {
        self.string("accessToken").unwrap_or_default()
    }

    /// When the access token expires.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// The start URL the token was issued for, if the file says.
    pub fn start_url(&self) -> Option<&str> {
        self.string("startUrl")
    }

    /// The SSO region, if the file says.
    pub fn region(&self) -> Option<&str> {
        self.string("region")
    }

    /// When the client registration that can refresh the token expires.
    pub fn registration_expires_at(&self) -> Option<Timestamp> {
        self.registration_expires_at
    }

    pub(crate) fn refresh_token(&self) -> Option<&str> {
        self.string("refreshToken")
    }

    pub(crate) fn client_id(&self) -> Option<&str> {
        self.string("clientId")
    }

    pub(crate) fn client_secret(&self) -> Option<&str> {
        self.string("clientSecret")
    }

    /// Whether the file has what a refresh needs: a refresh token and a client
    /// registration (`clientId`, `clientSecret`).
    pub fn can_refresh(&self) -> bool {
        self.refresh_token().is_some()
            && self.client_id().is_some()
            && self.client_secret().is_some()
    }

    /// Replaces the token's fields after a refresh: `accessToken`, `expiresAt` (whole
    /// seconds in botocore's `%Y-%m-%dT%H:%M:%SZ` form) and `refreshToken` when the
    /// service rotated it. Every other field stays as it was.
    pub(crate) fn refreshed(
        &mut self,
        access_token: &str,
        expires_at: Timestamp,
        refresh_token: Option<&str>,
    ) {
        let expires_at = whole_seconds(expires_at);
        self.replace("accessToken", access_token);
        self.replace("expiresAt", &expires_at.to_string());
        self.expires_at = expires_at;
        if let Some(refresh) = refresh_token {
            self.replace("refreshToken", refresh);
        }
    }

    fn replace(&mut self, key: &str, value: &str) {
        if let Some(mut old) = self.doc.insert(key.to_owned(), value.into()) {
            wipe(&mut old);
        }
    }

    /// The file's text: compact JSON, wiped when dropped.
    pub(crate) fn to_json(&self) -> Zeroizing<Vec<u8>> {
        // Measured first, so that the buffer never grows and leaves a copy behind.
        let mut size = Counter(0);
        let _ = serde_json::to_writer(&mut size, &self.doc);
        let mut text = Zeroizing::new(Vec::with_capacity(size.0));
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *text, &self.doc);
        text
    }
}

/// `at` without its fraction of a second: what botocore's `%Y-%m-%dT%H:%M:%SZ` writes.
pub(crate) fn whole_seconds(at: Timestamp) -> Timestamp {
    Timestamp::from_second(at.as_second()).unwrap_or(at)
}

/// A `Duration` as jiff's signed one, saturating.
pub(crate) fn signed(duration: std::time::Duration) -> jiff::SignedDuration {
    jiff::SignedDuration::try_from(duration).unwrap_or(jiff::SignedDuration::MAX)
}

/// Counts what is written.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for SsoToken {
    fn drop(&mut self) {
        for (_, value) in self.doc.iter_mut() {
            wipe(value);
        }
    }
}

impl fmt::Debug for SsoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoToken")
            .field("access_token", &REDACTED)
            .field("expires_at", &self.expires_at)
            .field("start_url", &self.start_url())
            .field("region", &self.region())
            .field("can_refresh", &self.can_refresh())
            .field("registration_expires_at", &self.registration_expires_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SsoToken, CredentialsError> {
        SsoToken::parse(text.as_bytes(), Path::new("/c/t.json"))
    }

    #[test]
    fn every_form_of_expiry_the_tools_write() {
        for (written, read) in [
            ("2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z"),
            ("2026-06-01T00:00:00.000Z", "2026-06-01T00:00:00Z"),
            ("2026-06-01T00:00:00UTC", "2026-06-01T00:00:00Z"),
            ("2026-06-01T02:00:00+02:00", "2026-06-01T00:00:00Z"),
        ] {
            let token =
                parse(&format!(r#"{{"accessToken":"t","expiresAt":"{written}"}}"#)).unwrap();
            assert_eq!(token.expires_at().to_string(), read, "{written}");
        }
    }

    #[test]
    fn bad_files_say_what_is_wrong_and_never_quote_it() {
        for (text, says) in [
            (
                r#"{"accessToken":"sekrit","expiresAt":"#,
                "is not JSON (line 1",
            ),
            ("[1]", "is not a JSON object"),
            (
                r#"{"expiresAt":"2026-06-01T00:00:00Z"}"#,
                "has no accessToken",
            ),
            (
                r#"{"accessToken":"","expiresAt":"2026-06-01T00:00:00Z"}"#,
                "not a non-empty",
            ),
            (r#"{"accessToken":"sekrit"}"#, "has no expiresAt"),
            (
                r#"{"accessToken":"sekrit","expiresAt":"sekrit-soon"}"#,
                "expiresAt that is not",
            ),
            (
                r#"{"accessToken":"sekrit","expiresAt":17}"#,
                "expiresAt that is not",
            ),
            (
                r#"{"accessToken":"sekrit","expiresAt":"2026-06-01T00:00:00Z","refreshToken":5}"#,
                "refreshToken that is not",
            ),
            (
                r#"{"accessToken":"sekrit","expiresAt":"2026-06-01T00:00:00Z","registrationExpiresAt":"sekrit"}"#,
                "registrationExpiresAt that is not",
            ),
        ] {
            let error = parse(text).unwrap_err().to_string();
            assert!(error.contains(says), "{text}: {error}");
            assert!(error.contains("/c/t.json"), "{error}");
            assert!(!error.contains("sekrit"), "{error}");
        }
        let big = format!(
            r#"{{"accessToken":"{}","expiresAt":"2026-06-01T00:00:00Z"}}"#,
            "a".repeat(MAX_TOKEN_FILE_BYTES)
        );
        assert!(parse(&big).unwrap_err().to_string().contains("64 KiB"));
    }

    #[test]
    fn a_refresh_changes_the_token_fields_and_keeps_the_others() {
        let mut token = parse(
            r#"{"accessToken":"old","expiresAt":"2026-06-01T00:00:00Z","refreshToken":"r1",
                "clientId":"c","clientSecret":"s","registrationExpiresAt":"2026-09-01T00:00:00Z",
                "startUrl":"https://x/start","region":"eu-west-1","someFutureField":{"n":1}}"#,
        )
        .unwrap();
        assert!(token.can_refresh());
        token.refreshed(
            "new",
            "2026-06-01T08:00:00.123456Z".parse().unwrap(),
            Some("r2"),
        );
        let written: Value = serde_json::from_slice(&token.to_json()).unwrap();
        assert_eq!(written["accessToken"], "new");
        assert_eq!(written["expiresAt"], "2026-06-01T08:00:00Z");
        assert_eq!(written["refreshToken"], "r2");
        assert_eq!(written["clientSecret"], "s");
        assert_eq!(written["someFutureField"]["n"], 1);
        assert_eq!(written["startUrl"], "https://x/start");
        // No rotation: the old refresh token stays (as Go v2 keeps it).
        token.refreshed("newer", "2026-06-01T09:00:00Z".parse().unwrap(), None);
        assert_eq!(token.refresh_token(), Some("r2"));
        let shown = format!("{token:?}");
        for secret in ["newer", "r2", "\"s\""] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
