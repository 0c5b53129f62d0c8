//! Tests of [`CredentialsCache`]. Time moves by [`ManualClock`]; concurrency is
//! driven by a provider that blocks until the test releases it, never by sleeping.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};

use tokio::sync::{Semaphore, watch};

use super::*;
use crate::chain::tests::Fails;
use crate::{ErrorKind, ManualClock};

const SECRET: &str = "wJalrXUtnFEMI-K7MDENG-DISTINCTIVE-SECRET";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEDISTINCTIVETOKEN";
const MIN: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
/// Only a guard against hangs: a test that passes never comes near it.
const PATIENCE: Duration = Duration::from_secs(30);

type Respond = Box<dyn Fn(usize) -> Outcome + Send + Sync>;

/// A provider that counts its calls, answers by call number and, when gated, waits
/// for a permit before answering.
struct Fake {
    calls: AtomicUsize,
    started: watch::Sender<usize>,
    gate: Option<Semaphore>,
    respond: Respond,
}

impl fmt::Debug for Fake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fake").finish_non_exhaustive()
    }
}

impl ProvideCredentials for Fake {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            self.started.send_replace(call);
            if let Some(gate) = &self.gate {
                gate.acquire().await.expect("gate open").forget();
            }
            (self.respond)(call)
        })
    }

    fn name(&self) -> &'static str {
        "fake"
    }
}

impl Fake {
    fn new(respond: impl Fn(usize) -> Outcome + Send + Sync + 'static) -> Arc<Self> {
        Arc::new(Fake {
            calls: AtomicUsize::new(0),
            started: watch::Sender::new(0),
            gate: None,
            respond: Box::new(respond),
        })
    }

    fn gated(respond: impl Fn(usize) -> Outcome + Send + Sync + 'static) -> Arc<Self> {
        Arc::new(Fake {
            calls: AtomicUsize::new(0),
            started: watch::Sender::new(0),
            gate: Some(Semaphore::new(0)),
            respond: Box::new(respond),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn release(&self, fetches: usize) {
        self.gate.as_ref().expect("gated").add_permits(fetches);
    }

    async fn started(&self, calls: usize) {
        let mut started = self.started.subscribe();
        tokio::time::timeout(PATIENCE, started.wait_for(|n| *n >= calls))
            .await
            .expect("the fetch never started")
            .expect("sender alive");
    }
}

fn t0() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn at(offset: Duration) -> Timestamp {
    later(t0(), offset)
}

fn creds(akid: &str, expiration: Option<Timestamp>) -> Credentials {
    Credentials::builder()
        .access_key_id(akid)
        .secret_access_key(SECRET)
        .session_token(TOKEN)
        .set_expiration(expiration)
        .provider_name("fake")
        .build()
}

/// `AKID<n>` for fetch n, expiring an hour after t0 plus n hours.
fn hourly(call: usize) -> Outcome {
    let hours = u32::try_from(call).unwrap();
    Ok(creds(&format!("AKID{call}"), Some(at(HOUR * hours))))
}

fn failing(message: &'static str) -> impl Fn(usize) -> Outcome + Send + Sync + 'static {
    move |call| match call {
        1 => hourly(1),
        _ => Err(CredentialsError::unavailable("fake", message)),
    }
}

/// A cache without jitter, on a manual clock at t0.
fn cache_for(fake: &Arc<Fake>) -> (CredentialsCache, ManualClock) {
    let clock = ManualClock::new(t0());
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .advisory_jitter(Duration::ZERO)
        .mandatory_jitter(Duration::ZERO)
        .build_shared(Arc::clone(fake) as SharedProvider);
    (cache, clock)
}

/// Polls a future once, outside any runtime: the call must complete without waiting.
fn now<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the call waited"),
    }
}

fn akid(result: Outcome) -> String {
    result.expect("credentials").access_key_id().to_owned()
}

/// One call, failing the test rather than hanging.
async fn call(cache: &CredentialsCache) -> Outcome {
    tokio::time::timeout(PATIENCE, cache.provide_credentials())
        .await
        .expect("the call never returned")
}

async fn until(mut condition: impl FnMut() -> bool) {
    tokio::time::timeout(PATIENCE, async {
        while !condition() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the condition never held");
}

impl CredentialsCache {
    /// The callers waiting for the flight, the one that polls its fetch included.
    fn waiters(&self) -> usize {
        let state = self.inner.lock_state();
        state.flight.as_ref().map_or(0, |flight| flight.waiters())
    }

    fn in_flight(&self) -> bool {
        self.inner.lock_state().flight.is_some()
    }

    fn refresh_points(&self) -> (Timestamp, Timestamp) {
        let state = self.inner.lock_state();
        let stored = state.current.as_ref().expect("credentials stored");
        (stored.advisory_at, stored.mandatory_at)
    }
}

async fn pile_up(
    cache: &CredentialsCache,
    callers: usize,
) -> Vec<tokio::task::JoinHandle<Outcome>> {
    (0..callers)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.provide_credentials().await })
        })
        .collect()
}

async fn join_all(handles: Vec<tokio::task::JoinHandle<Outcome>>) -> Vec<Outcome> {
    tokio::time::timeout(PATIENCE, async {
        let mut outcomes = Vec::with_capacity(handles.len());
        for handle in handles {
            outcomes.push(handle.await.expect("caller panicked"));
        }
        outcomes
    })
    .await
    .expect("a caller never returned")
}

#[test]
fn hit_returns_cached_credentials_without_fetching() {
    let fake = Fake::new(hourly);
    let (cache, _clock) = cache_for(&fake);
    let first = now(cache.provide_credentials()).unwrap();
    let second = now(cache.provide_credentials()).unwrap();
    let from_clone = now(cache.clone().provide_credentials()).unwrap();
    assert_eq!(first.access_key_id(), "AKID1");
    assert_eq!(first, second);
    assert_eq!(first, from_clone);
    assert_eq!(second.secret_access_key(), SECRET);
    assert_eq!(fake.calls(), 1);
}

#[test]
fn name_is_the_wrapped_providers() {
    let fake = Fake::new(hourly);
    let (cache, _clock) = cache_for(&fake);
    assert_eq!(cache.name(), "fake");
    let debug = format!("{cache:?}");
    assert!(debug.contains("fake"), "{debug}");
    now(cache.provide_credentials()).unwrap();
    assert!(!format!("{cache:?}").contains(SECRET));
}

#[test]
fn hit_takes_no_lock() {
    let fake = Fake::new(hourly);
    let (cache, _clock) = cache_for(&fake);
    now(cache.provide_credentials()).unwrap();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<String>();
    let reader = {
        let cache = cache.clone();
        std::thread::spawn(move || {
            // The slow path fills this thread's slot...
            done_tx
                .send(akid(now(cache.provide_credentials())))
                .unwrap();
            go_rx.recv().unwrap();
            // ...then a hit must complete while the test holds the state lock.
            done_tx
                .send(akid(now(cache.provide_credentials())))
                .unwrap();
        })
    };
    assert_eq!(done_rx.recv().unwrap(), "AKID1");
    let held = cache.inner.lock_state();
    go_tx.send(()).unwrap();
    let hit = done_rx.recv_timeout(PATIENCE);
    drop(held);
    assert_eq!(hit.expect("a hit blocked on the state lock"), "AKID1");
    reader.join().unwrap();
    assert_eq!(fake.calls(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_callers_at_expiry_cause_one_fetch() {
    let fake = Fake::gated(hourly);
    let (cache, clock) = cache_for(&fake);
    fake.release(1);
    assert_eq!(akid(call(&cache).await), "AKID1");

    clock.set(at(HOUR));
    let callers = pile_up(&cache, 1000).await;
    fake.started(2).await;
    // One caller drives the fetch, and all of them wait for it.
    until(|| cache.waiters() == 1000).await;
    fake.release(1);
    for outcome in join_all(callers).await {
        assert_eq!(akid(outcome), "AKID2");
    }
    assert_eq!(fake.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_callers_share_one_failure() {
    let fake = Fake::gated(failing("connection refused"));
    let (cache, clock) = cache_for(&fake);
    fake.release(1);
    call(&cache).await.unwrap();

    clock.set(at(HOUR));
    let callers = pile_up(&cache, 1000).await;
    fake.started(2).await;
    until(|| cache.waiters() == 1000).await;
    fake.release(1);
    for outcome in join_all(callers).await {
        let error = outcome.expect_err("expired credentials were served");
        assert_eq!(error.kind(), ErrorKind::Unavailable);
        assert_eq!(error.message(), "connection refused");
    }
    assert_eq!(fake.calls(), 2);

    // The failure is not cached: the next caller tries again.
    fake.release(1);
    call(&cache).await.unwrap_err();
    assert_eq!(fake.calls(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn advisory_window_refreshes_once_in_the_background() {
    let fake = Fake::gated(hourly);
    let (cache, clock) = cache_for(&fake);
    fake.release(1);
    call(&cache).await.unwrap();

    // Inside the advisory window (5 min), outside the mandatory one (1 min).
    clock.set(earlier(at(HOUR), 4 * MIN));
    for _ in 0..10 {
        // The fetch is blocked: every caller, the one that started it too, returns.
        let outcome = tokio::time::timeout(PATIENCE, cache.provide_credentials()).await;
        assert_eq!(akid(outcome.expect("a caller waited")), "AKID1");
    }
    fake.started(2).await;
    for outcome in join_all(pile_up(&cache, 100).await).await {
        assert_eq!(akid(outcome), "AKID1");
    }
    assert_eq!(fake.calls(), 2);

    fake.release(1);
    until(|| !cache.in_flight()).await;
    assert_eq!(akid(call(&cache).await), "AKID2");
    assert_eq!(fake.calls(), 2);
}

#[test]
fn advisory_window_without_a_runtime_refreshes_inline() {
    let fake = Fake::new(hourly);
    let (cache, clock) = cache_for(&fake);
    now(cache.provide_credentials()).unwrap();
    clock.set(earlier(at(HOUR), 4 * MIN));
    assert_eq!(akid(now(cache.provide_credentials())), "AKID2");
    assert_eq!(akid(now(cache.provide_credentials())), "AKID2");
    assert_eq!(fake.calls(), 2);
}

#[test]
fn advisory_window_in_a_current_thread_runtime_refreshes_inline() {
    // A spawned refresh could wait forever on a current-thread runtime that nobody
    // drives after this call: the caller refreshes itself instead.
    let fake = Fake::new(hourly);
    let (cache, clock) = cache_for(&fake);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(cache.provide_credentials()).unwrap();
    clock.set(earlier(at(HOUR), 4 * MIN));
    let creds = runtime.block_on(cache.provide_credentials()).unwrap();
    assert_eq!(akid(Ok(creds)), "AKID2");
    assert_eq!(fake.calls(), 2);
}

#[test]
fn short_lived_credentials_are_used_for_most_of_their_lifetime() {
    // Two-minute credentials, shorter than the five-minute advisory window: refresh
    // starts at half their lifetime and callers wait from three quarters, instead of
    // every call refetching at once.
    let fake = Fake::new(|call| {
        Ok(creds(
            &format!("AKID{call}"),
            Some(at(2 * MIN * call as u32)),
        ))
    });
    let (cache, clock) = cache_for(&fake);
    now(cache.provide_credentials()).unwrap();
    assert_eq!(cache.refresh_points(), (at(MIN), at(MIN + MIN / 2)));
    clock.set(at(MIN - Duration::from_secs(1)));
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    assert_eq!(fake.calls(), 1);

    // Long-lived credentials keep the configured windows.
    let fake = Fake::new(hourly);
    let (cache, _clock) = cache_for(&fake);
    now(cache.provide_credentials()).unwrap();
    assert_eq!(
        cache.refresh_points(),
        (earlier(at(HOUR), 5 * MIN), earlier(at(HOUR), MIN))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mandatory_window_waits_for_the_refresh() {
    let fake = Fake::gated(hourly);
    let (cache, clock) = cache_for(&fake);
    fake.release(1);
    call(&cache).await.unwrap();

    clock.set(earlier(at(HOUR), 30 * Duration::from_secs(1)));
    let callers = pile_up(&cache, 2).await;
    fake.started(2).await;
    until(|| cache.waiters() == 2).await;
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(callers.iter().all(|caller| !caller.is_finished()));
    fake.release(1);
    for outcome in join_all(callers).await {
        assert_eq!(akid(outcome), "AKID2");
    }
    assert_eq!(fake.calls(), 2);
}

/// Log lines written while `f` runs on this thread (spawned tasks included: the
/// runtime is a current-thread one).
fn logs_of(f: impl FnOnce(&tokio::runtime::Runtime)) -> String {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        f(&runtime);
    });
    String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
}

#[test]
fn failed_refresh_serves_unexpired_credentials_with_a_warning() {
    let fake = Fake::new(failing("connection refused"));
    let (cache, clock) = cache_for(&fake);
    let logs = logs_of(|runtime| {
        runtime.block_on(async {
            call(&cache).await.unwrap();

            // Advisory window: the background refresh fails, the callers keep AKID1.
            clock.set(earlier(at(HOUR), 4 * MIN));
            assert_eq!(akid(call(&cache).await), "AKID1");
            until(|| fake.calls() == 2 && !cache.in_flight()).await;
            assert_eq!(akid(call(&cache).await), "AKID1");

            // Mandatory window: the caller waits for a refresh, which fails, and still
            // gets the credentials, which have 30 seconds left.
            clock.set(earlier(at(HOUR), 30 * Duration::from_secs(1)));
            assert_eq!(akid(call(&cache).await), "AKID1");
            assert_eq!(fake.calls(), 3);

            // Expired: never served.
            clock.set(at(HOUR));
            let error = call(&cache).await.unwrap_err();
            assert_eq!(error.message(), "connection refused");
            assert_eq!(fake.calls(), 4);
        });
    });
    let warnings: Vec<&str> = logs.lines().filter(|line| line.contains("WARN")).collect();
    assert_eq!(warnings.len(), 2, "{logs}");
    for warning in warnings {
        assert!(warning.contains("fake"), "{warning}");
        assert!(warning.contains("connection refused"), "{warning}");
        assert!(
            warning.contains("serving the cached credentials"),
            "{warning}"
        );
    }
    assert!(!logs.contains(SECRET) && !logs.contains(TOKEN), "{logs}");
}

#[test]
fn a_refresh_waits_for_the_pause_after_a_failure() {
    let fake = Fake::new(failing("throttled"));
    let (cache, clock) = cache_for(&fake);
    now(cache.provide_credentials()).unwrap();
    clock.set(earlier(at(HOUR), 4 * MIN));
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    assert_eq!(fake.calls(), 2);
    clock.advance(REFRESH_PAUSE - Duration::from_nanos(1));
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    assert_eq!(fake.calls(), 2);
    clock.advance(Duration::from_nanos(1));
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    assert_eq!(fake.calls(), 3);
}

#[test]
fn expired_credentials_are_never_served() {
    let fake = Fake::new(failing("connection refused"));
    let clock = ManualClock::new(t0());
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .advisory_window(Duration::ZERO)
        .mandatory_window(Duration::ZERO)
        .advisory_jitter(Duration::ZERO)
        .mandatory_jitter(Duration::ZERO)
        .build_shared(Arc::clone(&fake) as SharedProvider);
    now(cache.provide_credentials()).unwrap();
    clock.set(earlier(at(HOUR), Duration::from_nanos(1)));
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    assert_eq!(fake.calls(), 1, "served from this thread's slot");

    clock.set(at(HOUR));
    let error = now(cache.provide_credentials()).unwrap_err();
    assert_eq!(fake.calls(), 2);
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(text.contains("connection refused"), "{text}");
        assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
    }
    clock.advance(HOUR);
    now(cache.provide_credentials()).unwrap_err();
    assert_eq!(fake.calls(), 3);
}

#[test]
fn a_provider_returning_expired_credentials_is_an_error() {
    for expiration in [t0(), earlier(t0(), HOUR)] {
        let fake = Fake::new(move |_| Ok(creds("AKID", Some(expiration))));
        let (cache, _clock) = cache_for(&fake);
        let error = now(cache.provide_credentials()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unavailable);
        assert_eq!(error.provider(), "fake");
        let text = error.to_string();
        assert!(text.contains("expired at"), "{text}");
        assert!(text.contains("clock"), "{text}");
        assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
        // Nothing was cached: the next call asks again.
        now(cache.provide_credentials()).unwrap_err();
        assert_eq!(fake.calls(), 2);
    }
}

#[test]
fn expire_after_gives_credentials_without_expiration_one() {
    let fake = Fake::new(|call| Ok(creds(&format!("AKID{call}"), None)));
    let clock = ManualClock::new(t0());
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .advisory_jitter(Duration::ZERO)
        .mandatory_jitter(Duration::ZERO)
        .expire_after(15 * MIN)
        .build_shared(Arc::clone(&fake) as SharedProvider);
    let first = now(cache.provide_credentials()).unwrap();
    assert_eq!(first.expiration(), Some(at(15 * MIN)));
    assert_eq!(first.secret_access_key(), SECRET);

    clock.set(earlier(at(10 * MIN), Duration::from_nanos(1)));
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    assert_eq!(fake.calls(), 1);
    // The advisory window (5 min) of the given expiration.
    clock.set(at(10 * MIN));
    let second = now(cache.provide_credentials()).unwrap();
    assert_eq!(second.access_key_id(), "AKID2");
    assert_eq!(second.expiration(), Some(at(25 * MIN)));
}

#[test]
fn expire_after_keeps_the_providers_expiration() {
    let fake = Fake::new(hourly);
    let clock = ManualClock::new(t0());
    let cache = CredentialsCache::builder()
        .clock(clock)
        .expire_after(15 * MIN)
        .build_shared(Arc::clone(&fake) as SharedProvider);
    assert_eq!(
        now(cache.provide_credentials()).unwrap().expiration(),
        Some(at(HOUR))
    );
}

#[test]
fn without_expire_after_credentials_without_expiration_are_kept() {
    let fake = Fake::new(|call| Ok(creds(&format!("AKID{call}"), None)));
    let (cache, clock) = cache_for(&fake);
    assert_eq!(now(cache.provide_credentials()).unwrap().expiration(), None);
    clock.advance(10 * 365 * 24 * HOUR);
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    assert_eq!(fake.calls(), 1);
    cache.invalidate();
    assert_eq!(akid(now(cache.provide_credentials())), "AKID2");
}

#[test]
fn invalidate_makes_the_next_call_fetch() {
    let fake = Fake::new(hourly);
    let (cache, _clock) = cache_for(&fake);
    // The second call fills this thread's slot, which invalidate must retire.
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    cache.clone().invalidate();
    assert_eq!(akid(now(cache.provide_credentials())), "AKID2");
    assert_eq!(akid(now(cache.provide_credentials())), "AKID2");
    assert_eq!(fake.calls(), 2);
}

#[test]
fn without_jitter_the_refresh_points_are_exact() {
    let fake = Fake::new(hourly);
    let (cache, clock) = cache_for(&fake);
    now(cache.provide_credentials()).unwrap();
    assert_eq!(
        cache.refresh_points(),
        (earlier(at(HOUR), 5 * MIN), earlier(at(HOUR), MIN))
    );

    clock.set(earlier(at(HOUR), 5 * MIN + Duration::from_nanos(1)));
    assert_eq!(akid(now(cache.provide_credentials())), "AKID1");
    assert_eq!(fake.calls(), 1);
    clock.set(earlier(at(HOUR), 5 * MIN));
    assert_eq!(akid(now(cache.provide_credentials())), "AKID2");
}

#[test]
fn jitter_moves_the_refresh_points_earlier_within_bounds() {
    let fake = Fake::new(|_| Ok(creds("AKID", Some(at(HOUR)))));
    let clock = ManualClock::new(t0());
    let cache = CredentialsCache::builder()
        .clock(clock)
        .advisory_jitter(MIN)
        .mandatory_jitter(10 * Duration::from_secs(1))
        .build_shared(Arc::clone(&fake) as SharedProvider);
    let mut seen = Vec::new();
    for _ in 0..200 {
        cache.invalidate();
        now(cache.provide_credentials()).unwrap();
        let (advisory_at, mandatory_at) = cache.refresh_points();
        let advisory = earlier(at(HOUR), 5 * MIN);
        let mandatory = earlier(at(HOUR), MIN);
        assert!(
            advisory_at <= advisory && advisory_at >= earlier(advisory, MIN),
            "{advisory_at}"
        );
        assert!(
            mandatory_at <= mandatory
                && mandatory_at >= earlier(mandatory, Duration::from_secs(10)),
            "{mandatory_at}"
        );
        seen.push((advisory_at, mandatory_at));
    }
    seen.sort();
    seen.dedup();
    assert!(
        seen.len() > 100,
        "jitter spreads the points: {} distinct",
        seen.len()
    );
}

#[test]
fn the_mandatory_point_never_precedes_the_advisory_one() {
    let fake = Fake::new(|_| Ok(creds("AKID", Some(at(HOUR)))));
    // A mandatory window wider than the advisory one, and jitter that would push the
    // mandatory point before the advisory one.
    for (advisory, mandatory, mandatory_jitter) in [
        (MIN, 5 * MIN, Duration::ZERO),
        (5 * MIN, 5 * MIN - Duration::from_secs(1), MIN),
    ] {
        let cache = CredentialsCache::builder()
            .clock(ManualClock::new(t0()))
            .advisory_window(advisory)
            .mandatory_window(mandatory)
            .advisory_jitter(Duration::ZERO)
            .mandatory_jitter(mandatory_jitter)
            .build_shared(Arc::clone(&fake) as SharedProvider);
        for _ in 0..50 {
            cache.invalidate();
            now(cache.provide_credentials()).unwrap();
            let (advisory_at, mandatory_at) = cache.refresh_points();
            assert_eq!(advisory_at, earlier(at(HOUR), advisory));
            assert!(
                mandatory_at >= advisory_at && mandatory_at < at(HOUR),
                "{mandatory_at}"
            );
        }
    }
}

#[test]
fn random_durations_stay_in_bounds() {
    let mut rng = Rng::seeded();
    assert_eq!(rng.up_to(Duration::ZERO), Duration::ZERO);
    assert!((0..1000).all(|_| rng.up_to(Duration::from_nanos(3)) <= Duration::from_nanos(3)));
    let mut small: Vec<_> = (0..1000)
        .map(|_| rng.up_to(Duration::from_nanos(3)))
        .collect();
    small.sort();
    small.dedup();
    assert_eq!(small.len(), 4, "every value in [0, 3] comes up");
    let _ = rng.up_to(Duration::MAX);
}

/// Threads read during an advisory refresh, so their slots stay good until the
/// mandatory point: only the generation tells them that the refresh landed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hits_on_every_thread_see_a_refresh() {
    const THREADS: usize = 4;
    let fake = Fake::gated(hourly);
    let (cache, clock) = cache_for(&fake);
    fake.release(1);
    call(&cache).await.unwrap();
    clock.set(earlier(at(HOUR), 4 * MIN));
    assert_eq!(akid(call(&cache).await), "AKID1");
    fake.started(2).await;

    let (warmed_tx, warmed_rx) = mpsc::channel();
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (cache, warmed) = (cache.clone(), warmed_tx.clone());
            let (go_tx, go_rx) = mpsc::channel::<()>();
            let thread = std::thread::spawn(move || {
                let before: Vec<_> = (0..3)
                    .map(|_| akid(now(cache.provide_credentials())))
                    .collect();
                warmed.send(()).unwrap();
                go_rx.recv().unwrap();
                let after: Vec<_> = (0..3)
                    .map(|_| akid(now(cache.provide_credentials())))
                    .collect();
                (before, after)
            });
            (thread, go_tx)
        })
        .collect();
    for _ in 0..THREADS {
        warmed_rx
            .recv_timeout(PATIENCE)
            .expect("a thread never read");
    }
    fake.release(1);
    until(|| !cache.in_flight()).await;
    for (thread, go) in threads {
        go.send(()).unwrap();
        let (before, after) = thread.join().unwrap();
        assert_eq!(before, ["AKID1"; 3]);
        assert_eq!(after, ["AKID2"; 3]);
    }
    assert_eq!(fake.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_leaves_does_not_cancel_the_fetch_the_others_wait_for() {
    let fake = Fake::gated(hourly);
    let (cache, _clock) = cache_for(&fake);
    let first = pile_up(&cache, 1).await.remove(0);
    fake.started(1).await;
    let second = pile_up(&cache, 1).await.remove(0);
    until(|| cache.waiters() == 2).await;

    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());
    until(|| cache.waiters() == 1).await;
    fake.release(1);
    let outcome = tokio::time::timeout(PATIENCE, second)
        .await
        .expect("the waiter hung");
    // The same fetch finished: it was not started again.
    assert_eq!(akid(outcome.unwrap()), "AKID1");
    assert_eq!(fake.calls(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_caller_leaves_a_task_finishes_the_fetch() {
    let fake = Fake::gated(hourly);
    let (cache, _clock) = cache_for(&fake);
    let callers = pile_up(&cache, 3).await;
    fake.started(1).await;
    until(|| cache.waiters() == 3).await;
    for caller in callers {
        caller.abort();
        assert!(caller.await.unwrap_err().is_cancelled());
    }
    fake.release(1);
    // The fetch finishes with nobody waiting, and its credentials are stored.
    until(|| !cache.in_flight()).await;
    assert_eq!(akid(call(&cache).await), "AKID1");
    assert_eq!(fake.calls(), 1);
}

#[test]
fn a_runtime_that_shuts_down_with_a_fetch_in_flight_drops_it() {
    // The caller leaves (its task is dropped with the runtime), the fetch is handed to
    // a task, and that task is dropped too: nothing is handed on again, and the fetch
    // is dropped, so that the next caller starts a new one on its own runtime.
    for flavor in ["current", "multi"] {
        let runtime = match flavor {
            "current" => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
            _ => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build(),
        }
        .unwrap();
        let cache = CredentialsCache::builder().build(Hangs);
        let caller = {
            let cache = cache.clone();
            runtime.spawn(async move { cache.provide_credentials().await })
        };
        runtime.block_on(async {
            until(|| cache.waiters() == 1).await;
        });
        caller.abort();
        drop(runtime);
        assert!(!cache.in_flight(), "{flavor}: the fetch was dropped");
    }
    // Without a runtime, a caller that leaves drops the fetch too.
    let fake = Fake::gated(hourly);
    let (cache, _clock) = cache_for(&fake);
    {
        let mut call = std::pin::pin!(cache.provide_credentials());
        assert!(
            call.as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
                .is_pending()
        );
        assert!(cache.in_flight());
    }
    assert!(!cache.in_flight());
    fake.release(1);
    assert_eq!(akid(now(cache.provide_credentials())), "AKID2");
}

#[test]
fn an_overdue_flight_is_replaced_not_joined() {
    let cache = CredentialsCache::builder()
        .deadline(Duration::from_millis(50))
        .build(Hangs);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // A caller polls the fetch once and then stops polling, without leaving.
    let mut first = Box::pin(cache.provide_credentials());
    assert!(
        first
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    );
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(cache.inner.lock_state().attempts, 1);
    // The next caller starts a flight of its own, which fails at its own deadline.
    let err = runtime.block_on(cache.provide_credentials()).unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(cache.inner.lock_state().attempts, 2);
    drop(first);
}

/// A provider that never answers.
#[derive(Debug)]
struct Hangs;

impl ProvideCredentials for Hangs {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::pending())
    }

    fn name(&self) -> &'static str {
        "hangs"
    }
}

#[test]
fn a_fetch_past_its_deadline_fails_naming_the_source_that_was_running() {
    // No timer in this runtime: the deadline needs none.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let chain = crate::CredentialsChain::new()
        .push(Fails(ErrorKind::NotConfigured))
        .push(Hangs);
    let cache = CredentialsCache::builder()
        .deadline(Duration::from_millis(200))
        .build(chain);
    let started = std::time::Instant::now();
    let err = runtime.block_on(cache.provide_credentials()).unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.is_timeout());
    assert_eq!(err.timeout(), Some(Duration::from_millis(200)));
    assert_eq!(err.provider(), "chain");
    assert!(
        err.message()
            .starts_with("no credentials within the deadline of 200ms: hangs was still running"),
        "{err}"
    );
    // The flight is over: the next call starts a new fetch.
    assert!(!cache.in_flight());
}

#[test]
fn past_the_deadline_a_refresh_keeps_the_cached_credentials() {
    let fake = Fake::gated(hourly);
    let clock = ManualClock::new(t0());
    let cache = CredentialsCache::builder()
        .clock(clock.clone())
        .advisory_jitter(Duration::ZERO)
        .mandatory_jitter(Duration::ZERO)
        .deadline(Duration::from_millis(100))
        .build_shared(Arc::clone(&fake) as SharedProvider);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    fake.release(1);
    assert_eq!(akid(runtime.block_on(cache.provide_credentials())), "AKID1");
    // In the mandatory window the refresh hangs: after the deadline the cached
    // credentials, which have not expired, are served.
    clock.set(earlier(at(HOUR), Duration::from_secs(30)));
    assert_eq!(akid(runtime.block_on(cache.provide_credentials())), "AKID1");
    assert_eq!(fake.calls(), 2);
}

#[test]
fn a_panicking_fetch_does_not_wedge_the_cache() {
    let fake = Fake::new(|call| match call {
        1 => panic!("provider bug"),
        _ => hourly(call),
    });
    let (cache, _clock) = cache_for(&fake);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        now(cache.provide_credentials())
    }));
    assert!(panicked.is_err());
    assert!(!cache.in_flight());
    assert_eq!(akid(now(cache.provide_credentials())), "AKID2");
}
