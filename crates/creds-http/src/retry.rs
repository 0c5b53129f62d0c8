//! [`RetryPolicy`]: how many attempts, what is retried, and the backoff between them.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use http::StatusCode;

use crate::{HttpError, HttpErrorKind};

/// How [`HttpClient::send`](crate::HttpClient::send) retries.
///
/// Only what is safe to repeat is retried: connect errors, timeouts, connections
/// closed or reset before a complete response, and responses with a `5xx` or `429`
/// status. Other `4xx` statuses, TLS failures, invalid requests and bodies over the
/// limit are never retried. When the attempts are used up on a status, the last
/// response is returned (not an error); on a failure, the last error.
///
/// Between attempts it sleeps an exponential backoff with full jitter: a random time
/// between zero and `min(max_delay, base_delay × 2^(attempt - 1))`. The client's total
/// timeout bounds the attempts and the sleeps together; no sleep starts that would end
/// after it.
///
/// ```
/// use std::time::Duration;
/// use creds_http::RetryPolicy;
///
/// // Instance metadata: a refused port fails at once, a slow answer is retried.
/// let imds = RetryPolicy::new()
///     .max_attempts(4)
///     .base_delay(Duration::from_millis(50))
///     .retry_connect_errors(false);
/// # let _ = imds;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) retry_connect_errors: bool,
    pub(crate) retry_timeouts: bool,
    pub(crate) retry_codes: Vec<String>,
}

impl Default for RetryPolicy {
    /// Three attempts, 100 ms base delay, 2 s at most, connect errors and timeouts
    /// retried.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            retry_connect_errors: true,
            retry_timeouts: true,
            retry_codes: Vec::new(),
        }
    }
}

impl RetryPolicy {
    /// The default policy: see [`Default`](#impl-Default-for-RetryPolicy).
    pub fn new() -> Self {
        Self::default()
    }

    /// One attempt, no retry.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// The most attempts, the first included (at least 1; default 3).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff's base (default 100 ms).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The backoff's cap (default 2 s).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Whether connect errors (refused, unreachable, connect timeout) are retried
    /// (default true). Instance metadata turns it off, so that off EC2 a refused port
    /// fails at once.
    pub fn retry_connect_errors(mut self, retry: bool) -> Self {
        self.retry_connect_errors = retry;
        self
    }

    /// Whether timeouts are retried (default true). A connect timeout is retried only
    /// when connect errors are too.
    pub fn retry_timeouts(mut self, retry: bool) -> Self {
        self.retry_timeouts = retry;
        self
    }

    /// AWS error codes that are retried in a `4xx` reply too (STS `Throttling` and
    /// `IDPCommunicationError`, Cognito `TooManyRequestsException`): the code is read
    /// from the reply as [`ServiceError`](crate::ServiceError) reads it. Added to those
    /// given before.
    ///
    /// ```
    /// use creds_http::RetryPolicy;
    ///
    /// let sts = RetryPolicy::new().retry_codes(["Throttling", "IDPCommunicationError"]);
    /// # let _ = sts;
    /// ```
    pub fn retry_codes<S: Into<String>>(mut self, codes: impl IntoIterator<Item = S>) -> Self {
        self.retry_codes.extend(codes.into_iter().map(Into::into));
        self
    }

    /// The number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a response with this status is retried.
    pub(crate) fn retries_status(&self, status: StatusCode) -> bool {
        status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
    }

    /// Whether this response is retried: its status, or a `4xx` whose error code is one
    /// of [`retry_codes`](Self::retry_codes).
    pub(crate) fn retries_response(&self, response: &http::Response<bytes::Bytes>) -> bool {
        let status = response.status();
        if self.retries_status(status) {
            return true;
        }
        status.is_client_error()
            && !self.retry_codes.is_empty()
            && crate::ServiceError::code_of(response.headers(), response.body())
                .is_some_and(|code| self.retry_codes.contains(&code))
    }

    /// Whether this failure is retried.
    pub(crate) fn retries_error(&self, error: &HttpError, connect_phase: bool) -> bool {
        match error.kind() {
            HttpErrorKind::Connect => self.retry_connect_errors,
            HttpErrorKind::Timeout if connect_phase => {
                self.retry_connect_errors && self.retry_timeouts
            }
            HttpErrorKind::Timeout => self.retry_timeouts,
            HttpErrorKind::Io => true,
            _ => false,
        }
    }

    /// The sleep after failed attempt number `attempt` (1-based): full jitter.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % (nanos + 1))
    }

    /// `min(max_delay, base_delay × 2^(attempt - 1))`.
    pub(crate) fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_delay)
    }
}

/// A random number for jitter, from the standard library's randomly keyed hasher (a
/// new key per call): no random-number crate needed for a backoff.
fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_up_to_the_cap() {
        let policy = RetryPolicy::new();
        assert_eq!(policy.ceiling(1), Duration::from_millis(100));
        assert_eq!(policy.ceiling(2), Duration::from_millis(200));
        assert_eq!(policy.ceiling(5), Duration::from_millis(1600));
        assert_eq!(policy.ceiling(6), Duration::from_secs(2));
        assert_eq!(policy.ceiling(200), Duration::from_secs(2));
    }

    #[test]
    fn full_jitter_stays_within_the_ceiling_and_varies() {
        let policy = RetryPolicy::new();
        let delays: Vec<Duration> = (0..200).map(|_| policy.backoff(3)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_millis(400)));
        let distinct: std::collections::HashSet<_> = delays.iter().collect();
        assert!(distinct.len() > 150, "{} distinct delays", distinct.len());
        let mean = delays.iter().sum::<Duration>() / 200;
        assert!(
            mean > Duration::from_millis(120) && mean < Duration::from_millis(280),
            "{mean:?}"
        );
        assert_eq!(
            RetryPolicy::new().base_delay(Duration::ZERO).backoff(2),
            Duration::ZERO
        );
    }

    #[test]
    fn what_is_retried() {
        let policy = RetryPolicy::new();
        assert!(policy.retries_status(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(policy.retries_status(StatusCode::SERVICE_UNAVAILABLE));
        assert!(policy.retries_status(StatusCode::TOO_MANY_REQUESTS));
        for status in [400, 401, 403, 404, 302, 200] {
            assert!(!policy.retries_status(StatusCode::from_u16(status).unwrap()));
        }
        let err = |kind| HttpError::new(kind, "x");
        assert!(policy.retries_error(&err(HttpErrorKind::Connect), true));
        assert!(policy.retries_error(&err(HttpErrorKind::Io), false));
        assert!(!policy.retries_error(&err(HttpErrorKind::Tls), true));
        assert!(!policy.retries_error(&err(HttpErrorKind::BodyTooLarge), false));
        let imds = RetryPolicy::new().retry_connect_errors(false);
        assert!(!imds.retries_error(&err(HttpErrorKind::Connect), true));
        assert!(!imds.retries_error(&err(HttpErrorKind::Timeout), true));
        assert!(imds.retries_error(&err(HttpErrorKind::Timeout), false));
        let no_timeouts = RetryPolicy::new().retry_timeouts(false);
        assert!(!no_timeouts.retries_error(&err(HttpErrorKind::Timeout), false));
        assert_eq!(RetryPolicy::none().attempts(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn service_codes_in_a_4xx_reply() {
        let reply = |status: u16, body: &'static str| {
            http::Response::builder()
                .status(status)
                .body(bytes::Bytes::from_static(body.as_bytes()))
                .unwrap()
        };
        let throttled = reply(
            400,
            "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>",
        );
        let denied = reply(
            403,
            "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>",
        );
        let default = RetryPolicy::new();
        assert!(!default.retries_response(&throttled));
        let sts = RetryPolicy::new().retry_codes(["Throttling", "IDPCommunicationError"]);
        assert!(sts.retries_response(&throttled));
        assert!(!sts.retries_response(&denied));
        assert!(sts.retries_response(&reply(503, "")));
        let cognito = RetryPolicy::new().retry_codes(["TooManyRequestsException"]);
        assert!(cognito.retries_response(&reply(
            400,
            r#"{"__type": "com.amazonaws.cognito.identity#TooManyRequestsException"}"#
        )));
    }
}
