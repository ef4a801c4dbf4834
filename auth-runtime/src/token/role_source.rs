//! Where roles are read from a token: claim paths, provider presets, and mappings of the
//! application's own.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::json::{ClaimRef, ClaimSet};

/// The claims a warden reads roles from; see
/// [`WardenBuilder::roles_from`](crate::WardenBuilder::roles_from).
///
/// Each claim, when present, must be an array of strings or one string (else the token is
/// refused as invalid); the roles of all claims are merged, without duplicates, and a
/// missing claim contributes none. A string is one role, never split at spaces: a
/// provider that allows spaces in role names (Keycloak does) would otherwise turn
/// `Sales Manager` into the roles `Sales` and `Manager`, and since a route's role name
/// cannot contain a space, such a role grants nothing. Read a space-delimited list with a
/// custom mapping ([`mapped`](Self::mapped)) if your provider sends one.
///
/// ```
/// use axum_warden_runtime::RoleSource;
///
/// assert_eq!(RoleSource::keycloak("orders-api").claims(), ["realm_access.roles", "resource_access.orders-api.roles"]);
/// assert_eq!(RoleSource::cognito().claims(), ["cognito:groups"]);
/// ```
#[derive(Clone)]
pub struct RoleSource {
    paths: Vec<ClaimPath>,
    mappers: Vec<RoleMapper>,
}

/// A function of the application from verified claims to roles.
pub(crate) type RoleMapper = Arc<dyn Fn(&Map<String, Value>) -> Vec<String> + Send + Sync>;

impl PartialEq for RoleSource {
    /// The same claims, and the very same mapping functions (a function has no other
    /// equality).
    fn eq(&self, other: &Self) -> bool {
        self.paths == other.paths
            && self.mappers.len() == other.mappers.len()
            && self.mappers.iter().zip(&other.mappers).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

impl Eq for RoleSource {}

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
        ClaimPath::parse(path).map(|path| Self::of(vec![path]))
    }

    /// The claim named exactly `name`, dots and slashes included: the URL-namespaced
    /// claims Auth0 rules and actions add (`https://example.com/roles`), which a dotted
    /// path would split.
    ///
    /// ```
    /// use axum_warden_runtime::RoleSource;
    ///
    /// let auth0 = RoleSource::claim_named("https://example.com/roles");
    /// assert_eq!(auth0.claims(), [r#"["https://example.com/roles"]"#]);
    /// ```
    #[must_use]
    pub fn claim_named(name: impl Into<String>) -> Self {
        Self::of(vec![ClaimPath::from_segments([name.into()])])
    }

    /// The claim at these segments, outermost first, each taken as it is (a segment may
    /// contain dots): `["resource_access", "my.client", "roles"]`. `None` when there is no
    /// segment or one is empty.
    ///
    /// ```
    /// use axum_warden_runtime::RoleSource;
    ///
    /// let client = RoleSource::claim_segments(["resource_access", "orders.api", "roles"]).expect("segments");
    /// assert_eq!(client.claims(), [r#"resource_access["orders.api"].roles"#]);
    /// assert!(RoleSource::claim_segments(["realm_access", ""]).is_none());
    /// ```
    #[must_use]
    pub fn claim_segments<S: Into<String>>(segments: impl IntoIterator<Item = S>) -> Option<Self> {
        let path = ClaimPath::from_segments(segments);
        (!path.0.is_empty() && path.0.iter().all(|s| !s.is_empty())).then(|| Self::of(vec![path]))
    }

    /// Roles computed by `map` from the verified claims, for what claim paths cannot
    /// express: groups to translate, a space-delimited string to split, roles spread over
    /// several claims by a rule.
    ///
    /// It runs once per token, after the signature and every claim check (the
    /// verified-token cache keeps its result), and what it returns is held to the rules of
    /// roles read from a claim: merged with the other sources without duplicates, and at
    /// most as many as the size cap allows. It must not panic: a panic there is a bug of
    /// the application, as in a handler.
    ///
    /// ```
    /// use axum_warden_runtime::{RoleSource, Warden};
    ///
    /// // Groups of the provider, translated into the roles the routes name.
    /// let groups = RoleSource::mapped(|claims| {
    ///     let groups = claims.get("groups").and_then(|g| g.as_array());
    ///     groups
    ///         .into_iter()
    ///         .flatten()
    ///         .filter_map(|group| match group.as_str()? {
    ///             "g-4711" => Some("editor".to_owned()),
    ///             "g-0815" => Some("admin".to_owned()),
    ///             _ => None,
    ///         })
    ///         .collect()
    /// });
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).roles_from(groups).build()?;
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    #[must_use]
    pub fn mapped(map: impl Fn(&Map<String, Value>) -> Vec<String> + Send + Sync + 'static) -> Self {
        Self {
            paths: Vec::new(),
            mappers: vec![Arc::new(map)],
        }
    }

    /// This source and `other` together: the roles of both, merged.
    ///
    /// ```
    /// use axum_warden_runtime::RoleSource;
    ///
    /// let both = RoleSource::keycloak_realm().and(RoleSource::claim_named("https://example.com/roles"));
    /// assert_eq!(both.claims(), ["realm_access.roles", r#"["https://example.com/roles"]"#]);
    /// ```
    #[must_use]
    pub fn and(mut self, other: Self) -> Self {
        self.paths.extend(other.paths);
        self.mappers.extend(other.mappers);
        self
    }

    fn of(paths: Vec<ClaimPath>) -> Self {
        Self {
            paths,
            mappers: Vec::new(),
        }
    }

    /// The `roles` claim, read when nothing else is configured.
    pub(crate) fn default_claim() -> Self {
        Self::of(vec![ClaimPath::from_segments(["roles"])])
    }

    /// Keycloak: the realm roles (`realm_access.roles`) and the roles of the client
    /// `client_id` (`resource_access.<client_id>.roles`), merged. The client id is taken
    /// as one segment even when it contains dots.
    #[must_use]
    pub fn keycloak(client_id: impl Into<String>) -> Self {
        Self::of(vec![
            ClaimPath::from_segments(["realm_access", "roles"]),
            ClaimPath::from_segments(["resource_access".to_owned(), client_id.into(), "roles".to_owned()]),
        ])
    }

    /// Keycloak realm roles only (`realm_access.roles`).
    #[must_use]
    pub fn keycloak_realm() -> Self {
        Self::of(vec![ClaimPath::from_segments(["realm_access", "roles"])])
    }

    /// Auth0 with RBAC and "Add Permissions in the Access Token" enabled: the
    /// `permissions` claim (`read:articles` …) serves as the roles.
    #[must_use]
    pub fn auth0() -> Self {
        Self::of(vec![ClaimPath::from_segments(["permissions"])])
    }

    /// Microsoft Entra ID app roles: the `roles` claim.
    #[must_use]
    pub fn entra_id() -> Self {
        Self::of(vec![ClaimPath::from_segments(["roles"])])
    }

    /// Amazon Cognito user-pool groups: the `cognito:groups` claim.
    #[must_use]
    pub fn cognito() -> Self {
        Self::of(vec![ClaimPath::from_segments(["cognito:groups"])])
    }

    /// Adds the claim at `path` to this source; `None` when a segment is empty.
    #[must_use]
    pub fn and_claim(mut self, path: &str) -> Option<Self> {
        self.paths.push(ClaimPath::parse(path)?);
        Some(self)
    }

    /// The claims read, as dotted paths (a segment with a dot in brackets:
    /// `resource_access["my.client"].roles`), then `<mapped>` for each mapping function.
    #[must_use]
    pub fn claims(&self) -> Vec<String> {
        let mapped = self.mappers.iter().map(|_| "<mapped>".to_owned());
        self.paths.iter().map(ToString::to_string).chain(mapped).collect()
    }

    pub(crate) fn paths(&self) -> &[ClaimPath] {
        &self.paths
    }

    pub(crate) fn mappers(&self) -> &[RoleMapper] {
        &self.mappers
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

    pub(crate) fn lookup<'a, C: ClaimSet>(&self, claims: &'a C) -> Option<ClaimRef<'a>> {
        let (first, rest) = self.0.split_first()?;
        rest.iter()
            .try_fold(claims.get(first)?, |value, segment| value.member(segment))
    }

    /// The outermost segment: the top-level claim the path starts at.
    pub(crate) fn first(&self) -> &str {
        self.0.first().map_or("", String::as_str)
    }
}

impl std::fmt::Display for ClaimPath {
    /// Dotted, with a segment that a dot would split (or that has brackets) written as
    /// `["…"]`: `resource_access["my.client"].roles`, so the text names the claim read.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            if segment.contains(['.', '[', ']']) {
                write!(f, "[{segment:?}]")?;
            } else {
                if i > 0 {
                    f.write_str(".")?;
                }
                f.write_str(segment)?;
            }
        }
        Ok(())
    }
}
