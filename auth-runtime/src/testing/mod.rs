//! The test kit (feature `test-util`): mint tokens in one line, assert the guard's
//! answers, and audit every route of a router.
//!
//! **Not for production builds.** The issuer signs with key pairs embedded in this crate
//! and published with it; a [`Warden`] from [`TestIssuer::warden`] trusts anyone who has
//! this crate. Enable the feature under `[dev-dependencies]` only:
//!
//! ```toml
//! [dev-dependencies]
//! axum-warden = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! ```
//! use axum_warden::testing::{TestIssuer, assert_allowed, assert_forbidden};
//! use axum_warden::{Algorithm, requires_role};
//! use axum_warden::routing::get;
//! use tower::ServiceExt as _;
//!
//! #[requires_role("admin")]
//! async fn admin() -> &'static str { "hi" }
//!
//! # tokio_test::block_on(async {
//! let issuer = TestIssuer::new(Algorithm::ES256);
//! let app: axum::Router = axum_warden::Router::new().route("/admin", get(admin)).with_state(issuer.warden()).into();
//!
//! let request = |token: String| {
//!     http::Request::get("/admin").header("authorization", token).body(axum::body::Body::empty()).unwrap()
//! };
//! let response = app.clone().oneshot(request(issuer.token().roles(["admin"]).bearer())).await.unwrap();
//! assert_allowed(&response);
//! let response = app.oneshot(request(issuer.token().roles(["viewer"]).bearer())).await.unwrap();
//! assert_forbidden(&response, None);
//! # });
//! ```

mod audit;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};

pub use audit::{AuditReport, Finding, Probe, audit};

use crate::config::{Warden, WardenBuilder};

/// Issuer, audience and subject that [`TestIssuer`] uses unless told otherwise.
pub const TEST_ISSUER: &str = "https://issuer.warden.test";
/// Audience of [`TestIssuer`] tokens unless told otherwise.
pub const TEST_AUDIENCE: &str = "warden-test-api";
/// Subject of [`TestIssuer`] tokens unless told otherwise.
pub const TEST_SUBJECT: &str = "test-user";

const HMAC_SECRET: &[u8] = b"axum-warden test-util secret: public, for tests only, never for production";

/// Mints tokens for any supported algorithm and hands out the matching [`Warden`].
///
/// ```
/// use axum_warden::Algorithm;
/// use axum_warden::testing::TestIssuer;
///
/// let issuer = TestIssuer::new(Algorithm::RS256);
/// let token = issuer.token().subject("ada").roles(["admin"]).scopes(["orders:read"]).sign();
/// let identity = issuer.warden().verify_token(&token)?;
/// assert_eq!(identity.subject(), "ada");
/// assert!(identity.has_scope("orders:read"));
/// # Ok::<(), axum_warden::AuthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct TestIssuer {
    algorithm: Algorithm,
    issuer: String,
    audience: String,
}

impl TestIssuer {
    /// An issuer signing with `algorithm` and an embedded test key of its family.
    #[must_use]
    pub fn new(algorithm: Algorithm) -> Self {
        Self {
            algorithm,
            issuer: TEST_ISSUER.to_owned(),
            audience: TEST_AUDIENCE.to_owned(),
        }
    }

    /// Sets the `iss` of its tokens and of its warden.
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = issuer.into();
        self
    }

    /// Sets the `aud` of its tokens and of its warden.
    #[must_use]
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// The algorithm its tokens use.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// A builder configured to verify this issuer's tokens, to add settings to.
    pub fn warden_builder(&self) -> WardenBuilder {
        let builder = Warden::builder()
            .issuer(&self.issuer)
            .audience(&self.audience)
            .algorithms([self.algorithm]);
        match key_pair(self.algorithm) {
            KeyPair::Secret => builder.hmac_secret(HMAC_SECRET),
            KeyPair::Pem { public, .. } => builder.public_key_pem(public),
        }
    }

    /// A [`Warden`] that verifies this issuer's tokens.
    ///
    /// # Panics
    /// Never for the supported algorithms: the embedded keys fit them.
    #[must_use]
    pub fn warden(&self) -> Warden {
        match self.warden_builder().build() {
            Ok(warden) => warden,
            Err(e) => panic!("the embedded test key does not fit {:?}: {e}", self.algorithm),
        }
    }

    /// Starts a valid token: subject [`TEST_SUBJECT`], this issuer and audience, valid for
    /// an hour, no roles, no scopes.
    pub fn token(&self) -> TokenBuilder<'_> {
        let now = unix_now();
        let mut claims = Map::new();
        claims.insert("sub".into(), json!(TEST_SUBJECT));
        claims.insert("iss".into(), json!(self.issuer));
        claims.insert("aud".into(), json!(self.audience));
        claims.insert("iat".into(), json!(now));
        claims.insert("exp".into(), json!(now + 3600));
        TokenBuilder {
            issuer: self,
            claims,
            header: Header::new(self.algorithm),
        }
    }
}

/// A token being minted; see [`TestIssuer::token`].
#[must_use]
#[derive(Debug, Clone)]
pub struct TokenBuilder<'a> {
    issuer: &'a TestIssuer,
    claims: Map<String, Value>,
    header: Header,
}

impl TokenBuilder<'_> {
    /// Sets `sub`.
    pub fn subject(self, subject: &str) -> Self {
        self.claim("sub", json!(subject))
    }

    /// Sets the `roles` claim.
    pub fn roles<'r>(self, roles: impl IntoIterator<Item = &'r str>) -> Self {
        let roles: Vec<&str> = roles.into_iter().collect();
        self.claim("roles", json!(roles))
    }

    /// Sets the `scope` claim (space-delimited).
    pub fn scopes<'s>(self, scopes: impl IntoIterator<Item = &'s str>) -> Self {
        let scopes: Vec<&str> = scopes.into_iter().collect();
        self.claim("scope", json!(scopes.join(" ")))
    }

    /// Sets `iss`.
    pub fn issuer(self, issuer: &str) -> Self {
        self.claim("iss", json!(issuer))
    }

    /// Sets `aud`.
    pub fn audience(self, audience: &str) -> Self {
        self.claim("aud", json!(audience))
    }

    /// Makes the token expire `valid_for` from now.
    pub fn expires_in(self, valid_for: Duration) -> Self {
        self.claim("exp", json!(unix_now() + valid_for.as_secs()))
    }

    /// Makes the token expired an hour ago (well beyond any leeway).
    pub fn expired(self) -> Self {
        self.claim("exp", json!(unix_now().saturating_sub(3600)))
    }

    /// Makes the token valid only from `delay` after now.
    pub fn not_before(self, delay: Duration) -> Self {
        self.claim("nbf", json!(unix_now() + delay.as_secs()))
    }

    /// Sets any claim.
    pub fn claim(mut self, name: &str, value: Value) -> Self {
        self.claims.insert(name.to_owned(), value);
        self
    }

    /// Removes a claim (for tokens that lack `exp`, `iss` …).
    pub fn without(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// Sets the `kid` header.
    pub fn key_id(mut self, kid: &str) -> Self {
        self.header.kid = Some(kid.to_owned());
        self
    }

    /// The signed compact token.
    ///
    /// # Panics
    /// Never for the supported algorithms: the embedded keys fit them.
    #[must_use]
    pub fn sign(self) -> String {
        crate::keys::install_crypto_provider();
        let key = match key_pair(self.issuer.algorithm) {
            KeyPair::Secret => EncodingKey::from_secret(HMAC_SECRET),
            KeyPair::Pem { private, .. } => match self.issuer.algorithm {
                Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(private),
                Algorithm::EdDSA => EncodingKey::from_ed_pem(private),
                _ => EncodingKey::from_rsa_pem(private),
            }
            .unwrap_or_else(|e| panic!("embedded test key: {e}")),
        };
        jsonwebtoken::encode(&self.header, &self.claims, &key).unwrap_or_else(|e| panic!("signing a test token: {e}"))
    }

    /// The signed token as an `Authorization` header value: `Bearer <token>`.
    #[must_use]
    pub fn bearer(self) -> String {
        format!("Bearer {}", self.sign())
    }
}

enum KeyPair {
    Secret,
    Pem {
        private: &'static [u8],
        public: &'static [u8],
    },
}

fn key_pair(algorithm: Algorithm) -> KeyPair {
    macro_rules! pem {
        ($name:literal) => {
            KeyPair::Pem {
                private: include_bytes!(concat!($name, ".key")),
                public: include_bytes!(concat!($name, ".pub")),
            }
        };
    }
    match algorithm {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyPair::Secret,
        Algorithm::ES256 => pem!("ec256"),
        Algorithm::ES384 => pem!("ec384"),
        Algorithm::EdDSA => pem!("ed25519"),
        _ => pem!("rsa"),
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn challenge<B>(response: &http::Response<B>) -> Option<&str> {
    response
        .headers()
        .get(http::header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
}

/// Asserts a 401 with a bare `Bearer` challenge (no `error`): no credentials were sent.
///
/// # Panics
/// When the response is anything else.
#[track_caller]
pub fn assert_unauthorized<B>(response: &http::Response<B>) {
    let c = challenge(response);
    assert!(
        response.status() == http::StatusCode::UNAUTHORIZED
            && c.is_some_and(|c| c.starts_with("Bearer ") && !c.contains("error=")),
        "expected 401 with a bare Bearer challenge, got {} with WWW-Authenticate {c:?}",
        response.status()
    );
}

/// Asserts a 401 with `error="invalid_token"`.
///
/// # Panics
/// When the response is anything else.
#[track_caller]
pub fn assert_invalid_token<B>(response: &http::Response<B>) {
    let c = challenge(response);
    assert!(
        response.status() == http::StatusCode::UNAUTHORIZED
            && c.is_some_and(|c| c.starts_with("Bearer ") && c.contains(r#"error="invalid_token""#)),
        "expected 401 with error=\"invalid_token\", got {} with WWW-Authenticate {c:?}",
        response.status()
    );
}

/// Asserts a 403 with `error="insufficient_scope"` and, when given, `scope="…"`.
///
/// # Panics
/// When the response is anything else.
#[track_caller]
pub fn assert_forbidden<B>(response: &http::Response<B>, scope: Option<&str>) {
    let c = challenge(response);
    let scope_ok = |c: &str| scope.is_none_or(|s| c.contains(&format!("scope=\"{s}\"")));
    assert!(
        response.status() == http::StatusCode::FORBIDDEN
            && c.is_some_and(|c| c.contains(r#"error="insufficient_scope""#) && scope_ok(c)),
        "expected 403 with error=\"insufficient_scope\"{}, got {} with WWW-Authenticate {c:?}",
        scope.map(|s| format!(" and scope=\"{s}\"")).unwrap_or_default(),
        response.status()
    );
}

/// Asserts the guard let the request through: neither 401 nor 403.
///
/// # Panics
/// When the response is a 401 or a 403.
#[track_caller]
pub fn assert_allowed<B>(response: &http::Response<B>) {
    let status = response.status();
    assert!(
        status != http::StatusCode::UNAUTHORIZED && status != http::StatusCode::FORBIDDEN,
        "expected the request to be allowed, got {status} with WWW-Authenticate {:?}",
        challenge(response)
    );
}
