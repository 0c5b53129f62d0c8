//! Providers for the tests: scripted outcomes and a call counter.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use creds_core::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY";
pub(crate) const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

/// Temporary credentials with every field set.
pub(crate) fn full_credentials() -> Credentials {
    Credentials::builder()
        .access_key_id("ASIAEXAMPLE")
        .secret_access_key(SECRET)
        .session_token(TOKEN)
        .expiration("2026-01-01T00:15:00Z".parse().unwrap())
        .account_id("123456789012")
        .provider_name("sts")
        .build()
}

/// Answers each call with the next scripted outcome, and counts the calls.
#[derive(Debug)]
pub(crate) struct Scripted {
    outcomes: Mutex<Vec<Result<Credentials, CredentialsError>>>,
    calls: AtomicUsize,
}

impl Scripted {
    pub(crate) fn new(outcomes: Vec<Result<Credentials, CredentialsError>>) -> Self {
        let mut outcomes = outcomes;
        outcomes.reverse();
        Scripted {
            outcomes: Mutex::new(outcomes),
            calls: AtomicUsize::new(0),
        }
    }

    pub(crate) fn failing(err: CredentialsError) -> Self {
        Self::new(vec![Err(err)])
    }

    pub(crate) fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Scripted {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let outcome = self
            .outcomes
            .lock()
            .unwrap()
            .pop()
            .expect("called more often than scripted");
        Box::pin(std::future::ready(outcome))
    }

    fn name(&self) -> &'static str {
        "scripted"
    }
}
