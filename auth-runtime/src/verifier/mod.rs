//! One verification of a bearer token over a key source: the verified-token cache, the
//! token's header, a key, the signature and the claim rules. Only successes are cached.
//!
//! The request path asks in up to three steps, each saying whether it may wait:
//! [`Verifier::cached`] (a lookup), [`Verifier::verify_now`] (full verification with the
//! keys at hand, never waiting) and, only when that found no key for the token's `kid`,
//! [`Verifier::verify_waiting`] (which may wait for a key fetch).
//!
//! With introspection configured (feature `introspection`), a token that is not a JWS
//! (three base64url segments), or every token when no issuer is trusted, is not verified
//! here but asked about at the authorization server: its cached answer is the lookup,
//! `verify_now` always defers it, and `verify_waiting` asks.

pub(crate) mod cache;
pub(crate) mod clock;
#[cfg(feature = "introspection")]
pub(crate) mod introspection;
pub(crate) mod logout;
pub(crate) mod revocation;

use cache::{CacheStats, Current, TokenCache};
use clock::unix_now;
use revocation::Revocations;

use crate::algorithm::Algorithm;
use crate::error::AuthError;
use crate::identity::Identity;
use crate::key_source::{KeyFetchError, KeySource, Keys, UnknownKid};
use crate::token::claims::{self, Rules};
use crate::token::jws::{self, Parsed};

/// How one warden verifies bearer tokens: its trusted issuers and the verified-token
/// cache they share.
pub(crate) struct Verifier {
    /// At least one. With exactly one, every token goes to it (its rules check `iss`, as
    /// they always did), so the single-issuer path reads no claim before verification.
    /// With several, the token's `iss` selects one by exact string match.
    /// May be empty when introspection is configured: every token is then introspected.
    issuers: Box<[Trusted]>,
    cache: Option<TokenCache>,
    /// Checked after every verification and on every cache hit, when configured.
    revocations: Option<Revocations>,
    /// The token length cap (one per warden: it is checked before an issuer is known).
    max_token_bytes: usize,
    #[cfg(feature = "introspection")]
    introspector: Option<introspection::Introspector>,
}

/// One trusted issuer: its key source, the algorithms its keys are bound to, and its
/// claim rules (which name the issuer when there are several).
pub(crate) struct Trusted {
    keys: KeySource,
    /// Every algorithm a key may be bound to; a token's `alg` outside is refused first.
    algorithms: Vec<Algorithm>,
    rules: Rules,
}

impl Trusted {
    pub(crate) fn new(keys: KeySource, algorithms: Vec<Algorithm>, rules: Rules) -> Self {
        Self {
            keys,
            algorithms,
            rules,
        }
    }

    pub(crate) fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    pub(crate) fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Whether the keys are fetched over HTTP.
    fn has_remote_keys(&self) -> bool {
        match self.keys {
            KeySource::Static(_) => false,
            #[cfg(feature = "remote-keys")]
            KeySource::Remote(_) => true,
        }
    }

    /// What a cache hit of a token this issuer verified is checked against.
    fn current(&self) -> Current {
        Current {
            generation: self.keys.generation(),
            leeway: self.rules.leeway,
        }
    }
}

impl Verifier {
    /// A verifier of `issuers` (at least one unless introspection is configured; the
    /// configuration layer guarantees it, and that several each name a distinct issuer).
    pub(crate) fn new(
        issuers: Vec<Trusted>,
        cache: Option<TokenCache>,
        max_token_bytes: usize,
        revocations: Option<Revocations>,
    ) -> Self {
        Self {
            issuers: issuers.into_boxed_slice(),
            cache,
            revocations,
            max_token_bytes,
            #[cfg(feature = "introspection")]
            introspector: None,
        }
    }

    /// The revocation list checked after verification, when configured.
    pub(crate) fn revocations(&self) -> Option<&Revocations> {
        self.revocations.as_ref()
    }

    /// `outcome`, checked against the revocation list when one is configured.
    fn unrevoked(&self, outcome: Result<Identity, AuthError>, now: u64) -> Result<Identity, AuthError> {
        match (&self.revocations, outcome) {
            (Some(revocations), Ok(identity)) => revocations.check(&identity, now).map(|()| identity),
            (_, outcome) => outcome,
        }
    }

    /// Asks `introspector` about the tokens that are not JWSs (about all of them, when no
    /// issuer is trusted).
    #[cfg(feature = "introspection")]
    pub(crate) fn with_introspection(mut self, introspector: introspection::Introspector) -> Self {
        self.introspector = Some(introspector);
        self
    }

    /// Whether tokens that are not JWSs are introspected.
    #[cfg(feature = "introspection")]
    pub(crate) fn introspects(&self) -> bool {
        self.introspector.is_some()
    }

    /// The introspector that answers for `token`, when it is not a JWT's to verify.
    #[cfg(feature = "introspection")]
    fn introspector_for(&self, token: &str) -> Option<&introspection::Introspector> {
        self.introspector
            .as_ref()
            .filter(|_| self.issuers.is_empty() || !introspection::is_jws(token))
    }

    /// The trusted issuers, in configuration order.
    pub(crate) fn issuers(&self) -> &[Trusted] {
        &self.issuers
    }

    /// The token length cap (one per warden: it is checked before an issuer is known).
    pub(crate) fn max_token_bytes(&self) -> usize {
        self.max_token_bytes
    }

    /// Whether some issuer's keys are fetched over HTTP, or tokens are introspected.
    pub(crate) fn has_remote_keys(&self) -> bool {
        #[cfg(feature = "introspection")]
        if self.introspector.is_some() {
            return true;
        }
        self.issuers.iter().any(Trusted::has_remote_keys)
    }

    /// The identity of a token verified before, if it is still valid now. Only tokens
    /// that passed every check are cached, so a hit needs no other.
    ///
    /// A hit is checked against the revocation list (a revoked token stays cached: the
    /// list refuses it on every hit, and a revocation cannot be withdrawn). A token to
    /// introspect finds its cached answer, which may be a refusal (inactive) or a recent
    /// failure of the server (503); an active one is checked against the revocation list
    /// too (a back-channel logout names sessions and subjects, whatever their tokens).
    ///
    /// `token` is the credential's bytes as sent, not yet checked to be text: a cached
    /// token passed every check, so bytes equal to it need none.
    pub(crate) fn cached(&self, token: &[u8], now: u64) -> Option<Result<Identity, AuthError>> {
        // Only a warden that introspects pays for the UTF-8 check on a hit.
        #[cfg(feature = "introspection")]
        if self.introspector.is_some()
            && let Ok(token) = std::str::from_utf8(token)
            && let Some(introspector) = self.introspector_for(token)
        {
            return introspector.cached(token).map(|outcome| self.unrevoked(outcome, now));
        }
        let cache = self.cache.as_ref()?;
        if token.len() > self.max_token_bytes() {
            return None;
        }
        let identity = cache.get(token, now, |issuer| self.issuers.get(issuer).map(Trusted::current))?;
        Some(self.unrevoked(Ok(identity), now))
    }

    /// The issuer that verifies `token` (the only one, or the one its `iss` names) and the
    /// token parsed under its rules. An `iss` no issuer has is refused here, before any
    /// key source is asked, so it never causes a request to any provider.
    ///
    /// Reading `iss` decodes the payload; the parsed token keeps it, so the payload is
    /// decoded once whether one issuer is trusted or several.
    fn select<'t>(&self, token: &'t str) -> Result<(usize, &Trusted, Parsed<'t>), AuthError> {
        let (index, trusted, decoded) = self.issuer(token)?;
        Ok((index, trusted, parse(trusted, token)?.with_decoded(decoded)))
    }

    /// The issuer that verifies `token`, with the payload decoded when reading its `iss`
    /// took that (for [`Parsed::with_decoded`]).
    fn issuer(&self, token: &str) -> Result<(usize, &Trusted, Option<Vec<u8>>), AuthError> {
        if let [only] = &*self.issuers {
            return Ok((0, only, None));
        }
        let (index, decoded) = jws::claimed_issuer(token, self.max_token_bytes(), |iss| {
            self.issuers
                .iter()
                .position(|trusted| trusted.rules.issuer.as_deref() == Some(iss))
        })
        .map_err(AuthError::InvalidToken)?;
        Ok((index, &self.issuers[index], Some(decoded)))
    }

    /// Full verification with the keys at hand, never waiting for the network (the cache
    /// is not consulted: see [`cached`](Self::cached)).
    ///
    /// `None` only with [`UnknownKid::Defer`], when a remote key set lacks the token's
    /// `kid`: then [`verify_waiting`](Self::verify_waiting) goes on.
    /// A token to introspect is always deferred: asking the server means waiting.
    pub(crate) fn verify_now(&self, token: &str, unknown: UnknownKid, now: u64) -> Option<Result<Identity, AuthError>> {
        #[cfg(feature = "introspection")]
        if self.introspector_for(token).is_some() {
            return None;
        }
        let (index, trusted, parsed) = match self.select(token) {
            Ok(selected) => selected,
            Err(error) => return Some(Err(error)),
        };
        Some(
            match trusted
                .keys
                .keys_now(parsed.header.kid.as_deref(), parsed.header.alg, unknown)?
            {
                Ok(keys) => self.check(index, trusted, token, parsed, &keys, now),
                Err(error) => Err(error),
            },
        )
    }

    /// Full verification that may wait for a key fetch (bounded by the fetch timeout),
    /// after [`verify_now`](Self::verify_now) answered `None`.
    /// A token to introspect is asked about here (through its cache).
    pub(crate) async fn verify_waiting(&self, token: &str) -> Result<Identity, AuthError> {
        #[cfg(feature = "introspection")]
        if let Some(introspector) = self.introspector_for(token) {
            let outcome = introspector.introspect(token).await;
            return self.unrevoked(outcome, unix_now());
        }
        let (index, trusted, parsed) = self.select(token)?;
        let keys = trusted
            .keys
            .keys_waiting(parsed.header.kid.as_deref(), parsed.header.alg)
            .await?;
        // The keys may have taken a while: the token is judged at the time they came.
        self.check(index, trusted, token, parsed, &keys, unix_now())
    }

    /// Checks signature and claims; caches the identity on success (never a failure).
    fn check(
        &self,
        index: usize,
        trusted: &Trusted,
        token: &str,
        parsed: Parsed<'_>,
        keys: &Keys<'_>,
        now: u64,
    ) -> Result<Identity, AuthError> {
        let payload = parsed.verified_payload(keys.set()).map_err(AuthError::InvalidToken)?;
        let (identity, time) =
            claims::validate_payload(payload, &trusted.rules, now).map_err(AuthError::InvalidToken)?;
        if let Some(revocations) = &self.revocations {
            revocations.check(&identity, now)?;
        }
        if let Some(cache) = &self.cache {
            let current = Current {
                generation: keys.generation(),
                leeway: trusted.rules.leeway,
            };
            cache.insert(token, &identity, time, index, current, now);
        }
        Ok(identity)
    }

    /// Fetches every remote key set now (see [`Warden::ready`](crate::Warden::ready)).
    pub(crate) async fn ready(&self) -> Result<(), KeyFetchError> {
        for trusted in &*self.issuers {
            trusted.keys.ready().await?;
        }
        Ok(())
    }

    /// The verified-token cache's counts and, with an introspection endpoint, its answer
    /// cache's, together.
    pub(crate) fn cache_stats(&self) -> CacheStats {
        let verified = self.cache.as_ref().map(TokenCache::stats).unwrap_or_default();
        #[cfg(feature = "introspection")]
        if let Some(introspector) = &self.introspector {
            return verified.plus(introspector.stats());
        }
        verified
    }
}

/// The token's header and claims, read under the issuer's algorithms, size cap and
/// access-token type rule.
fn parse<'t>(trusted: &Trusted, token: &'t str) -> Result<Parsed<'t>, AuthError> {
    let expect = jws::Expect {
        algorithms: &trusted.algorithms,
        max_len: trusted.rules.max_token_bytes,
        access_token_type: trusted.rules.access_token_type,
    };
    jws::parse(token, &expect).map_err(AuthError::InvalidToken)
}

#[cfg(test)]
mod tests;
