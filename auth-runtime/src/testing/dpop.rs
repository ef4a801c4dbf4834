//! DPoP proofs for tests: a client key, its thumbprint for `cnf.jkt`, and proofs made the
//! way RFC 9449 §4 describes, or made wrong on purpose.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use serde_json::{Map, Value, json};

use super::raw::{encoding_key, signature};
use crate::algorithm::Algorithm;
use crate::token::dpop::{access_token_hash, thumbprint};

/// A DPoP client key of the test kit (the embedded test key of its algorithm), which makes
/// proofs for requests and names its thumbprint for the tokens bound to it.
///
/// ```
/// # tokio_test::block_on(async {
/// use axum_warden::testing::{DpopKey, TestIssuer};
/// use axum_warden::{Algorithm, DpopMode, requires_auth, routing::get};
/// use tower::ServiceExt as _;
///
/// #[requires_auth]
/// async fn orders() -> &'static str { "[]" }
///
/// let issuer = TestIssuer::new(Algorithm::ES256);
/// let warden = issuer.warden_builder().dpop(DpopMode::Required).dpop_origin("https://api.example").build()?;
/// let app: axum::Router = axum_warden::Router::new().route("/orders", get(orders)).with_state(warden).into();
///
/// let key = DpopKey::new(Algorithm::ES256);
/// let token = issuer.token().bound_to(&key).sign();
/// let request = http::Request::get("/orders")
///     .header("authorization", format!("DPoP {token}"))
///     .header("dpop", key.proof("GET", "https://api.example/orders", &token))
///     .body(axum::body::Body::empty())?;
/// assert_eq!(app.oneshot(request).await?.status(), 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).expect("the example runs");
/// ```
#[derive(Debug, Clone)]
pub struct DpopKey {
    algorithm: Algorithm,
    jwk: Map<String, Value>,
    thumbprint: String,
}

impl DpopKey {
    /// The test key of `algorithm` as a DPoP key.
    ///
    /// # Panics
    /// For an HMAC algorithm: a DPoP key is a key pair.
    #[must_use]
    pub fn new(algorithm: Algorithm) -> Self {
        crate::token::keys::install_crypto_provider();
        assert!(
            !algorithm.as_str().starts_with("HS"),
            "a DPoP key is an asymmetric key pair, not {algorithm}"
        );
        let jwk = Jwk::from_encoding_key(&encoding_key(algorithm), algorithm.to_jsonwebtoken())
            .unwrap_or_else(|e| panic!("the public JWK of the embedded test key: {e}"));
        let Ok(Value::Object(mut jwk)) = serde_json::to_value(jwk) else {
            panic!("a JWK is a JSON object");
        };
        // The key as a client sends it: its public members only.
        jwk.retain(|name, _| matches!(name.as_str(), "kty" | "crv" | "x" | "y" | "n" | "e"));
        let thumbprint = thumbprint(&jwk).unwrap_or_else(|| panic!("a thumbprint of the {algorithm} test key"));
        Self {
            algorithm,
            jwk,
            thumbprint,
        }
    }

    /// The RFC 7638 SHA-256 thumbprint of the key: the `cnf.jkt` of a token bound to it.
    #[must_use]
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// The public key as a JWK object, as proofs carry it.
    #[must_use]
    pub fn public_jwk(&self) -> Value {
        Value::Object(self.jwk.clone())
    }

    /// A proof for a `method` request to `url` (absolute, without query) with
    /// `access_token`: a fresh `jti`, `iat` now, `ath` the token's hash.
    #[must_use]
    pub fn proof(&self, method: &str, url: &str, access_token: &str) -> String {
        self.proof_with(method, url, access_token, &json!({}), &json!({}))
    }

    /// [`proof`](Self::proof) with `claims` and `header` merged over the standard ones (a
    /// member set to `null` is removed): for nonces, and for proofs made wrong on purpose.
    ///
    /// ```
    /// use axum_warden::Algorithm;
    /// use axum_warden::testing::DpopKey;
    /// use serde_json::json;
    ///
    /// let key = DpopKey::new(Algorithm::ES256);
    /// let old = key.proof_with("GET", "https://api.example/", "t", &json!({"iat": 1}), &json!({"typ": "JWT"}));
    /// assert_eq!(old.split('.').count(), 3);
    /// ```
    #[must_use]
    pub fn proof_with(&self, method: &str, url: &str, access_token: &str, claims: &Value, header: &Value) -> String {
        static SEQUENCE: AtomicU64 = AtomicU64::new(0);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let jti = format!("test-{now}-{}", SEQUENCE.fetch_add(1, Ordering::Relaxed));
        let mut all_claims = json!({
            "jti": jti, "htm": method, "htu": url, "iat": now, "ath": access_token_hash(access_token.as_bytes()),
        });
        let mut all_header = json!({"typ": "dpop+jwt", "alg": self.algorithm.as_str(), "jwk": self.jwk});
        merge(&mut all_claims, claims);
        merge(&mut all_header, header);
        let message = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(all_header.to_string()),
            URL_SAFE_NO_PAD.encode(all_claims.to_string())
        );
        let signature = signature(message.as_bytes(), &encoding_key(self.algorithm), self.algorithm);
        format!("{message}.{signature}")
    }
}

/// `patch`'s members over `target`'s; `null` removes one.
fn merge(target: &mut Value, patch: &Value) {
    let (Value::Object(target), Value::Object(patch)) = (target, patch) else {
        return;
    };
    for (name, value) in patch {
        if value.is_null() {
            target.remove(name);
        } else {
            target.insert(name.clone(), value.clone());
        }
    }
}
