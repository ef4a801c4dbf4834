//! Where roles are read from a token: claim paths and provider presets.

use std::fmt;

use serde_json::{Map, Value};

/// The claims a warden reads roles from; see
/// [`WardenBuilder::roles_from`](crate::WardenBuilder::roles_from).
///
/// Each claim, when present, must be an array of strings or one string (else the token is
/// refused as invalid); the roles of all claims are merged, without duplicates, and a
/// missing claim contributes none. A string is one role, never split at spaces: a
/// provider that allows spaces in role names (Keycloak does) would otherwise turn
/// `Sales Manager` into the roles `Sales` and `Manager`, and since a route's role name
/// cannot contain a space, such a role grants nothing. Read a space-delimited list with a
/// custom mapping if your provider sends one.
///
/// ```
/// use axum_warden_runtime::RoleSource;
///
/// assert_eq!(RoleSource::keycloak("orders-api").claims(), ["realm_access.roles", "resource_access.orders-api.roles"]);
/// assert_eq!(RoleSource::cognito().claims(), ["cognito:groups"]);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RoleSource {
    paths: Vec<ClaimPath>,
}

impl fmt::Debug for RoleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RoleSource").field(&self.claims()).finish()
    }
}

impl RoleSource {
    /// The claim at `path`, dots separating nested objects (`roles`,
    /// `realm_access.roles`); `None` when a segment is empty.
    #[must_use]
    pub fn claim(path: &str) -> Option<Self> {
        ClaimPath::parse(path).map(|path| Self { paths: vec![path] })
    }

    /// The `roles` claim, read when nothing else is configured.
    pub(crate) fn default_claim() -> Self {
        Self {
            paths: vec![ClaimPath::from_segments(["roles"])],
        }
    }

    /// Keycloak: the realm roles (`realm_access.roles`) and the roles of the client
    /// `client_id` (`resource_access.<client_id>.roles`), merged. The client id is taken
    /// as one segment even when it contains dots.
    #[must_use]
    pub fn keycloak(client_id: impl Into<String>) -> Self {
        Self {
            paths: vec![
                ClaimPath::from_segments(["realm_access", "roles"]),
                ClaimPath::from_segments(["resource_access".to_owned(), client_id.into(), "roles".to_owned()]),
            ],
        }
    }

    /// Keycloak realm roles only (`realm_access.roles`).
    #[must_use]
    pub fn keycloak_realm() -> Self {
        Self {
            paths: vec![ClaimPath::from_segments(["realm_access", "roles"])],
        }
    }

    /// Auth0 with RBAC and "Add Permissions in the Access Token" enabled: the
    /// `permissions` claim (`read:articles` …) serves as the roles.
    #[must_use]
    pub fn auth0() -> Self {
        Self {
            paths: vec![ClaimPath::from_segments(["permissions"])],
        }
    }

    /// Microsoft Entra ID app roles: the `roles` claim.
    #[must_use]
    pub fn entra_id() -> Self {
        Self {
            paths: vec![ClaimPath::from_segments(["roles"])],
        }
    }

    /// Amazon Cognito user-pool groups: the `cognito:groups` claim.
    #[must_use]
    pub fn cognito() -> Self {
        Self {
            paths: vec![ClaimPath::from_segments(["cognito:groups"])],
        }
    }

    /// Adds the claim at `path` to this source; `None` when a segment is empty.
    #[must_use]
    pub fn and_claim(mut self, path: &str) -> Option<Self> {
        self.paths.push(ClaimPath::parse(path)?);
        Some(self)
    }

    /// The claims read, as dotted paths.
    #[must_use]
    pub fn claims(&self) -> Vec<String> {
        self.paths.iter().map(ToString::to_string).collect()
    }

    pub(crate) fn paths(&self) -> &[ClaimPath] {
        &self.paths
    }
}

/// A dotted path into the claims (`realm_access.roles`), split once at startup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClaimPath(Vec<String>);

impl ClaimPath {
    /// Splits `path` at dots; `None` when a segment is empty.
    pub(crate) fn parse(path: &str) -> Option<Self> {
        let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
        segments.iter().all(|s| !s.is_empty()).then_some(Self(segments))
    }

    /// The segments, outermost first.
    #[cfg(feature = "test-util")]
    pub(crate) fn segments(&self) -> &[String] {
        &self.0
    }

    /// A path of these segments, taken as they are (a segment may contain dots).
    pub(crate) fn from_segments<S: Into<String>>(segments: impl IntoIterator<Item = S>) -> Self {
        Self(segments.into_iter().map(Into::into).collect())
    }

    pub(crate) fn lookup<'a>(&self, claims: &'a Map<String, Value>) -> Option<&'a Value> {
        let (first, rest) = self.0.split_first()?;
        rest.iter()
            .try_fold(claims.get(first)?, |value, segment| value.as_object()?.get(segment))
    }
}

impl std::fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("."))
    }
}
