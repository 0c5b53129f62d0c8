//! The cost of a [`CredentialsCache`] hit, on one thread and on two at once.
//!
//! A hit's future is ready at once, so it is polled once with a no-op waker: the
//! figures are the cache's, not an executor's.
//!
//! - `cache_hit/1_thread`: one thread, one warm cache.
//! - `cache_hit/2_threads`: two threads hitting one cache at once, reported as the time
//!   per call per thread, so that it compares with `1_thread` directly: equal figures
//!   mean hits do not contend.
//! - `cache_hit/2_threads_own_caches`: the control, two threads each hitting a cache of
//!   its own. It shares nothing, so any gap between it and `1_thread` comes from the
//!   machine (a busy or throttled core), not from the cache.
//!
//! ```text
//! cargo bench -p creds-core --bench cache -j2 -- --warm-up-time 1 --measurement-time 3
//! ```

#![allow(missing_docs)] // criterion's macros generate undocumented public functions.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Barrier;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use creds_core::{Credentials, CredentialsCache};
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};

/// A cache holding credentials that expire in twelve hours, read once on this thread.
fn warm_cache() -> CredentialsCache {
    let creds = Credentials::builder()
        .access_key_id("AKIDEXAMPLE")
        .secret_access_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .session_token("IQoJb3JpZ2luX2VjEXAMPLETOKEN")
        .expiration(Timestamp::now() + SignedDuration::from_hours(12))
        .provider_name("bench")
        .build();
    let cache = CredentialsCache::builder().build(creds);
    hit(&cache);
    cache
}

/// One call, polled to completion: a hit is ready on the first poll.
#[inline]
fn hit(cache: &CredentialsCache) -> Credentials {
    match pin!(cache.provide_credentials()).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(creds)) => creds,
        Poll::Ready(Err(error)) => panic!("{error}"),
        Poll::Pending => panic!("a cache hit waited"),
    }
}

/// `iters` hits on each of `threads` threads at once, each on the cache `cache_for`
/// gives it; the slowest thread's time.
fn concurrent_hits(
    cache_for: impl Fn() -> CredentialsCache + Sync,
    threads: usize,
    iters: u64,
) -> Duration {
    let start = Barrier::new(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let cache = &cache_for();
                    // The first call of a thread fills its slot: not measured.
                    hit(cache);
                    start.wait();
                    let began = Instant::now();
                    for _ in 0..iters {
                        black_box(hit(black_box(cache)));
                    }
                    began.elapsed()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("worker panicked"))
            .max()
            .unwrap_or_default()
    })
}

fn cache_hit(c: &mut Criterion) {
    let cache = warm_cache();
    let mut group = c.benchmark_group("cache_hit");
    group.bench_function("1_thread", |b| b.iter(|| hit(black_box(&cache))));
    group.bench_function("2_threads", |b| {
        b.iter_custom(|iters| concurrent_hits(|| cache.clone(), 2, iters))
    });
    group.bench_function("2_threads_own_caches", |b| {
        b.iter_custom(|iters| concurrent_hits(warm_cache, 2, iters))
    });
    group.finish();
}

criterion_group!(benches, cache_hit);
criterion_main!(benches);
