//! [`CredentialsChain`]: providers tried in order, with a [`Trace`] of what each did.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, ProviderConfig,
    SharedProvider,
};

/// Providers tried in order. A provider that answers
/// [`NotConfigured`](crate::ErrorKind::NotConfigured) passes to the next; any other
/// error stops the chain, as the SDKs do (a broken configuration must not silently
/// fall through to another identity).
///
/// ```
/// use creds_core::{CredentialsChain, Credentials, ProvideCredentials};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let chain = CredentialsChain::new()
///     .push(Credentials::from_keys("AKID1", "SECRET1", "first"))
///     .push(Credentials::from_keys("AKID2", "SECRET2", "second"));
/// let (creds, trace) = chain.provide_traced().await;
/// assert_eq!(creds.unwrap().access_key_id(), "AKID1");
/// assert_eq!(trace.entries().len(), 1);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct CredentialsChain {
    providers: Vec<SharedProvider>,
    /// Whose turn it is while a fetch runs (`usize::MAX`: nobody's), for
    /// [`running`](ProvideCredentials::running).
    turn: Arc<AtomicUsize>,
}

const NO_TURN: usize = usize::MAX;

impl Default for CredentialsChain {
    fn default() -> Self {
        CredentialsChain {
            providers: Vec::new(),
            turn: Arc::new(AtomicUsize::new(NO_TURN)),
        }
    }
}

impl CredentialsChain {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// The default chain: every registered provider factory, in order, built from
    /// `config`. When the registry has a conflict ([`registry::check`](crate::registry::check)),
    /// the chain holds one provider that fails with it.
    pub fn from_registry(config: &ProviderConfig) -> Self {
        if let Err(error) = crate::registry::check() {
            return CredentialsChain::new().push(Broken(error));
        }
        let providers = crate::registry::provider_factories()
            .into_iter()
            .filter_map(|factory| factory.build(config))
            .collect();
        CredentialsChain {
            providers,
            ..Self::default()
        }
    }

    /// Adds a provider at the end.
    pub fn push(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push(Arc::new(provider));
        self
    }

    /// Adds a shared provider at the end.
    pub fn push_shared(mut self, provider: SharedProvider) -> Self {
        self.providers.push(provider);
        self
    }

    /// The providers, in order.
    pub fn providers(&self) -> &[SharedProvider] {
        &self.providers
    }

    /// Tries the providers in order and says what each did.
    pub async fn provide_traced(&self) -> (Result<Credentials, CredentialsError>, Trace) {
        self.provide_traced_with(|_| {}).await
    }

    /// [`provide_traced`](Self::provide_traced), calling `on_try` with each provider's
    /// name as its turn starts: for a progress line while a slow source (a role chain,
    /// SSO) resolves.
    ///
    /// ```
    /// use creds_core::{Credentials, CredentialsChain};
    ///
    /// let chain = CredentialsChain::new().push(Credentials::from_keys("AKID", "SECRET", "fixed"));
    /// let mut tried = Vec::new();
    /// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let (result, _trace) = runtime.block_on(chain.provide_traced_with(|name| tried.push(name)));
    /// assert!(result.is_ok());
    /// assert_eq!(tried, ["static"]);
    /// ```
    pub async fn provide_traced_with(
        &self,
        mut on_try: impl FnMut(&'static str),
    ) -> (Result<Credentials, CredentialsError>, Trace) {
        let mut trace = Trace::default();
        let _turn = Turn(&self.turn);
        for (i, provider) in self.providers.iter().enumerate() {
            self.turn.store(i, Ordering::Relaxed);
            on_try(provider.name());
            let started = Instant::now();
            let result = provider.provide_credentials().await;
            let elapsed = started.elapsed();
            let name = provider.name();
            match result {
                Ok(creds) => {
                    tracing::debug!(provider = name, ?elapsed, "credentials found");
                    trace.push(name, Outcome::Found(Found::of(&creds)), elapsed);
                    return (Ok(creds), trace);
                }
                Err(err) if err.is_not_configured() => {
                    tracing::debug!(provider = name, reason = %err, "not configured; trying the next provider");
                    trace.push(name, Outcome::NotConfigured(err), elapsed);
                }
                Err(err) => {
                    tracing::debug!(provider = name, error = %err, "failed; the chain stops");
                    trace.push(name, Outcome::Failed(err.clone()), elapsed);
                    return (Err(err), trace);
                }
            }
        }
        let err = CredentialsError::not_configured("chain", trace.none_found_message());
        (Err(err), trace)
    }
}

/// Fails with the error it holds: a chain that cannot be built.
#[derive(Debug)]
struct Broken(CredentialsError);

impl ProvideCredentials for Broken {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(Err(self.0.clone())))
    }

    fn name(&self) -> &'static str {
        "registry"
    }
}

/// Clears the turn when a fetch ends, or is dropped.
struct Turn<'a>(&'a AtomicUsize);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.store(NO_TURN, Ordering::Relaxed);
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move { self.provide_traced().await.0 })
    }

    fn name(&self) -> &'static str {
        "chain"
    }

    /// The provider whose turn it is (and what it says it runs): `profile`, or
    /// `profile: ...` when it says more. A chain keeps one turn for all its clones:
    /// fetched by several callers at once without a cache in front (which makes one
    /// fetch of many), it names the one whose turn started last.
    fn running(&self) -> Option<String> {
        let provider = self.providers.get(self.turn.load(Ordering::Relaxed))?;
        Some(match provider.running() {
            Some(inner) => format!("{}: {inner}", provider.name()),
            None => provider.name().to_owned(),
        })
    }
}

/// What a chain did: one entry per provider tried.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    entries: Vec<TraceEntry>,
}

impl Trace {
    /// The entries, in the order tried.
    pub fn entries(&self) -> &[TraceEntry] {
        &self.entries
    }

    fn push(&mut self, provider: &'static str, outcome: Outcome, elapsed: Duration) {
        self.entries.push(TraceEntry {
            provider,
            outcome,
            elapsed,
        });
    }

    fn none_found_message(&self) -> String {
        if self.entries.is_empty() {
            return "no credentials found: the chain has no providers; enable a provider feature"
                .to_owned();
        }
        let mut message = String::from("no credentials found; tried ");
        for (i, entry) in self.entries.iter().enumerate() {
            if i > 0 {
                message.push_str("; ");
            }
            if let Outcome::NotConfigured(err) = &entry.outcome {
                let _ = write!(message, "{} ({})", entry.provider, err.message());
            }
        }
        message.push_str(". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile of ~/.aws/config with AWS_PROFILE");
        message
    }
}

/// One provider's turn in a chain.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TraceEntry {
    /// The provider's name.
    pub provider: &'static str,
    /// What it did.
    pub outcome: Outcome,
    /// How long it took.
    pub elapsed: Duration,
}

/// What a provider in a chain did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Outcome {
    /// It gave credentials; the chain stopped here.
    Found(Found),
    /// Its source is absent; the chain moved on. The error says why.
    NotConfigured(CredentialsError),
    /// It failed; the chain stopped here.
    Failed(CredentialsError),
}

/// What is safe to show of found credentials: no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Found {
    /// The access key id.
    pub access_key_id: String,
    /// Whether there is a session token.
    pub has_session_token: bool,
    /// The expiration.
    pub expiration: Option<Timestamp>,
    /// The account id.
    pub account_id: Option<String>,
    /// The provider that produced them (may differ from the chain entry, as for a role
    /// chain inside the profile provider).
    pub provider_name: &'static str,
    /// What decided it, when the provider says ([`Credentials::origin`]).
    pub origin: Option<String>,
}

impl Found {
    /// The safe summary of `creds`.
    pub fn of(creds: &Credentials) -> Self {
        Found {
            access_key_id: creds.access_key_id().to_owned(),
            has_session_token: creds.session_token().is_some(),
            expiration: creds.expiration(),
            account_id: creds.account_id().map(str::to_owned),
            provider_name: creds.provider_name(),
            origin: creds.origin().map(str::to_owned),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ErrorKind;

    /// Fails with its kind (the cache's tests use it too).
    #[derive(Debug)]
    pub(crate) struct Fails(pub(crate) ErrorKind);

    impl ProvideCredentials for Fails {
        fn provide_credentials(&self) -> ProvideFuture<'_> {
            let err = CredentialsError::new(self.0, "fails", "because");
            Box::pin(async move { Err(err) })
        }
        fn name(&self) -> &'static str {
            "fails"
        }
    }

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn not_configured_moves_on() {
        let chain = CredentialsChain::new()
            .push(Fails(ErrorKind::NotConfigured))
            .push(Credentials::from_keys("AKID", "S", "second"));
        let (creds, trace) = run(chain.provide_traced());
        assert_eq!(creds.unwrap().access_key_id(), "AKID");
        assert!(matches!(
            trace.entries()[0].outcome,
            Outcome::NotConfigured(_)
        ));
        assert!(matches!(trace.entries()[1].outcome, Outcome::Found(_)));
    }

    #[test]
    fn other_errors_stop() {
        for kind in [
            ErrorKind::InvalidConfig,
            ErrorKind::Unavailable,
            ErrorKind::Rejected,
        ] {
            let chain = CredentialsChain::new()
                .push(Fails(kind))
                .push(Credentials::from_keys("AKID", "S", "second"));
            let (creds, trace) = run(chain.provide_traced());
            assert_eq!(creds.unwrap_err().kind(), kind);
            assert_eq!(trace.entries().len(), 1);
        }
    }

    #[test]
    fn all_absent_is_not_configured_with_reasons() {
        let chain = CredentialsChain::new().push(Fails(ErrorKind::NotConfigured));
        let err = run(chain.provide_credentials()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotConfigured);
        assert!(err.to_string().contains("fails (because)"), "{err}");
    }
}
