//! Static stability: when IMDS fails, or serves credentials that have already expired,
//! the last credentials it served are kept a few minutes longer.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use creds_core::{Credentials, CredentialsError, ErrorKind};
use jiff::{SignedDuration, Timestamp};

/// The shortest extension: five minutes (JS v3's).
pub(crate) const MIN_EXTENSION: Duration = Duration::from_secs(5 * 60);
/// The jitter added to it: up to five more minutes.
pub(crate) const EXTENSION_JITTER: Duration = Duration::from_secs(5 * 60);

/// The last credentials IMDS served.
#[derive(Debug, Default)]
pub(crate) struct Stability {
    last: Mutex<Option<Credentials>>,
}

impl Stability {
    /// What a fetch returns at `now`:
    ///
    /// - credentials that have not expired, as they are (and kept as the last ones);
    /// - credentials that have already expired, with their expiry moved 5 to 10
    ///   minutes past `now`;
    /// - on a failure, when IMDS served credentials before, those, with their expiry
    ///   moved 5 to 10 minutes past `now` (never earlier than it was);
    /// - else the failure. A configuration error is always returned: it is no outage.
    ///
    /// Every extension logs a warning. Nothing is ever made up: only credentials IMDS
    /// served are returned.
    pub(crate) fn settle(
        &self,
        result: Result<Credentials, CredentialsError>,
        now: Timestamp,
    ) -> Result<Credentials, CredentialsError> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let creds = match result {
            Ok(creds) => match creds.expiration() {
                Some(expired) if expired <= now => {
                    let extended = extend(&creds, now);
                    tracing::warn!(
                        %expired,
                        until = %show(&extended),
                        "the instance metadata service served credentials that have already \
                         expired; using them a few more minutes (static stability) and asking \
                         again before then"
                    );
                    extended
                }
                _ => creds,
            },
            Err(error) if error.kind() == ErrorKind::InvalidConfig => return Err(error),
            Err(error) => {
                let Some(previous) = last.as_ref() else {
                    return Err(error);
                };
                let extended = extend(previous, now);
                tracing::warn!(
                    %error,
                    until = %show(&extended),
                    "refreshing credentials from the instance metadata service failed; keeping \
                     the last credentials it served (static stability) and asking again before \
                     they expire"
                );
                extended
            }
        };
        *last = Some(creds.clone());
        Ok(creds)
    }
}

fn show(creds: &Credentials) -> String {
    creds
        .expiration()
        .map_or_else(|| "no expiration".to_owned(), |e| e.to_string())
}

/// `creds` valid until 5 to 10 minutes after `now`, or as they are when they already
/// last longer.
fn extend(creds: &Credentials, now: Timestamp) -> Credentials {
    let until = later(now, MIN_EXTENSION + jitter(EXTENSION_JITTER));
    if creds.expiration().is_some_and(|e| e >= until) {
        return creds.clone();
    }
    creds.to_builder().expiration(until).build()
}

fn later(time: Timestamp, by: Duration) -> Timestamp {
    SignedDuration::try_from(by)
        .ok()
        .and_then(|by| time.checked_add(by).ok())
        .unwrap_or(Timestamp::MAX)
}

/// A random duration in `[0, max]`, to the second, from the standard library's
/// randomly keyed hasher: no random-number crate for a jitter.
fn jitter(max: Duration) -> Duration {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    Duration::from_secs(hasher.finish() % (max.as_secs() + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn creds(expiration: &str) -> Credentials {
        Credentials::builder()
            .access_key_id("ASIA")
            .secret_access_key("S")
            .expiration(at(expiration))
            .provider_name("imds")
            .build()
    }

    fn within_extension(creds: &Credentials, now: Timestamp) {
        let until = creds.expiration().unwrap();
        let lasts = until.duration_since(now);
        assert!(
            lasts >= SignedDuration::from_mins(5) && lasts <= SignedDuration::from_mins(10),
            "{lasts:?}"
        );
    }

    #[test]
    fn fresh_credentials_pass_and_are_kept() {
        let s = Stability::default();
        let now = at("2026-06-01T00:00:00Z");
        let c = s.settle(Ok(creds("2026-06-01T06:00:00Z")), now).unwrap();
        assert_eq!(c.expiration().unwrap(), at("2026-06-01T06:00:00Z"));
        // A failure then serves them; they last long enough as they are.
        let err = CredentialsError::unavailable("imds", "down");
        let c = s.settle(Err(err.clone()), now).unwrap();
        assert_eq!(c.expiration().unwrap(), at("2026-06-01T06:00:00Z"));
        // Later, past their expiry, they are extended from now.
        let later = at("2026-06-01T07:00:00Z");
        let c = s.settle(Err(err), later).unwrap();
        within_extension(&c, later);
        assert_eq!(c.access_key_id(), "ASIA");
    }

    #[test]
    fn expired_credentials_are_extended() {
        let s = Stability::default();
        let now = at("2026-06-01T00:00:00Z");
        let c = s.settle(Ok(creds("2026-05-31T23:00:00Z")), now).unwrap();
        within_extension(&c, now);
    }

    #[test]
    fn nothing_is_invented() {
        let s = Stability::default();
        let now = at("2026-06-01T00:00:00Z");
        let err = CredentialsError::not_configured("imds", "unreachable");
        assert_eq!(
            s.settle(Err(err), now).unwrap_err().kind(),
            ErrorKind::NotConfigured
        );
        s.settle(Ok(creds("2026-06-01T06:00:00Z")), now).unwrap();
        let config = CredentialsError::invalid_config("imds", "bad setting");
        assert_eq!(
            s.settle(Err(config), now).unwrap_err().kind(),
            ErrorKind::InvalidConfig
        );
    }

    #[test]
    fn jitter_varies_within_bounds() {
        let seen: std::collections::HashSet<_> =
            (0..50).map(|_| jitter(EXTENSION_JITTER)).collect();
        assert!(seen.iter().all(|d| *d <= EXTENSION_JITTER));
        assert!(seen.len() > 10, "{}", seen.len());
    }
}
