//! [`Logins`]: the identity provider tokens of an authenticated identity, given or
//! fetched by a callback at every refresh.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use creds_core::CredentialsError;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::NAME;

/// What a login callback returns.
pub type LoginFuture = Pin<Box<dyn Future<Output = Result<String, CredentialsError>> + Send>>;

#[derive(Clone)]
enum Token {
    Given(Arc<Zeroizing<String>>),
    Fetched(Arc<dyn Fn() -> LoginFuture + Send + Sync>),
}

/// The logins of an identity: for each identity provider (`accounts.google.com`,
/// `cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12`, `graph.facebook.com`, a
/// developer provider), its token, given or fetched by a callback each time Cognito is
/// called, so that a token that expires is fetched fresh at every refresh (JS v3's
/// `logins`, whose values may be strings or functions returning promises).
///
/// `Debug` shows the providers, never the tokens; tokens never appear in errors, even
/// when Cognito echoes one.
///
/// ```
/// use creds_cognito::Logins;
///
/// let logins = Logins::new()
///     .token("accounts.google.com", "eyJhbGciOi...")
///     .callback("cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12", || async {
///         Ok("a fresh id token".to_owned())
///     });
/// assert_eq!(logins.providers().collect::<Vec<_>>().len(), 2);
/// assert!(!format!("{logins:?}").contains("eyJ"));
/// ```
#[derive(Clone, Default)]
pub struct Logins(Vec<(String, Token)>);

impl Logins {
    /// No logins: an unauthenticated identity.
    pub fn new() -> Self {
        Self::default()
    }

    /// `provider`'s token, fixed.
    pub fn token(mut self, provider: impl Into<String>, token: impl Into<String>) -> Self {
        self.set(
            provider.into(),
            Token::Given(Arc::new(Zeroizing::new(token.into()))),
        );
        self
    }

    /// `provider`'s token, from `fetch` each time Cognito is called.
    pub fn callback<F, Fut>(mut self, provider: impl Into<String>, fetch: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, CredentialsError>> + Send + 'static,
    {
        self.set(
            provider.into(),
            Token::Fetched(Arc::new(move || Box::pin(fetch()))),
        );
        self
    }

    fn set(&mut self, provider: String, token: Token) {
        match self.0.iter_mut().find(|(p, _)| *p == provider) {
            Some(entry) => entry.1 = token,
            None => self.0.push((provider, token)),
        }
    }

    /// The identity providers, in the order given.
    pub fn providers(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(p, _)| p.as_str())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every token now (the callbacks called), checked to be non-empty.
    pub(crate) async fn resolve(&self) -> Result<Resolved, CredentialsError> {
        let mut tokens = Vec::with_capacity(self.0.len());
        for (provider, token) in &self.0 {
            let value = match token {
                Token::Given(token) => Zeroizing::new(token.as_str().to_owned()),
                Token::Fetched(fetch) => Zeroizing::new(fetch().await.map_err(|e| {
                    let message = format!(
                        "the login token of {provider} could not be fetched: {}",
                        e.message()
                    );
                    e.with_provider(NAME).with_message(message)
                })?),
            };
            if value.trim().is_empty() {
                return Err(CredentialsError::invalid_config(
                    NAME,
                    format!(
                        "the login token of {provider} is empty: give the identity provider's \
                         token (an OpenID Connect id token, an access token)"
                    ),
                ));
            }
            tokens.push((provider.clone(), value));
        }
        Ok(Resolved(tokens))
    }
}

impl fmt::Debug for Logins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.providers()).finish()
    }
}

/// The tokens of one call, wiped when dropped.
pub(crate) struct Resolved(Vec<(String, Zeroizing<String>)>);

impl Resolved {
    /// The `Logins` map of a request, or `None` when there are none.
    pub(crate) fn to_json(&self) -> Option<Value> {
        if self.0.is_empty() {
            return None;
        }
        let map: Map<String, Value> = self
            .0
            .iter()
            .map(|(p, t)| (p.clone(), Value::from(t.as_str())))
            .collect();
        Some(Value::Object(map))
    }

    /// The tokens, to blank out of errors.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        self.0.iter().map(|(_, t)| t.as_str()).collect()
    }
}
