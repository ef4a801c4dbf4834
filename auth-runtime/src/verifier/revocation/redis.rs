//! The revocation list shared through Redis.
//!
//! Redis holds one key per revocation, `<prefix>:rev:<kind>:<issuer length>:<issuer>:<value>`
//! (lengths make the name unambiguous whatever the values hold), whose value is the
//! revocation as JSON and which expires with it (`SET … EXAT`), so Redis never keeps an
//! entry longer than it matters. Every revocation is also published on the channel
//! `<prefix>:revocations`, in the same atomic pipeline.
//!
//! Accepted DPoP proofs are published on `<prefix>:dpop-proofs` (`<until> <key>`, no key
//! stored): every instance adds them to its replay cache, so a proof replayed to another
//! instance is refused there too, once the message has arrived (milliseconds).
//!
//! Each instance runs one task that subscribes to the channels, then loads every key
//! (`SCAN` + `MGET`) into its in-memory set, and from then on adds each published
//! revocation. Subscribing before loading means nothing published in between is missed;
//! revocations are never withdrawn, so a load only adds to what the instance knows and a
//! late or repeated message changes nothing. When the connection drops, the instance
//! records when, keeps enforcing its set, reconnects, writes the revocations Redis did not
//! take, and loads again. The guard answers 503 once the connection has been lost for
//! longer than the staleness limit, and before the first load.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use futures_util::StreamExt as _;
use redis::aio::MultiplexedConnection;
use tokio::sync::watch;

use super::list::{ProofListener, Revocation, State, unix_now};

/// How long one connection attempt or one command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);
/// How often a live subscription is pinged, so that a connection that died without a word
/// (a partition, a host gone) is noticed within a second or two.
const PING_INTERVAL: Duration = Duration::from_secs(1);
/// Waits between reconnection attempts: the first, then doubling up to the last.
const RECONNECT_DELAYS: (Duration, Duration) = (Duration::from_millis(100), Duration::from_secs(1));
/// The longest a key is kept in Redis: a century.
const MAX_KEY_LIFETIME_SECS: u64 = 100 * 365 * 24 * 60 * 60;
/// Keys asked for per `SCAN` step and per `MGET`.
const LOAD_BATCH: usize = 1000;

/// Why Redis did not take or give the revocations.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RedisError {
    /// Redis did not answer in time.
    #[error("Redis did not answer within {0:?}")]
    Timeout(Duration),
    /// Redis answered with an error, or the connection failed.
    #[error("{0}")]
    Redis(Arc<redis::RedisError>),
    /// The subscription to the revocation channel ended: the connection closed.
    #[error("the subscription to the revocation channel ended")]
    Closed,
    /// The revocation list was not loaded within the time [`ready`](super::Revocations::ready) allowed.
    #[error("the revocations were not loaded from Redis within {0:?}")]
    NotLoaded(Duration),
}

impl From<redis::RedisError> for RedisError {
    fn from(error: redis::RedisError) -> Self {
        Self::Redis(Arc::new(error))
    }
}

/// The Redis half of a shared [`Revocations`](super::Revocations).
pub(crate) struct Store {
    client: redis::Client,
    /// `<prefix>:rev:`, the start of every key.
    keys: String,
    /// `<prefix>:revocations`.
    channel: String,
    /// `<prefix>:dpop-proofs`.
    proof_channel: String,
    /// What is told of every DPoP proof another instance accepted.
    proof_listeners: Mutex<Vec<ProofListener>>,
    /// Whether the follower task runs.
    running: std::sync::atomic::AtomicBool,
    /// Set when the first full load is done.
    loaded: watch::Sender<bool>,
    /// Revocations Redis did not take, written again on the next connection.
    pending: Mutex<Vec<Revocation>>,
    /// The connection revocations are written through, made on first use.
    writer: tokio::sync::Mutex<Option<MultiplexedConnection>>,
}

impl Store {
    pub(super) fn new(client: redis::Client, prefix: &str) -> Self {
        Self {
            client,
            keys: format!("{prefix}:rev:"),
            channel: format!("{prefix}:revocations"),
            proof_channel: format!("{prefix}:dpop-proofs"),
            proof_listeners: Mutex::new(Vec::new()),
            running: std::sync::atomic::AtomicBool::new(false),
            loaded: watch::channel(false).0,
            pending: Mutex::new(Vec::new()),
            writer: tokio::sync::Mutex::new(None),
        }
    }

    /// The key of one revocation.
    fn key(&self, revocation: &Revocation) -> String {
        let issuer = revocation.issuer().unwrap_or("");
        format!(
            "{}{}:{}:{issuer}:{}",
            self.keys,
            revocation.kind().as_str(),
            issuer.len(),
            revocation.value()
        )
    }

    /// Starts the follower task on the current Tokio runtime, once (again after the
    /// runtime that ran it has shut down). The task holds the state weakly: it ends when
    /// the last clone of the list is dropped.
    pub(super) fn start(self: &Arc<Self>, state: &Arc<State>) {
        if self.running.load(Ordering::Acquire) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        runtime.spawn(follow(Arc::clone(self), Arc::downgrade(state)));
    }

    /// Waits for the first full load, at most `timeout`.
    pub(super) async fn ready(self: &Arc<Self>, state: &Arc<State>, timeout: Duration) -> Result<(), RedisError> {
        self.start(state);
        let mut loaded = self.loaded.subscribe();
        match tokio::time::timeout(timeout, loaded.wait_for(|loaded| *loaded)).await {
            Ok(Ok(_)) => Ok(()),
            _ => Err(RedisError::NotLoaded(timeout)),
        }
    }

    /// Writes and publishes one revocation (already applied to this instance's set); on
    /// failure keeps it for the next connection.
    pub(super) async fn publish(
        self: &Arc<Self>,
        state: &Arc<State>,
        revocation: Revocation,
    ) -> Result<(), RedisError> {
        self.publish_all(state, vec![revocation]).await
    }

    /// [`publish`](Self::publish) for several, in one pipeline.
    pub(super) async fn publish_all(
        self: &Arc<Self>,
        state: &Arc<State>,
        revocations: Vec<Revocation>,
    ) -> Result<(), RedisError> {
        self.start(state);
        let outcome = self.write(&revocations).await;
        if outcome.is_err() {
            self.pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend(revocations);
        }
        outcome
    }

    /// Adds a listener of the proofs other instances accept.
    pub(super) fn listen(&self, listener: ProofListener) {
        self.proof_listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(listener);
    }

    /// Publishes an accepted proof's key without waiting: a task on the current runtime
    /// sends it (nothing outside a runtime). A proof that fails to go out is known to this
    /// instance only, as it would be without the store.
    pub(super) fn publish_proof(self: &Arc<Self>, key: &str, until: u64) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let store = Arc::clone(self);
        let message = format!("{until} {key}");
        runtime.spawn(async move {
            let mut writer = store.writer.lock().await;
            let connection = match writer.as_mut() {
                Some(connection) => connection,
                None => match timed(store.client.get_multiplexed_async_connection()).await {
                    Ok(connection) => writer.insert(connection),
                    Err(_) => return,
                },
            };
            let sent = timed(
                redis::cmd("PUBLISH")
                    .arg(&store.proof_channel)
                    .arg(&message)
                    .query_async::<()>(connection),
            )
            .await;
            if sent.is_err() {
                *writer = None;
            }
        });
    }

    /// Tells the listeners of a proof another instance published.
    fn proof_published(&self, payload: &[u8]) {
        let Some((until, key)) = std::str::from_utf8(payload).ok().and_then(|text| text.split_once(' ')) else {
            return;
        };
        let Ok(until) = until.parse::<u64>() else {
            return;
        };
        for listener in self
            .proof_listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            listener(key, until);
        }
    }

    /// Writes and publishes `revocations` in one atomic pipeline through the writer
    /// connection (made, or made again after a failure, here).
    async fn write(&self, revocations: &[Revocation]) -> Result<(), RedisError> {
        let now = unix_now();
        let mut pipe = redis::pipe();
        pipe.atomic();
        for revocation in revocations {
            let until = revocation.until_or_zero();
            if until <= now {
                continue;
            }
            let json = revocation.to_json();
            // Redis refuses an expiry past what its millisecond clock can hold; a
            // revocation that long is kept for a century instead.
            let until = until.min(now.saturating_add(MAX_KEY_LIFETIME_SECS));
            pipe.cmd("SET")
                .arg(self.key(revocation))
                .arg(&json)
                .arg("EXAT")
                .arg(until)
                .ignore();
            pipe.cmd("PUBLISH").arg(&self.channel).arg(&json).ignore();
        }
        let mut writer = self.writer.lock().await;
        let connection = match writer.as_mut() {
            Some(connection) => connection,
            None => writer.insert(timed(self.client.get_multiplexed_async_connection()).await?),
        };
        let outcome = timed(pipe.query_async::<()>(connection)).await;
        if outcome.is_err() {
            // Made again on the next write: a broken connection must not stay.
            *writer = None;
        }
        outcome
    }

    /// Every revocation Redis holds under the prefix.
    async fn load(&self, connection: &mut MultiplexedConnection) -> Result<Vec<Revocation>, RedisError> {
        let pattern = format!("{}*", escape_glob(&self.keys));
        let mut cursor = 0u64;
        let mut found = Vec::new();
        loop {
            let (next, keys): (u64, Vec<Vec<u8>>) = timed(
                redis::cmd("SCAN")
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(LOAD_BATCH)
                    .query_async(connection),
            )
            .await?;
            for chunk in keys.chunks(LOAD_BATCH) {
                let values: Vec<Option<Vec<u8>>> = timed(redis::cmd("MGET").arg(chunk).query_async(connection)).await?;
                // A key may expire between SCAN and MGET: then it no longer matters.
                for value in values.into_iter().flatten() {
                    match Revocation::from_json(&value) {
                        Ok(revocation) => found.push(revocation),
                        Err(why) => tracing::warn!(why, "a revocation in Redis is not readable; skipped"),
                    }
                }
            }
            if next == 0 {
                return Ok(found);
            }
            cursor = next;
        }
    }
}

/// Follows Redis for one revocation list while it lives: connect, subscribe, catch up,
/// follow; when the connection drops, mark the list stale and start again.
async fn follow(store: Arc<Store>, state: Weak<State>) {
    let _running = Running(Arc::clone(&store), state.clone());
    let mut delay = RECONNECT_DELAYS.0;
    loop {
        let outcome = follow_once(&store, &state).await;
        let Some(strong) = state.upgrade() else {
            return;
        };
        if let Err(error) = &outcome {
            tracing::warn!(%error, "lost the revocation store; enforcing the revocations known so far");
        }
        if strong.is_fresh() {
            // The connection had been up: try again soon, however long earlier outages were.
            delay = RECONNECT_DELAYS.0;
        }
        strong.mark_lost();
        drop(strong);
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(RECONNECT_DELAYS.1);
    }
}

/// One connection's life: returns when it ends (`Ok` only when the list is gone).
async fn follow_once(store: &Store, state: &Weak<State>) -> Result<(), RedisError> {
    let mut pubsub = timed(store.client.get_async_pubsub()).await?;
    timed(pubsub.subscribe(&store.channel)).await?;
    timed(pubsub.subscribe(&store.proof_channel)).await?;
    let (mut sink, mut messages) = pubsub.split();
    let mut connection = timed(store.client.get_multiplexed_async_connection()).await?;
    let pending = std::mem::take(&mut *store.pending.lock().unwrap_or_else(PoisonError::into_inner));
    if !pending.is_empty()
        && let Err(error) = store.write(&pending).await
    {
        store
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(pending);
        return Err(error);
    }
    let loaded = store.load(&mut connection).await?;
    {
        let Some(strong) = state.upgrade() else {
            return Ok(());
        };
        strong.apply(&loaded, unix_now());
        strong.mark_fresh();
        store.loaded.send_replace(true);
        tracing::debug!(revocations = strong.set.load().len(), "revocations loaded from Redis");
    }
    // The first ping one interval from now (an interval's first tick is at once).
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_INTERVAL, PING_INTERVAL);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else {
                    return Err(RedisError::Closed);
                };
                let Some(strong) = state.upgrade() else {
                    return Ok(());
                };
                if message.get_channel_name() == store.proof_channel {
                    store.proof_published(message.get_payload_bytes());
                    continue;
                }
                match Revocation::from_json(message.get_payload_bytes()) {
                    Ok(revocation) => strong.apply(std::slice::from_ref(&revocation), unix_now()),
                    Err(why) => tracing::warn!(why, "a published revocation is not readable; skipped"),
                }
            }
            _ = ping.tick() => {
                if state.strong_count() == 0 {
                    return Ok(());
                }
                // In subscribed mode Redis answers PING with an array, not `PONG`.
                timed(sink.ping::<redis::Value>()).await?;
            }
        }
    }
}

/// Marks the follower as gone when it ends or its runtime drops it, and the list as lost:
/// nothing keeps it current any more, so the staleness limit starts counting (the next
/// request starts a new follower).
struct Running(Arc<Store>, Weak<State>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(state) = self.1.upgrade() {
            state.mark_lost();
        }
        self.0.running.store(false, Ordering::Release);
    }
}

async fn timed<T>(future: impl Future<Output = redis::RedisResult<T>>) -> Result<T, RedisError> {
    match tokio::time::timeout(COMMAND_TIMEOUT, future).await {
        Ok(outcome) => outcome.map_err(RedisError::from),
        Err(_) => Err(RedisError::Timeout(COMMAND_TIMEOUT)),
    }
}

/// `text` with Redis glob characters escaped, for `SCAN … MATCH`.
fn escape_glob(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
