//! Verification keys: loading them, binding each to its algorithms, selecting one for a token.
//!
//! Every key is bound at load time to the algorithms of one family, and a verifier is
//! built once per (key, algorithm) pair, so a request pays for the signature check and
//! nothing else. The token's `alg` header only selects among those pairs; it can never
//! widen them.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::DecodingKey;
use jsonwebtoken::crypto::CryptoProvider;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};

use crate::algorithm::{Algorithm, Family};
use crate::defaults::MIN_HMAC_SECRET_LEN;

#[cfg(not(any(feature = "aws-lc-rs", feature = "rust-crypto")))]
compile_error!("axum-warden needs a crypto backend: enable the `aws-lc-rs` (default) or `rust-crypto` feature");

/// The signature backend of this build.
///
/// With both features on (as `--all-features` does) aws-lc-rs wins: it is the faster one
/// and the choice must not depend on link order or on which crate asked first.
pub(crate) fn provider() -> &'static CryptoProvider {
    #[cfg(feature = "aws-lc-rs")]
    {
        &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER
    }
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc-rs")))]
    {
        &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER
    }
}

/// Makes this build's signature backend (aws-lc-rs when its feature is on, else
/// RustCrypto) the process-wide default of `jsonwebtoken`, once.
///
/// Verification in this crate never depends on it (verifiers come from the backend
/// directly), but `jsonwebtoken::encode` in the application, its tests or the test kit
/// does: without a default, `jsonwebtoken` panics when both backends are compiled in.
/// An application that installed a provider of its own keeps it.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _already_installed = provider().install_default();
    });
}

/// One key bound to one algorithm.
pub(crate) struct KeyEntry {
    pub(crate) kid: Option<Box<str>>,
    pub(crate) algorithm: Algorithm,
    key: DecodingKey,
    /// HMAC keys prepared once: preparing one hashes the secret into the inner and outer
    /// pads, which is a fifth of a first-sight verification when done per request.
    #[cfg(feature = "aws-lc-rs")]
    hmac: Option<aws_lc_rs::hmac::Key>,
}

impl KeyEntry {
    /// Binds `key` to `algorithm`, building a verifier once to prove that they fit.
    fn new(kid: Option<&str>, algorithm: Algorithm, key: DecodingKey) -> Result<Self, jsonwebtoken::errors::Error> {
        (provider().verifier_factory)(&algorithm.to_jsonwebtoken(), &key)?;
        #[cfg(feature = "aws-lc-rs")]
        let hmac = {
            use aws_lc_rs::hmac;
            let prepared = match algorithm {
                Algorithm::HS256 => Some(hmac::HMAC_SHA256),
                Algorithm::HS384 => Some(hmac::HMAC_SHA384),
                Algorithm::HS512 => Some(hmac::HMAC_SHA512),
                _ => None,
            };
            match (prepared, key.try_get_as_bytes()) {
                (Some(alg), Ok(secret)) => Some(hmac::Key::new(alg, secret)),
                _ => None,
            }
        };
        Ok(Self {
            kid: kid.map(Into::into),
            algorithm,
            key,
            #[cfg(feature = "aws-lc-rs")]
            hmac,
        })
    }

    /// Whether `signature` is a valid signature of `message` under this key.
    ///
    /// Apart from prepared HMAC keys, the verifier is built per call because
    /// `jsonwebtoken`'s verifiers are neither `Send` nor `Sync` behind its
    /// `dyn JwtVerifier`; for public keys the construction is cheap next to the check.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        #[cfg(feature = "aws-lc-rs")]
        if let Some(key) = &self.hmac {
            // Constant-time comparison inside aws-lc.
            return aws_lc_rs::hmac::verify(key, message, signature).is_ok();
        }
        match (provider().verifier_factory)(&self.algorithm.to_jsonwebtoken(), &self.key) {
            // `jsonwebtoken`'s verifiers take the signature as a vector.
            Ok(verifier) => jsonwebtoken::signature::Verifier::verify(&*verifier, message, &signature.to_vec()).is_ok(),
            Err(_) => false,
        }
    }
}

impl fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyEntry")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// A set of keys, each bound to its algorithms.
#[derive(Debug, Default)]
pub(crate) struct KeySet {
    entries: Vec<KeyEntry>,
}

/// What looking a key up found.
#[derive(Debug)]
pub(crate) enum Lookup<'a> {
    Found(&'a KeyEntry),
    /// No key with this `kid` (a refresh may help, for remote sets).
    UnknownKid,
    /// The `alg` is not bound to any key, or the choice is ambiguous.
    NoMatch,
}

impl KeySet {
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn algorithms(&self) -> impl Iterator<Item = Algorithm> + '_ {
        self.entries.iter().map(|e| e.algorithm)
    }

    /// The key ids of the set, for logs.
    #[cfg(feature = "remote-keys")]
    pub(crate) fn kids(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries.iter().filter_map(|e| e.kid.as_deref())
    }

    /// Selects the key for a token header.
    ///
    /// Keys without a `kid` (a configured secret or PEM key) match any `kid`. Keys with one
    /// match only their own. A token without `kid` is accepted only when exactly one key
    /// fits its algorithm: trying several keys would turn one bad token into many checks.
    pub(crate) fn select(&self, kid: Option<&str>, alg: Algorithm) -> Lookup<'_> {
        let mut fitting = self.entries.iter().filter(|e| e.algorithm == alg);
        let Some(kid) = kid else {
            return match (fitting.next(), fitting.next()) {
                (Some(only), None) => Lookup::Found(only),
                _ => Lookup::NoMatch,
            };
        };
        let mut unnamed = None;
        for entry in fitting {
            match entry.kid.as_deref() {
                Some(k) if k == kid => return Lookup::Found(entry),
                None if unnamed.is_none() => unnamed = Some(entry),
                _ => {}
            }
        }
        if let Some(entry) = unnamed {
            return Lookup::Found(entry);
        }
        if self.entries.iter().any(|e| e.kid.as_deref() == Some(kid)) {
            // The kid is known but bound to another algorithm: key confusion, not rotation.
            Lookup::NoMatch
        } else {
            Lookup::UnknownKid
        }
    }

    fn push(&mut self, entry: KeyEntry) {
        self.entries.push(entry);
    }
}

/// Why a key cannot be used. The configuration layer names the setting at fault: the
/// key's own for most, the algorithms setting for [`AlgorithmMismatch`](Self::AlgorithmMismatch)
/// and [`Unbindable`](Self::Unbindable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyError {
    /// An HMAC secret shorter than [`MIN_HMAC_SECRET_LEN`].
    SecretTooShort { len: usize },
    /// Something the key cannot be: a private key, an unsupported curve, not PEM.
    Invalid(&'static str),
    /// A configured algorithm does not fit the key.
    AlgorithmMismatch { algorithm: Algorithm, key: &'static str },
    /// The backend refused to bind the key to an algorithm of its family.
    Unbindable(String),
}

/// Builds the key set of an HMAC secret for the configured algorithms (HS256 by default).
pub(crate) fn from_secret(secret: &[u8], algorithms: &[Algorithm]) -> Result<KeySet, KeyError> {
    if secret.len() < MIN_HMAC_SECRET_LEN {
        return Err(KeyError::SecretTooShort { len: secret.len() });
    }
    let key = DecodingKey::from_secret(secret).map_err(|e| KeyError::Unbindable(e.to_string()))?;
    bind_all(&key, Family::Hmac, &[Algorithm::HS256], algorithms, "an HMAC secret")
}

/// Builds the key set of a PEM public key (RSA, EC P-256/P-384 or Ed25519).
pub(crate) fn from_pem(pem: &[u8], algorithms: &[Algorithm]) -> Result<KeySet, KeyError> {
    let text = String::from_utf8_lossy(pem);
    if text.contains("PRIVATE KEY") {
        return Err(KeyError::Invalid(
            "this is a private key; configure the public key (openssl pkey -pubout) and keep the private key with the issuer",
        ));
    }
    if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
        return bind_all(&key, Family::Rsa, &[Algorithm::RS256], algorithms, "an RSA key");
    }
    if let Ok(key) = DecodingKey::from_ec_pem(pem) {
        let (default, what) = match key.try_get_as_bytes().map(<[u8]>::len) {
            Ok(65) => (Algorithm::ES256, "a P-256 key"),
            Ok(97) => (Algorithm::ES384, "a P-384 key"),
            _ => {
                return Err(KeyError::Invalid(
                    "unsupported elliptic curve; use P-256 (ES256) or P-384 (ES384)",
                ));
            }
        };
        // One curve fits one algorithm: a P-256 key cannot verify ES384.
        let set = bind_all(&key, Family::Ec, &[default], algorithms, what)?;
        let other = set.algorithms().find(|a| *a != default);
        return match other {
            None => Ok(set),
            Some(algorithm) => Err(KeyError::AlgorithmMismatch { algorithm, key: what }),
        };
    }
    if let Ok(key) = DecodingKey::from_ed_pem(pem) {
        return bind_all(&key, Family::Ed, &[Algorithm::EdDSA], algorithms, "an Ed25519 key");
    }
    Err(KeyError::Invalid(
        "not a PEM public key (expected -----BEGIN PUBLIC KEY----- with an RSA, EC P-256/P-384 or Ed25519 key, or -----BEGIN RSA PUBLIC KEY-----)",
    ))
}

fn bind_all(
    key: &DecodingKey,
    family: Family,
    defaults: &[Algorithm],
    configured: &[Algorithm],
    what: &'static str,
) -> Result<KeySet, KeyError> {
    let algorithms = if configured.is_empty() { defaults } else { configured };
    let mut set = KeySet::default();
    for &algorithm in algorithms {
        if algorithm.family() != family {
            return Err(KeyError::AlgorithmMismatch { algorithm, key: what });
        }
        let entry = KeyEntry::new(None, algorithm, key.clone()).map_err(|e| KeyError::Unbindable(e.to_string()))?;
        set.push(entry);
    }
    Ok(set)
}

/// A key of a JWKS document that was left out, and why (logged, never fatal alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SkippedKey {
    pub(crate) kid: Option<String>,
    pub(crate) reason: &'static str,
}

/// Where a JWKS document comes from, which decides whether it may hold HMAC keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JwksOrigin {
    /// The application's own file or string: its `oct` keys are HMAC secrets it holds
    /// (the RFC 7515 A.1 key is configured this way).
    Local,
    /// Fetched from a URL: a published key set. An `oct` key there would let anyone who
    /// can read the set sign tokens, so it is skipped.
    Remote,
}

/// Builds a key set from a JWKS document.
///
/// Each key is bound to its `alg`; a key without `alg` gets the one its type implies
/// (EC: by curve, OKP Ed25519: EdDSA, RSA: the RSA algorithms of `configured` when the
/// application `chose` them, else RS256 alone; a local `oct` key: the HMAC algorithms
/// of `configured`, else HS256). `configured` empty allows every algorithm. Encryption
/// keys, symmetric keys of a remote set, `oct` keys shorter than 32 bytes, unknown
/// algorithms and keys whose algorithm is not configured are skipped with a reason. An
/// empty result is the caller's to judge.
pub(crate) fn from_jwks(
    document: &[u8],
    configured: &[Algorithm],
    chosen: bool,
    origin: JwksOrigin,
) -> Result<(KeySet, Vec<SkippedKey>), String> {
    let doc = super::json::parse_object(document).map_err(|e| format!("not a JWKS document: {e:?}"))?;
    let Some(serde_json::Value::Array(keys)) = doc.get("keys") else {
        return Err("not a JWKS document: no \"keys\" array".into());
    };
    let mut set = KeySet::default();
    let mut skipped = Vec::new();
    for raw in keys {
        let kid = raw.get("kid").and_then(serde_json::Value::as_str).map(str::to_owned);
        let mut skip = |reason| {
            skipped.push(SkippedKey {
                kid: kid.clone(),
                reason,
            })
        };
        let Ok(jwk) = serde_json::from_value::<Jwk>(raw.clone()) else {
            skip("unsupported or malformed key");
            continue;
        };
        if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
            skip("an encryption key (\"use\": \"enc\")");
            continue;
        }
        if let AlgorithmParameters::OctetKey(octets) = &jwk.algorithm {
            if origin == JwksOrigin::Remote {
                skip("a symmetric (\"oct\") key in a published key set: anyone who can read the set could sign");
                continue;
            }
            let short = URL_SAFE_NO_PAD
                .decode(octets.value.trim_end_matches('='))
                .map_or(true, |secret| secret.len() < MIN_HMAC_SECRET_LEN);
            if short {
                skip("a symmetric (\"oct\") key shorter than 32 bytes, or not base64url");
                continue;
            }
        }
        let algorithms = jwk_algorithms(&jwk, configured, chosen);
        if algorithms.is_empty() {
            skip("no usable signature algorithm");
            continue;
        }
        let algorithms: Vec<Algorithm> = algorithms
            .into_iter()
            .filter(|a| configured.is_empty() || configured.contains(a))
            .collect();
        if algorithms.is_empty() {
            skip("its algorithm is not among the configured algorithms");
            continue;
        }
        let Ok(key) = DecodingKey::from_jwk(&jwk) else {
            skip("the key material is invalid");
            continue;
        };
        // One entry per algorithm: an RSA key without `alg` serves each configured RSA
        // algorithm, and a lookup stays one match on (kid, alg).
        let entries: Result<Vec<KeyEntry>, _> = algorithms
            .into_iter()
            .map(|algorithm| KeyEntry::new(jwk.common.key_id.as_deref(), algorithm, key.clone()))
            .collect();
        match entries {
            Ok(entries) => entries.into_iter().for_each(|entry| set.push(entry)),
            Err(_) => skip("the key does not fit its algorithm"),
        }
    }
    Ok((set, skipped))
}

/// The public key of a JWK object bound to `alg`, for a key a message carries itself (a
/// DPoP proof's `jwk`): `None` for a symmetric key, a key that does not fit `alg`, or
/// invalid key material. Private members are the caller's to refuse first.
pub(crate) fn from_public_jwk(jwk: &serde_json::Map<String, serde_json::Value>, alg: Algorithm) -> Option<KeyEntry> {
    let parsed = serde_json::from_value::<Jwk>(serde_json::Value::Object(jwk.clone())).ok()?;
    if matches!(parsed.algorithm, AlgorithmParameters::OctetKey(_)) || alg.family() == Family::Hmac {
        return None;
    }
    if !jwk_algorithms(&parsed, &[alg], true).contains(&alg) {
        return None;
    }
    let key = DecodingKey::from_jwk(&parsed).ok()?;
    KeyEntry::new(None, alg, key).ok()
}

/// The algorithms a JWK may verify: its `alg`, or what its type implies; empty when it
/// cannot sign (an encryption or unknown algorithm, a symmetric key, an `alg` that
/// contradicts the key type).
///
/// An RSA key without `alg` serves the RSA algorithms the application chose, or RS256
/// alone: a default list (every asymmetric algorithm, for a remote key set) must not
/// widen one key to six algorithms nobody asked for.
fn jwk_algorithms(jwk: &Jwk, configured: &[Algorithm], chosen: bool) -> Vec<Algorithm> {
    // A local `oct` key without `alg` serves the HMAC algorithms the application chose,
    // or HS256; with `alg`, that one if it is an HMAC algorithm. (Remote ones never get
    // here.)
    if let AlgorithmParameters::OctetKey(_) = &jwk.algorithm {
        return match jwk.common.key_algorithm {
            None if chosen => configured
                .iter()
                .copied()
                .filter(|a| a.family() == Family::Hmac)
                .collect(),
            None => vec![Algorithm::HS256],
            Some(alg) => alg
                .to_string()
                .parse::<Algorithm>()
                .ok()
                .filter(|a| a.family() == Family::Hmac)
                .into_iter()
                .collect(),
        };
    }
    if let AlgorithmParameters::RSA(_) = &jwk.algorithm
        && jwk.common.key_algorithm.is_none()
    {
        if !chosen {
            return vec![Algorithm::RS256];
        }
        return configured
            .iter()
            .copied()
            .filter(|a| a.family() == Family::Rsa)
            .collect();
    }
    jwk_algorithm(jwk).into_iter().collect()
}

/// The one algorithm of a JWK whose type or `alg` names it (see [`jwk_algorithms`]).
fn jwk_algorithm(jwk: &Jwk) -> Option<Algorithm> {
    let declared = match jwk.common.key_algorithm {
        None => None,
        Some(
            KeyAlgorithm::UNKNOWN_ALGORITHM
            | KeyAlgorithm::RSA1_5
            | KeyAlgorithm::RSA_OAEP
            | KeyAlgorithm::RSA_OAEP_256,
        ) => {
            return None;
        }
        Some(alg) => Some(alg.to_string().parse::<Algorithm>().ok()?),
    };
    let implied = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(p) => match p.curve {
            EllipticCurve::P256 => Algorithm::ES256,
            EllipticCurve::P384 => Algorithm::ES384,
            _ => return None,
        },
        AlgorithmParameters::OctetKeyPair(p) => match p.curve {
            EllipticCurve::Ed25519 => Algorithm::EdDSA,
            _ => return None,
        },
        AlgorithmParameters::RSA(_) => {
            // Without `alg`, `jwk_algorithms` binds the configured RSA algorithms.
            return declared.filter(|alg| alg.family() == Family::Rsa);
        }
        // Symmetric keys are handled by `jwk_algorithms` (local sets only); key types
        // this version does not know are skipped.
        _ => return None,
    };
    match declared {
        Some(alg) if alg != implied => None,
        _ => Some(implied),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oct(k: &[u8], alg: Option<&str>) -> Vec<u8> {
        let mut jwk = serde_json::json!({"kty": "oct", "kid": "s", "k": URL_SAFE_NO_PAD.encode(k)});
        if let Some(alg) = alg {
            jwk["alg"] = alg.into();
        }
        serde_json::json!({ "keys": [jwk] }).to_string().into_bytes()
    }

    #[test]
    fn a_local_oct_key_is_an_hmac_secret_and_a_remote_one_is_skipped() {
        install_crypto_provider();
        let (set, skipped) = from_jwks(&oct(&[7; 32], None), &[], false, JwksOrigin::Local).expect("a key set");
        assert_eq!(set.algorithms().collect::<Vec<_>>(), [Algorithm::HS256]);
        assert!(skipped.is_empty());

        let chosen = [Algorithm::HS384, Algorithm::HS512, Algorithm::RS256];
        let (set, _) = from_jwks(&oct(&[7; 64], None), &chosen, true, JwksOrigin::Local).expect("a key set");
        assert_eq!(
            set.algorithms().collect::<Vec<_>>(),
            [Algorithm::HS384, Algorithm::HS512]
        );

        let (set, skipped) = from_jwks(&oct(&[7; 32], None), &[], false, JwksOrigin::Remote).expect("a key set");
        assert!(set.is_empty());
        assert_eq!(skipped[0].kid.as_deref(), Some("s"));
        assert!(skipped[0].reason.contains("published key set"), "{skipped:?}");
    }

    #[test]
    fn short_or_mislabelled_oct_keys_are_skipped() {
        install_crypto_provider();
        for (document, reason) in [
            (oct(&[7; 31], None), "shorter than 32 bytes"),
            (oct(&[7; 32], Some("RS256")), "no usable signature algorithm"),
            (
                br#"{"keys":[{"kty":"oct","k":"not base64url!"}]}"#.to_vec(),
                "shorter than 32 bytes, or not base64url",
            ),
        ] {
            let (set, skipped) = from_jwks(&document, &[], false, JwksOrigin::Local).expect("a key set");
            assert!(set.is_empty());
            assert!(skipped[0].reason.contains(reason), "{skipped:?}");
        }
    }
}
