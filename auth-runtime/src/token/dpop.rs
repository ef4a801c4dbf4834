//! DPoP proofs (RFC 9449 §4): the proof JWT read strictly and its signature checked with
//! the public key its own header carries; the JWK SHA-256 thumbprint (RFC 7638) that binds
//! an access token to that key (`cnf.jkt`); the access-token hash `ath`; the comparison
//! of `htu` with the request's URI.
//!
//! What depends on the request and on state (the method, the URI, the time window, the
//! replay of a `jti`, the token's binding, server nonces) is the verifier's: this module
//! only says what a proof claims and proves that the holder of `jwk` signed it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::json::{JsonError, parse_object};
use super::jws::with_decoded;
use super::keys;
use crate::algorithm::{Algorithm, Family};
use crate::error::DpopError;

/// What a verified proof claims, and the thumbprint of the key that signed it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Proof {
    pub(crate) jti: String,
    pub(crate) htm: String,
    pub(crate) htu: String,
    /// `iat`, seconds since the epoch (a NumericDate may be fractional).
    pub(crate) iat: f64,
    pub(crate) ath: Option<String>,
    pub(crate) nonce: Option<String>,
    /// The RFC 7638 SHA-256 thumbprint of the proof's `jwk`, base64url.
    pub(crate) jkt: String,
}

/// Members of a JWK that only a private key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037
/// §2): a proof whose `jwk` carries one leaked its private key and is refused (RFC 9449
/// §4.3 step 7).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The longest `jti` accepted: a proof's `jti` is kept in the replay cache, so its size
/// bounds the cache's memory. RFC 9449 asks for 96 bits of randomness; 256 characters
/// leave room for any encoding of that.
pub(crate) const MAX_JTI_LEN: usize = 256;

/// Reads `proof` and checks its signature with the key in its header: `typ` `dpop+jwt`,
/// an asymmetric `alg` among `algorithms`, no `crit`, a public `jwk` that fits `alg`, and
/// the claims `jti`, `htm`, `htu`, `iat` (and `ath`, `nonce` when present) of the right
/// types. Checks against the request are the caller's.
pub(crate) fn verify(proof: &str, algorithms: &[Algorithm], max_len: usize) -> Result<Proof, DpopError> {
    if proof.len() > max_len {
        return Err(DpopError::TooLarge);
    }
    let mut segments = proof.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (segments.next(), segments.next(), segments.next(), segments.next())
    else {
        return Err(DpopError::Malformed);
    };
    let header_json = URL_SAFE_NO_PAD.decode(header).map_err(|_| DpopError::Malformed)?;
    let header_object = parse_object(&header_json).map_err(malformed)?;
    if header_object.contains_key("crit") {
        return Err(DpopError::CriticalHeader);
    }
    if !header_object
        .get("typ")
        .and_then(Value::as_str)
        .is_some_and(is_proof_type)
    {
        return Err(DpopError::NotAProof);
    }
    let alg = header_object
        .get("alg")
        .and_then(Value::as_str)
        .and_then(|name| algorithms.iter().copied().find(|a| a.as_str() == name))
        .filter(|a| a.family() != Family::Hmac)
        .ok_or(DpopError::AlgorithmNotAllowed)?;
    let Some(Value::Object(jwk)) = header_object.get("jwk") else {
        return Err(DpopError::InvalidKey);
    };
    if PRIVATE_MEMBERS.iter().any(|member| jwk.contains_key(*member)) {
        return Err(DpopError::PrivateKey);
    }
    let jkt = thumbprint(jwk).ok_or(DpopError::InvalidKey)?;
    let key = keys::from_public_jwk(jwk, alg).ok_or(DpopError::InvalidKey)?;
    let message = &proof.as_bytes()[..header.len() + 1 + payload.len()];
    if !with_decoded(signature, |signature| key.verify(message, signature)).ok_or(DpopError::Malformed)? {
        return Err(DpopError::BadSignature);
    }
    let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| DpopError::Malformed)?;
    let claims = parse_object(&payload).map_err(malformed)?;
    read_claims(&claims, jkt)
}

fn malformed(_: JsonError) -> DpopError {
    DpopError::Malformed
}

fn read_claims(claims: &Map<String, Value>, jkt: String) -> Result<Proof, DpopError> {
    let text = |name: &str| match claims.get(name) {
        Some(Value::String(value)) => Ok(Some(value.clone())),
        None => Ok(None),
        Some(_) => Err(DpopError::InvalidClaims),
    };
    let required = |name: &str| text(name)?.ok_or(DpopError::InvalidClaims);
    let jti = required("jti")?;
    if jti.is_empty() || jti.len() > MAX_JTI_LEN {
        return Err(DpopError::InvalidClaims);
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_f64)
        .filter(|iat| iat.is_finite())
        .ok_or(DpopError::InvalidClaims)?;
    Ok(Proof {
        jti,
        htm: required("htm")?,
        htu: required("htu")?,
        iat,
        ath: text("ath")?,
        nonce: text("nonce")?,
        jkt,
    })
}

/// `dpop+jwt`, or `application/dpop+jwt`, in any case (media types are case-insensitive
/// and the `application/` prefix may be left out: RFC 7515 §4.1.9).
fn is_proof_type(typ: &str) -> bool {
    let typ = match typ.get(..12) {
        Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &typ[12..],
        _ => typ,
    };
    typ.eq_ignore_ascii_case("dpop+jwt")
}

/// The RFC 7638 JWK SHA-256 thumbprint of `jwk`, base64url: SHA-256 over the JSON object
/// of the key type's required members (EC: `crv`, `kty`, `x`, `y`; RSA: `e`, `kty`, `n`;
/// OKP: `crv`, `kty`, `x`), in that order, without whitespace. `None` for another key type
/// or a required member that is not a string.
pub(crate) fn thumbprint(jwk: &Map<String, Value>) -> Option<String> {
    let members: &[&str] = match jwk.get("kty")?.as_str()? {
        "EC" => &["crv", "kty", "x", "y"],
        "RSA" => &["e", "kty", "n"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    };
    let mut canonical = String::from("{");
    for (i, member) in members.iter().enumerate() {
        let value = jwk.get(*member)?.as_str()?;
        if i > 0 {
            canonical.push(',');
        }
        // Member names need no escaping; values are written as JSON strings.
        canonical.push_str(&format!("\"{member}\":{}", Value::String(value.to_owned())));
    }
    canonical.push('}');
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

/// The `ath` of `token`: the base64url SHA-256 of its ASCII bytes (RFC 9449 §4.2).
pub(crate) fn access_token_hash(token: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token))
}

/// Whether the proof's `htu` names `expected` (the request's URI as an absolute URI,
/// without query and fragment): equal after both lose their query and fragment and get the
/// scheme-based normalisation of RFC 3986 §6.2.2.1 and §6.2.3 (scheme and host in lower
/// case, the scheme's default port dropped, an empty path as `/`).
pub(crate) fn htu_matches(htu: &str, expected: &str) -> bool {
    match (normalize(htu), normalize(expected)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// `uri` normalised as [`htu_matches`] compares it; `None` when it is not an absolute
/// `http` or `https` URI with a host.
fn normalize(uri: &str) -> Option<String> {
    let uri = uri.split(['?', '#']).next().unwrap_or("");
    let (scheme, rest) = uri.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, "/"),
    };
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    Some(format!("{scheme}://{authority}{path}"))
}

#[cfg(test)]
mod tests;
