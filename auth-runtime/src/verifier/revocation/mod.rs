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

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::defaults::{DEFAULT_REVOCATION_RETENTION as DEFAULT_RETENTION, DEFAULT_STALENESS_LIMIT};
use crate::error::{AuthError, TokenError};
use crate::identity::Identity;

mod list;
#[cfg(feature = "redis")]
mod redis;

pub(crate) use list::ProofListener;
pub use list::{Revocation, RevocationKind};
use list::{State, Untrusted, unix_now};
#[cfg(feature = "redis")]
pub use redis::RedisError;

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
pub struct Revocations(Arc<Inner>);

/// What the clones of one [`Revocations`] share.
struct Inner {
    state: Arc<State>,
    #[cfg(feature = "redis")]
    store: Option<Arc<redis::Store>>,
}

impl fmt::Debug for Revocations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Revocations")
            .field("entries", &self.len())
            .field("retention_secs", &self.0.state.retention)
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
        // An in-memory list has no store that could refuse its settings.
        Self::builder().build().unwrap_or_else(|error| match error {
            #[cfg(feature = "redis")]
            RevocationError::Store(_) => unreachable!("no store"),
        })
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
        let state = &self.0.state;
        let revocation = revocation.resolved(unix_now(), state.retention);
        state.apply(std::slice::from_ref(&revocation), unix_now());
        #[cfg(feature = "redis")]
        if let Some(store) = &self.0.store {
            store.publish(state, revocation).await?;
        }
        Ok(())
    }

    /// Records several revocations at once: one change of the in-memory set and, with the
    /// shared store, one write to it, whatever their number (a list of accounts disabled,
    /// the sessions of an organisation).
    ///
    /// ```
    /// # tokio_test::block_on(async {
    /// use axum_warden_runtime::{Revocation, Revocations};
    ///
    /// let list = Revocations::in_memory();
    /// list.revoke_all((0..1000).map(|n| Revocation::subject(format!("user-{n}")))).await?;
    /// assert_eq!(list.len(), 1000);
    /// # Ok::<(), axum_warden_runtime::RevocationError>(())
    /// # }).expect("the example runs");
    /// ```
    ///
    /// # Errors
    /// [`RevocationError::Store`] when the shared store did not take them (see there).
    pub async fn revoke_all(&self, revocations: impl IntoIterator<Item = Revocation>) -> Result<(), RevocationError> {
        let state = &self.0.state;
        let now = unix_now();
        let revocations: Vec<Revocation> = revocations
            .into_iter()
            .map(|revocation| revocation.resolved(now, state.retention))
            .collect();
        state.apply(&revocations, now);
        #[cfg(feature = "redis")]
        if let Some(store) = &self.0.store {
            store.publish_all(state, revocations).await?;
        }
        Ok(())
    }

    /// Whether `identity` is revoked now, as the guard judges it (without the staleness
    /// rule, which also answers 503 for a shared list that cannot be trusted).
    #[must_use]
    pub fn is_revoked(&self, identity: &Identity) -> bool {
        self.0.state.set.load().revokes(identity, unix_now())
    }

    /// The number of entries held (expired ones are dropped at the next change).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.state.set.load().len()
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
            return Ok(store.ready(&self.0.state, timeout).await?);
        }
        let _ = timeout;
        Ok(())
    }

    /// The guard's check of a verified identity at `now` (seconds since the epoch):
    /// refused when revoked; 503 when the shared store's copy is not loaded yet or has
    /// been out of touch for longer than the staleness limit.
    pub(crate) fn check(&self, identity: &Identity, now: u64) -> Result<(), AuthError> {
        let state = &*self.0.state;
        let following = match state.trusted() {
            Ok(following) => following,
            Err(Untrusted::NotLoaded | Untrusted::Stale) => {
                self.follow();
                return Err(unavailable());
            }
        };
        if !following {
            // Lost but still trusted: make sure the follower runs (its runtime may have
            // ended, which marks the list lost too).
            self.follow();
        }
        if state.set.load().revokes_cached(identity, now) {
            return Err(AuthError::InvalidToken(TokenError::Revoked));
        }
        Ok(())
    }
}

impl Revocations {
    /// Tells every other instance that a DPoP proof was accepted here, without waiting;
    /// nothing without a shared store.
    pub(crate) fn share_proof(&self, key: &str, until: u64) {
        #[cfg(feature = "redis")]
        if let Some(store) = &self.0.store {
            store.publish_proof(key, until);
        }
        #[cfg(not(feature = "redis"))]
        let _ = (key, until);
    }

    /// Registers `listener` for the proofs other instances accept; nothing without a
    /// shared store.
    pub(crate) fn on_shared_proof(&self, listener: ProofListener) {
        #[cfg(feature = "redis")]
        if let Some(store) = &self.0.store {
            store.listen(listener);
        }
        #[cfg(not(feature = "redis"))]
        let _ = listener;
    }

    /// Starts the shared store's follower if it is not running; nothing for an in-memory
    /// list.
    fn follow(&self) {
        #[cfg(feature = "redis")]
        if let Some(store) = &self.0.store {
            store.start(&self.0.state);
        }
    }
}

/// 503 while the revocation list cannot be trusted; the store is retried every second.
fn unavailable() -> AuthError {
    AuthError::Unavailable {
        retry_after: Duration::from_secs(1),
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
        let retention = self.retention.as_secs();
        let staleness_limit = u64::try_from(self.staleness_limit.as_millis())
            .unwrap_or(u64::MAX)
            .max(1000);
        #[cfg(feature = "redis")]
        if let Some(client) = self.redis {
            return Ok(Revocations(Arc::new(Inner {
                // Nothing is trusted before the first load from the store.
                state: Arc::new(State::new(retention, staleness_limit, false)),
                store: Some(Arc::new(redis::Store::new(client, &self.key_prefix))),
            })));
        }
        Ok(Revocations(Arc::new(Inner {
            state: Arc::new(State::new(retention, staleness_limit, true)),
            #[cfg(feature = "redis")]
            store: None,
        })))
    }
}

#[cfg(test)]
mod tests;
