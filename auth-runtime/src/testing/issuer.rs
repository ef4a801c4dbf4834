//! [`TestIssuer`]: tokens signed with embedded test keys, and the wardens that trust them.

use super::keys::{HMAC_SECRET, KeyPair, key_pair};
use crate::algorithm::Algorithm;
use crate::config::{IssuerConfig, WardenBuilder};
use crate::http::Warden;
use crate::token::role_source::RoleSource;

/// Issuer (`iss`) of [`TestIssuer`] tokens and wardens unless told otherwise.
///
/// ```
/// use axum_warden::Algorithm;
/// use axum_warden::testing::{TEST_ISSUER, TestIssuer};
///
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let identity = issuer.warden().verify_token(&issuer.token().sign())?;
/// assert_eq!(identity.issuer(), Some(TEST_ISSUER));
/// # Ok::<(), axum_warden::AuthError>(())
/// ```
pub const TEST_ISSUER: &str = "https://issuer.warden.test";
/// Audience (`aud`) of [`TestIssuer`] tokens and wardens unless told otherwise.
///
/// ```
/// use axum_warden::Algorithm;
/// use axum_warden::testing::{TEST_AUDIENCE, TestIssuer};
///
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let identity = issuer.warden().verify_token(&issuer.token().sign())?;
/// assert_eq!(identity.claim("aud"), Some(&serde_json::json!(TEST_AUDIENCE)));
/// # Ok::<(), axum_warden::AuthError>(())
/// ```
pub const TEST_AUDIENCE: &str = "warden-test-api";
/// Subject (`sub`) of [`TestIssuer`] tokens unless told otherwise.
///
/// ```
/// use axum_warden::Algorithm;
/// use axum_warden::testing::{TEST_SUBJECT, TestIssuer};
///
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let identity = issuer.warden().verify_token(&issuer.token().sign())?;
/// assert_eq!(identity.subject(), TEST_SUBJECT);
/// # Ok::<(), axum_warden::AuthError>(())
/// ```
pub const TEST_SUBJECT: &str = "test-user";

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
    pub(super) algorithm: Algorithm,
    pub(super) issuer: String,
    pub(super) audience: String,
    pub(super) roles: Option<RoleSource>,
}

impl TestIssuer {
    /// An issuer signing with `algorithm` and an embedded test key of its family.
    ///
    /// ```
    /// use axum_warden::testing::TestIssuer;
    /// use axum_warden::{Algorithm, AuthError, TokenError};
    ///
    /// let token = TestIssuer::new(Algorithm::EdDSA).token().sign();
    /// assert!(TestIssuer::new(Algorithm::EdDSA).warden().verify_token(&token).is_ok());
    /// // A warden of another algorithm refuses it.
    /// let es256 = TestIssuer::new(Algorithm::ES256).warden();
    /// assert!(matches!(es256.verify_token(&token), Err(AuthError::InvalidToken(TokenError::AlgorithmNotAllowed))));
    /// ```
    #[must_use]
    pub fn new(algorithm: Algorithm) -> Self {
        Self {
            algorithm,
            issuer: TEST_ISSUER.to_owned(),
            audience: TEST_AUDIENCE.to_owned(),
            roles: None,
        }
    }

    /// Reads roles from `source` (a provider preset, say): its warden is configured with
    /// [`WardenBuilder::roles_from`], and [`TokenBuilder::roles`](super::TokenBuilder::roles) writes the roles where
    /// the source's first claim is, so minted tokens and [`audit`](super::audit) fit the application's
    /// configuration.
    ///
    /// ```
    /// use axum_warden::testing::TestIssuer;
    /// use axum_warden::{Algorithm, RoleSource};
    ///
    /// let issuer = TestIssuer::new(Algorithm::HS256).with_role_source(RoleSource::keycloak("shop"));
    /// let token = issuer.token().roles(["admin"]).sign();
    /// let identity = issuer.warden().verify_token(&token)?;
    /// assert_eq!(identity.claim("realm_access"), Some(&serde_json::json!({"roles": ["admin"]})));
    /// assert!(identity.has_role("admin"));
    /// # Ok::<(), axum_warden::AuthError>(())
    /// ```
    #[must_use]
    pub fn with_role_source(mut self, source: RoleSource) -> Self {
        self.roles = Some(source);
        self
    }

    /// Sets the `iss` of its tokens and of its warden.
    ///
    /// ```
    /// use axum_warden::testing::TestIssuer;
    /// use axum_warden::{Algorithm, AuthError, TokenError};
    ///
    /// let issuer = TestIssuer::new(Algorithm::HS256).with_issuer("https://sso.example.test");
    /// let token = issuer.token().sign();
    /// assert_eq!(issuer.warden().verify_token(&token)?.issuer(), Some("https://sso.example.test"));
    /// // A warden expecting the default issuer refuses it.
    /// let default = TestIssuer::new(Algorithm::HS256).warden();
    /// assert!(matches!(default.verify_token(&token), Err(AuthError::InvalidToken(TokenError::InvalidIssuer))));
    /// # Ok::<(), AuthError>(())
    /// ```
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = issuer.into();
        self
    }

    /// The `iss` of its tokens and of its warden.
    ///
    /// ```
    /// use axum_warden::Algorithm;
    /// use axum_warden::testing::{TEST_ISSUER, TestIssuer};
    ///
    /// assert_eq!(TestIssuer::new(Algorithm::HS256).issuer(), TEST_ISSUER);
    /// ```
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Sets the `aud` of its tokens and of its warden.
    ///
    /// ```
    /// use axum_warden::testing::TestIssuer;
    /// use axum_warden::{Algorithm, AuthError, TokenError};
    ///
    /// let issuer = TestIssuer::new(Algorithm::HS256).with_audience("billing-api");
    /// let token = issuer.token().sign();
    /// assert_eq!(issuer.warden().verify_token(&token)?.claim("aud"), Some(&serde_json::json!("billing-api")));
    /// // A warden expecting the default audience refuses it.
    /// let default = TestIssuer::new(Algorithm::HS256).warden();
    /// assert!(matches!(default.verify_token(&token), Err(AuthError::InvalidToken(TokenError::InvalidAudience))));
    /// # Ok::<(), AuthError>(())
    /// ```
    #[must_use]
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// The algorithm its tokens use.
    ///
    /// ```
    /// use axum_warden::Algorithm;
    /// use axum_warden::testing::TestIssuer;
    ///
    /// let issuer = TestIssuer::new(Algorithm::PS256);
    /// assert_eq!(issuer.algorithm(), Algorithm::PS256);
    /// assert_eq!(jsonwebtoken::decode_header(issuer.token().sign())?.alg, jsonwebtoken::Algorithm::PS256);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// A builder configured to verify this issuer's tokens, to add settings to.
    ///
    /// ```
    /// use axum_warden::Algorithm;
    /// use axum_warden::testing::TestIssuer;
    /// use serde_json::json;
    ///
    /// let issuer = TestIssuer::new(Algorithm::ES384);
    /// // Keycloak keeps roles under `realm_access.roles`.
    /// let warden = issuer.warden_builder().roles_claim("realm_access.roles").build()?;
    /// let token = issuer.token().claim("realm_access", json!({ "roles": ["admin"] })).sign();
    /// assert!(warden.verify_token(&token)?.has_role("admin"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warden_builder(&self) -> WardenBuilder {
        let mut builder = Warden::builder()
            .issuer(&self.issuer)
            .audience(&self.audience)
            .algorithms([self.algorithm]);
        if let Some(source) = &self.roles {
            builder = builder.roles_from(source.clone());
        }
        match key_pair(self.algorithm) {
            KeyPair::Secret => builder.hmac_secret(HMAC_SECRET),
            KeyPair::Pem { public, .. } => builder.public_key_pem(public),
        }
    }

    /// This issuer as one of several a warden trusts ([`WardenBuilder::trust`]): its
    /// `iss`, audience, algorithm, role source and key.
    ///
    /// ```
    /// use axum_warden::testing::TestIssuer;
    /// use axum_warden::{Algorithm, Warden};
    ///
    /// let staff = TestIssuer::new(Algorithm::HS256).with_issuer("https://staff.example.test");
    /// let partners = TestIssuer::new(Algorithm::ES256).with_issuer("https://partners.example.test");
    /// let warden = Warden::builder().trust(staff.issuer_config()).trust(partners.issuer_config()).build()?;
    /// let identity = warden.verify_token(&partners.token().sign())?;
    /// assert_eq!(identity.issuer(), Some("https://partners.example.test"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn issuer_config(&self) -> IssuerConfig {
        let mut config = IssuerConfig::new(&self.issuer)
            .audience(&self.audience)
            .algorithms([self.algorithm]);
        if let Some(source) = &self.roles {
            config = config.roles_from(source.clone());
        }
        match key_pair(self.algorithm) {
            KeyPair::Secret => config.hmac_secret(HMAC_SECRET),
            KeyPair::Pem { public, .. } => config.public_key_pem(public),
        }
    }

    /// A [`Warden`] that verifies this issuer's tokens.
    ///
    /// ```
    /// use axum_warden::testing::TestIssuer;
    /// use axum_warden::{Algorithm, AuthError, TokenError};
    ///
    /// let issuer = TestIssuer::new(Algorithm::RS256);
    /// let warden = issuer.warden();
    /// assert_eq!(warden.verify_token(&issuer.token().subject("ada").sign())?.subject(), "ada");
    /// assert!(matches!(warden.verify_token("not-a-jwt"), Err(AuthError::InvalidToken(TokenError::Malformed))));
    /// # Ok::<(), AuthError>(())
    /// ```
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
}
