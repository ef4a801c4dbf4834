//! The escape hatch of the test kit: exact bytes signed with the embedded keys, and the
//! public halves of those keys, for tests of what [`TokenBuilder`](super::TokenBuilder)
//! cannot produce (an `alg` of `none`, a `crit` member, duplicate JSON names, a header that
//! is not an object, bytes that are not UTF-8, an HMAC keyed with a public key).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::EncodingKey;
use jsonwebtoken::jwk::Jwk;
use serde_json::Value;

use super::issuer::TestIssuer;
use super::keys::{HMAC_SECRET, KeyPair, key_pair};
use crate::algorithm::Algorithm;

impl TestIssuer {
    /// A compact token of exactly these header and payload bytes, signed with this
    /// issuer's key and algorithm, whatever the header says.
    ///
    /// Each part is base64url-encoded as it is: it need not be JSON, an object, or UTF-8.
    /// Nothing is added, so a header without `alg`, or with an `alg` that is not the
    /// issuer's, is signed all the same.
    ///
    /// ```
    /// use axum_warden::testing::{TEST_AUDIENCE, TEST_ISSUER, TestIssuer};
    /// use axum_warden::{Algorithm, AuthError, TokenError};
    ///
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let payload = format!(r#"{{"iss":"{TEST_ISSUER}","aud":"{TEST_AUDIENCE}","exp":4102444800}}"#);
    /// // The issuer's own header, as bytes: accepted.
    /// let token = issuer.sign_raw(br#"{"alg":"HS256"}"#, payload.as_bytes());
    /// assert!(issuer.warden().verify_token(&token).is_ok());
    /// // `alg` given twice, with a valid HS256 signature all the same: refused.
    /// let token = issuer.sign_raw(br#"{"alg":"none","alg":"HS256"}"#, payload.as_bytes());
    /// assert!(matches!(issuer.warden().verify_token(&token), Err(AuthError::InvalidToken(_))));
    /// // A critical extension the verifier does not know: refused.
    /// let token = issuer.sign_raw(br#"{"alg":"HS256","crit":["exp"],"exp":1}"#, payload.as_bytes());
    /// assert!(matches!(issuer.warden().verify_token(&token), Err(AuthError::InvalidToken(_))));
    /// ```
    ///
    /// # Panics
    /// Never for the supported algorithms: the embedded keys fit them.
    #[must_use]
    pub fn sign_raw(&self, header: &[u8], payload: &[u8]) -> String {
        let message = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
        let signature = signature(message.as_bytes(), &encoding_key(self.algorithm()), self.algorithm());
        format!("{message}.{signature}")
    }

    /// The PEM (`SubjectPublicKeyInfo`) of this issuer's public key, as its warden is
    /// configured with; `None` for an HMAC issuer, whose secret is no public key.
    ///
    /// For tests of configuration that reads a key file, and as the secret of an
    /// algorithm-confusion token (see [`sign_hmac`]).
    ///
    /// ```
    /// use axum_warden::testing::{TEST_AUDIENCE, TEST_ISSUER, TestIssuer};
    /// use axum_warden::{Algorithm, Warden};
    ///
    /// let issuer = TestIssuer::new(Algorithm::EdDSA);
    /// let pem = issuer.public_key_pem().expect("an asymmetric key");
    /// assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    ///
    /// let file = std::env::temp_dir().join(format!("warden-doctest-{}.pub", std::process::id()));
    /// std::fs::write(&file, pem)?;
    /// let warden = Warden::builder().public_key_file(&file).issuer(TEST_ISSUER).audience(TEST_AUDIENCE).build();
    /// # std::fs::remove_file(&file)?;
    /// assert!(warden?.verify_token(&issuer.token().sign()).is_ok());
    ///
    /// assert_eq!(TestIssuer::new(Algorithm::HS256).public_key_pem(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn public_key_pem(&self) -> Option<&'static str> {
        match key_pair(self.algorithm()) {
            KeyPair::Secret => None,
            KeyPair::Pem { public, .. } => std::str::from_utf8(public).ok(),
        }
    }

    /// The public JWK of this issuer's key, with `kid` and the issuer's algorithm as
    /// `alg`; `None` for an HMAC issuer, whose secret is no public key.
    ///
    /// For key sets served in tests (`jwks_json`, or a JWKS endpoint on loopback).
    ///
    /// ```
    /// use axum_warden::testing::{TEST_AUDIENCE, TEST_ISSUER, TestIssuer};
    /// use axum_warden::{Algorithm, Warden};
    /// use serde_json::json;
    ///
    /// let issuer = TestIssuer::new(Algorithm::ES256);
    /// let jwk = issuer.public_jwk("2024-1").expect("an asymmetric key");
    /// assert_eq!((jwk["kty"].as_str(), jwk["kid"].as_str()), (Some("EC"), Some("2024-1")));
    /// assert_eq!(jwk["alg"], "ES256");
    ///
    /// let warden = Warden::builder()
    ///     .jwks_json(json!({ "keys": [jwk] }).to_string())
    ///     .issuer(TEST_ISSUER)
    ///     .audience(TEST_AUDIENCE)
    ///     .build()?;
    /// assert!(warden.verify_token(&issuer.token().key_id("2024-1").sign()).is_ok());
    /// assert!(warden.verify_token(&issuer.token().key_id("2023-9").sign()).is_err());
    ///
    /// assert_eq!(TestIssuer::new(Algorithm::HS256).public_jwk("k"), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Panics
    /// Never for the supported algorithms: the embedded keys fit them.
    #[must_use]
    pub fn public_jwk(&self, kid: &str) -> Option<Value> {
        if matches!(key_pair(self.algorithm()), KeyPair::Secret) {
            return None;
        }
        crate::token::keys::install_crypto_provider();
        let algorithm = self.algorithm();
        let mut jwk = Jwk::from_encoding_key(&encoding_key(algorithm), algorithm.to_jsonwebtoken())
            .unwrap_or_else(|e| panic!("the public JWK of the embedded test key: {e}"));
        jwk.common.key_id = Some(kid.to_owned());
        Some(serde_json::to_value(jwk).unwrap_or_else(|e| panic!("a JWK as JSON: {e}")))
    }
}

/// A compact token of exactly these header and payload bytes, signed by the HMAC
/// `algorithm` keyed with `secret`, whatever the bytes are.
///
/// For an algorithm-confusion token (an HMAC keyed with the verifier's public key, as
/// [`TestIssuer::public_key_pem`] gives it), or a token under a published key such as
/// the examples of RFC 7515.
///
/// ```
/// use axum_warden::testing::{TEST_AUDIENCE, TEST_ISSUER, TestIssuer, sign_hmac};
/// use axum_warden::{Algorithm, AuthError};
///
/// let issuer = TestIssuer::new(Algorithm::RS256);
/// let payload = format!(r#"{{"iss":"{TEST_ISSUER}","aud":"{TEST_AUDIENCE}","exp":4102444800}}"#);
/// let public_key = issuer.public_key_pem().expect("an RSA key");
/// let token = sign_hmac(Algorithm::HS256, public_key.as_bytes(), br#"{"alg":"HS256"}"#, payload.as_bytes());
/// // The RS256 warden does not take its public key for an HMAC secret.
/// assert!(matches!(issuer.warden().verify_token(&token), Err(AuthError::InvalidToken(_))));
/// ```
///
/// # Panics
/// If `algorithm` is not HS256, HS384 or HS512.
#[must_use]
pub fn sign_hmac(algorithm: Algorithm, secret: &[u8], header: &[u8], payload: &[u8]) -> String {
    assert!(
        matches!(algorithm, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512),
        "sign_hmac signs with HS256, HS384 or HS512, not {algorithm:?}"
    );
    let message = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
    let key = EncodingKey::from_secret(secret).unwrap_or_else(|e| panic!("an HMAC key of {} bytes: {e}", secret.len()));
    let signature = signature(message.as_bytes(), &key, algorithm);
    format!("{message}.{signature}")
}

/// The private key that signs `algorithm` tokens.
pub(super) fn encoding_key(algorithm: Algorithm) -> EncodingKey {
    match key_pair(algorithm) {
        KeyPair::Secret => EncodingKey::from_secret(HMAC_SECRET),
        KeyPair::Pem { private, .. } => match algorithm {
            Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(private),
            Algorithm::EdDSA => EncodingKey::from_ed_pem(private),
            _ => EncodingKey::from_rsa_pem(private),
        },
    }
    .unwrap_or_else(|e| panic!("embedded test key: {e}"))
}

pub(super) fn signature(message: &[u8], key: &EncodingKey, algorithm: Algorithm) -> String {
    crate::token::keys::install_crypto_provider();
    jsonwebtoken::crypto::sign(message, key, algorithm.to_jsonwebtoken())
        .unwrap_or_else(|e| panic!("signing test bytes: {e}"))
}
