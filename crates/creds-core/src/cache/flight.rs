//! [`Flight`]: the one fetch in flight, driven by whichever caller polls it.
//!
//! The fetch's future lives in the flight, not in any caller: every caller that waits
//! for it holds a [`Join`], and the one being polled polls the fetch with a waker that
//! wakes them all. A caller that drops its `Join` leaves the fetch to the others; the
//! last one to leave hands it to a spawned task when a tokio runtime is there (else
//! the next caller picks it up). So however callers come and go, the fetch runs once
//! and finishes once, and its deadline is kept by the [`timer`](crate::timer), which
//! needs no runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use super::{Inner, Outcome};
use crate::CredentialsError;

/// The provider's fetch, owned by the flight.
pub(super) type Fetch = Pin<Box<dyn Future<Output = Outcome> + Send>>;

pub(super) struct Flight {
    pub(super) attempt: u64,
    /// When the fetch is given up, if ever.
    deadline: Option<(Instant, Duration)>,
    state: Mutex<State>,
}

struct State {
    /// The fetch, while nobody polls it; `None` while a caller polls it and once done.
    fetch: Option<Fetch>,
    /// What every caller gets, once the fetch finished.
    done: Option<Outcome>,
    /// The wakers of the callers waiting, by caller id.
    wakers: Vec<(u64, Waker)>,
    next_id: u64,
    /// Bumped by every wake of the fetch's waker: a caller that polled the fetch wakes
    /// the others again if a wake came while it held the fetch, so none misses one.
    wakes: u64,
    deadline_armed: bool,
}

impl Flight {
    pub(super) fn new(attempt: u64, fetch: Fetch, deadline: Duration) -> Arc<Self> {
        Arc::new(Flight {
            attempt,
            deadline: Instant::now()
                .checked_add(deadline)
                .map(|at| (at, deadline)),
            state: Mutex::new(State {
                fetch: Some(fetch),
                done: None,
                wakers: Vec::new(),
                next_id: 0,
                wakes: 0,
                deadline_armed: false,
            }),
        })
    }

    /// A handle through which one caller waits for (and helps drive) the fetch.
    pub(super) fn join(self: &Arc<Self>, inner: &Arc<Inner>) -> Join {
        let mut state = self.lock();
        let id = state.next_id;
        state.next_id += 1;
        drop(state);
        Join {
            flight: Arc::clone(self),
            inner: Arc::clone(inner),
            id,
            hands_off: true,
        }
    }

    /// A handle for a spawned task that drives the fetch: when it is dropped it hands
    /// the fetch to nobody (see [`Join`]).
    pub(super) fn driver(self: &Arc<Self>, inner: &Arc<Inner>) -> Join {
        let mut join = self.join(inner);
        join.hands_off = false;
        join
    }

    /// Whether the deadline has passed: a flight nobody finished in time, which a new
    /// caller replaces instead of joining.
    pub(super) fn overdue(&self) -> bool {
        self.deadline.is_some_and(|(at, _)| Instant::now() >= at)
    }

    /// How many callers wait (for tests).
    #[cfg(test)]
    pub(super) fn waiters(&self) -> usize {
        self.lock().wakers.len()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wake_all(&self) {
        let mut state = self.lock();
        state.wakes += 1;
        let wakers: Vec<Waker> = state.wakers.iter().map(|(_, w)| w.clone()).collect();
        drop(state);
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Stores the outcome for everyone and wakes them.
    fn complete(&self, outcome: &Outcome) {
        let mut state = self.lock();
        state.done = Some(outcome.clone());
        state.fetch = None;
        let wakers = std::mem::take(&mut state.wakers);
        drop(state);
        wakers.into_iter().for_each(|(_, waker)| waker.wake());
    }
}

/// The waker the fetch is polled with: it wakes every waiting caller.
struct FetchWaker(Weak<Flight>);

impl Wake for FetchWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(flight) = self.0.upgrade() {
            flight.wake_all();
        }
    }
}

/// One caller's wait for a [`Flight`]. Its output is the fetch's outcome, shared by
/// every caller (the cache's stale-on-failure rule is applied by the caller).
pub(super) struct Join {
    flight: Arc<Flight>,
    inner: Arc<Inner>,
    id: u64,
    /// Whether, as the last caller to leave, it hands the fetch to a spawned task.
    /// That task's own `Join` does not: when it is dropped (its runtime shuts down),
    /// the fetch waits for the next caller instead of being handed on for ever.
    hands_off: bool,
}

impl Future for Join {
    type Output = Outcome;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        let this = self.get_mut();
        let flight = &*this.flight;
        let mut state = flight.lock();
        if let Some(outcome) = &state.done {
            return Poll::Ready(outcome.clone());
        }
        match state.wakers.iter_mut().find(|(id, _)| *id == this.id) {
            Some((_, waker)) => waker.clone_from(cx.waker()),
            None => state.wakers.push((this.id, cx.waker().clone())),
        }
        // Somebody else is polling the fetch: their waker wakes us.
        let Some(mut fetch) = state.fetch.take() else {
            return Poll::Pending;
        };
        let wakes_before = state.wakes;
        drop(state);

        if let Some((at, after)) = flight.deadline {
            if Instant::now() >= at {
                let running = this.inner.provider.running();
                drop(fetch);
                let outcome = this.inner.finish(
                    flight.attempt,
                    Err(deadline_error(&this.inner, after, running)),
                );
                flight.complete(&outcome);
                return Poll::Ready(outcome);
            }
        }

        let waker = Waker::from(Arc::new(FetchWaker(Arc::downgrade(&this.flight))));
        let mut guard = PanicGuard {
            flight: &this.flight,
            inner: &this.inner,
            armed: true,
        };
        let polled = fetch.as_mut().poll(&mut Context::from_waker(&waker));
        guard.armed = false;
        match polled {
            Poll::Ready(result) => {
                drop(fetch);
                let outcome = this.inner.finish(flight.attempt, result);
                flight.complete(&outcome);
                Poll::Ready(outcome)
            }
            Poll::Pending => {
                let mut state = flight.lock();
                state.fetch = Some(fetch);
                let arm = !state.deadline_armed;
                state.deadline_armed = true;
                let missed = state.wakes != wakes_before;
                drop(state);
                if arm {
                    if let Some((at, _)) = flight.deadline {
                        crate::timer::wake_at(at, waker);
                    }
                }
                if missed {
                    flight.wake_all();
                }
                Poll::Pending
            }
        }
    }
}

impl Drop for Join {
    fn drop(&mut self) {
        let flight = &*self.flight;
        let mut state = flight.lock();
        state.wakers.retain(|(id, _)| *id != self.id);
        if state.done.is_some() || state.fetch.is_none() {
            return;
        }
        if !state.wakers.is_empty() {
            // This caller may have been the one woken to poll next: wake the others.
            drop(state);
            flight.wake_all();
            return;
        }
        // The last caller left. A task finishes the fetch, so that its result is
        // stored and whatever it holds (a child process, a connection) is not left half
        // done. Without a runtime to spawn it on, or when that task itself is dropped
        // (its runtime shuts down), nobody can drive the fetch: it is dropped, and the
        // next caller starts a new one rather than resume a future whose timers and
        // connections belonged to a runtime that is gone.
        let handle = match tokio::runtime::Handle::try_current() {
            Ok(handle) if self.hands_off => handle,
            _ => {
                let fetch = state.fetch.take();
                drop(state);
                drop(fetch);
                self.inner
                    .abandon(self.flight.attempt, "no caller is left to finish it");
                let error = CredentialsError::unavailable(
                    self.inner.provider.name(),
                    "the fetch was dropped: no caller was left to finish it",
                );
                self.flight.complete(&Err(error));
                return;
            }
        };
        drop(state);
        let join = self.flight.driver(&self.inner);
        handle.spawn(async move {
            let _ = join.await;
        });
    }
}

/// Clears a flight whose fetch panicked while polled, so that the cache is not stuck
/// with a fetch that nobody can finish.
struct PanicGuard<'a> {
    flight: &'a Arc<Flight>,
    inner: &'a Arc<Inner>,
    armed: bool,
}

impl Drop for PanicGuard<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        self.inner
            .abandon(self.flight.attempt, "the provider panicked");
        let error = CredentialsError::unavailable(
            self.inner.provider.name(),
            "the provider panicked while fetching credentials",
        );
        self.flight.complete(&Err(error));
    }
}

fn deadline_error(inner: &Inner, after: Duration, running: Option<String>) -> CredentialsError {
    let name = inner.provider.name();
    let running = running.unwrap_or_else(|| name.to_owned());
    CredentialsError::timed_out(
        name,
        format!(
            "no credentials within the deadline of {after:?}: {running} was still running; \
             check that it can reach its endpoint, or give the cache a longer deadline"
        ),
        after,
    )
}
