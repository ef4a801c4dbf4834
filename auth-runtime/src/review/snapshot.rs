//! Reading a JSON route table (`RouteTable::to_json`) back: the shape is checked strictly,
//! since a member this reader does not know may carry access it would then ignore.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::access::{Access, Mode, NameRule, Rule};

/// A JSON route table read back: every route with its access, keyed by method and path.
///
/// ```
/// use axum_warden::review::Snapshot;
///
/// let snapshot = Snapshot::from_json(r#"[
///   {"method": "GET", "path": "/health", "handler": "health", "access": {"kind": "public"}}
/// ]"#)?;
/// assert_eq!(snapshot.len(), 1);
/// # Ok::<(), axum_warden::review::ReadError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// By `(method, path)`, in the order of their text, so every walk is deterministic.
    pub(crate) routes: BTreeMap<(String, String), Route>,
}

/// One row of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) handler: String,
    pub(crate) access: Access,
}

impl Snapshot {
    /// Reads the JSON of a route table, as `RouteTable::to_json` writes it.
    ///
    /// # Errors
    /// [`ReadError`] when the text is not JSON, not an array of route objects, has a
    /// member the table does not write, lacks one it does, or names one method and path
    /// twice.
    pub fn from_json(text: &str) -> Result<Self, ReadError> {
        let rows: Vec<RawRow> = serde_json::from_str(text).map_err(ReadError::Json)?;
        let mut routes = BTreeMap::new();
        for (index, row) in rows.into_iter().enumerate() {
            let route = format!("{} {}", row.method, row.path);
            let access = row.access.into_access().map_err(|problem| ReadError::Route {
                index,
                route: route.clone(),
                problem,
            })?;
            let entry = Route {
                handler: row.handler,
                access,
            };
            if routes.insert((row.method, row.path), entry).is_some() {
                return Err(ReadError::Duplicate { route });
            }
        }
        Ok(Self { routes })
    }

    /// How many routes the snapshot holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether the snapshot holds no route.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }
}

/// Why a JSON route table could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Not JSON, or not an array of `{"method", "path", "handler", "access"}` objects with
    /// the members the route table writes (the error names the line and column).
    #[error("not the JSON of a route table: {0}")]
    Json(#[source] serde_json::Error),
    /// A route's `access` object is inconsistent with its `kind`.
    #[error("route {index} ({route}): {problem}")]
    Route {
        /// The route's position in the array, from 0.
        index: usize,
        /// Its method and path.
        route: String,
        /// What is wrong with its `access`.
        problem: AccessProblem,
    },
    /// Two rows name the same method and path.
    #[error("route {route} appears twice")]
    Duplicate {
        /// The method and path.
        route: String,
    },
}

/// What is wrong with the `access` object of one route.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccessProblem {
    /// A member the kind needs is absent.
    #[error("an access of kind `{kind}` needs the member `{member}`")]
    Missing {
        /// The `kind`.
        kind: &'static str,
        /// The absent member.
        member: &'static str,
    },
    /// A member the kind does not have is present.
    #[error("an access of kind `{kind}` has no member `{member}`")]
    Unexpected {
        /// The `kind`.
        kind: &'static str,
        /// The member that does not belong.
        member: &'static str,
    },
    /// `rules` of `roles_and_scopes` is not `[<roles object>, <scopes object>]`.
    #[error("the `rules` of a `roles_and_scopes` access are a roles object, then a scopes object")]
    Rules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    method: String,
    path: String,
    handler: String,
    access: RawAccess,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Public,
    Authenticated,
    Roles,
    Scopes,
    RolesAndScopes,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Authenticated => "authenticated",
            Self::Roles => "roles",
            Self::Scopes => "scopes",
            Self::RolesAndScopes => "roles_and_scopes",
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawMode {
    Any,
    All,
}

/// A single role or scope rule: an `access` object's first members, or an item of `rules`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kind: Kind,
    #[serde(rename = "match")]
    mode: Option<RawMode>,
    roles: Option<Vec<String>>,
    scopes: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccess {
    kind: Kind,
    #[serde(rename = "match")]
    mode: Option<RawMode>,
    roles: Option<Vec<String>>,
    scopes: Option<Vec<String>>,
    rules: Option<Vec<RawRule>>,
    satisfied_by: Option<BTreeMap<String, Vec<String>>>,
    policy: Option<String>,
    step_up: Option<RawStepUp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStepUp {
    acr: Option<String>,
    max_age: Option<u64>,
}

impl RawRule {
    /// The rule, checking that its members are the ones its kind has.
    fn into_rule(self) -> Result<Rule, AccessProblem> {
        let kind = self.kind.as_str();
        let unexpected = |member| Err(AccessProblem::Unexpected { kind, member });
        let named = |mode: Option<RawMode>, names: Option<Vec<String>>, member| {
            let mode = match mode.ok_or(AccessProblem::Missing { kind, member: "match" })? {
                RawMode::Any => Mode::Any,
                RawMode::All => Mode::All,
            };
            let names = names.ok_or(AccessProblem::Missing { kind, member })?;
            Ok(NameRule { mode, names })
        };
        match self.kind {
            Kind::Public | Kind::Authenticated => match (&self.mode, &self.roles, &self.scopes) {
                (Some(_), _, _) => unexpected("match"),
                (_, Some(_), _) => unexpected("roles"),
                (_, _, Some(_)) => unexpected("scopes"),
                _ if self.kind == Kind::Public => Ok(Rule::Public),
                _ => Ok(Rule::Authenticated),
            },
            Kind::Roles if self.scopes.is_some() => unexpected("scopes"),
            Kind::Roles => Ok(Rule::Roles(named(self.mode, self.roles, "roles")?)),
            Kind::Scopes if self.roles.is_some() => unexpected("roles"),
            Kind::Scopes => Ok(Rule::Scopes(named(self.mode, self.scopes, "scopes")?)),
            Kind::RolesAndScopes => Err(AccessProblem::Rules),
        }
    }
}

impl RawAccess {
    fn into_access(self) -> Result<Access, AccessProblem> {
        let kind = self.kind.as_str();
        let rule = if self.kind == Kind::RolesAndScopes {
            if self.mode.is_some() {
                return Err(AccessProblem::Unexpected { kind, member: "match" });
            }
            let rules = self.rules.ok_or(AccessProblem::Missing { kind, member: "rules" })?;
            let mut rules = rules.into_iter().map(RawRule::into_rule);
            match (rules.next(), rules.next(), rules.next()) {
                (Some(Ok(Rule::Roles(roles))), Some(Ok(Rule::Scopes(scopes))), None) => {
                    Rule::RolesAndScopes { roles, scopes }
                }
                (Some(Err(problem)), _, _) | (_, Some(Err(problem)), _) => return Err(problem),
                _ => return Err(AccessProblem::Rules),
            }
        } else {
            if self.rules.is_some() {
                return Err(AccessProblem::Unexpected { kind, member: "rules" });
            }
            RawRule {
                kind: self.kind,
                mode: self.mode,
                roles: self.roles,
                scopes: self.scopes,
            }
            .into_rule()?
        };
        let (acr, max_age) = self.step_up.map_or((None, None), |s| (s.acr, s.max_age));
        Ok(Access {
            rule,
            satisfied_by: self.satisfied_by.unwrap_or_default(),
            policy: self.policy,
            acr,
            max_age,
        })
    }
}
