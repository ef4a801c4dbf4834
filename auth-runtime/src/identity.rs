//! The verified caller.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

/// A verified identity: who the caller is and what they hold.
///
/// Produced by the guard (or by a custom [`Authenticator`](crate::Authenticator)) and
/// stored in the request extensions, so the [`Identity`] and [`Claims`](crate::Claims)
/// extractors that follow it cost a lookup, not a second verification. Cloning is one
/// reference-count increment.
///
/// ```
/// use axum_warden_runtime::Identity;
///
/// let user = Identity::builder("alice").roles(["editor"]).scopes(["orders:read"]).build();
/// assert_eq!(user.subject(), "alice");
/// assert!(user.has_role("editor"));
/// assert!(!user.has_role("Editor"), "matching is exact and case-sensitive");
/// assert!(user.has_scope("orders:read"));
/// ```
#[derive(Clone)]
pub struct Identity(Arc<Inner>);

struct Inner {
    subject: String,
    issuer: Option<String>,
    roles: Vec<String>,
    scopes: Vec<String>,
    claims: Map<String, Value>,
    expires_at: Option<u64>,
    /// The version of the revocation list this identity was last found not revoked in
    /// (`u64::MAX`: never checked). The verified-token cache keeps one identity per token,
    /// so a hit checks the list again only when the list changed since.
    revocation_checked: AtomicU64,
}

impl Identity {
    /// Starts an identity for `subject`, for custom authenticators and tests.
    pub fn builder(subject: impl Into<String>) -> IdentityBuilder {
        IdentityBuilder(Inner {
            subject: subject.into(),
            issuer: None,
            roles: Vec::new(),
            scopes: Vec::new(),
            claims: Map::new(),
            expires_at: None,
            revocation_checked: AtomicU64::new(u64::MAX),
        })
    }

    /// The `sub` claim (empty when a token carries none).
    #[must_use]
    pub fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The `iss` claim, when present.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.0.issuer.as_deref()
    }

    /// The roles read from the configured roles claim, in token order.
    #[must_use]
    pub fn roles(&self) -> &[String] {
        &self.0.roles
    }

    /// The OAuth scopes read from `scope` or `scp`, in token order.
    #[must_use]
    pub fn scopes(&self) -> &[String] {
        &self.0.scopes
    }

    /// Whether the identity holds `role` (exact, case-sensitive).
    #[must_use]
    pub fn has_role(&self, role: &str) -> bool {
        self.0.roles.iter().any(|r| r == role)
    }

    /// Whether the identity was granted `scope` (exact, case-sensitive).
    #[must_use]
    pub fn has_scope(&self, scope: &str) -> bool {
        self.0.scopes.iter().any(|s| s == scope)
    }

    /// Every verified claim, as the token carried it.
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        &self.0.claims
    }

    /// One verified claim by name.
    #[must_use]
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.0.claims.get(name)
    }

    /// The `exp` claim in seconds since the Unix epoch, when the identity expires.
    #[must_use]
    pub fn expires_at(&self) -> Option<u64> {
        self.0.expires_at
    }

    /// The authentication context class reference (`acr` claim), when it is a string:
    /// how the caller authenticated, for step-up rules (RFC 9470).
    ///
    /// ```
    /// use axum_warden_runtime::Identity;
    ///
    /// let mut claims = serde_json::Map::new();
    /// claims.insert("acr".into(), "mfa".into());
    /// claims.insert("auth_time".into(), 1_700_000_000.into());
    /// let identity = Identity::builder("alice").claims(claims).build();
    /// assert_eq!(identity.acr(), Some("mfa"));
    /// assert_eq!(identity.auth_time(), Some(1_700_000_000));
    /// ```
    #[must_use]
    pub fn acr(&self) -> Option<&str> {
        self.0.claims.get("acr").and_then(Value::as_str)
    }

    /// When the caller authenticated (`auth_time` claim, seconds since the epoch), when it
    /// is a non-negative number; a fraction is dropped.
    #[must_use]
    pub fn auth_time(&self) -> Option<u64> {
        let value = self.0.claims.get("auth_time")?;
        value.as_u64().or_else(|| {
            let seconds = value.as_f64()?;
            // Finite and non-negative here; the cast saturates for absurd values.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            (seconds.is_finite() && seconds >= 0.0).then_some(seconds as u64)
        })
    }
}

impl Identity {
    /// This identity with other roles (the hierarchy applied to a custom authenticator's
    /// identity).
    pub(crate) fn with_roles(&self, roles: Vec<String>) -> Self {
        let inner = &self.0;
        Self(Arc::new(Inner {
            subject: inner.subject.clone(),
            issuer: inner.issuer.clone(),
            roles,
            scopes: inner.scopes.clone(),
            claims: inner.claims.clone(),
            expires_at: inner.expires_at,
            revocation_checked: AtomicU64::new(u64::MAX),
        }))
    }
}

impl Identity {
    /// Whether this identity was found not revoked in the revocation list of `version`.
    pub(crate) fn not_revoked_in(&self, version: u64) -> bool {
        self.0.revocation_checked.load(Ordering::Relaxed) == version
    }

    /// Records that this identity is not revoked in the list of `version`.
    pub(crate) fn mark_not_revoked_in(&self, version: u64) {
        self.0.revocation_checked.store(version, Ordering::Relaxed);
    }
}

impl fmt::Debug for Identity {
    /// Shows who, never the full claims (they may hold personal data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("subject", &self.0.subject)
            .field("issuer", &self.0.issuer)
            .field("roles", &self.0.roles)
            .field("scopes", &self.0.scopes)
            .finish_non_exhaustive()
    }
}

/// Builds an [`Identity`]; see [`Identity::builder`].
#[must_use]
pub struct IdentityBuilder(Inner);

impl IdentityBuilder {
    /// Sets the issuer.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.0.issuer = Some(issuer.into());
        self
    }

    /// Sets the roles.
    pub fn roles<I: IntoIterator<Item = R>, R: Into<String>>(mut self, roles: I) -> Self {
        self.0.roles = roles.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the scopes.
    pub fn scopes<I: IntoIterator<Item = R>, R: Into<String>>(mut self, scopes: I) -> Self {
        self.0.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the claims the [`Claims`](crate::Claims) extractor reads.
    pub fn claims(mut self, claims: Map<String, Value>) -> Self {
        self.0.claims = claims;
        self
    }

    /// Sets the expiry, in seconds since the Unix epoch.
    pub fn expires_at(mut self, exp: u64) -> Self {
        self.0.expires_at = Some(exp);
        self
    }

    /// Finishes the identity.
    #[must_use]
    pub fn build(self) -> Identity {
        Identity(Arc::new(self.0))
    }
}
