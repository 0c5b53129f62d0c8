//! The aws CLI's login cache: where a session's file is ([`cache_file_path`]), what it
//! holds ([`LoginToken`]), and the document written back after a refresh.

use std::fmt;
use std::path::{Path, PathBuf};

use creds_core::document::{parse_timestamp, wipe};
use creds_core::{Credentials, CredentialsError, ProviderConfig};
use jiff::Timestamp;
use ring::digest;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::NAME;

/// The variable that moves the login cache away from `~/.aws/login/cache` (botocore,
/// the JavaScript SDK and the aws CLI read it).
pub const ENV_CACHE_DIRECTORY: &str = "AWS_LOGIN_CACHE_DIRECTORY";

/// The largest cache file read: 256 KiB (the aws CLI writes about 4 KiB).
pub const MAX_FILE_BYTES: usize = 256 * 1024;

/// The fields every cache file must have, as `accessToken.accountId` for nested ones:
/// botocore's required fields (`accessToken`, `refreshToken`, `dpopKey`, `clientId`),
/// with the JavaScript SDK's `accountId` and the members of `accessToken` that both
/// read.
const REQUIRED: &[&str] = &[
    "accessToken",
    "accessToken.accessKeyId",
    "accessToken.secretAccessKey",
    "accessToken.sessionToken",
    "accessToken.accountId",
    "accessToken.expiresAt",
    "refreshToken",
    "clientId",
    "dpopKey",
];

/// The name of a session's cache file: the SHA-256 of the session's name (the
/// `login_session` of the profile) in lower-case hex, as botocore's
/// `generate_login_cache_key` and the JavaScript SDK compute it, then `.json`.
///
/// ```
/// assert_eq!(
///     creds_login::cache_file_name("arn:aws:iam::0123456789012:user/Admin"),
///     "36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726.json"
/// );
/// ```
pub fn cache_file_name(session: &str) -> String {
    let hash = digest::digest(&digest::SHA256, session.as_bytes());
    let mut name = String::with_capacity(69);
    for byte in hash.as_ref() {
        use std::fmt::Write as _;
        let _ = write!(name, "{byte:02x}");
    }
    name.push_str(".json");
    name
}

/// The cache file of `session`: in `AWS_LOGIN_CACHE_DIRECTORY` when it is set (its
/// `$VARIABLE`s and leading `~` expanded, as botocore does), else in
/// `~/.aws/login/cache` (a blank variable counts as unset). Without a home directory and without the variable it is an
/// [`InvalidConfig`](creds_core::ErrorKind::InvalidConfig) error.
///
/// ```
/// use creds_core::{Env, ProviderConfig};
///
/// let config = ProviderConfig::empty().with_env(Env::from_pairs([("HOME", "/home/me")]));
/// let path = creds_login::cache_file_path(&config, "arn:aws:iam::0123456789012:user/Admin").unwrap();
/// assert!(path.starts_with("/home/me/.aws/login/cache"));
///
/// let config = config.with_env(Env::from_pairs([
///     ("HOME", "/home/me"),
///     ("AWS_LOGIN_CACHE_DIRECTORY", "~/elsewhere"),
/// ]));
/// let path = creds_login::cache_file_path(&config, "s").unwrap();
/// assert!(path.starts_with("/home/me/elsewhere"));
/// ```
pub fn cache_file_path(
    config: &ProviderConfig,
    session: &str,
) -> Result<PathBuf, CredentialsError> {
    let name = cache_file_name(session);
    let home = config.home_dir();
    if let Some(dir) = config.env().get_non_blank(ENV_CACHE_DIRECTORY) {
        let dir = expand_user(&expand_vars(&dir, config), home.as_deref());
        return Ok(Path::new(&dir).join(name));
    }
    let home = home.ok_or_else(|| {
        CredentialsError::invalid_config(
            NAME,
            format!(
                "cannot find the login cache without a home directory: set HOME or \
                 {ENV_CACHE_DIRECTORY}"
            ),
        )
    })?;
    Ok(Path::new(&home)
        .join(".aws")
        .join("login")
        .join("cache")
        .join(name))
}

/// `$NAME` and `${NAME}` replaced by the variable's value, and left as they are when
/// it is not set: Python's `os.path.expandvars` on POSIX, which botocore applies.
fn expand_vars(text: &str, config: &ProviderConfig) -> String {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        let (name, consumed) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after.find(|c| !is_name(c)).unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match config.env().get(name).filter(|_| !name.is_empty()) {
            Some(value) => {
                out.push_str(&value);
                rest = &after[consumed..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A leading `~` (alone or before a separator) replaced by the home directory:
/// `os.path.expanduser`, without `~user`.
fn expand_user(path: &str, home: Option<&str>) -> String {
    let Some(home) = home else {
        return path.to_owned();
    };
    match path.strip_prefix('~') {
        Some("") => home.to_owned(),
        Some(rest) if rest.starts_with(['/', '\\']) => {
            format!("{}{rest}", home.trim_end_matches(['/', '\\']))
        }
        _ => path.to_owned(),
    }
}

/// A parsed JSON document, its strings zeroed when it is dropped.
#[derive(Clone)]
struct Wiped(Value);

impl Drop for Wiped {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// One `aws login` session's cache file, parsed and checked: the credentials
/// (`accessToken`), the refresh token, the client id, the DPoP key, the optional
/// `signInRegion`, and every other field as it was, kept for the write-back.
///
/// Its strings are zeroed when it is dropped, and its `Debug` shows the account, the
/// expiry and the region only.
///
/// ```
/// use std::path::Path;
/// use creds_login::LoginToken;
///
/// let file = br#"{
///   "accessToken": {
///     "accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "secret", "sessionToken": "token",
///     "accountId": "123456789012", "expiresAt": "2026-06-01T00:15:00Z"
///   },
///   "refreshToken": "refresh", "clientId": "arn:aws:signin:::devtools/same-device",
///   "dpopKey": "-----BEGIN EC PRIVATE KEY-----\n...\n-----END EC PRIVATE KEY-----\n"
/// }"#;
/// let token = LoginToken::parse(file, Path::new("/home/me/.aws/login/cache/x.json")).unwrap();
/// assert_eq!(token.account_id(), "123456789012");
/// assert_eq!(token.credentials().access_key_id(), "ASIAEXAMPLE");
///
/// let err = LoginToken::parse(br#"{"accessToken": {}}"#, Path::new("/c/x.json")).unwrap_err();
/// assert!(err.message().contains("missing required fields: accessToken.accessKeyId"));
/// ```
#[derive(Clone)]
pub struct LoginToken {
    doc: Wiped,
    expires_at: Timestamp,
}

impl fmt::Debug for LoginToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginToken")
            .field("account_id", &self.account_id())
            .field("expires_at", &self.expires_at)
            .field("sign_in_region", &self.sign_in_region())
            .finish_non_exhaustive()
    }
}

/// The string at `path` (`["accessToken", "accountId"]`) of `doc`, if it is one.
fn string_at<'a>(doc: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(doc, |value, key| value.get(key))
        .and_then(Value::as_str)
}

impl LoginToken {
    /// Parses and checks the cache file `bytes`, read from `path` (named in errors).
    ///
    /// Errors are [`InvalidConfig`](creds_core::ErrorKind::InvalidConfig), name the
    /// file and say to run `aws login`: a file that is not JSON or is cut off, is not
    /// an object, lacks required fields (all of them listed) or has an `expiresAt`
    /// that is not a timestamp. They never hold a value of the file.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<LoginToken, CredentialsError> {
        let bad = |what: &dyn fmt::Display| {
            CredentialsError::invalid_config(
                NAME,
                format!(
                    "the login cache file {} {what}; run `aws login` to sign in again",
                    path.display()
                ),
            )
        };
        if bytes.len() > MAX_FILE_BYTES {
            return Err(bad(&"is larger than 256 KiB: is it a login cache file?"));
        }
        // A stream, not `serde_json::from_slice`: that drops the document unwiped when
        // text follows it.
        let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<Value>();
        let doc = match values.next() {
            Some(Ok(value)) => Wiped(value),
            Some(Err(e)) => {
                let what = match e.classify() {
                    serde_json::error::Category::Eof => {
                        "ends in the middle of its JSON (is it cut off?)"
                    }
                    _ => "is not valid JSON",
                };
                return Err(bad(&format_args!(
                    "{what} (at line {}, column {})",
                    e.line(),
                    e.column()
                )));
            }
            None => return Err(bad(&"is empty")),
        };
        if !bytes[values.byte_offset()..]
            .iter()
            .all(u8::is_ascii_whitespace)
        {
            return Err(bad(&"has more after its JSON document"));
        }
        if !doc.0.is_object() {
            return Err(bad(&"is not a JSON object"));
        }
        let mut missing = Vec::new();
        let mut not_text = Vec::new();
        for field in REQUIRED {
            let path: Vec<&str> = field.split('.').collect();
            let value = path.iter().try_fold(&doc.0, |value, key| value.get(key));
            // `accessToken` is an object; every other required field a string.
            let wanted_object = *field == "accessToken";
            match value {
                None | Some(Value::Null) => missing.push(*field),
                Some(Value::String(s)) if s.is_empty() => missing.push(*field),
                Some(Value::String(_)) if !wanted_object => {}
                Some(Value::Object(_)) if wanted_object => {}
                Some(_) => not_text.push(*field),
            }
        }
        // A missing `accessToken` makes its members missing too: name it alone.
        if missing.contains(&"accessToken") || not_text.contains(&"accessToken") {
            missing.retain(|f| !f.starts_with("accessToken."));
            not_text.retain(|f| !f.starts_with("accessToken."));
        }
        if !missing.is_empty() || !not_text.is_empty() {
            // "missing required fields", as botocore and JS word it.
            let mut what = Vec::new();
            if !missing.is_empty() {
                what.push(format!(
                    "is missing required fields: {}",
                    missing.join(", ")
                ));
            }
            if !not_text.is_empty() {
                what.push(format!(
                    "has fields of the wrong type: {}",
                    not_text.join(", ")
                ));
            }
            return Err(bad(&what.join("; and ")));
        }
        let expires_at = string_at(&doc.0, &["accessToken", "expiresAt"])
            .and_then(parse_timestamp)
            .ok_or_else(|| {
                bad(
                    &"has an accessToken.expiresAt that is not a timestamp (RFC 3339, as \
                      2026-06-01T12:00:00Z)",
                )
            })?;
        Ok(LoginToken { doc, expires_at })
    }

    fn string(&self, path: &[&str]) -> &str {
        // Checked by `parse`: every required field is a string.
        string_at(&self.doc.0, path).unwrap_or_default()
    }

    /// When the credentials expire (`accessToken.expiresAt`).
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// The account of the credentials (`accessToken.accountId`).
    pub fn account_id(&self) -> &str {
        self.string(&["accessToken", "accountId"])
    }

    /// The region the session was signed in to (`signInRegion`), where refreshes go;
    /// logins of older aws CLIs have none.
    pub fn sign_in_region(&self) -> Option<&str> {
        string_at(&self.doc.0, &["signInRegion"]).filter(|r| !r.is_empty())
    }

    /// The OAuth client the session belongs to (`clientId`, such as
    /// `arn:aws:signin:::devtools/same-device`).
    pub fn client_id(&self) -> &str {
        self.string(&["clientId"])
    }

    /// The credentials (`accessToken`), with their expiry and account, named for the
    /// `login` provider.
    pub fn credentials(&self) -> Credentials {
        Credentials::builder()
            .access_key_id(self.string(&["accessToken", "accessKeyId"]))
            .secret_access_key(self.string(&["accessToken", "secretAccessKey"]))
            .session_token(self.string(&["accessToken", "sessionToken"]))
            .account_id(self.account_id())
            .expiration(self.expires_at)
            .provider_name(NAME)
            .build()
    }

    pub(crate) fn refresh_token(&self) -> &str {
        self.string(&["refreshToken"])
    }

    pub(crate) fn dpop_key(&self) -> &str {
        self.string(&["dpopKey"])
    }

    /// The secrets the file holds, to blank out of anything shown.
    pub(crate) fn secrets(&self) -> [&str; 3] {
        [
            self.string(&["accessToken", "secretAccessKey"]),
            self.string(&["accessToken", "sessionToken"]),
            self.refresh_token(),
        ]
    }

    /// This token after a refresh: the new keys and refresh token, expiring at
    /// `expires_at`; `accountId`, the other members of `accessToken` and every other
    /// field kept as they were (the JavaScript SDK keeps them too; botocore rewrites
    /// `accessToken` with its five members).
    pub(crate) fn refreshed(&self, new: &NewTokens<'_>, expires_at: Timestamp) -> LoginToken {
        let mut doc = Wiped(self.doc.0.clone());
        if let Value::Object(root) = &mut doc.0 {
            let access = root
                .entry("accessToken")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(access) = access {
                let mut set = |key: &str, value: &str| {
                    if let Some(mut old) = access.insert(key.to_owned(), value.into()) {
                        wipe(&mut old);
                    }
                };
                set("accessKeyId", new.access_key_id);
                set("secretAccessKey", new.secret_access_key);
                set("sessionToken", new.session_token);
                // botocore's format: whole seconds, `Z`.
                set(
                    "expiresAt",
                    &expires_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                );
            }
            if let Some(mut old) = root.insert("refreshToken".to_owned(), new.refresh_token.into())
            {
                wipe(&mut old);
            }
        }
        LoginToken {
            doc,
            expires_at: Timestamp::from_second(expires_at.as_second()).unwrap_or(expires_at),
        }
    }

    /// The document as the file's new contents: JSON indented by two spaces, as the
    /// JavaScript SDK writes it.
    pub(crate) fn to_file(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(8 * 1024));
        // Writing a `Value` to a `Vec` cannot fail.
        let _ = serde_json::to_writer_pretty(&mut *out, &self.doc.0);
        out.push(b'\n');
        out
    }
}

/// What a refresh gives: the new keys and the next refresh token.
pub(crate) struct NewTokens<'a> {
    pub(crate) access_key_id: &'a str,
    pub(crate) secret_access_key: &'a str,
    pub(crate) session_token: &'a str,
    pub(crate) refresh_token: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use creds_core::Env;

    #[test]
    fn variables_and_tilde_expand_as_in_botocore() {
        let config = ProviderConfig::empty().with_env(Env::from_pairs([
            ("HOME", "/home/me/"),
            ("XDG", "/x"),
            ("A_B", "ab"),
        ]));
        for (input, output) in [
            ("$XDG/login", "/x/login"),
            ("${XDG}/login", "/x/login"),
            ("$A_B-$A_B", "ab-ab"),
            ("$UNSET/x", "$UNSET/x"),
            ("${UNSET}/x", "${UNSET}/x"),
            ("${XDG", "${XDG"),
            ("a$", "a$"),
            ("$$XDG", "$/x"),
        ] {
            assert_eq!(expand_vars(input, &config), output, "{input}");
        }
        for (input, output) in [
            ("~", "/home/me/"),
            ("~/c", "/home/me/c"),
            ("~user/c", "~user/c"),
            ("/a/~/c", "/a/~/c"),
        ] {
            assert_eq!(expand_user(input, Some("/home/me/")), output, "{input}");
        }
        assert_eq!(expand_user("~/c", None), "~/c");
    }

    #[test]
    fn no_home_and_no_variable_is_an_error() {
        let err = cache_file_path(&ProviderConfig::empty(), "s").unwrap_err();
        assert_eq!(err.kind(), creds_core::ErrorKind::InvalidConfig);
        assert!(err.message().contains("AWS_LOGIN_CACHE_DIRECTORY"), "{err}");
    }
}
