//! [`ScriptedProvider`]: a credentials provider whose answers a test writes down.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use creds_core::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// Answers each call with the next scripted outcome, the last one again once the script
/// is used up, and counts the calls: the inner provider of adapter and cache tests.
///
/// ```
/// use creds_core::{Credentials, ProvideCredentials};
/// use creds_testkit::ScriptedProvider;
///
/// let provider = ScriptedProvider::new(vec![Ok(Credentials::from_keys("AKID", "secret", "test"))]);
/// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// for _ in 0..2 {
///     assert_eq!(rt.block_on(provider.provide_credentials()).unwrap().access_key_id(), "AKID");
/// }
/// assert_eq!(provider.calls(), 2);
/// ```
#[derive(Debug)]
pub struct ScriptedProvider {
    /// In reverse order, so that the next one is popped.
    outcomes: Mutex<Vec<Result<Credentials, CredentialsError>>>,
    calls: AtomicUsize,
}

impl ScriptedProvider {
    /// A provider answering `outcomes` in turn. Panics if there are none.
    pub fn new(mut outcomes: Vec<Result<Credentials, CredentialsError>>) -> Self {
        assert!(!outcomes.is_empty(), "a script needs at least one outcome");
        outcomes.reverse();
        ScriptedProvider {
            outcomes: Mutex::new(outcomes),
            calls: AtomicUsize::new(0),
        }
    }

    /// A provider that fails every call with `error`.
    pub fn failing(error: CredentialsError) -> Self {
        Self::new(vec![Err(error)])
    }

    /// How many times it was called.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for ScriptedProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut outcomes = self
            .outcomes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let outcome = match outcomes.len() {
            1 => outcomes[0].clone(),
            _ => outcomes.pop().expect("never empty"),
        };
        Box::pin(std::future::ready(outcome))
    }

    fn name(&self) -> &'static str {
        "scripted"
    }
}
