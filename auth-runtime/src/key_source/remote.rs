//! Key sets fetched over HTTP: a JWKS URL, or OpenID Connect discovery.
//!
//! The request path reads the current key set through an [`ArcSwapOption`] (no lock) and
//! never waits for the network when the token's `kid` is known. A fetch happens:
//! - in a background task, started on first use, every `max-age` of the JWKS response
//!   (clamped to the configured bounds; 5 minutes without one), and sooner after a failure;
//! - when a token names a `kid` the set lacks, at most once per configured interval
//!   (10 s by default) however many requests ask: concurrent requests join the fetch in
//!   flight (single flight), later ones within the interval are answered from the set
//!   as it is.
//!
//! A fetch runs in its own task, so a request that gives up never cancels it for the
//! others. Fail closed: with no key set yet, or with a `kid` the last good set lacks
//! after the latest fetch failed, the answer is [`AuthError::Unavailable`]; while the
//! latest fetch succeeded, a `kid` the provider does not publish gets
//! [`TokenError::UnknownKey`](crate::TokenError) (401). "Down" is thus known from the
//! first failed fetch, and "up again" from the first successful one, each at most one
//! unknown-`kid` interval late (`docs/load-and-fault.md` measures it).

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use serde_json::Value;
use tokio::sync::watch;

use super::error::KeyFetchError;
use super::fetch::{Fetched, Fetcher};
use super::settings::{Locator, Settings};
use crate::algorithm::Algorithm;
use crate::error::AuthError;
use crate::token::keys::{KeySet, Lookup};

/// A key set as fetched, with what tells two fetches apart.
#[derive(Debug)]
pub(crate) struct Snapshot {
    pub(crate) keys: KeySet,
    /// Starts at 1 and grows with every change of the key set.
    pub(crate) generation: u64,
    /// The `keys` members of the document, to see whether a refresh changed anything.
    fingerprint: Vec<Value>,
}

/// A remote key source; clones share the key set, the refresh state and the task.
#[derive(Clone)]
pub(crate) struct RemoteKeys(Arc<Shared>);

impl fmt::Debug for RemoteKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteKeys")
            .field("url", &self.0.fetcher.url().as_str())
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}

struct Shared {
    fetcher: Fetcher,
    settings: Settings,
    current: ArcSwapOption<Snapshot>,
    /// The generation of `current` (0 before the first set), for the cache's cheap check.
    generation: AtomicU64,
    refresh: Mutex<RefreshState>,
    background: AtomicBool,
    /// Called after a new key set replaced the current one (the verifier empties its
    /// cache of tokens the old set verified).
    on_rotate: Option<OnRotate>,
}

/// What a remote key source calls after a rotation.
pub(crate) type OnRotate = Box<dyn Fn() + Send + Sync>;

#[derive(Default)]
struct RefreshState {
    last_attempt: Option<Instant>,
    last_failed: bool,
    /// When the last successful fetch ended, and the `max-age` it was given.
    last_success: Option<(Instant, Option<Duration>)>,
    in_flight: Option<watch::Receiver<Option<Outcome>>>,
}

/// What one fetch gave: the response's `max-age`, or why it failed.
type Outcome = Result<Option<Duration>, KeyFetchError>;

/// Why a fetch is asked for, which decides whether it may be skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// A token names a `kid` the set lacks: at most one fetch per unknown-kid interval.
    UnknownKid,
    /// The background refresh: no fetch while the last good set is fresh.
    Background,
    /// [`RemoteKeys::ready`] before the first set: always.
    Ready,
}

enum Start {
    Join(watch::Receiver<Option<Outcome>>),
    /// The last successful fetch is fresh for this long yet (background refresh only).
    Fresh(Duration),
    /// The last attempt was too recent to try again.
    Throttled {
        failed: bool,
        retry_after: Duration,
    },
    NoRuntime,
}

impl RemoteKeys {
    /// A source that fetches nothing until first used (or [`ready`](Self::ready)).
    ///
    /// `algorithms`: those a key may bind, and whether the application chose them.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (no usable TLS trust store).
    pub(crate) fn new(
        locator: Locator,
        algorithms: (Vec<Algorithm>, bool),
        settings: Settings,
        on_rotate: Option<OnRotate>,
    ) -> Result<Self, String> {
        let fetcher = Fetcher::new(locator, algorithms, &settings)?;
        Ok(Self(Arc::new(Shared {
            fetcher,
            settings,
            current: ArcSwapOption::empty(),
            generation: AtomicU64::new(0),
            refresh: Mutex::default(),
            background: AtomicBool::new(false),
            on_rotate,
        })))
    }

    /// The generation of the current key set (0 before the first).
    pub(crate) fn generation(&self) -> u64 {
        self.0.generation.load(Ordering::Acquire)
    }

    /// The key set to verify a token with `kid` and `alg`, refreshing it first when the
    /// `kid` is unknown (rate-limited, single flight).
    ///
    /// # Errors
    /// [`AuthError::Unavailable`] when no key set was ever obtained, or when the `kid` is
    /// unknown and the provider cannot be reached.
    pub(crate) async fn snapshot_for(&self, kid: Option<&str>, alg: Algorithm) -> Result<Arc<Snapshot>, AuthError> {
        if let Some(snapshot) = self.snapshot_known(kid, alg) {
            return Ok(snapshot);
        }
        match self.0.start(Trigger::UnknownKid) {
            Start::Join(flight) => match wait(flight).await {
                Ok(_) => self.0.current.load_full().ok_or_else(|| self.0.unavailable()),
                Err(_) => Err(self.0.unavailable()),
            },
            // A fetch may have swapped the set since it was loaded above: judge on the
            // newest. (`Fresh` is the background refresh's answer only.)
            Start::Throttled { failed: false, .. } | Start::Fresh(_) => {
                self.0.current.load_full().ok_or_else(|| self.0.unavailable())
            }
            Start::Throttled { retry_after, .. } => Err(AuthError::Unavailable {
                retry_after: at_least_a_second(retry_after),
            }),
            Start::NoRuntime => Err(self.0.unavailable()),
        }
    }

    /// The current key set when it knows `kid` (no fetch needed), else `None`.
    pub(crate) fn snapshot_known(&self, kid: Option<&str>, alg: Algorithm) -> Option<Arc<Snapshot>> {
        self.start_background();
        let current = self.0.current.load_full()?;
        (!matches!(current.keys.select(kid, alg), Lookup::UnknownKid)).then_some(current)
    }

    /// The current set, when a token's `kid` is not in it and the caller will not wait:
    /// starts a refresh (if one is allowed) for later requests, and answers with the set
    /// as it is while the provider counts as up, 503 once the latest fetch failed.
    pub(crate) fn snapshot_at_hand(&self) -> Result<Arc<Snapshot>, AuthError> {
        let _started = self.0.start(Trigger::UnknownKid);
        let failed = self.0.state().last_failed;
        match self.0.current.load_full() {
            Some(snapshot) if !failed => Ok(snapshot),
            _ => Err(self.0.unavailable()),
        }
    }

    /// Fetches the first key set unless there is one, and starts the background refresh.
    pub(crate) async fn ready(&self) -> Result<(), KeyFetchError> {
        self.start_background();
        if self.0.current.load().is_some() {
            return Ok(());
        }
        match self.0.start(Trigger::Ready) {
            Start::Join(flight) => wait(flight).await.map(drop),
            Start::Fresh(_) | Start::Throttled { .. } | Start::NoRuntime => Err(KeyFetchError::NoRuntime),
        }
    }

    /// Spawns the background refresh on the current Tokio runtime, once (again if the
    /// runtime that ran it has shut down). Costs one atomic load when it runs.
    fn start_background(&self) {
        if self.0.background.load(Ordering::Acquire) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.0.background.swap(true, Ordering::AcqRel) {
            return;
        }
        runtime.spawn(background(Arc::downgrade(&self.0)));
    }
}

async fn wait(mut flight: watch::Receiver<Option<Outcome>>) -> Outcome {
    match flight.wait_for(Option::is_some).await {
        Ok(outcome) => outcome.clone().unwrap_or(Err(KeyFetchError::NoRuntime)),
        Err(_) => Err(KeyFetchError::NoRuntime),
    }
}

fn at_least_a_second(d: Duration) -> Duration {
    d.max(Duration::from_secs(1))
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, RefreshState> {
        // Never held across an await; a panic while held cannot leave it inconsistent.
        self.refresh.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How long the key set stays fresh, when the last fetch succeeded and is not yet due
    /// for a refresh.
    fn fresh_for(&self, state: &RefreshState) -> Option<Duration> {
        if state.last_failed {
            return None;
        }
        let (at, max_age) = state.last_success?;
        let remaining = self.settings.next_refresh(max_age).saturating_sub(at.elapsed());
        (!remaining.is_zero()).then_some(remaining)
    }

    /// 503, with the time until a fetch may be tried again.
    fn unavailable(&self) -> AuthError {
        let state = self.state();
        let interval = self.settings.unknown_kid_interval;
        let retry_after = match (&state.in_flight, state.last_attempt) {
            (Some(_), _) => self.settings.timeout,
            (None, Some(at)) => interval.saturating_sub(at.elapsed()),
            (None, None) => interval,
        };
        AuthError::Unavailable {
            retry_after: at_least_a_second(retry_after),
        }
    }

    /// Joins the fetch in flight, or starts one unless `trigger` says it is not needed.
    ///
    /// The decision and the start happen under one lock: a check released before the start
    /// would let a fetch that ends in between be followed by a second, needless one.
    fn start(self: &Arc<Self>, trigger: Trigger) -> Start {
        let mut state = self.state();
        if let Some(flight) = &state.in_flight {
            return Start::Join(flight.clone());
        }
        if trigger == Trigger::Background
            && let Some(remaining) = self.fresh_for(&state)
        {
            return Start::Fresh(remaining);
        }
        if trigger == Trigger::UnknownKid
            && let Some(at) = state.last_attempt
        {
            let since = at.elapsed();
            if since < self.settings.unknown_kid_interval {
                return Start::Throttled {
                    failed: state.last_failed,
                    retry_after: self.settings.unknown_kid_interval - since,
                };
            }
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Start::NoRuntime;
        };
        let (done, flight) = watch::channel(None);
        state.in_flight = Some(flight.clone());
        state.last_attempt = Some(Instant::now());
        drop(state);
        let mut fetch = Flight {
            shared: Arc::clone(self),
            done,
            finished: false,
        };
        runtime.spawn(async move {
            let outcome = fetch.shared.fetch_and_swap().await;
            fetch.finish(outcome);
        });
        Start::Join(flight)
    }

    /// One fetch, bounded by the configured timeout; a new key set replaces the current
    /// one atomically and empties the token cache.
    async fn fetch_and_swap(&self) -> Outcome {
        let timeout = self.settings.timeout;
        let fetched = match tokio::time::timeout(timeout, self.fetcher.fetch()).await {
            Ok(fetched) => fetched,
            Err(_) => Err(KeyFetchError::Request {
                url: self.fetcher.url().to_string(),
                reason: format!("no answer within {timeout:?}"),
            }),
        };
        let Fetched {
            keys,
            fingerprint,
            skipped,
            max_age,
        } = match fetched {
            Ok(fetched) => fetched,
            Err(error) => {
                let known = self.current.load().is_some();
                tracing::warn!(target: "axum_warden", %error, serving_last_good_set = known, "cannot fetch the key set");
                return Err(error);
            }
        };
        let unchanged = self
            .current
            .load()
            .as_ref()
            .is_some_and(|s| s.fingerprint == fingerprint);
        if unchanged {
            tracing::debug!(target: "axum_warden", url = %self.fetcher.url(), "key set unchanged");
            return Ok(max_age);
        }
        for key in &skipped {
            tracing::warn!(target: "axum_warden", url = %self.fetcher.url(), kid = key.kid.as_deref(), reason = key.reason, "skipped a key of the key set");
        }
        let generation = self.generation.load(Ordering::Acquire) + 1;
        let kids: Vec<&str> = keys.kids().collect();
        tracing::info!(target: "axum_warden", url = %self.fetcher.url(), generation, ?kids, "key set updated");
        self.current.store(Some(Arc::new(Snapshot {
            keys,
            generation,
            fingerprint,
        })));
        self.generation.store(generation, Ordering::Release);
        if let Some(on_rotate) = &self.on_rotate {
            on_rotate();
        }
        Ok(max_age)
    }
}

/// The fetch task's side of the single flight: it always reports, even when its runtime
/// drops it half-way.
struct Flight {
    shared: Arc<Shared>,
    done: watch::Sender<Option<Outcome>>,
    finished: bool,
}

impl Flight {
    fn finish(&mut self, outcome: Outcome) {
        self.finished = true;
        {
            let mut state = self.shared.state();
            state.in_flight = None;
            state.last_failed = outcome.is_err();
            if let Ok(max_age) = &outcome {
                state.last_success = Some((Instant::now(), *max_age));
            }
        }
        self.done.send_replace(Some(outcome));
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        if !self.finished {
            self.finish(Err(KeyFetchError::Request {
                url: self.shared.fetcher.url().to_string(),
                reason: "the fetch was cancelled (its runtime shut down)".into(),
            }));
        }
    }
}

// The background refresh: one task per key source, started on first use, that keeps the
// set fresh without a request ever waiting for it.

/// Refreshes every `max-age` (clamped) while the warden lives; retries sooner after a failure.
///
/// Any successful fetch, including one a request with an unknown `kid` started, pushes the
/// next background refresh out: the task never fetches a set that is still fresh.
async fn background(shared: Weak<Shared>) {
    let _running = Running(shared.clone());
    let mut delay = Duration::ZERO;
    let mut failures = 0u32;
    loop {
        tokio::time::sleep(delay).await;
        let Some(strong) = shared.upgrade() else {
            return;
        };
        let outcome = match strong.start(Trigger::Background) {
            Start::Fresh(fresh_for) => {
                delay = fresh_for;
                continue;
            }
            Start::Join(flight) => wait(flight).await,
            Start::Throttled { .. } | Start::NoRuntime => return,
        };
        let settings = &strong.settings;
        delay = match outcome {
            Ok(max_age) => {
                failures = 0;
                settings.next_refresh(max_age)
            }
            Err(_) => {
                // 1×, 2×, 4× … the unknown-kid interval, up to the shortest refresh interval.
                let backoff = settings.unknown_kid_interval.saturating_mul(1 << failures.min(16));
                failures = failures.saturating_add(1);
                backoff.min(settings.refresh_bounds.0.max(settings.unknown_kid_interval))
            }
        };
    }
}

/// Marks the background task as gone when it ends or its runtime drops it.
struct Running(Weak<Shared>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shared) = self.0.upgrade() {
            shared.background.store(false, Ordering::Release);
        }
    }
}
