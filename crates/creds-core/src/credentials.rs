//! [`Credentials`]: what every provider produces.

use std::fmt;
use std::sync::Arc;

use jiff::Timestamp;
use zeroize::Zeroizing;

/// The text every `Debug` and `Display` shows in place of a secret.
pub const REDACTED: &str = "** redacted **";

/// AWS credentials: an access key id, a secret access key, an optional session token,
/// an optional expiration and account id, and the name of the provider that produced
/// them.
///
/// Cloning is cheap: all clones share one inner value, so a cache hit copies a pointer
/// and allocates nothing. The secret access key and the session token are zeroed when
/// the last clone is dropped, and `Debug` shows them as `** redacted **`.
///
/// ```
/// use creds_core::Credentials;
///
/// let creds = Credentials::builder()
///     .access_key_id("AKIDEXAMPLE")
///     .secret_access_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
///     .provider_name("example")
///     .build();
/// assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
/// assert!(!format!("{creds:?}").contains("wJalr"));
/// ```
#[derive(Clone)]
pub struct Credentials(Arc<Inner>);

#[derive(Clone)]
struct Inner {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
    expiration: Option<Timestamp>,
    account_id: Option<String>,
    provider_name: &'static str,
    origin: Option<String>,
}

impl Credentials {
    /// Starts a [`CredentialsBuilder`].
    pub fn builder() -> CredentialsBuilder {
        CredentialsBuilder::default()
    }

    /// Long-lived credentials from a key pair, with no token and no expiration.
    pub fn from_keys(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        provider_name: &'static str,
    ) -> Self {
        Self::builder()
            .access_key_id(access_key_id)
            .secret_access_key(secret_access_key)
            .provider_name(provider_name)
            .build()
    }

    /// The access key id (not a secret: the SDKs print it too).
    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    /// The secret access key. Handle with care: never log it.
    pub fn secret_access_key(&self) -> &str {
        &self.0.secret_access_key
    }

    /// The session token of temporary credentials. Never log it.
    pub fn session_token(&self) -> Option<&str> {
        self.0.session_token.as_deref().map(String::as_str)
    }

    /// When the credentials stop working, if they ever do.
    pub fn expiration(&self) -> Option<Timestamp> {
        self.0.expiration
    }

    /// The AWS account the credentials belong to, when the source says.
    pub fn account_id(&self) -> Option<&str> {
        self.0.account_id.as_deref()
    }

    /// The name of the provider that produced the credentials (`"environment"`,
    /// `"profile"`, ...).
    pub fn provider_name(&self) -> &'static str {
        self.0.provider_name
    }

    /// What decided where the credentials came from, in words safe to show: the
    /// variables, the file and line, or the endpoint the provider read (`creds explain`
    /// prints it). Never a secret; `None` when the provider does not say.
    pub fn origin(&self) -> Option<&str> {
        self.0.origin.as_deref()
    }

    /// A builder holding a copy of these credentials, to change a field.
    pub fn to_builder(&self) -> CredentialsBuilder {
        CredentialsBuilder {
            access_key_id: Some(self.0.access_key_id.clone()),
            secret_access_key: Some(self.0.secret_access_key.clone()),
            session_token: self.0.session_token.clone(),
            expiration: self.0.expiration,
            account_id: self.0.account_id.clone(),
            provider_name: self.0.provider_name,
            origin: self.0.origin.clone(),
        }
    }

    /// A copy that shares nothing with `self`. The cache uses it to give each thread
    /// its own reference count, so that hits on several threads do not contend on one.
    pub(crate) fn deep_clone(&self) -> Self {
        Credentials(Arc::new(Inner::clone(&self.0)))
    }
}

/// Equal when every field is, the [`origin`](Credentials::origin) aside: it describes
/// where the credentials were found, not what they are.
impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.0.access_key_id == other.0.access_key_id
                && *self.0.secret_access_key == *other.0.secret_access_key
                && self.session_token() == other.session_token()
                && self.0.expiration == other.0.expiration
                && self.0.account_id == other.0.account_id
                && self.0.provider_name == other.0.provider_name)
    }
}

impl Eq for Credentials {}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("provider_name", &self.0.provider_name)
            .field("access_key_id", &self.0.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.0.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expiration", &self.0.expiration)
            .field("account_id", &self.0.account_id)
            .field("origin", &self.0.origin)
            .finish()
    }
}

/// Builds [`Credentials`]. Missing key fields become empty strings; providers check
/// their inputs before they build.
#[derive(Default)]
pub struct CredentialsBuilder {
    access_key_id: Option<String>,
    secret_access_key: Option<Zeroizing<String>>,
    session_token: Option<Zeroizing<String>>,
    expiration: Option<Timestamp>,
    account_id: Option<String>,
    provider_name: &'static str,
    origin: Option<String>,
}

impl CredentialsBuilder {
    /// Sets the access key id.
    pub fn access_key_id(mut self, value: impl Into<String>) -> Self {
        self.access_key_id = Some(value.into());
        self
    }

    /// Sets the secret access key.
    pub fn secret_access_key(mut self, value: impl Into<String>) -> Self {
        self.secret_access_key = Some(Zeroizing::new(value.into()));
        self
    }

    /// Sets the session token.
    pub fn session_token(mut self, value: impl Into<String>) -> Self {
        self.session_token = Some(Zeroizing::new(value.into()));
        self
    }

    /// Sets or clears the session token.
    pub fn set_session_token(mut self, value: Option<String>) -> Self {
        self.session_token = value.map(Zeroizing::new);
        self
    }

    /// Sets the expiration.
    pub fn expiration(mut self, value: Timestamp) -> Self {
        self.expiration = Some(value);
        self
    }

    /// Sets or clears the expiration.
    pub fn set_expiration(mut self, value: Option<Timestamp>) -> Self {
        self.expiration = value;
        self
    }

    /// Sets the account id.
    pub fn account_id(mut self, value: impl Into<String>) -> Self {
        self.account_id = Some(value.into());
        self
    }

    /// Sets or clears the account id.
    pub fn set_account_id(mut self, value: Option<String>) -> Self {
        self.account_id = value;
        self
    }

    /// Sets the name of the provider that produced the credentials.
    pub fn provider_name(mut self, value: &'static str) -> Self {
        self.provider_name = value;
        self
    }

    /// Says what decided where the credentials came from (see
    /// [`Credentials::origin`]): variable names, a file and line, an endpoint. It is
    /// shown to users, so it must never hold a secret.
    pub fn origin(mut self, value: impl Into<String>) -> Self {
        self.origin = Some(value.into());
        self
    }

    /// Sets or clears the origin.
    pub fn set_origin(mut self, value: Option<String>) -> Self {
        self.origin = value;
        self
    }

    /// Builds the credentials.
    pub fn build(self) -> Credentials {
        Credentials(Arc::new(Inner {
            access_key_id: self.access_key_id.unwrap_or_default(),
            secret_access_key: self.secret_access_key.unwrap_or_default(),
            session_token: self.session_token,
            expiration: self.expiration,
            account_id: self.account_id,
            provider_name: self.provider_name,
            origin: self.origin,
        }))
    }
}

impl fmt::Debug for CredentialsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsBuilder")
            .field("provider_name", &self.provider_name)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| REDACTED),
            )
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expiration", &self.expiration)
            .field("account_id", &self.account_id)
            .field("origin", &self.origin)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "SECRETSECRETSECRET";
    const TOKEN: &str = "TOKENTOKENTOKEN";

    fn sample() -> Credentials {
        Credentials::builder()
            .access_key_id("AKID")
            .secret_access_key(SECRET)
            .session_token(TOKEN)
            .account_id("123456789012")
            .provider_name("test")
            .build()
    }

    #[test]
    fn debug_redacts_secrets() {
        let creds = sample();
        for text in [
            format!("{creds:?}"),
            format!("{creds:#?}"),
            format!("{:?}", creds.to_builder()),
        ] {
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains(TOKEN), "{text}");
            assert!(text.contains("AKID"), "{text}");
            assert!(text.contains(REDACTED), "{text}");
        }
    }

    #[test]
    fn clones_share_and_deep_clones_do_not() {
        let creds = sample();
        let shallow = creds.clone();
        assert!(Arc::ptr_eq(&creds.0, &shallow.0));
        let deep = creds.deep_clone();
        assert!(!Arc::ptr_eq(&creds.0, &deep.0));
        assert_eq!(creds, deep);
        assert_eq!(deep.secret_access_key(), SECRET);
        assert_eq!(deep.session_token(), Some(TOKEN));
        assert_eq!(deep.account_id(), Some("123456789012"));
    }

    #[test]
    fn to_builder_round_trips() {
        let creds = sample();
        let changed = creds.to_builder().set_session_token(None).build();
        assert_eq!(changed.session_token(), None);
        assert_eq!(changed.secret_access_key(), SECRET);
        assert_ne!(creds, changed);
    }
}
