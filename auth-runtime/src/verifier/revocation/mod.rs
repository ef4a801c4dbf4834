//! Revocation of verified tokens before their `exp`: by token (`jti`), by session (`sid`),
//! or every token of a subject issued up to a time.
//!
//! The request path reads only memory: one atomic load of the current set and a hash
//! lookup per kind that holds any entry, after verification and on every cache hit. The
//! set is an immutable snapshot swapped whole on every change (`arc-swap`), so a reader
//! never waits for a writer; a revocation costs a copy of the set, which suits what a
//! revocation list is (rare writes, reads on every request).
//!
//! A [`Revocations`] is either held by one instance ([`Revocations::in_memory`]) or kept
//! in step with every other instance through Redis (feature `redis`,
//! [`RevocationsBuilder::redis`]): each instance still checks its own in-memory copy,
//! which Redis notifications feed.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use serde_json::Value;

use crate::defaults::{DEFAULT_REVOCATION_RETENTION as DEFAULT_RETENTION, DEFAULT_STALENESS_LIMIT, MAX_LEEWAY};
use crate::error::{AuthError, TokenError};
use crate::identity::Identity;

#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis")]
pub use self::redis::RedisError;

/// How long a token revocation outlives the token's `exp`: the largest clock-skew leeway
/// a warden accepts, so no leeway can let the token back in.
const AFTER_EXPIRY_SECS: u64 = MAX_LEEWAY.as_secs();

/// What a [`Revocation`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationKind {
    /// One token, by its `jti` claim.
    Token,
    /// Every token of a session, by its `sid` claim (OpenID Connect session id).
    Session,
    /// Every token of a subject (`sub`) issued at or before a time; a token without `iat`
    /// cannot show it is newer and counts as issued before.
    Subject,
}

impl RevocationKind {
    /// The name used in logs and in the shared store: `token`, `session`, `subject`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Session => "session",
            Self::Subject => "subject",
        }
    }

    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    fn parse(name: &str) -> Option<Self> {
        match name {
            "token" => Some(Self::Token),
            "session" => Some(Self::Session),
            "subject" => Some(Self::Subject),
            _ => None,
        }
    }
}

/// One thing to stop accepting before it expires: a token, a session or a subject's
/// tokens, optionally of one issuer only.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use axum_warden_runtime::{Revocation, RevocationKind};
///
/// // A token, until shortly after its expiry (it is refused by `exp` from then on).
/// let token = Revocation::token("a4f6-jti", 1_900_000_000);
/// assert_eq!(token.kind(), RevocationKind::Token);
///
/// // Every token of `alice` issued by this issuer up to now.
/// let alice = Revocation::subject("alice").issued_by("https://login.example.com");
/// assert_eq!(alice.issuer(), Some("https://login.example.com"));
///
/// // A session, kept for the revocations' retention (a day by default).
/// let session = Revocation::session("08a5019c-17e1-4977");
/// assert_eq!(session.value(), "08a5019c-17e1-4977");
/// # let _ = (Duration::ZERO, UNIX_EPOCH);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    kind: RevocationKind,
    value: String,
    issuer: Option<String>,
    /// For subjects: tokens issued at or before this time (seconds since the epoch).
    before: u64,
    /// When the entry may be forgotten; `None` until the store resolves it with its
    /// retention.
    until: Option<u64>,
}

impl Revocation {
    /// The token whose `jti` claim is `jti`, which expires at `expires_at` (its `exp`,
    /// seconds since the Unix epoch): the entry is kept ten minutes beyond, the largest
    /// leeway a warden accepts, and then forgotten, since `exp` refuses the token.
    pub fn token(jti: impl Into<String>, expires_at: u64) -> Self {
        Self {
            kind: RevocationKind::Token,
            value: jti.into(),
            issuer: None,
            before: 0,
            until: Some(expires_at.saturating_add(AFTER_EXPIRY_SECS)),
        }
    }

    /// The token of a verified identity, by its `jti` and `exp`; `None` when the token
    /// carries no string `jti` (then revoke its session or its subject).
    #[must_use]
    pub fn of_identity(identity: &Identity) -> Option<Self> {
        let jti = identity.claim("jti")?.as_str()?;
        let mut revocation = Self::token(jti, identity.expires_at().unwrap_or_else(unix_now));
        revocation.issuer = identity.issuer().map(str::to_owned);
        Some(revocation)
    }

    /// Every token whose `sid` claim is `sid`, for the retention of the store that records
    /// it ([`RevocationsBuilder::retention`]).
    pub fn session(sid: impl Into<String>) -> Self {
        Self {
            kind: RevocationKind::Session,
            value: sid.into(),
            issuer: None,
            before: 0,
            until: None,
        }
    }

    /// Every token of the subject `sub` issued up to now (logout everywhere, an account
    /// disabled), for the retention of the store that records it.
    pub fn subject(sub: impl Into<String>) -> Self {
        Self::subject_before(sub, SystemTime::now())
    }

    /// Every token of `sub` issued at or before `time`.
    pub fn subject_before(sub: impl Into<String>, time: SystemTime) -> Self {
        Self {
            kind: RevocationKind::Subject,
            value: sub.into(),
            issuer: None,
            before: time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            until: None,
        }
    }

    /// Limits the revocation to tokens whose `iss` is `issuer`. Without it, a token of any
    /// trusted issuer with the same `jti`, `sid` or `sub` is refused, which with several
    /// issuers may refuse more than meant, never less.
    #[must_use]
    pub fn issued_by(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Keeps the entry until `time` instead of the default (the token's expiry for a
    /// token, the store's retention otherwise).
    #[must_use]
    pub fn until(mut self, time: SystemTime) -> Self {
        self.until = Some(time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
        self
    }

    /// What the revocation names.
    #[must_use]
    pub fn kind(&self) -> RevocationKind {
        self.kind
    }

    /// The `jti`, `sid` or `sub` it names.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The issuer it is limited to, if any.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// This revocation with its retention resolved at `now`.
    fn resolved(mut self, now: u64, retention: u64) -> Self {
        if self.until.is_none() {
            self.until = Some(now.saturating_add(retention));
        }
        self
    }

    fn until_or_zero(&self) -> u64 {
        self.until.unwrap_or(0)
    }

    /// The form the shared store keeps and publishes: a JSON object.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn to_json(&self) -> String {
        serde_json::json!({
            "kind": self.kind.as_str(),
            "value": self.value,
            "issuer": self.issuer,
            "before": self.before,
            "until": self.until_or_zero(),
        })
        .to_string()
    }

    /// Reads [`to_json`](Self::to_json)'s form back; anything else is refused with the
    /// reason, never half read.
    ///
    /// # Errors
    /// Why the text is not a revocation.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn from_json(text: &[u8]) -> Result<Self, &'static str> {
        let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(text) else {
            return Err("not a JSON object");
        };
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .and_then(RevocationKind::parse)
            .ok_or("no known kind")?;
        let value = object.get("value").and_then(Value::as_str).ok_or("no string value")?;
        let issuer = match object.get("issuer") {
            None | Some(Value::Null) => None,
            Some(Value::String(issuer)) => Some(issuer.clone()),
            Some(_) => return Err("an issuer that is not a string"),
        };
        let before = object
            .get("before")
            .and_then(Value::as_u64)
            .ok_or("no numeric before")?;
        let until = object.get("until").and_then(Value::as_u64).ok_or("no numeric until")?;
        Ok(Self {
            kind,
            value: value.to_owned(),
            issuer,
            before,
            until: Some(until),
        })
    }
}

/// Why a revocation could not be recorded everywhere.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RevocationError {
    /// The shared store did not take the revocation. This instance enforces it already,
    /// and writes it to the store again as soon as the store answers; until then other
    /// instances may still accept what it names.
    #[cfg(feature = "redis")]
    #[error("the revocation store did not take the revocation: {0}")]
    Store(#[from] RedisError),
}

/// The revocation list of one or more wardens: what their guards refuse although it
/// verifies, checked in memory on every request.
///
/// Attach it with [`WardenBuilder::revocations`](crate::WardenBuilder::revocations); keep
/// a clone (or reach it through [`Warden::revocations`](crate::Warden::revocations)) to
/// revoke from a logout handler or an admin endpoint.
///
/// ```
/// # tokio_test::block_on(async {
/// use axum_warden::{Algorithm, Revocation, Revocations};
/// use axum_warden::testing::TestIssuer;
///
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let revocations = Revocations::in_memory();
/// let warden = issuer.warden_builder().revocations(revocations.clone()).build()?;
///
/// let token = issuer.token().subject("alice").claim("jti", "t-1".into()).sign();
/// assert!(warden.verify_token(&token).is_ok());
///
/// revocations.revoke(Revocation::token("t-1", u64::MAX)).await?;
/// assert!(warden.verify_token(&token).is_err(), "refused although it verifies");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).expect("the example runs");
/// ```
#[derive(Clone)]
pub struct Revocations(Arc<Shared>);

/// What the clones of one [`Revocations`] share.
pub(crate) struct Shared {
    set: ArcSwap<Set>,
    /// How long session and subject entries are kept, in seconds.
    retention: u64,
    /// Whether the set holds what the shared store holds (always, without one).
    loaded: AtomicBool,
    /// When the connection to the shared store was lost (milliseconds since the epoch); 0
    /// while it is up.
    stale_since: AtomicU64,
    /// How long the set is trusted after the store was lost, in milliseconds.
    staleness_limit: u64,
    #[cfg(feature = "redis")]
    store: Option<redis::Store>,
}

impl fmt::Debug for Revocations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = self.0.set.load();
        f.debug_struct("Revocations")
            .field("entries", &set.len())
            .field("retention_secs", &self.0.retention)
            .field("shared", &self.is_shared())
            .finish_non_exhaustive()
    }
}

impl Revocations {
    /// A revocation list held by this process alone: enough for one instance. Several
    /// instances need the shared store ([`RevocationsBuilder::redis`]), or a revocation
    /// made on one is not seen by the others.
    #[must_use]
    pub fn in_memory() -> Self {
        Self::builder().build_in_memory()
    }

    /// Starts a revocation list with other settings.
    pub fn builder() -> RevocationsBuilder {
        RevocationsBuilder {
            retention: DEFAULT_RETENTION,
            staleness_limit: DEFAULT_STALENESS_LIMIT,
            #[cfg(feature = "redis")]
            redis: None,
            #[cfg(feature = "redis")]
            key_prefix: "warden".to_owned(),
        }
    }

    /// Records a revocation: this instance refuses what it names as soon as this returns
    /// (before, when the store fails), and with the shared store every other instance
    /// within about a second.
    ///
    /// # Errors
    /// [`RevocationError::Store`] when the shared store did not take it (see there).
    pub async fn revoke(&self, revocation: Revocation) -> Result<(), RevocationError> {
        let revocation = revocation.resolved(unix_now(), self.0.retention);
        self.0.apply(std::slice::from_ref(&revocation), unix_now());
        #[cfg(feature = "redis")]
        if let Some(store) = &self.0.store {
            store.publish(&self.0, revocation).await?;
        }
        Ok(())
    }

    /// Whether `identity` is revoked now, as the guard judges it (without the staleness
    /// rule: see [`check`](Self::check)).
    #[must_use]
    pub fn is_revoked(&self, identity: &Identity) -> bool {
        self.0.set.load().revokes(identity, unix_now())
    }

    /// The number of entries held (expired ones are dropped at the next change).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.set.load().len()
    }

    /// Whether no entry is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether revocations are shared with other instances through a store.
    #[must_use]
    pub fn is_shared(&self) -> bool {
        #[cfg(feature = "redis")]
        return self.0.store.is_some();
        #[cfg(not(feature = "redis"))]
        false
    }

    /// Loads the shared store's revocations now and starts following its notifications,
    /// instead of on the first request (which is answered 503 until the load is done).
    /// An in-memory list is always ready.
    ///
    /// # Errors
    /// Why the store could not be loaded within `timeout`; it keeps trying on its own.
    pub async fn ready(&self, timeout: Duration) -> Result<(), RevocationError> {
        #[cfg(feature = "redis")]
        if let Some(store) = &self.0.store {
            return store.ready(&self.0, timeout).await;
        }
        let _ = timeout;
        Ok(())
    }

    /// The guard's check of a verified identity at `now` (seconds since the epoch):
    /// refused when revoked; 503 when the shared store's copy is not loaded yet or has
    /// been out of touch for longer than the staleness limit.
    pub(crate) fn check(&self, identity: &Identity, now: u64) -> Result<(), AuthError> {
        let shared = &*self.0;
        if !shared.loaded.load(Ordering::Acquire) {
            #[cfg(feature = "redis")]
            if let Some(store) = &shared.store {
                store.start(&self.0);
            }
            return Err(unavailable());
        }
        let stale_since = shared.stale_since.load(Ordering::Acquire);
        if stale_since != 0 && unix_millis().saturating_sub(stale_since) >= shared.staleness_limit {
            return Err(unavailable());
        }
        if shared.set.load().revokes(identity, now) {
            return Err(AuthError::InvalidToken(TokenError::Revoked));
        }
        Ok(())
    }
}

/// 503 while the revocation list cannot be trusted; the store is retried every second.
fn unavailable() -> AuthError {
    AuthError::Unavailable {
        retry_after: Duration::from_secs(1),
    }
}

impl Shared {
    /// Adds `revocations` to the set (a new snapshot, expired entries dropped).
    fn apply(&self, revocations: &[Revocation], now: u64) {
        self.set.rcu(|current| {
            let mut next = current.without_expired(now);
            for revocation in revocations {
                next.insert(revocation);
            }
            next
        });
    }
}

/// Settings of a [`Revocations`]; see [`Revocations::builder`].
///
/// ```
/// use std::time::Duration;
/// use axum_warden_runtime::Revocations;
///
/// let revocations = Revocations::builder().retention(Duration::from_secs(8 * 60 * 60)).build()?;
/// assert!(!revocations.is_shared());
/// # Ok::<(), axum_warden_runtime::RevocationError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct RevocationsBuilder {
    retention: Duration,
    staleness_limit: Duration,
    #[cfg(feature = "redis")]
    redis: Option<::redis::Client>,
    #[cfg(feature = "redis")]
    key_prefix: String,
}

impl RevocationsBuilder {
    /// How long session and subject revocations are kept (a day by default): at least
    /// the lifetime of the longest-lived access token, or such a token becomes valid again
    /// when its entry is dropped. Token revocations are kept until the token expires.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// How long an instance keeps enforcing the revocations it knows after it lost the
    /// shared store (30 s by default). After that every guarded request is answered 503
    /// until the store is back and reloaded: a revocation made meanwhile on another
    /// instance cannot be known here, and accepting tokens without knowing would be a
    /// silent allow. At least one second.
    pub fn staleness_limit(mut self, limit: Duration) -> Self {
        self.staleness_limit = limit;
        self
    }

    /// Shares the revocations of every instance through the Redis server at `url`
    /// (`redis://[user:password@]host:port[/db]`, or `rediss://` for TLS when the
    /// `redis` crate's TLS feature is enabled). Nothing connects until the first request
    /// or [`Revocations::ready`].
    ///
    /// # Errors
    /// The URL is not a Redis URL.
    #[cfg(feature = "redis")]
    pub fn redis(mut self, url: &str) -> Result<Self, RedisError> {
        self.redis = Some(::redis::Client::open(url)?);
        Ok(self)
    }

    /// The prefix of the Redis keys and of the notification channel (`warden` by
    /// default): services that share a Redis server but not their revocations use
    /// different prefixes.
    #[cfg(feature = "redis")]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// Finishes the list.
    ///
    /// # Errors
    /// Never for now; a future store may refuse its settings.
    pub fn build(self) -> Result<Revocations, RevocationError> {
        #[cfg(feature = "redis")]
        if let Some(client) = self.redis.clone() {
            let prefix = self.key_prefix.clone();
            let mut revocations = self.build_in_memory();
            let shared = Arc::get_mut(&mut revocations.0).map(|shared| {
                shared.loaded = AtomicBool::new(false);
                shared.store = Some(redis::Store::new(client, &prefix));
            });
            debug_assert!(shared.is_some(), "a new list has one owner");
            return Ok(revocations);
        }
        Ok(self.build_in_memory())
    }

    fn build_in_memory(self) -> Revocations {
        Revocations(Arc::new(Shared {
            set: ArcSwap::default(),
            retention: self.retention.as_secs(),
            loaded: AtomicBool::new(true),
            stale_since: AtomicU64::new(0),
            staleness_limit: u64::try_from(self.staleness_limit.as_millis())
                .unwrap_or(u64::MAX)
                .max(1000),
            #[cfg(feature = "redis")]
            store: None,
        }))
    }
}

/// One snapshot of the revocation list: a map per kind from the named value to its
/// entries (usually one; several when issuers share a value).
#[derive(Default, Clone)]
struct Set {
    tokens: Map,
    sessions: Map,
    subjects: Map,
}

type Map = HashMap<Box<str>, Vec<Entry>, quick_cache::DefaultHashBuilder>;

#[derive(Clone, PartialEq, Eq)]
struct Entry {
    issuer: Option<Box<str>>,
    before: u64,
    until: u64,
}

impl Set {
    fn len(&self) -> usize {
        [&self.tokens, &self.sessions, &self.subjects]
            .iter()
            .map(|map| map.values().map(Vec::len).sum::<usize>())
            .sum()
    }

    fn map_mut(&mut self, kind: RevocationKind) -> &mut Map {
        match kind {
            RevocationKind::Token => &mut self.tokens,
            RevocationKind::Session => &mut self.sessions,
            RevocationKind::Subject => &mut self.subjects,
        }
    }

    fn insert(&mut self, revocation: &Revocation) {
        let entry = Entry {
            issuer: revocation.issuer.as_deref().map(Box::from),
            before: revocation.before,
            until: revocation.until_or_zero(),
        };
        let entries = self
            .map_mut(revocation.kind)
            .entry(revocation.value.as_str().into())
            .or_default();
        // One entry per issuer: the later subject time and the later expiry win, so
        // recording a revocation again never shortens it.
        match entries.iter_mut().find(|held| held.issuer == entry.issuer) {
            Some(held) => {
                held.before = held.before.max(entry.before);
                held.until = held.until.max(entry.until);
            }
            None => entries.push(entry),
        }
    }

    fn without_expired(&self, now: u64) -> Self {
        let keep = |map: &Map| -> Map {
            map.iter()
                .filter_map(|(value, entries)| {
                    let live: Vec<Entry> = entries.iter().filter(|e| e.until > now).cloned().collect();
                    (!live.is_empty()).then(|| (value.clone(), live))
                })
                .collect()
        };
        Self {
            tokens: keep(&self.tokens),
            sessions: keep(&self.sessions),
            subjects: keep(&self.subjects),
        }
    }

    /// Whether an entry live at `now` names `identity`'s token, session or subject.
    fn revokes(&self, identity: &Identity, now: u64) -> bool {
        let issuer = identity.issuer();
        let hit = |map: &Map, value: &str, issued_at: Option<u64>| {
            map.get(value).is_some_and(|entries| {
                entries.iter().any(|entry| {
                    entry.until > now
                        && entry.issuer.as_deref().is_none_or(|wanted| Some(wanted) == issuer)
                        && issued_at.is_none_or(|iat| iat <= entry.before)
                })
            })
        };
        // Each claim is read only when some entry of its kind exists.
        let claim = |name: &str| identity.claim(name).and_then(Value::as_str);
        (!self.tokens.is_empty() && claim("jti").is_some_and(|jti| hit(&self.tokens, jti, None)))
            || (!self.sessions.is_empty() && claim("sid").is_some_and(|sid| hit(&self.sessions, sid, None)))
            || (!self.subjects.is_empty() && {
                // No `iat` (or not a number): the token cannot show it is newer.
                let iat = identity.claim("iat").and_then(Value::as_f64).map_or(0, |iat| {
                    // Finite, non-negative seconds; the cast saturates for absurd values.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let seconds = iat.max(0.0) as u64;
                    seconds
                });
                hit(&self.subjects, identity.subject(), Some(iat))
            })
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests;
