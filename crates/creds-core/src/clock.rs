//! [`Clock`]: the injectable source of "now", and [`ManualClock`] for tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jiff::Timestamp;

/// Where providers and the cache read the current time.
///
/// [`Clock::system`] reads the system clock; a [`ManualClock`] converts into a `Clock`
/// that tests move by hand, so that expiry and refresh are tested without sleeping.
#[derive(Clone, Debug, Default)]
pub struct Clock(Inner);

#[derive(Clone, Debug, Default)]
enum Inner {
    #[default]
    System,
    Manual(ManualClock),
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(Inner::System)
    }

    /// The current time.
    #[inline]
    pub fn now(&self) -> Timestamp {
        match &self.0 {
            Inner::System => Timestamp::now(),
            Inner::Manual(manual) => manual.now(),
        }
    }

    /// The current time in nanoseconds since the Unix epoch, clamped to `i64` (about
    /// ±292 years). Cheaper than [`now`](Self::now): no calendar type is built, which
    /// is what the cache's hit path needs.
    #[inline]
    pub fn now_unix_nanos(&self) -> i64 {
        match &self.0 {
            Inner::System => match SystemTime::now().duration_since(UNIX_EPOCH) {
                Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
                Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
            },
            Inner::Manual(manual) => manual.nanos.load(Ordering::SeqCst),
        }
    }
}

/// `time` in nanoseconds since the Unix epoch, clamped to `i64` as
/// [`Clock::now_unix_nanos`] is.
pub(crate) fn to_nanos(time: Timestamp) -> i64 {
    i64::try_from(time.as_nanosecond()).unwrap_or(if time.as_nanosecond() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

impl From<ManualClock> for Clock {
    fn from(manual: ManualClock) -> Self {
        Clock(Inner::Manual(manual))
    }
}

/// A clock that only moves when told to. Clones share the same time.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use creds_core::{Clock, ManualClock};
///
/// let manual = ManualClock::new("2026-01-01T00:00:00Z".parse().unwrap());
/// let clock = Clock::from(manual.clone());
/// manual.advance(Duration::from_secs(60));
/// assert_eq!(clock.now().to_string(), "2026-01-01T00:01:00Z");
/// ```
#[derive(Clone, Debug)]
pub struct ManualClock {
    nanos: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            nanos: Arc::new(AtomicI64::new(to_nanos(start))),
        }
    }

    /// The time it shows.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_nanosecond(i128::from(self.nanos.load(Ordering::SeqCst)))
            .expect("a ManualClock only holds valid timestamps")
    }

    /// Sets the time.
    pub fn set(&self, time: Timestamp) {
        self.nanos.store(to_nanos(time), Ordering::SeqCst);
    }

    /// Moves the time forward.
    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_nanos()).unwrap_or(i64::MAX);
        let next = self.nanos.load(Ordering::SeqCst).saturating_add(by);
        self.set(Timestamp::from_nanosecond(i128::from(next)).unwrap_or(Timestamp::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_nanos_agree_with_now() {
        let manual = ManualClock::new("2026-01-01T00:00:00.5Z".parse().unwrap());
        let clock = Clock::from(manual);
        assert_eq!(clock.now_unix_nanos(), to_nanos(clock.now()));
        assert_eq!(clock.now_unix_nanos(), 1_767_225_600_500_000_000);

        let system = Clock::system();
        let before = to_nanos(system.now());
        let nanos = system.now_unix_nanos();
        let after = to_nanos(system.now());
        assert!(before <= nanos && nanos <= after);
    }

    #[test]
    fn far_times_clamp() {
        assert_eq!(to_nanos(Timestamp::MAX), i64::MAX);
        assert_eq!(to_nanos(Timestamp::MIN), i64::MIN);
    }
}
