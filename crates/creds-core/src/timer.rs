//! A timer that needs no runtime: one thread, started on first use, that wakes wakers
//! at their instants.
//!
//! The cache's deadline must work under any executor, and under tokio runtimes built
//! without `enable_time` (where `tokio::time` panics), so it cannot borrow the
//! runtime's timer. A deadline is registered only when a fetch has to wait, once per
//! fetch, so one thread and a heap under a mutex are plenty.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::task::Waker;
use std::time::Instant;

struct Timer {
    pending: Mutex<BinaryHeap<Entry>>,
    changed: Condvar,
}

struct Entry {
    at: Instant,
    waker: Waker,
}

// A min-heap on `at`.
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other.at.cmp(&self.at)
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl Eq for Entry {}

static TIMER: OnceLock<Option<&'static Timer>> = OnceLock::new();

/// Wakes `waker` at `at` (or soon after). Nothing cancels it: a waker woken late is
/// polled once for nothing. `false` when the timer thread cannot be started.
pub(crate) fn wake_at(at: Instant, waker: Waker) -> bool {
    let Some(timer) = *TIMER.get_or_init(start) else {
        return false;
    };
    let mut pending = timer.pending.lock().unwrap_or_else(PoisonError::into_inner);
    let earliest = pending.peek().is_none_or(|first| at < first.at);
    pending.push(Entry { at, waker });
    drop(pending);
    if earliest {
        timer.changed.notify_one();
    }
    true
}

fn start() -> Option<&'static Timer> {
    let timer: &'static Timer = Box::leak(Box::new(Timer {
        pending: Mutex::new(BinaryHeap::new()),
        changed: Condvar::new(),
    }));
    let started = std::thread::Builder::new()
        .name("creds-deadlines".to_owned())
        .spawn(move || run(timer));
    match started {
        Ok(_) => Some(timer),
        Err(error) => {
            tracing::warn!(%error, "cannot start the deadline thread: fetches have no deadline");
            None
        }
    }
}

fn run(timer: &'static Timer) -> ! {
    let mut pending = timer.pending.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let now = Instant::now();
        let mut due = Vec::new();
        while pending.peek().is_some_and(|first| first.at <= now) {
            due.extend(pending.pop().map(|entry| entry.waker));
        }
        if !due.is_empty() {
            // Wake without the lock: a woken task may register a new deadline.
            drop(pending);
            due.into_iter().for_each(Waker::wake);
            pending = timer.pending.lock().unwrap_or_else(PoisonError::into_inner);
            continue;
        }
        pending = match pending.peek().map(|first| first.at - now) {
            Some(wait) => {
                timer
                    .changed
                    .wait_timeout(pending, wait)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
            None => timer
                .changed
                .wait(pending)
                .unwrap_or_else(PoisonError::into_inner),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::mpsc;
    use std::task::Wake;
    use std::time::Duration;

    struct Send(Mutex<mpsc::Sender<u32>>, u32);

    impl Wake for Send {
        fn wake(self: Arc<Self>) {
            let _ = self.0.lock().unwrap().send(self.1);
        }
    }

    #[test]
    fn wakers_are_woken_in_the_order_of_their_instants() {
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        for (n, ms) in [(2, 60), (1, 20), (3, 100)] {
            let waker = Waker::from(Arc::new(Send(Mutex::new(tx.clone()), n)));
            assert!(wake_at(start + Duration::from_millis(ms), waker));
        }
        let order: Vec<u32> = (0..3)
            .map(|_| rx.recv_timeout(Duration::from_secs(10)).unwrap())
            .collect();
        assert_eq!(order, [1, 2, 3]);
        assert!(start.elapsed() >= Duration::from_millis(100));
    }
}
