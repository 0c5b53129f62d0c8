//! Providers for the tests: scripted outcomes and a call counter.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use creds_core::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY";
pub(crate) const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

/// Temporary credentials with every field set, expiring at `expiration`.
pub(crate) fn temporary(key_id: &str, expiration: &str) -> Credentials {
    Credentials::builder()
        .access_key_id(key_id)
        .secret_access_key(SECRET)
        .session_token(TOKEN)
        .expiration(expiration.parse().unwrap())
        .account_id("123456789012")
        .provider_name("sts")
        .build()
}

/// Answers each call with the next scripted outcome (the last one again once the
/// script is used up), and counts the calls.
#[derive(Debug)]
pub(crate) struct Scripted {
    outcomes: Mutex<Vec<Result<Credentials, CredentialsError>>>,
    calls: AtomicUsize,
}

impl Scripted {
    pub(crate) fn new(outcomes: Vec<Result<Credentials, CredentialsError>>) -> Self {
        assert!(!outcomes.is_empty());
        let mut outcomes = outcomes;
        outcomes.reverse();
        Scripted {
            outcomes: Mutex::new(outcomes),
            calls: AtomicUsize::new(0),
        }
    }

    pub(crate) fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Scripted {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut outcomes = self.outcomes.lock().unwrap();
        let outcome = match outcomes.len() {
            1 => outcomes[0].clone(),
            _ => outcomes.pop().unwrap(),
        };
        Box::pin(std::future::ready(outcome))
    }

    fn name(&self) -> &'static str {
        "scripted"
    }
}
