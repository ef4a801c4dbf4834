//! The JWT verification of a [`Warden`](crate::Warden): the verified-token cache first,
//! then the token's header, a key from the key source (fetched when a remote source needs
//! to), the signature and the claim rules. Only successes are cached.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::Algorithm;

use crate::cache::{CacheStats, TokenCache};
use crate::error::AuthError;
use crate::identity::Identity;
use crate::jwt::{self, Parsed, Rules};
use crate::keys::{KeySet, KeySource};
use crate::remote::KeyFetchError;

/// How one warden verifies bearer tokens.
pub(crate) struct JwtVerifier {
    pub(crate) keys: KeySource,
    /// Every algorithm a key may be bound to; a token's `alg` outside is refused first.
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) rules: Rules,
    pub(crate) cache: Option<TokenCache>,
}

impl JwtVerifier {
    /// The identity of a token verified before, if it is still valid now.
    fn cached(&self, token: &str, now: u64) -> Option<Identity> {
        let cache = self.cache.as_ref()?;
        if token.len() > self.rules.max_token_bytes {
            return None;
        }
        cache.get(token, self.keys.generation(), now)
    }

    /// Verifies with the cache, fetching keys when the key source needs to.
    pub(crate) async fn verify(&self, token: &str) -> Result<Identity, AuthError> {
        if let Some(identity) = self.cached(token, unix_now()) {
            return Ok(identity);
        }
        let parsed =
            jwt::parse(token, &self.algorithms, self.rules.max_token_bytes).map_err(AuthError::InvalidToken)?;
        match &self.keys {
            KeySource::Static(set) => self.check(token, &parsed, set, 0),
            KeySource::Remote(remote) => {
                let snapshot = remote
                    .snapshot_for(parsed.header.kid.as_deref(), parsed.header.alg)
                    .await?;
                self.check(token, &parsed, &snapshot.keys, snapshot.generation)
            }
        }
    }

    /// Verifies with the cache and the keys at hand, never waiting for the network.
    pub(crate) fn verify_now(&self, token: &str) -> Result<Identity, AuthError> {
        if let Some(identity) = self.cached(token, unix_now()) {
            return Ok(identity);
        }
        let parsed =
            jwt::parse(token, &self.algorithms, self.rules.max_token_bytes).map_err(AuthError::InvalidToken)?;
        match &self.keys {
            KeySource::Static(set) => self.check(token, &parsed, set, 0),
            KeySource::Remote(remote) => {
                let snapshot = remote.snapshot_now(parsed.header.kid.as_deref(), parsed.header.alg)?;
                self.check(token, &parsed, &snapshot.keys, snapshot.generation)
            }
        }
    }

    /// Checks signature and claims; caches the identity on success (never a failure).
    fn check(&self, token: &str, parsed: &Parsed<'_>, keys: &KeySet, generation: u64) -> Result<Identity, AuthError> {
        let now = unix_now();
        let identity = parsed.verify(keys, &self.rules, now).map_err(AuthError::InvalidToken)?;
        if let Some(cache) = &self.cache {
            cache.insert(token, &identity, generation, now);
        }
        Ok(identity)
    }

    /// Fetches a remote key set now (see [`Warden::ready`](crate::Warden::ready)).
    pub(crate) async fn ready(&self) -> Result<(), KeyFetchError> {
        match &self.keys {
            KeySource::Remote(remote) => remote.ready().await,
            KeySource::Static(_) => Ok(()),
        }
    }

    pub(crate) fn cache_stats(&self) -> CacheStats {
        self.cache.as_ref().map(TokenCache::stats).unwrap_or_default()
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
