//! [`CredentialsCache`]: lock-free hits, single-flight refresh, advisory and mandatory
//! refresh windows with jitter, stale-on-failure.
//!
//! How it works:
//!
//! - The shared state (the stored credentials, their refresh points, the fetch in
//!   flight) sits behind a mutex that only the slow path takes. Every change to it bumps
//!   an atomic `generation`.
//! - Each thread keeps its own slot (a [`ThreadLocal`] per cache): the generation it
//!   saw, its own deep copy of the credentials (its own reference count, so hits on
//!   several cores do not bounce one cache line) and a deadline, the next instant at
//!   which the shared state must be consulted. A hit loads the generation, compares it
//!   with the slot, compares the clock with the deadline and clones the slot's copy: no
//!   lock, no shared write.
//! - A deadline never lies past the expiration, so a hit never serves expired
//!   credentials.
//! - One fetch at a time: the first caller that needs one registers a flight; others
//!   either keep the current credentials (advisory window) or join the flight and
//!   share its outcome, success or failure. The fetch's future belongs to the flight,
//!   not to a caller: whichever caller is polled drives it ([`flight`]), so a caller
//!   that drops its future cancels nothing, and the last to leave hands the fetch to a
//!   spawned task. A fetch that panics clears its flight; one past the deadline is
//!   dropped and fails (the deadline is kept by a timer thread of its own, so it works
//!   under any executor).

use std::cell::RefCell;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use thread_local::ThreadLocal;
use tokio::runtime::{Handle, RuntimeFlavor};

use self::flight::Flight;

use crate::clock::to_nanos;
use crate::{
    Clock, Credentials, CredentialsError, ProvideCredentials, ProvideFuture, SharedProvider,
};

const DEFAULT_ADVISORY_WINDOW: Duration = Duration::from_secs(5 * 60);
const DEFAULT_MANDATORY_WINDOW: Duration = Duration::from_secs(60);
const DEFAULT_ADVISORY_JITTER: Duration = Duration::from_secs(60);
const DEFAULT_MANDATORY_JITTER: Duration = Duration::from_secs(10);
/// How long one fetch may take, all of it: aws-config's identity cache gives 5 s, which
/// cuts off a role chain or a credential process that asks for an MFA code.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// After a fetch ends, how long the cache waits before it starts another one while it
/// still holds credentials that have not expired. It keeps a failing source from being
/// asked again on every call, and short-lived credentials (shorter than the windows)
/// from being fetched again on every call. With nothing usable cached, callers never
/// wait for it.
const REFRESH_PAUSE: Duration = Duration::from_secs(10);

/// Caches the credentials of any provider, refreshing them before they expire.
///
/// This is what programs put in front of a provider or a chain: the first call fetches,
/// later calls get the cached credentials until they come close to expiring.
///
/// - **Hits are lock-free** and touch nothing shared but one atomic load: each thread
///   keeps its own copy of the credentials, so hits scale across cores.
/// - **Refresh is single-flight:** however many callers arrive, one fetch runs; when it
///   fails, every caller that waited for it gets that failure, without starting fetches
///   of their own.
/// - **Advisory window** (default 5 minutes before expiry): one caller starts a refresh
///   and the others keep the current credentials without waiting. Inside a
///   multi-thread tokio runtime the refresh runs as a spawned task, so even that caller
///   does not wait; elsewhere (a current-thread runtime, which may sit idle, or another
///   executor) it refreshes inline.
/// - **Mandatory window** (default 1 minute before expiry), or nothing cached: callers
///   wait for the refresh.
/// - **Jitter:** each fetch moves its two refresh points earlier by a random amount (up
///   to 60 s and 10 s by default), so that many processes do not refresh in step.
/// - **Short-lived credentials** (a lifetime shorter than the windows) are used for at
///   least half their lifetime before a refresh starts, and three quarters before
///   callers wait, instead of being refetched on every call.
/// - **Deadline** (default 30 seconds): a fetch that takes longer, every source of a
///   chain and every hop of a role chain included, is cancelled, and its callers get
///   an error for which [`is_timeout`](CredentialsError::is_timeout) is true and which
///   names the source that was still running ([`ProvideCredentials::running`]). A
///   caller that stops waiting (drops its future) does not cancel the fetch that
///   others wait for.
/// - **Stale on failure:** a failed refresh keeps serving the credentials while they
///   have not expired, with a warning in the log; credentials past their expiration are
///   never served, the error is returned instead. A provider that returns credentials
///   already expired is an error. After a fetch, the cache waits 10 seconds before it
///   starts another while it holds credentials that have not expired.
/// - Credentials without an expiration are kept until [`invalidate`](Self::invalidate),
///   unless [`expire_after`](CredentialsCacheBuilder::expire_after) gives them one.
///
/// Clones share one cache. Time comes from the [`Clock`] given to the builder, so tests
/// move it by hand:
///
/// ```
/// use std::time::Duration;
/// use creds_core::{Credentials, CredentialsCache, ManualClock, ProvideCredentials};
///
/// let clock = ManualClock::new("2026-01-01T00:00:00Z".parse().unwrap());
/// let source = Credentials::builder()
///     .access_key_id("AKID")
///     .secret_access_key("SECRET")
///     .provider_name("fixed")
///     .build();
/// let cache = CredentialsCache::builder()
///     .clock(clock.clone())
///     .expire_after(Duration::from_secs(15 * 60))
///     .build(source);
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let creds = cache.provide_credentials().await.unwrap();
/// assert_eq!(creds.expiration().unwrap().to_string(), "2026-01-01T00:15:00Z");
/// clock.advance(Duration::from_secs(20 * 60));
/// let creds = cache.provide_credentials().await.unwrap();
/// assert_eq!(creds.expiration().unwrap().to_string(), "2026-01-01T00:35:00Z");
/// # });
/// ```
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

impl CredentialsCache {
    /// Starts a [`CredentialsCacheBuilder`] with the default windows and the system
    /// clock.
    pub fn builder() -> CredentialsCacheBuilder {
        CredentialsCacheBuilder::default()
    }

    /// Forgets the cached credentials: the next call waits for a fetch (one already in
    /// flight counts).
    pub fn invalidate(&self) {
        let mut state = self.inner.lock_state();
        state.current = None;
        self.inner.generation.fetch_add(1, Ordering::Release);
    }
}

impl CredentialsCache {
    /// What the trait's [`provide_credentials`](ProvideCredentials::provide_credentials)
    /// does, without boxing: on a hit the future is ready at once and nothing is
    /// allocated. Callers holding a `CredentialsCache` (not a `dyn ProvideCredentials`)
    /// get this one.
    pub fn provide_credentials(&self) -> CacheFuture<'_> {
        CacheFuture(match self.inner.hit() {
            Some(creds) => FutureState::Ready(Some(creds)),
            None => FutureState::Slow(Box::pin(self.inner.slow_path())),
        })
    }
}

/// The future of [`CredentialsCache::provide_credentials`]: ready at once on a hit.
pub struct CacheFuture<'a>(FutureState<'a>);

enum FutureState<'a> {
    Ready(Option<Credentials>),
    Slow(ProvideFuture<'a>),
}

impl std::future::Future for CacheFuture<'_> {
    type Output = Outcome;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Outcome> {
        match &mut self.0 {
            FutureState::Ready(creds) => std::task::Poll::Ready(Ok(creds
                .take()
                .expect("CacheFuture polled after completion"))),
            FutureState::Slow(future) => future.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for CacheFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.0 {
            FutureState::Ready(_) => "ready",
            FutureState::Slow(_) => "fetching",
        };
        f.debug_tuple("CacheFuture").field(&state).finish()
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        match self.inner.hit() {
            Some(creds) => Box::pin(std::future::ready(Ok(creds))),
            None => Box::pin(self.inner.slow_path()),
        }
    }

    fn name(&self) -> &'static str {
        self.inner.provider.name()
    }

    fn running(&self) -> Option<String> {
        self.inner.provider.running()
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("provider", &self.inner.provider.name())
            .field("windows", &self.inner.windows)
            .field("expire_after", &self.inner.expire_after)
            .field("deadline", &self.inner.deadline)
            .finish_non_exhaustive()
    }
}

/// An extension of a [`ProviderConfig`](crate::ProviderConfig): the deadline of the
/// caches that providers build for themselves from it (each hop of a role chain has
/// one) and of the default chain's, instead of the default 30 seconds. A command line
/// tool that may ask its user for an MFA code sets a long one; see
/// [`CredentialsCacheBuilder::for_config`].
///
/// ```
/// use std::time::Duration;
/// use creds_core::{CredentialsCacheBuilder, FetchDeadline, ProviderConfig};
///
/// let config = ProviderConfig::empty().with_extension(FetchDeadline(Duration::from_secs(600)));
/// let builder = CredentialsCacheBuilder::for_config(&config);
/// # let _ = builder;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchDeadline(pub Duration);

/// Configures and builds a [`CredentialsCache`].
///
/// ```
/// use std::time::Duration;
/// use creds_core::{Credentials, CredentialsCache};
///
/// let cache = CredentialsCache::builder()
///     .advisory_window(Duration::from_secs(10 * 60))
///     .mandatory_window(Duration::from_secs(2 * 60))
///     .advisory_jitter(Duration::ZERO)
///     .build(Credentials::from_keys("AKID", "SECRET", "fixed"));
/// # let _ = cache;
/// ```
#[derive(Clone, Debug)]
pub struct CredentialsCacheBuilder {
    windows: Windows,
    expire_after: Option<Duration>,
    clock: Clock,
    deadline: Duration,
}

impl Default for CredentialsCacheBuilder {
    fn default() -> Self {
        CredentialsCacheBuilder {
            windows: Windows {
                advisory: DEFAULT_ADVISORY_WINDOW,
                mandatory: DEFAULT_MANDATORY_WINDOW,
                advisory_jitter: DEFAULT_ADVISORY_JITTER,
                mandatory_jitter: DEFAULT_MANDATORY_JITTER,
            },
            expire_after: None,
            clock: Clock::system(),
            deadline: DEFAULT_DEADLINE,
        }
    }
}

impl CredentialsCacheBuilder {
    /// The default settings with `config`'s clock and, when it has one, its
    /// [`FetchDeadline`] extension: what a provider uses for the caches it builds
    /// from a config.
    pub fn for_config(config: &crate::ProviderConfig) -> Self {
        let builder = Self::default().clock(config.clock().clone());
        match config.extension::<FetchDeadline>() {
            Some(deadline) => builder.deadline(deadline.0),
            None => builder,
        }
    }

    /// How long before expiry one caller starts a background refresh while the others
    /// keep the current credentials. Default: 5 minutes.
    pub fn advisory_window(mut self, window: Duration) -> Self {
        self.windows.advisory = window;
        self
    }

    /// How long before expiry callers wait for a refresh. Default: 1 minute. The
    /// mandatory window stays inside the advisory one: a refresh point it would put
    /// before the advisory one is moved to it.
    pub fn mandatory_window(mut self, window: Duration) -> Self {
        self.windows.mandatory = window;
        self
    }

    /// Each fetch moves its advisory refresh point earlier by a random amount in
    /// `[0, jitter]`. Default: 60 seconds.
    pub fn advisory_jitter(mut self, jitter: Duration) -> Self {
        self.windows.advisory_jitter = jitter;
        self
    }

    /// Each fetch moves its mandatory refresh point earlier by a random amount in
    /// `[0, jitter]` (never before the advisory one). Default: 10 seconds.
    pub fn mandatory_jitter(mut self, jitter: Duration) -> Self {
        self.windows.mandatory_jitter = jitter;
        self
    }

    /// Credentials that carry no expiration are given one, `after` the time they were
    /// fetched (the JavaScript SDK's `createCredentialChain(...).expireAfter(ms)`).
    /// Without it they are kept until [`CredentialsCache::invalidate`].
    pub fn expire_after(mut self, after: Duration) -> Self {
        self.expire_after = Some(after);
        self
    }

    /// How long a fetch may take in all, every source the provider tries and every hop
    /// of a role chain included (default: 30 seconds). When it passes, the fetch is
    /// cancelled and its callers get an [`Unavailable`](crate::ErrorKind::Unavailable)
    /// error for which [`is_timeout`](CredentialsError::is_timeout) is true, naming
    /// the source that was still running (or the cached credentials, if they have not
    /// expired). `Duration::MAX` means no deadline. It is measured in real time, not on
    /// the [`clock`](Self::clock), and needs no runtime timer.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Where the cache reads the time. Default: the system clock.
    pub fn clock(mut self, clock: impl Into<Clock>) -> Self {
        self.clock = clock.into();
        self
    }

    /// Builds a cache in front of `provider`.
    pub fn build(self, provider: impl ProvideCredentials + 'static) -> CredentialsCache {
        self.build_shared(Arc::new(provider))
    }

    /// Builds a cache in front of a shared provider.
    pub fn build_shared(self, provider: SharedProvider) -> CredentialsCache {
        CredentialsCache {
            inner: Arc::new(Inner {
                provider,
                clock: self.clock,
                windows: self.windows,
                expire_after: self.expire_after,
                deadline: self.deadline,
                generation: AtomicU64::new(1),
                locals: ThreadLocal::new(),
                state: Mutex::new(State {
                    current: None,
                    flight: None,
                    attempts: 0,
                    pause_until: Timestamp::MIN,
                    rng: Rng::seeded(),
                }),
            }),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Windows {
    advisory: Duration,
    mandatory: Duration,
    advisory_jitter: Duration,
    mandatory_jitter: Duration,
}

type Outcome = Result<Credentials, CredentialsError>;

struct Inner {
    provider: SharedProvider,
    clock: Clock,
    windows: Windows,
    expire_after: Option<Duration>,
    deadline: Duration,
    /// Bumped, under the state lock, on every change to the state.
    generation: AtomicU64,
    locals: ThreadLocal<Padded<RefCell<Option<Slot>>>>,
    state: Mutex<State>,
}

/// Keeps each thread's slot on cache lines of its own: a hit writes its slot's borrow
/// flag, and `ThreadLocal` stores the slots of different threads side by side. 128
/// bytes, as crossbeam's `CachePadded`, because x86 prefetches lines in pairs.
#[repr(align(128))]
struct Padded<T>(T);

/// One thread's view of the cache.
struct Slot {
    /// The generation the slot was filled at: any change to the state makes it stale.
    generation: u64,
    /// Which stored credentials `creds` copies ([`Stored::id`]).
    stored: u64,
    /// This thread's own deep copy.
    creds: Credentials,
    /// Until when a hit may serve `creds` without consulting the state, in
    /// [`Clock::now_unix_nanos`] units (cheaper to compare than a `Timestamp`).
    deadline: i64,
}

struct State {
    current: Option<Stored>,
    flight: Option<Arc<Flight>>,
    /// How many fetches were started: identifies each flight.
    attempts: u64,
    /// No refresh starts before this while the current credentials are usable.
    pause_until: Timestamp,
    rng: Rng,
}

struct Stored {
    creds: Credentials,
    /// The generation that stored them.
    id: u64,
    expiry: Option<Timestamp>,
    advisory_at: Timestamp,
    mandatory_at: Timestamp,
}

/// What the slow path decided, under the lock.
enum Step {
    Serve(Credentials),
    /// Wait for the flight (helping to drive it).
    Join(Arc<Flight>),
    /// Serve these and let a spawned task drive the flight.
    ServeAndRefresh(Credentials, Arc<Flight>, Handle),
}

impl Inner {
    /// The lock-free read path.
    #[inline]
    fn hit(&self) -> Option<Credentials> {
        let cell = &self.locals.get()?.0;
        let slot = cell.borrow();
        let slot = slot.as_ref()?;
        if slot.generation != self.generation.load(Ordering::Acquire) {
            return None;
        }
        if self.clock.now_unix_nanos() >= slot.deadline {
            return None;
        }
        Some(slot.creds.clone())
    }

    async fn slow_path(self: &Arc<Self>) -> Outcome {
        match self.step() {
            Step::Serve(creds) => Ok(creds),
            Step::ServeAndRefresh(creds, flight, handle) => {
                let join = flight.driver(self);
                handle.spawn(async move {
                    // The outcome is stored (or logged) by the flight itself.
                    let _ = join.await;
                });
                Ok(creds)
            }
            Step::Join(flight) => {
                let outcome = flight.join(self).await;
                self.settle(outcome)
            }
        }
    }

    fn step(self: &Arc<Self>) -> Step {
        let now = self.clock.now();
        let mut state = self.lock_state();
        let generation = self.generation.load(Ordering::Acquire);
        // A flight past its deadline that nobody finished (its callers gave up and its
        // runtime idles) is replaced, not joined.
        if state.flight.as_ref().is_some_and(|f| f.overdue()) {
            state.flight = None;
        }
        let Some(stored) = state.current.as_ref().filter(|s| s.usable_at(now)) else {
            return match &state.flight {
                Some(flight) => Step::Join(Arc::clone(flight)),
                None => Step::Join(self.start_flight(&mut state)),
            };
        };
        let refresh_at = stored.advisory_at.max(state.pause_until);
        if now < refresh_at {
            return Step::Serve(self.remember(generation, stored, refresh_at));
        }
        let must_wait = now >= stored.mandatory_at;
        match (&state.flight, must_wait) {
            (Some(flight), true) => Step::Join(Arc::clone(flight)),
            (Some(_), false) => Step::Serve(self.remember(generation, stored, stored.mandatory_at)),
            (None, true) => Step::Join(self.start_flight(&mut state)),
            // Only a multi-thread runtime is sure to run a spawned task: a current-thread
            // one may sit idle after this call, and the refresh with it.
            (None, false) => match Handle::try_current() {
                Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
                    let creds = self.remember(generation, stored, stored.mandatory_at);
                    Step::ServeAndRefresh(creds, self.start_flight(&mut state), handle)
                }
                _ => Step::Join(self.start_flight(&mut state)),
            },
        }
    }

    /// Fills this thread's slot (under the state lock, so `generation` matches the
    /// state) and returns its copy.
    fn remember(&self, generation: u64, stored: &Stored, deadline: Timestamp) -> Credentials {
        let deadline = stored
            .expiry
            .map_or(deadline, |expiry| deadline.min(expiry));
        let cell = &self.locals.get_or(|| Padded(RefCell::new(None))).0;
        let mut slot = cell.borrow_mut();
        match slot.as_mut() {
            Some(slot) if slot.stored == stored.id => {
                slot.generation = generation;
                slot.deadline = to_nanos(deadline);
                slot.creds.clone()
            }
            _ => {
                let creds = stored.creds.deep_clone();
                *slot = Some(Slot {
                    generation,
                    stored: stored.id,
                    creds: creds.clone(),
                    deadline: to_nanos(deadline),
                });
                creds
            }
        }
    }

    fn start_flight(self: &Arc<Self>, state: &mut State) -> Arc<Flight> {
        state.attempts += 1;
        let attempt = state.attempts;
        let provider = Arc::clone(&self.provider);
        let name = provider.name();
        let fetch: flight::Fetch = Box::pin(async move {
            tracing::debug!(provider = name, attempt, "fetching credentials");
            provider.provide_credentials().await
        });
        let flight = Flight::new(attempt, fetch, self.deadline);
        state.flight = Some(Arc::clone(&flight));
        flight
    }

    /// Forgets flight `attempt` without an outcome (its fetch panicked, or nobody is
    /// left to drive it), saying `why` in the log.
    fn abandon(&self, attempt: u64, why: &str) {
        let mut state = self.lock_state();
        if state
            .flight
            .take_if(|flight| flight.attempt == attempt)
            .is_some()
        {
            self.generation.fetch_add(1, Ordering::Release);
        }
        drop(state);
        tracing::debug!(
            provider = self.provider.name(),
            attempt,
            "credentials fetch abandoned: {why}"
        );
    }

    /// Stores the outcome of a fetch and hands it to the waiters.
    fn finish(&self, attempt: u64, result: Outcome) -> Outcome {
        let now = self.clock.now();
        let outcome = result.and_then(|creds| self.accept(creds, now));
        let name = self.provider.name();
        let mut state = self.lock_state();
        state.flight.take_if(|flight| flight.attempt == attempt);
        let id = self.generation.fetch_add(1, Ordering::Release) + 1;
        match &outcome {
            Ok(creds) => {
                tracing::debug!(provider = name, attempt, expiration = ?creds.expiration(), "credentials fetched");
                let stored = Stored::new(creds.clone(), id, now, self.windows, &mut state.rng);
                state.current = Some(stored);
            }
            Err(error) => match state.current.as_ref().filter(|s| s.usable_at(now)) {
                Some(stored) => tracing::warn!(
                    provider = name,
                    %error,
                    expiration = ?stored.expiry,
                    "refreshing credentials failed; serving the cached credentials until they expire"
                ),
                None => {
                    tracing::debug!(provider = name, attempt, %error, "fetching credentials failed")
                }
            },
        }
        state.pause_until = later(now, REFRESH_PAUSE);
        drop(state);
        outcome
    }

    /// Checks what a provider returned and applies `expire_after`.
    fn accept(&self, creds: Credentials, now: Timestamp) -> Outcome {
        let creds = match (creds.expiration(), self.expire_after) {
            (None, Some(after)) => creds.to_builder().expiration(later(now, after)).build(),
            _ => creds,
        };
        match creds.expiration() {
            Some(expiration) if expiration <= now => Err(CredentialsError::unavailable(
                self.provider.name(),
                format!(
                    "returned credentials that expired at {expiration}, not after the current \
                     time {now}; check the system clock and the source of the credentials"
                ),
            )),
            _ => Ok(creds),
        }
    }

    /// What a caller gets from a finished fetch: on failure, the cached credentials
    /// while they have not expired, else the error.
    fn settle(&self, outcome: Outcome) -> Outcome {
        let error = match outcome {
            Ok(creds) => return Ok(creds),
            Err(error) => error,
        };
        let now = self.clock.now();
        let state = self.lock_state();
        match state.current.as_ref().filter(|s| s.usable_at(now)) {
            Some(stored) => Ok(stored.creds.clone()),
            None => Err(error),
        }
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Stored {
    /// `now` is when the credentials were stored: short-lived credentials (a lifetime
    /// shorter than the windows) get windows scaled to their lifetime, so that they are
    /// used for at least half of it before a refresh starts and three quarters of it
    /// before callers wait, instead of being refetched at once.
    fn new(creds: Credentials, id: u64, now: Timestamp, windows: Windows, rng: &mut Rng) -> Self {
        let expiry = creds.expiration();
        let (advisory_at, mandatory_at) = match expiry {
            Some(expiry) => {
                let advisory_at = earlier(
                    expiry,
                    windows
                        .advisory
                        .saturating_add(rng.up_to(windows.advisory_jitter)),
                );
                let mandatory_at = earlier(
                    expiry,
                    windows
                        .mandatory
                        .saturating_add(rng.up_to(windows.mandatory_jitter)),
                );
                let lifetime = expiry.duration_since(now);
                let advisory_at = advisory_at.max(now.checked_add(lifetime / 2).unwrap_or(expiry));
                let mandatory_at =
                    mandatory_at.max(now.checked_add(lifetime * 3 / 4).unwrap_or(expiry));
                (advisory_at, mandatory_at.max(advisory_at))
            }
            None => (Timestamp::MAX, Timestamp::MAX),
        };
        Stored {
            creds,
            id,
            expiry,
            advisory_at,
            mandatory_at,
        }
    }

    fn usable_at(&self, now: Timestamp) -> bool {
        self.expiry.is_none_or(|expiry| now < expiry)
    }
}

/// xorshift64*, seeded from the standard library's random hasher keys: enough to
/// spread refresh points, without a dependency.
struct Rng(u64);

impl Rng {
    fn seeded() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(0x9e37_79b9_7f4a_7c15);
        Rng(hasher.finish() | 1)
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A random duration in `[0, max]`, to the nanosecond.
    fn up_to(&mut self, max: Duration) -> Duration {
        let max = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        let nanos = match max {
            0 => 0,
            u64::MAX => self.next_u64(),
            max => self.next_u64() % (max + 1),
        };
        Duration::from_nanos(nanos)
    }
}

fn earlier(time: Timestamp, by: Duration) -> Timestamp {
    SignedDuration::try_from(by)
        .ok()
        .and_then(|by| time.checked_sub(by).ok())
        .unwrap_or(Timestamp::MIN)
}

fn later(time: Timestamp, by: Duration) -> Timestamp {
    SignedDuration::try_from(by)
        .ok()
        .and_then(|by| time.checked_add(by).ok())
        .unwrap_or(Timestamp::MAX)
}

mod flight;
#[cfg(test)]
mod tests;
