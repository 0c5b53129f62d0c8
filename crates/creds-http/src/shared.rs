//! [`ClientSettings`] and [`shared_client`]: the one way providers get their HTTP
//! client, one per configuration, shared through the [`ProviderConfig`]'s extensions.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use creds_core::ProviderConfig;

use crate::{DEFAULT_MAX_BODY_BYTES, HttpClient, Proxy, RetryPolicy};

/// What a provider asks of its HTTP client: the timeout of each connect and read,
/// how many attempts and how far apart, what else is retried, the body cap and the
/// proxy. [`shared_client`] turns them into an [`HttpClient`] by one formula.
///
/// ```
/// use std::time::Duration;
/// use creds_http::{ClientSettings, Proxy};
///
/// // Instance metadata: 1 s timeouts, 4 attempts, refused ports not retried, no proxy.
/// let imds = ClientSettings::new(Duration::from_secs(1), 4)
///     .backoff(Duration::from_millis(50), Duration::from_secs(1))
///     .retry_connect_errors(false)
///     .retry_timeouts(false)
///     .max_body_bytes(64 * 1024);
/// // STS: throttling retried too, through the environment's proxy.
/// # let env = creds_core::Env::empty();
/// let sts = ClientSettings::new(Duration::from_secs(5), 3)
///     .retry_codes(["Throttling"])
///     .proxy(Proxy::from_env(&env));
/// # let _ = (imds, sts);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSettings {
    timeout: Duration,
    retry: RetryPolicy,
    max_body_bytes: usize,
    proxy: Proxy,
}

impl ClientSettings {
    /// Connect and read timeouts of `timeout`, `attempts` attempts (at least one) with
    /// the default backoff (100 ms base, 2 s at most) and retries, a 1 MiB body cap,
    /// no proxy.
    pub fn new(timeout: Duration, attempts: u32) -> Self {
        ClientSettings {
            timeout,
            retry: RetryPolicy::new().max_attempts(attempts),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            proxy: Proxy::None,
        }
    }

    /// The backoff's base and cap.
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.retry = self.retry.base_delay(base).max_delay(max);
        self
    }

    /// Whether refused and unreachable connections are retried (default true).
    pub fn retry_connect_errors(mut self, retry: bool) -> Self {
        self.retry = self.retry.retry_connect_errors(retry);
        self
    }

    /// Whether timeouts are retried (default true).
    pub fn retry_timeouts(mut self, retry: bool) -> Self {
        self.retry = self.retry.retry_timeouts(retry);
        self
    }

    /// Service error codes retried in a `4xx` reply ([`RetryPolicy::retry_codes`]).
    pub fn retry_codes<S: Into<String>>(mut self, codes: impl IntoIterator<Item = S>) -> Self {
        self.retry = self.retry.retry_codes(codes);
        self
    }

    /// The largest response body read (default 1 MiB).
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// The proxy (default none). Clients of AWS services take
    /// [`Proxy::from_env`]`(config.env())`; metadata clients never proxy.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = proxy;
        self
    }

    /// The total timeout the formula gives: every attempt may use its connect and its
    /// read timeout, and every backoff sleep its longest.
    pub fn total_timeout(&self) -> Duration {
        let attempts = self.retry.attempts();
        let sleeps = (1..attempts.min(32))
            .map(|n| self.retry.ceiling(n))
            .fold(Duration::ZERO, Duration::saturating_add);
        self.timeout
            .saturating_mul(2)
            .saturating_mul(attempts)
            .saturating_add(sleeps)
    }

    /// A client with these settings, with a pool of its own (prefer
    /// [`shared_client`]).
    pub fn build(&self) -> HttpClient {
        HttpClient::builder()
            .connect_timeout(self.timeout)
            .read_timeout(self.timeout)
            .total_timeout(self.total_timeout())
            .retry(self.retry.clone())
            .max_body_bytes(self.max_body_bytes)
            .proxy(self.proxy.clone())
            .build()
    }
}

/// The clients made for one configuration, by their settings.
#[derive(Default)]
struct SharedClients(Mutex<Vec<(ClientSettings, HttpClient)>>);

/// The HTTP client for `settings`, shared by every provider built from `config` (and
/// its clones) that asks for the same settings: one connection pool for every hop of
/// a role chain, for the SSO and SSO-OIDC calls of one profile, and so on. Built on
/// first use and kept in `config`'s [extensions](ProviderConfig::extensions).
///
/// ```
/// use std::time::Duration;
/// use creds_core::ProviderConfig;
/// use creds_http::{ClientSettings, shared_client};
///
/// let config = ProviderConfig::empty();
/// let settings = ClientSettings::new(Duration::from_secs(1), 3);
/// let a = shared_client(&config, &settings);
/// let b = shared_client(&config.clone(), &settings);
/// assert!(a.shares_pool_with(&b));
/// let other = shared_client(&config, &ClientSettings::new(Duration::from_secs(5), 3));
/// assert!(!a.shares_pool_with(&other));
/// ```
pub fn shared_client(config: &ProviderConfig, settings: &ClientSettings) -> HttpClient {
    let clients = config
        .extensions()
        .get_or_insert_with(SharedClients::default);
    let mut clients = clients.0.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, client)) = clients.iter().find(|(s, _)| s == settings) {
        return client.clone();
    }
    let client = settings.build();
    clients.push((settings.clone(), client.clone()));
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_timeout_covers_every_attempt_and_sleep() {
        // 4 attempts of 1 s connect + 1 s read, and sleeps of at most 50, 100, 200 ms.
        let settings = ClientSettings::new(Duration::from_secs(1), 4)
            .backoff(Duration::from_millis(50), Duration::from_secs(1));
        assert_eq!(settings.total_timeout(), Duration::from_millis(8_350));
        assert_eq!(
            ClientSettings::new(Duration::from_secs(2), 1).total_timeout(),
            Duration::from_secs(4)
        );
    }
}
