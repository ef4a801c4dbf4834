//! DPoP-bound requests (RFC 9449): `Authorization: DPoP <token>` with a `DPoP` proof
//! header, checked against the request (method, URI), the clock (a window around `iat`),
//! the proofs seen before (`jti`), the token (`ath`, and its `cnf.jkt` binding) and, when
//! configured, the server's nonce.
//!
//! The proof itself is read and its signature checked in `token::dpop`; this module holds
//! what depends on the request and on state.

use std::sync::Arc;
use std::time::Duration;

use crate::verifier::clock::unix_now;

use http::HeaderName;
use http::request::Parts;
use jsonwebtoken::{DecodingKey, EncodingKey};

use crate::algorithm::Algorithm;
use crate::error::{AuthError, DpopError, TokenError};
use crate::identity::Identity;
use crate::token::dpop::{self as proof, Proof};
use crate::token::json::{ClaimSet, read_claims};
use crate::verifier::revocation::Revocations;

/// Whether a warden accepts DPoP-bound tokens (RFC 9449), set with
/// [`WardenBuilder::dpop`](crate::WardenBuilder::dpop) or `WARDEN_DPOP`.
///
/// Whatever the mode, a token bound to a key (`cnf.jkt`) is never accepted as a bearer
/// token: whoever holds it without the key may not use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DpopMode {
    /// Only bearer tokens (the default); `Authorization: DPoP` is a scheme the warden does
    /// not read, like `Basic`.
    #[default]
    Off,
    /// Bearer tokens and DPoP-bound ones, each with its own scheme; a request without
    /// credentials is challenged with both.
    Allowed,
    /// DPoP-bound tokens only: a bearer token is not a credential the warden reads, and
    /// every challenge is a DPoP one.
    Required,
}

/// The proof algorithms accepted by default: every asymmetric algorithm the crate
/// verifies. Symmetric ones cannot prove possession of a key the server does not share.
pub(crate) const DEFAULT_ALGORITHMS: [Algorithm; 9] = [
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
];

/// How far `iat` may be from now by default, either way (RFC 9449 §11.1 leaves it to the
/// server; a proof is made just before the request it goes with).
pub(crate) const DEFAULT_WINDOW: Duration = Duration::from_secs(60);

/// How many proofs are remembered to refuse a replay, by default.
pub(crate) const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// The largest proof read: its header carries a public key (an RSA one of 4096 bits is
/// about 800 characters of base64url).
const MAX_PROOF_BYTES: usize = 8 * 1024;

const DPOP: HeaderName = HeaderName::from_static("dpop");

/// The DPoP settings and state of one warden.
pub(crate) struct Dpop {
    required: bool,
    algorithms: Vec<Algorithm>,
    /// The external origin requests arrive at (`https://api.example.com`), when configured.
    origin: Option<String>,
    window: u64,
    nonces: Option<Nonces>,
    /// Proofs accepted within the window, by key thumbprint and `jti`, with when they
    /// leave it.
    seen: Arc<quick_cache::sync::Cache<Box<str>, u64>>,
    /// The shared revocation store, through which the proofs accepted here reach every
    /// other instance's replay cache, and theirs this one's.
    shared: Option<Revocations>,
}

/// Settings of [`Dpop::new`].
pub(crate) struct DpopSettings {
    pub(crate) required: bool,
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) origin: Option<String>,
    pub(crate) window: Duration,
    pub(crate) nonce_secret: Option<Vec<u8>>,
    pub(crate) replay_capacity: usize,
    /// The revocation list, when it is shared with other instances.
    pub(crate) shared: Option<Revocations>,
}

impl Dpop {
    /// # Errors
    /// The nonce secret cannot key HMAC-SHA256 (it is empty); the configuration layer
    /// refuses secrets under 32 bytes before this.
    pub(crate) fn new(settings: DpopSettings) -> Result<Self, jsonwebtoken::errors::Error> {
        let nonces = match settings.nonce_secret {
            Some(secret) => Some(Nonces {
                signing: EncodingKey::from_secret(&secret)?,
                checking: DecodingKey::from_secret(&secret)?,
            }),
            None => None,
        };
        let seen = Arc::new(quick_cache::sync::Cache::new(settings.replay_capacity.max(1)));
        let shared = settings.shared.filter(Revocations::is_shared);
        if let Some(shared) = &shared {
            let cache = Arc::clone(&seen);
            shared.on_shared_proof(Arc::new(move |key: &str, until: u64| {
                if cache.get(key).is_none_or(|held: u64| held < until) {
                    cache.insert(key.into(), until);
                }
            }));
        }
        Ok(Self {
            required: settings.required,
            algorithms: settings.algorithms,
            origin: settings.origin.map(|origin| origin.trim_end_matches('/').to_owned()),
            window: settings.window.as_secs().max(1),
            nonces,
            seen,
            shared,
        })
    }

    /// Whether bearer tokens are refused as credentials.
    pub(crate) fn required(&self) -> bool {
        self.required
    }

    /// The accepted proof algorithms, for the challenges' `algs`.
    pub(crate) fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The identity of a verified token, checked for its binding: a DPoP request
    /// (`dpop_request`) must carry one valid proof of the key the token is bound to; a
    /// bearer request must not carry a bound token.
    pub(crate) fn bind(
        &self,
        parts: &Parts,
        token: &[u8],
        dpop_request: bool,
        identity: Identity,
    ) -> Result<Identity, AuthError> {
        read_claims(
            &identity,
            |name| name == "cnf",
            |claims| match (dpop_request, key_of(claims)) {
                (false, None) => Ok(()),
                (false, Some(_)) => Err(AuthError::InvalidToken(TokenError::BoundToKey)),
                (true, None) => Err(AuthError::InvalidToken(TokenError::NotBound)),
                (true, Some(jkt)) => self.check(parts, token, jkt, unix_now()),
            },
        )?;
        Ok(identity)
    }

    /// RFC 9449 §4.3 for the request's one `DPoP` header, against `token` and the key
    /// thumbprint `jkt` it is bound to. The proof is remembered only once every other check
    /// passed, so a refused proof cannot make a later valid one look like a replay.
    fn check(&self, parts: &Parts, token: &[u8], jkt: &str, now: u64) -> Result<(), AuthError> {
        let invalid = AuthError::InvalidDpopProof;
        let mut values = parts.headers.get_all(DPOP).iter();
        let header = values.next().ok_or(invalid(DpopError::Missing))?;
        if values.next().is_some() {
            return Err(invalid(DpopError::Several));
        }
        let text = header.to_str().map_err(|_| invalid(DpopError::Malformed))?;
        let proof = proof::verify(text, &self.algorithms, MAX_PROOF_BYTES).map_err(invalid)?;
        if proof.htm != parts.method.as_str() {
            return Err(invalid(DpopError::WrongMethod));
        }
        match self.target(parts) {
            Some(target) if proof::htu_matches(&proof.htu, &target) => {}
            _ => return Err(invalid(DpopError::WrongUri)),
        }
        #[allow(clippy::cast_precision_loss)]
        let (now_f, window) = (now as f64, self.window as f64);
        if (proof.iat - now_f).abs() > window {
            return Err(invalid(DpopError::OutsideWindow));
        }
        if proof.ath.as_deref() != Some(proof::access_token_hash(token).as_str()) {
            return Err(invalid(DpopError::WrongTokenHash));
        }
        if proof.jkt != jkt {
            return Err(invalid(DpopError::WrongKey));
        }
        if let Some(nonces) = &self.nonces
            && !proof
                .nonce
                .as_deref()
                .is_some_and(|nonce| nonces.valid(nonce, now, self.window))
        {
            return Err(AuthError::UseDpopNonce {
                nonce: nonces.fresh(now),
            });
        }
        self.remember(&proof, now)
    }

    /// Records the proof's `jti` for its window; a `jti` of the same key recorded before
    /// and still within its window is a replay.
    fn remember(&self, proof: &Proof, now: u64) -> Result<(), AuthError> {
        let key: Box<str> = format!("{}:{}", proof.jkt, proof.jti).into();
        // Finite here; the cast saturates for absurd values.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let until = (proof.iat.max(0.0) as u64)
            .saturating_add(self.window)
            .saturating_add(1);
        // No wait: a proof being recorded by another request right now is a replay.
        match self.seen.get_value_or_guard(&key, Some(Duration::ZERO)) {
            quick_cache::sync::GuardResult::Value(until_seen) if until_seen > now => {
                Err(AuthError::InvalidDpopProof(DpopError::Replayed))
            }
            quick_cache::sync::GuardResult::Value(_) => {
                self.seen.insert(key.clone(), until);
                self.share(&key, until);
                Ok(())
            }
            quick_cache::sync::GuardResult::Guard(guard) => {
                let _ = guard.insert(until);
                self.share(&key, until);
                Ok(())
            }
            // Another request with the same proof is being recorded right now: a replay.
            quick_cache::sync::GuardResult::Timeout => Err(AuthError::InvalidDpopProof(DpopError::Replayed)),
        }
    }

    /// Tells the other instances of an accepted proof, when they share a store.
    fn share(&self, key: &str, until: u64) {
        if let Some(shared) = &self.shared {
            shared.share_proof(key, until);
        }
    }

    /// The request's URI as `htu` must name it: the configured origin (or the one the
    /// request names) and the path, without query.
    fn target(&self, parts: &Parts) -> Option<String> {
        let path = parts.uri.path();
        if let Some(origin) = &self.origin {
            return Some(format!("{origin}{path}"));
        }
        if let (Some(scheme), Some(authority)) = (parts.uri.scheme_str(), parts.uri.authority()) {
            return Some(format!("{scheme}://{authority}{path}"));
        }
        let host = parts.headers.get(http::header::HOST)?.to_str().ok()?;
        // Behind a proxy that terminates TLS the request arrives as plain HTTP, so the
        // origin a client used is https unless the host is a loopback one.
        let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
        let scheme = if matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
            "http"
        } else {
            "https"
        };
        Some(format!("{scheme}://{host}{path}"))
    }
}

/// The key thumbprint a token is bound to: its `cnf.jkt` (RFC 9449 §6.1). Asked of
/// every token a warden with DPoP verifies, bearer ones included, through
/// [`read_claims`].
fn key_of(claims: &dyn ClaimSet) -> Option<&str> {
    claims.get("cnf")?.member("jkt")?.as_str()
}

/// [`key_of`] an identity.
#[cfg(test)]
fn bound_key(identity: &Identity) -> Option<String> {
    read_claims(
        identity,
        |name| name == "cnf",
        |claims| key_of(claims).map(str::to_owned),
    )
}

/// Server nonces (RFC 9449 §9), made and checked without state: `<time>.<HMAC-SHA256 of
/// the time>` under the configured secret, so every instance that shares the secret
/// accepts the nonces of the others.
struct Nonces {
    signing: EncodingKey,
    checking: DecodingKey,
}

impl Nonces {
    fn fresh(&self, now: u64) -> String {
        let message = now.to_string();
        let mac = jsonwebtoken::crypto::sign(message.as_bytes(), &self.signing, jsonwebtoken::Algorithm::HS256)
            .unwrap_or_default();
        format!("{message}.{mac}")
    }

    /// Whether `nonce` is one of ours, made at most `window` seconds ago.
    fn valid(&self, nonce: &str, now: u64, window: u64) -> bool {
        let Some((time, mac)) = nonce.split_once('.') else {
            return false;
        };
        let Ok(made) = time.parse::<u64>() else {
            return false;
        };
        made <= now.saturating_add(5)
            && now.saturating_sub(made) <= window
            && jsonwebtoken::crypto::verify(mac, time.as_bytes(), &self.checking, jsonwebtoken::Algorithm::HS256)
                .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    use super::bound_key;
    use crate::identity::Identity;

    /// The key a token is bound to is read from claims kept as text exactly as from their
    /// map (escaped names, wrong types and missing members included). A fresh identity's
    /// reads pick it from the text; once the cache has served the identity, a read builds
    /// the map and keeps it.
    #[test]
    fn the_bound_key_of_claims_kept_as_text_is_the_maps() {
        let cases = [
            r#"{"sub":"a","cnf":{"jkt":"k-1"}}"#,
            r#"{"sub":"a","\u0063nf":{"\u006akt":"k-\u0031"}}"#,
            r#"{"sub":"a","cnf":{"jkt":"k-1","x5t#S256":"t"}}"#,
            r#"{"sub":"a","cnf":{"jkt":7}}"#,
            r#"{"sub":"a","cnf":{"other":"k-1"}}"#,
            r#"{"sub":"a","cnf":"k-1"}"#,
            r#"{"sub":"a","cnf":["k-1"]}"#,
            r#"{"sub":"a","x":{"cnf":{"jkt":"k-1"}}}"#,
            r#"{"sub":"a"}"#,
        ];
        for text in cases {
            let map: Map<String, Value> = serde_json::from_str(text).expect("an object");
            let kept = Identity::builder("a").claims_text(text.to_owned(), 0).build();
            let parsed = Identity::builder("a").claims(map).build();
            assert_eq!(bound_key(&kept), bound_key(&parsed), "{text}");
            assert!(!kept.has_map(), "{text}: the first read built the map");
            assert_eq!(bound_key(&kept), bound_key(&parsed), "{text}, read again");
            assert!(!kept.has_map(), "{text}: a fresh identity's second read built the map");
            kept.mark_cached();
            assert_eq!(bound_key(&kept), bound_key(&parsed), "{text}, read when cached");
            assert!(kept.has_map(), "{text}: a cached identity's read kept no map");
        }
        let kept = Identity::builder("a")
            .claims_text(r#"{"cnf":{"jkt":"k-1"}}"#.to_owned(), 0)
            .build();
        assert_eq!(bound_key(&kept).as_deref(), Some("k-1"));
    }
}
