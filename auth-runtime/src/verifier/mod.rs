//! One verification of a bearer token over a key source: the verified-token cache, the
//! token's header, a key, the signature and the claim rules. Only successes are cached.
//!
//! The request path asks in up to three steps, each saying whether it may wait:
//! [`Verifier::cached`] (a lookup), [`Verifier::verify_now`] (full verification with the
//! keys at hand, never waiting) and, only when that found no key for the token's `kid`,
//! [`Verifier::verify_waiting`] (which may wait for a key fetch).

use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) mod cache;

use cache::{CacheStats, TokenCache};

use crate::algorithm::Algorithm;
use crate::error::AuthError;
use crate::identity::Identity;
use crate::key_source::{KeyFetchError, KeySource, Keys, UnknownKid};
use crate::token::claims::{self, Rules};
use crate::token::jws::{self, Parsed};

/// How one warden verifies bearer tokens.
pub(crate) struct Verifier {
    keys: KeySource,
    /// Every algorithm a key may be bound to; a token's `alg` outside is refused first.
    algorithms: Vec<Algorithm>,
    rules: Rules,
    cache: Option<TokenCache>,
}

impl Verifier {
    pub(crate) fn new(keys: KeySource, algorithms: Vec<Algorithm>, rules: Rules, cache: Option<TokenCache>) -> Self {
        Self {
            keys,
            algorithms,
            rules,
            cache,
        }
    }

    pub(crate) fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// Whether the keys are fetched over HTTP.
    pub(crate) fn has_remote_keys(&self) -> bool {
        match self.keys {
            KeySource::Static(_) => false,
            #[cfg(feature = "remote-keys")]
            KeySource::Remote(_) => true,
        }
    }

    pub(crate) fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The identity of a token verified before, if it is still valid now. Only tokens
    /// that passed every check are cached, so a hit needs no other.
    pub(crate) fn cached(&self, token: &str) -> Option<Identity> {
        let cache = self.cache.as_ref()?;
        if token.len() > self.rules.max_token_bytes {
            return None;
        }
        cache.get(token, self.keys.generation(), unix_now())
    }

    /// Full verification with the keys at hand, never waiting for the network (the cache
    /// is not consulted: see [`cached`](Self::cached)).
    ///
    /// `None` only with [`UnknownKid::Defer`], when a remote key set lacks the token's
    /// `kid`: then [`verify_waiting`](Self::verify_waiting) goes on.
    pub(crate) fn verify_now(&self, token: &str, unknown: UnknownKid) -> Option<Result<Identity, AuthError>> {
        let parsed = match self.parse(token) {
            Ok(parsed) => parsed,
            Err(error) => return Some(Err(error)),
        };
        Some(
            match self
                .keys
                .keys_now(parsed.header.kid.as_deref(), parsed.header.alg, unknown)?
            {
                Ok(keys) => self.check(token, &parsed, &keys),
                Err(error) => Err(error),
            },
        )
    }

    /// Full verification that may wait for a key fetch (bounded by the fetch timeout),
    /// after [`verify_now`](Self::verify_now) answered `None`.
    pub(crate) async fn verify_waiting(&self, token: &str) -> Result<Identity, AuthError> {
        let parsed = self.parse(token)?;
        let keys = self
            .keys
            .keys_waiting(parsed.header.kid.as_deref(), parsed.header.alg)
            .await?;
        self.check(token, &parsed, &keys)
    }

    /// The token's header and claims, read under this verifier's algorithms and size cap.
    fn parse<'t>(&self, token: &'t str) -> Result<Parsed<'t>, AuthError> {
        let expect = jws::Expect {
            algorithms: &self.algorithms,
            max_len: self.rules.max_token_bytes,
            access_token_type: self.rules.access_token_type,
        };
        jws::parse(token, &expect).map_err(AuthError::InvalidToken)
    }

    /// Checks signature and claims; caches the identity on success (never a failure).
    fn check(&self, token: &str, parsed: &Parsed<'_>, keys: &Keys<'_>) -> Result<Identity, AuthError> {
        let now = unix_now();
        let claims = parsed.verify_signature(keys.set()).map_err(AuthError::InvalidToken)?;
        let (identity, time) = claims::validate(claims, &self.rules, now).map_err(AuthError::InvalidToken)?;
        if let Some(cache) = &self.cache {
            cache.insert(token, &identity, time, keys.generation(), now);
        }
        Ok(identity)
    }

    /// Fetches a remote key set now (see [`Warden::ready`](crate::Warden::ready)).
    pub(crate) async fn ready(&self) -> Result<(), KeyFetchError> {
        self.keys.ready().await
    }

    pub(crate) fn cache_stats(&self) -> CacheStats {
        self.cache.as_ref().map(TokenCache::stats).unwrap_or_default()
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests;
