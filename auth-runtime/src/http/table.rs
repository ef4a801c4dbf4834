//! The route → permission table and its renderers (Markdown, JSON). The snapshot check
//! that makes a permission change visible in code review is in the test kit.

use std::fmt::{self, Write as _};

use http::Method;
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::scheme::Scheme;
use crate::requirement::{HandlerInfo, Requirement, RouteRule, StepUp};

/// The method a route answers: one HTTP method, or every method (`any(…)` and fallbacks).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RouteMethod {
    /// This method (`GET` routes serve `HEAD` too, as in axum).
    Method(Method),
    /// Every method.
    Any,
}

impl RouteMethod {
    /// `GET`, `POST` …, or `ANY`, as the tables print it.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Method(method) => method.as_str(),
            Self::Any => "ANY",
        }
    }
}

impl fmt::Display for RouteMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One registration: a method on a path, the handler behind it, and what it requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRow {
    method: RouteMethod,
    /// The path; for a fallback, the prefix it serves under (empty at the root).
    path: String,
    fallback: bool,
    handler: &'static HandlerInfo,
    requirement: Requirement,
    step_up: StepUp,
    policy: Option<&'static str>,
    /// With a role hierarchy attached: for each required role, the roles that grant it.
    satisfied_by: Option<Vec<(&'static str, Vec<String>)>>,
    /// With a warden's credentials attached, on a route that needs an identity: the
    /// schemes and places it reads.
    credentials: Option<Vec<Scheme>>,
}

impl RouteRow {
    pub(crate) fn new<P: RouteRule>(method: RouteMethod) -> Self {
        Self {
            method,
            path: String::new(),
            fallback: false,
            handler: &P::HANDLER,
            requirement: P::REQUIREMENT,
            step_up: P::STEP_UP,
            policy: P::CUSTOM_POLICY,
            satisfied_by: None,
            credentials: None,
        }
    }

    pub(crate) fn at(mut self, path: &str) -> Self {
        path.clone_into(&mut self.path);
        self
    }

    /// The row of a fallback: every method, on whatever no route of its router matched.
    pub(crate) fn fallback<P: RouteRule>() -> Self {
        Self {
            fallback: true,
            ..Self::new::<P>(RouteMethod::Any)
        }
    }

    /// The path of this row seen from a router that nests its router under `prefix`.
    pub(crate) fn nested_under(mut self, prefix: &str) -> Self {
        let prefix = prefix.trim_end_matches('/');
        self.path = match self.path.as_str() {
            "/" | "" => prefix.to_owned(),
            path => format!("{prefix}{path}"),
        };
        self
    }

    /// The method; `GET` routes serve `HEAD` too.
    #[must_use]
    pub fn method(&self) -> &RouteMethod {
        &self.method
    }

    /// The full path, nesting prefixes applied. For a fallback, the prefix it serves
    /// under: empty at the root, `/api` for a fallback of a router nested there.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether this row is a fallback ([`Router::fallback`](crate::Router::fallback)),
    /// which answers every path under [`path`](Self::path) that no route matched.
    #[must_use]
    pub fn is_fallback(&self) -> bool {
        self.fallback
    }

    /// The path as the tables print it: a fallback is `*`, or `/api/*` under a prefix.
    #[must_use]
    pub fn display_path(&self) -> String {
        if self.fallback {
            if self.path.is_empty() {
                "*".to_owned()
            } else {
                format!("{}/*", self.path)
            }
        } else {
            self.path.clone()
        }
    }

    /// Where the handler was declared.
    #[must_use]
    pub fn handler(&self) -> &'static HandlerInfo {
        self.handler
    }

    /// What the route requires.
    #[must_use]
    pub fn requirement(&self) -> &Requirement {
        &self.requirement
    }

    /// The name of the route's [`AccessPolicy`](crate::AccessPolicy)
    /// (`#[requires_policy]`), which decides after the requirement holds.
    #[must_use]
    pub fn policy(&self) -> Option<&'static str> {
        self.policy
    }

    /// For a role rule of a table with a hierarchy attached
    /// ([`RouteTable::with_role_hierarchy`]): each required role with every role that
    /// grants it, the role itself first.
    #[must_use]
    pub fn satisfied_by(&self) -> Option<&[(&'static str, Vec<String>)]> {
        self.satisfied_by.as_deref()
    }

    /// What the route requires of the way the caller authenticated (RFC 9470 step-up);
    /// [`StepUp::NONE`] for most routes.
    #[must_use]
    pub fn step_up(&self) -> &StepUp {
        &self.step_up
    }

    /// With [`RouteTable::with_credentials`] on a route that needs an identity: the
    /// schemes and places whose credentials the warden reads (see
    /// [`Warden::credentials`](crate::Warden::credentials)).
    #[must_use]
    pub fn credentials(&self) -> Option<&[Scheme]> {
        self.credentials.as_deref()
    }

    /// The access column: the requirement, the step-up requirement, then the policy.
    fn access_text(&self) -> String {
        let mut text = self.requirement.to_string();
        if !self.step_up.is_none() {
            let _ = write!(text, "; step-up: {}", self.step_up);
        }
        if let Some(policy) = self.policy {
            let _ = write!(text, "; policy: {policy}");
        }
        text
    }
}

impl Serialize for RouteRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut row = serializer.serialize_struct("RouteRow", 4)?;
        row.serialize_field("method", self.method.as_str())?;
        row.serialize_field("path", &self.display_path())?;
        row.serialize_field("handler", self.handler.name)?;
        row.serialize_field(
            "access",
            &Access {
                requirement: &self.requirement,
                satisfied_by: self.satisfied_by.as_deref(),
                policy: self.policy,
                step_up: &self.step_up,
                credentials: self.credentials.as_deref(),
            },
        )?;
        row.end()
    }
}

/// The `access` object of the JSON schema.
struct Access<'a> {
    requirement: &'a Requirement,
    satisfied_by: Option<&'a [(&'static str, Vec<String>)]>,
    policy: Option<&'static str>,
    step_up: &'a StepUp,
    credentials: Option<&'a [Scheme]>,
}

/// The `{"kind", "match", "roles"|"scopes"}` object of a single role or scope rule.
struct Rule<'a>(&'a Requirement);

impl Serialize for Rule<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        rule_entries::<S>(&mut map, self.0)?;
        map.end()
    }
}

/// The members of `requirement` in an `access` object: `kind`, then `match` and the names
/// of a role or scope rule, or `rules` (the role rule, then the scope rule) of both.
fn rule_entries<S: Serializer>(map: &mut S::SerializeMap, requirement: &Requirement) -> Result<(), S::Error> {
    match *requirement {
        Requirement::Public => map.serialize_entry("kind", "public")?,
        Requirement::Authenticated => map.serialize_entry("kind", "authenticated")?,
        Requirement::Roles { mode, names } => {
            map.serialize_entry("kind", "roles")?;
            map.serialize_entry("match", mode.as_str())?;
            map.serialize_entry("roles", names)?;
        }
        Requirement::Scopes { mode, names } => {
            map.serialize_entry("kind", "scopes")?;
            map.serialize_entry("match", mode.as_str())?;
            map.serialize_entry("scopes", names)?;
        }
        Requirement::RolesAndScopes {
            role_mode,
            roles,
            scope_mode,
            scopes,
        } => {
            map.serialize_entry("kind", "roles_and_scopes")?;
            let roles = Requirement::Roles {
                mode: role_mode,
                names: roles,
            };
            let scopes = Requirement::Scopes {
                mode: scope_mode,
                names: scopes,
            };
            map.serialize_entry("rules", &[Rule(&roles), Rule(&scopes)])?;
        }
    }
    Ok(())
}

/// `{"editor": ["editor", "admin"], …}` in requirement order.
struct SatisfiedBy<'a>(&'a [(&'static str, Vec<String>)]);

impl Serialize for SatisfiedBy<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (role, granting) in self.0 {
            map.serialize_entry(role, granting)?;
        }
        map.end()
    }
}

impl Serialize for Access<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        rule_entries::<S>(&mut map, self.requirement)?;
        if let Some(satisfied_by) = self.satisfied_by {
            map.serialize_entry("satisfied_by", &SatisfiedBy(satisfied_by))?;
        }
        if let Some(policy) = self.policy {
            map.serialize_entry("policy", policy)?;
        }
        if !self.step_up.is_none() {
            map.serialize_entry("step_up", &self.step_up.json_value())?;
        }
        if let Some(credentials) = self.credentials {
            map.serialize_entry("credentials", credentials)?;
        }
        map.end()
    }
}

/// Every route of a router and what it requires.
///
/// ```
/// use axum_warden::{public, requires_role};
/// use axum_warden::routing::{get, post};
///
/// #[public]
/// async fn health() {}
/// #[requires_role(any("editor", "admin"))]
/// async fn create() {}
///
/// let table = axum_warden::Router::<axum_warden::Warden>::new()
///     .route("/health", get(health))
///     .route("/articles", post(create))
///     .route_table();
/// let markdown = table.to_markdown();
/// assert!(markdown.starts_with("| Method | Path | Access | Handler |\n|---|---|---|---|\n"));
/// assert!(markdown.contains("| POST | /articles | any role: editor, admin | `"));
/// assert_eq!(table.rows()[1].path(), "/health");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteTable {
    rows: Vec<RouteRow>,
    /// Whether [`with_role_hierarchy`](Self::with_role_hierarchy) filled `satisfied_by`.
    hierarchy: bool,
    /// Whether [`with_credentials`](Self::with_credentials) filled `credentials`.
    credentials: bool,
}

impl RouteTable {
    pub(crate) fn extend(&mut self, rows: impl IntoIterator<Item = RouteRow>) {
        self.rows.extend(rows);
    }

    pub(crate) fn into_rows(self) -> Vec<RouteRow> {
        self.rows
    }

    pub(crate) fn sorted(&self) -> Self {
        let mut rows = self.rows.clone();
        rows.sort_by_cached_key(|row| (row.display_path(), row.method.as_str().to_owned()));
        Self {
            rows,
            hierarchy: self.hierarchy,
            credentials: self.credentials,
        }
    }

    /// The table with, for every role rule, the roles that satisfy it under `hierarchy`:
    /// an extra "Satisfied by" column in Markdown and a `satisfied_by` object in JSON.
    ///
    /// ```
    /// use axum_warden::{RoleHierarchy, requires_role};
    /// use axum_warden::routing::get;
    ///
    /// #[requires_role("viewer")]
    /// async fn report() {}
    ///
    /// let hierarchy = RoleHierarchy::new().role("admin", ["editor"]).role("editor", ["viewer"]);
    /// let table = axum_warden::Router::<axum_warden::Warden>::new()
    ///     .route("/report", get(report))
    ///     .route_table()
    ///     .with_role_hierarchy(&hierarchy);
    /// assert_eq!(table.rows()[0].satisfied_by().unwrap()[0], ("viewer", vec!["viewer".into(), "editor".into(), "admin".into()]));
    /// assert!(table.to_markdown().contains("| role: viewer | viewer: viewer, editor, admin |"));
    /// ```
    #[must_use]
    pub fn with_role_hierarchy(mut self, hierarchy: &crate::RoleHierarchy) -> Self {
        for row in &mut self.rows {
            row.satisfied_by = match row.requirement.role_names() {
                Some((_, names)) => Some(
                    names
                        .iter()
                        .map(|name| {
                            let granting = hierarchy.roles_granting(name).into_iter().map(str::to_owned).collect();
                            (*name, granting)
                        })
                        .collect(),
                ),
                _ => None,
            };
        }
        self.hierarchy = true;
        self
    }

    /// The table with, for every route that needs an identity, the schemes and places whose
    /// credentials the warden reads (pass [`Warden::credentials`](crate::Warden::credentials)):
    /// an extra "Credentials" column in Markdown and a `credentials` array in JSON. Which
    /// credentials a route accepts is a setting of the warden, the same for every guarded
    /// route of its router, so the table learns it here rather than from the attributes.
    ///
    /// ```
    /// use axum_warden::{Scheme, Warden, public, requires_auth};
    /// use axum_warden::routing::get;
    /// # use axum_warden::{AuthError, Authenticator, Identity};
    /// # struct ApiKeys;
    /// # impl Authenticator for ApiKeys {
    /// #     async fn authenticate(&self, _: &http::request::Parts) -> Result<Identity, AuthError> {
    /// #         Err(AuthError::MissingCredentials)
    /// #     }
    /// # }
    ///
    /// #[public]
    /// async fn health() {}
    /// #[requires_auth]
    /// async fn me() {}
    ///
    /// let warden = Warden::builder()
    ///     .hmac_secret(vec![7; 32])
    ///     .token_cookie("access_token")
    ///     .also_accept(Scheme::header("ApiKey", "x-api-key"), ApiKeys)
    ///     .build()?;
    /// let table = axum_warden::Router::<Warden>::new()
    ///     .route("/health", get(health))
    ///     .route("/me", get(me))
    ///     .route_table()
    ///     .with_credentials(warden.credentials());
    /// assert!(table.to_markdown().contains(
    ///     "| authenticated | Bearer: header Authorization, cookie access_token; ApiKey: header x-api-key |"
    /// ));
    /// assert!(table.rows()[0].credentials().is_none(), "a public route reads none");
    /// let json: serde_json::Value = serde_json::from_str(&table.to_json())?;
    /// assert_eq!(
    ///     json[1]["access"]["credentials"][2],
    ///     serde_json::json!({"scheme": "ApiKey", "in": "header", "name": "x-api-key"})
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_credentials(mut self, credentials: impl IntoIterator<Item = Scheme>) -> Self {
        let credentials: Vec<Scheme> = credentials.into_iter().collect();
        for row in &mut self.rows {
            row.credentials = row.requirement.needs_identity().then(|| credentials.clone());
        }
        self.credentials = true;
        self
    }

    /// The rows, sorted by path then method.
    #[must_use]
    pub fn rows(&self) -> &[RouteRow] {
        &self.rows
    }

    /// A Markdown table for people: method, path, readable access, handler.
    ///
    /// Source lines are left out on purpose: a committed table should change when access
    /// changes, not when lines move. The handler column names the handler by module path,
    /// so moving a handler to another module does show up.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("| Method | Path | Access |");
        let mut rule = String::from("|---|---|---|");
        for (shown, column) in [
            (self.hierarchy, " Satisfied by |"),
            (self.credentials, " Credentials |"),
        ] {
            if shown {
                out.push_str(column);
                rule.push_str("---|");
            }
        }
        let _ = write!(out, " Handler |\n{rule}---|\n");
        for row in &self.rows {
            let _ = write!(
                out,
                "| {} | {} | {} |",
                row.method,
                escape_cell(&row.display_path()),
                escape_cell(&row.access_text()),
            );
            if self.hierarchy {
                let satisfied = row.satisfied_by.as_deref().map_or_else(String::new, |names| {
                    names
                        .iter()
                        .map(|(role, granting)| format!("{role}: {}", granting.join(", ")))
                        .collect::<Vec<_>>()
                        .join("; ")
                });
                let _ = write!(out, " {} |", escape_cell(&satisfied));
            }
            if self.credentials {
                let text = row.credentials.as_deref().map_or_else(String::new, credentials_text);
                let _ = write!(out, " {} |", escape_cell(&text));
            }
            let _ = writeln!(out, " `{}::{}` |", row.handler.module, row.handler.name);
        }
        out
    }

    /// Pretty-printed JSON: an array of `{"method", "path", "handler", "access"}` objects,
    /// where `access` is `{"kind": "public"}`, `{"kind": "authenticated"}`,
    /// `{"kind": "roles", "match": "any"|"all", "roles": […]}` or
    /// `{"kind": "scopes", "match": "any"|"all", "scopes": […]}`. Field order is fixed.
    ///
    /// A role rule and a scope rule on one handler are
    /// `{"kind": "roles_and_scopes", "rules": [<roles object>, <scopes object>]}`, each
    /// inner object in the shape of the single rule.
    ///
    /// Three members of `access` appear only when they apply, after the others and in
    /// this order: `satisfied_by`, in a table made
    /// [`with_role_hierarchy`](Self::with_role_hierarchy), an object from each role of the
    /// rule to the roles that grant it; `policy`, the name of a `#[requires_policy]` type;
    /// and `step_up`, `{"acr": "mfa", "max_age": 300}` with the members the route sets
    /// (RFC 9470).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(&self.rows).unwrap_or_else(|_| "[]".to_owned());
        out.push('\n');
        out
    }
}

/// `Bearer: header Authorization, cookie t; ApiKey: header x-api-key`: the places of each
/// scheme after its name, schemes in order.
fn credentials_text(credentials: &[Scheme]) -> String {
    let mut text = String::new();
    let mut last: Option<&str> = None;
    for scheme in credentials {
        if last == Some(scheme.name()) {
            text.push_str(", ");
        } else {
            if last.is_some() {
                text.push_str("; ");
            }
            let _ = write!(text, "{}: ", scheme.name());
            last = Some(scheme.name());
        }
        let _ = write!(text, "{}", scheme.location());
    }
    text
}

/// Keeps a cell on one line and its pipes from splitting the column.
fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The methods of an OpenAPI Path Item Object, in its order and upper case as the route
/// table spells them: what both OpenAPI writers match routes against.
#[cfg(any(feature = "utoipa", feature = "aide"))]
pub(crate) const DOCUMENT_METHODS: [&str; 8] = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];

/// A path with its parameter names blanked, so that `/a/{id}`, `/a/{key}` and `/a/{*id}`
/// compare equal: how both OpenAPI writers find a route's documented path.
#[cfg(any(feature = "utoipa", feature = "aide"))]
pub(crate) fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..=open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push('}');
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}
