//! [`TokenBuilder`]: one token of a [`TestIssuer`], claim by claim.

use std::time::Duration;

use crate::verifier::clock::unix_now;

use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Map, Value, json};

use super::issuer::{TEST_SUBJECT, TestIssuer};
use super::keys::{HMAC_SECRET, KeyPair, key_pair};
use crate::algorithm::Algorithm;

impl TestIssuer {
    /// Starts a valid token: subject [`TEST_SUBJECT`], this issuer and audience, valid for
    /// an hour, no roles, no scopes.
    ///
    /// ```
    /// use std::time::{SystemTime, UNIX_EPOCH};
    /// use axum_warden::Algorithm;
    /// use axum_warden::testing::{TEST_SUBJECT, TestIssuer};
    ///
    /// let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let identity = issuer.warden().verify_token(&issuer.token().sign())?;
    /// assert_eq!(identity.subject(), TEST_SUBJECT);
    /// assert!(identity.roles().is_empty() && identity.scopes().is_empty());
    /// assert!(identity.expires_at().is_some_and(|exp| (now + 3590..=now + 3610).contains(&exp)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
            header: Header::new(self.algorithm.to_jsonwebtoken()),
        }
    }
}

/// A token being minted; see [`TestIssuer::token`].
///
/// ```
/// use std::time::Duration;
/// use axum_warden::Algorithm;
/// use axum_warden::testing::TestIssuer;
///
/// let issuer = TestIssuer::new(Algorithm::ES256);
/// let token = issuer.token().subject("ada").roles(["editor"]).expires_in(Duration::from_secs(60)).sign();
/// let identity = issuer.warden().verify_token(&token)?;
/// assert_eq!(identity.subject(), "ada");
/// assert!(identity.has_role("editor") && !identity.has_role("admin"));
/// # Ok::<(), axum_warden::AuthError>(())
/// ```
#[must_use]
#[derive(Debug, Clone)]
pub struct TokenBuilder<'a> {
    issuer: &'a TestIssuer,
    claims: Map<String, Value>,
    header: Header,
}

impl TokenBuilder<'_> {
    /// Sets `sub`.
    ///
    /// ```
    /// # use axum_warden::{Algorithm, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let identity = issuer.warden().verify_token(&issuer.token().subject("ada").sign())?;
    /// assert_eq!(identity.subject(), "ada");
    /// # Ok::<(), axum_warden::AuthError>(())
    /// ```
    pub fn subject(self, subject: &str) -> Self {
        self.claim("sub", json!(subject))
    }

    /// Sets the roles: the `roles` claim, or the first claim of the issuer's
    /// [role source](TestIssuer::with_role_source).
    ///
    /// ```
    /// use axum_warden::testing::{TestIssuer, assert_allowed, assert_forbidden};
    /// use axum_warden::{Algorithm, Router, requires_role, routing::get};
    /// use tower::ServiceExt as _;
    ///
    /// #[requires_role("admin")]
    /// async fn admin() {}
    ///
    /// # tokio_test::block_on(async {
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let app: axum::Router = Router::new().route("/admin", get(admin)).with_state(issuer.warden()).into();
    /// let send = |auth: String| {
    ///     let request = http::Request::get("/admin").header("authorization", auth).body(axum::body::Body::empty());
    ///     app.clone().oneshot(request.unwrap())
    /// };
    /// assert_allowed(&send(issuer.token().roles(["admin"]).bearer()).await.unwrap());
    /// assert_forbidden(&send(issuer.token().roles(["viewer", "editor"]).bearer()).await.unwrap(), None);
    /// # });
    /// ```
    pub fn roles<'r>(mut self, roles: impl IntoIterator<Item = &'r str>) -> Self {
        let roles: Vec<&str> = roles.into_iter().collect();
        let path = self
            .issuer
            .roles
            .as_ref()
            .and_then(|source| source.paths().first())
            .map(|path| path.segments().to_vec())
            .unwrap_or_else(|| vec!["roles".to_owned()]);
        // Nested objects along the path, merged with what the token has there already.
        let Some((last, parents)) = path.split_last() else {
            return self;
        };
        let mut object = &mut self.claims;
        for segment in parents {
            let entry = object
                .entry(segment.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            let Value::Object(inner) = entry else {
                return self;
            };
            object = inner;
        }
        object.insert(last.clone(), json!(roles));
        self
    }

    /// Sets the `scope` claim (space-delimited).
    ///
    /// ```
    /// # use axum_warden::{Algorithm, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let token = issuer.token().scopes(["orders:read", "orders:write"]).sign();
    /// let identity = issuer.warden().verify_token(&token)?;
    /// assert_eq!(identity.claim("scope"), Some(&serde_json::json!("orders:read orders:write")));
    /// assert!(identity.has_scope("orders:write"));
    /// # Ok::<(), axum_warden::AuthError>(())
    /// ```
    pub fn scopes<'s>(self, scopes: impl IntoIterator<Item = &'s str>) -> Self {
        let scopes: Vec<&str> = scopes.into_iter().collect();
        self.claim("scope", json!(scopes.join(" ")))
    }

    /// Sets `iss`.
    ///
    /// ```
    /// # use axum_warden::{Algorithm, AuthError, TokenError, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let token = issuer.token().issuer("https://elsewhere.test").sign();
    /// let result = issuer.warden().verify_token(&token);
    /// assert!(matches!(result, Err(AuthError::InvalidToken(TokenError::InvalidIssuer))));
    /// ```
    pub fn issuer(self, issuer: &str) -> Self {
        self.claim("iss", json!(issuer))
    }

    /// Sets `aud`.
    ///
    /// ```
    /// # use axum_warden::{Algorithm, AuthError, TokenError, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let token = issuer.token().audience("another-api").sign();
    /// let result = issuer.warden().verify_token(&token);
    /// assert!(matches!(result, Err(AuthError::InvalidToken(TokenError::InvalidAudience))));
    /// ```
    pub fn audience(self, audience: &str) -> Self {
        self.claim("aud", json!(audience))
    }

    /// Makes the token expire `valid_for` from now.
    ///
    /// ```
    /// # use std::time::{Duration, SystemTime, UNIX_EPOCH};
    /// # use axum_warden::{Algorithm, testing::TestIssuer};
    /// let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let token = issuer.token().expires_in(Duration::from_secs(120)).sign();
    /// let exp = issuer.warden().verify_token(&token)?.expires_at();
    /// assert!(exp.is_some_and(|exp| (now + 110..=now + 130).contains(&exp)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expires_in(self, valid_for: Duration) -> Self {
        self.claim("exp", json!(unix_now() + valid_for.as_secs()))
    }

    /// Makes the token expired an hour ago (well beyond any leeway).
    ///
    /// ```
    /// # use axum_warden::{Algorithm, AuthError, TokenError, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let result = issuer.warden().verify_token(&issuer.token().expired().sign());
    /// assert!(matches!(result, Err(AuthError::InvalidToken(TokenError::Expired))));
    /// ```
    pub fn expired(self) -> Self {
        self.claim("exp", json!(unix_now().saturating_sub(3600)))
    }

    /// Makes the token valid only from `delay` after now.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use axum_warden::{Algorithm, AuthError, TokenError, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// // Ten minutes: beyond the default leeway of 60 s.
    /// let token = issuer.token().not_before(Duration::from_secs(600)).sign();
    /// let result = issuer.warden().verify_token(&token);
    /// assert!(matches!(result, Err(AuthError::InvalidToken(TokenError::NotYetValid))));
    /// ```
    pub fn not_before(self, delay: Duration) -> Self {
        self.claim("nbf", json!(unix_now() + delay.as_secs()))
    }

    /// Sets the authentication context class (`acr`), for routes with a step-up rule
    /// (RFC 9470).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use axum_warden::{Algorithm, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let token = issuer.token().acr("mfa").authenticated_ago(Duration::from_secs(30)).sign();
    /// let identity = issuer.warden().verify_token(&token)?;
    /// assert_eq!(identity.acr(), Some("mfa"));
    /// assert!(identity.auth_time().is_some());
    /// # Ok::<(), axum_warden::AuthError>(())
    /// ```
    pub fn acr(self, class: &str) -> Self {
        self.claim("acr", json!(class))
    }

    /// Sets `auth_time` to `ago` before now: when the caller authenticated, for routes
    /// with a `max_age` step-up rule (RFC 9470).
    pub fn authenticated_ago(self, ago: Duration) -> Self {
        self.claim("auth_time", json!(unix_now().saturating_sub(ago.as_secs())))
    }

    /// Sets any claim.
    ///
    /// ```
    /// # use axum_warden::{Algorithm, testing::TestIssuer};
    /// use serde_json::json;
    ///
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let token = issuer.token().claim("tenant", json!("acme")).sign();
    /// assert_eq!(issuer.warden().verify_token(&token)?.claim("tenant"), Some(&json!("acme")));
    /// # Ok::<(), axum_warden::AuthError>(())
    /// ```
    pub fn claim(mut self, name: &str, value: Value) -> Self {
        self.claims.insert(name.to_owned(), value);
        self
    }

    /// Binds the token to a DPoP key: `cnf.jkt` is the key's thumbprint (RFC 9449 §6.1).
    pub fn bound_to(self, key: &super::DpopKey) -> Self {
        self.claim("cnf", serde_json::json!({ "jkt": key.thumbprint() }))
    }

    /// Removes a claim (for tokens that lack `exp`, `iss` …).
    ///
    /// ```
    /// # use axum_warden::{Algorithm, AuthError, TokenError, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let result = issuer.warden().verify_token(&issuer.token().without("exp").sign());
    /// assert!(matches!(result, Err(AuthError::InvalidToken(TokenError::MissingExpiry))));
    /// ```
    pub fn without(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// Sets the `kid` header.
    ///
    /// ```
    /// # use axum_warden::{Algorithm, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::RS256);
    /// let token = issuer.token().key_id("2024-rotation").sign();
    /// assert_eq!(jsonwebtoken::decode_header(&token)?.kid.as_deref(), Some("2024-rotation"));
    /// // The test warden's key has no `kid`, so it still verifies the token.
    /// assert!(issuer.warden().verify_token(&token).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key_id(mut self, kid: &str) -> Self {
        self.header.kid = Some(kid.to_owned());
        self
    }

    /// Sets the `typ` header (`JWT` unless set): `at+jwt` mints an RFC 9068 access token
    /// for a warden that [requires it](crate::WardenBuilder::require_access_token_type).
    ///
    /// ```
    /// # use axum_warden::{Algorithm, TokenError, AuthError, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::ES256);
    /// let warden = issuer.warden_builder().require_access_token_type(true).build()?;
    /// assert!(warden.verify_token(&issuer.token().token_type("at+jwt").sign()).is_ok());
    /// assert_eq!(
    ///     warden.verify_token(&issuer.token().sign()).err(),
    ///     Some(AuthError::InvalidToken(TokenError::NotAnAccessToken))
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn token_type(mut self, typ: &str) -> Self {
        self.header.typ = Some(typ.to_owned());
        self
    }

    /// The signed compact token.
    ///
    /// ```
    /// # use axum_warden::{Algorithm, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::ES256);
    /// let token = issuer.token().sign();
    /// assert_eq!(token.split('.').count(), 3);
    /// assert!(issuer.warden().verify_token(&token).is_ok());
    /// ```
    ///
    /// # Panics
    /// Never for the supported algorithms: the embedded keys fit them.
    #[must_use]
    pub fn sign(self) -> String {
        crate::token::keys::install_crypto_provider();
        let key = match key_pair(self.issuer.algorithm) {
            KeyPair::Secret => EncodingKey::from_secret(HMAC_SECRET),
            KeyPair::Pem { private, .. } => match self.issuer.algorithm {
                Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(private),
                Algorithm::EdDSA => EncodingKey::from_ed_pem(private),
                _ => EncodingKey::from_rsa_pem(private),
            },
        }
        .unwrap_or_else(|e| panic!("embedded test key: {e}"));
        jsonwebtoken::encode(&self.header, &self.claims, &key).unwrap_or_else(|e| panic!("signing a test token: {e}"))
    }

    /// The signed token as an `Authorization` header value: `Bearer <token>`.
    ///
    /// ```
    /// # use axum_warden::{Algorithm, testing::TestIssuer};
    /// let issuer = TestIssuer::new(Algorithm::ES256);
    /// let header = issuer.token().subject("ada").bearer();
    /// let token = header.strip_prefix("Bearer ").expect("the Bearer scheme");
    /// assert_eq!(issuer.warden().verify_token(token)?.subject(), "ada");
    /// # Ok::<(), axum_warden::AuthError>(())
    /// ```
    #[must_use]
    pub fn bearer(self) -> String {
        format!("Bearer {}", self.sign())
    }
}
