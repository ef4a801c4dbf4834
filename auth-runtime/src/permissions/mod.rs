//! Effective permissions: the route table turned around, from "what does this route
//! require" to "what can this caller reach", with the role hierarchy applied. Rendered as
//! Markdown, JSON and a self-contained HTML page for review.
//!
//! [`RouteTable::effective_permissions`] makes an [`EffectivePermissions`]; the other
//! types here are its parts.

mod html;

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::http::{RouteMethod, RouteRow, RouteTable};
use crate::requirement::{HandlerInfo, Match, Requirement, StepUp};
use crate::roles::RoleHierarchy;

/// Who the matrix answers for: a kind of caller.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Subject {
    /// A caller without credentials: public routes only.
    Anonymous,
    /// Any verified caller, whatever its roles and scopes.
    Authenticated,
    /// A verified caller holding this role (and, through the hierarchy, every role it
    /// includes), and no other.
    Role(String),
    /// A verified caller whose token grants this OAuth scope, and no other.
    Scope(String),
}

impl Subject {
    /// The subject's key in the JSON (`subject`) and in the HTML page's filter:
    /// `anonymous`, `authenticated`, `role:NAME` or `scope:NAME`.
    ///
    /// ```
    /// use axum_warden_runtime::permissions::Subject;
    ///
    /// assert_eq!(Subject::Role("editor".into()).key(), "role:editor");
    /// assert_eq!(Subject::Anonymous.key(), "anonymous");
    /// ```
    #[must_use]
    pub fn key(&self) -> String {
        match self {
            Self::Anonymous => "anonymous".to_owned(),
            Self::Authenticated => "authenticated".to_owned(),
            Self::Role(name) => format!("role:{name}"),
            Self::Scope(name) => format!("scope:{name}"),
        }
    }

    /// `anonymous`, `authenticated`, `role` or `scope`: the `kind` member of the JSON.
    const fn kind(&self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::Authenticated => "authenticated",
            Self::Role(_) => "role",
            Self::Scope(_) => "scope",
        }
    }

    /// The role or scope name; `None` for the other subjects.
    fn name(&self) -> Option<&str> {
        match self {
            Self::Role(name) | Self::Scope(name) => Some(name),
            Self::Anonymous | Self::Authenticated => None,
        }
    }
}

impl fmt::Display for Subject {
    /// `anonymous`, `any authenticated caller`, ``role `admin` ``, ``scope `orders:read` ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Anonymous => f.write_str("anonymous"),
            Self::Authenticated => f.write_str("any authenticated caller"),
            Self::Role(name) => write!(f, "role `{name}`"),
            Self::Scope(name) => write!(f, "scope `{name}`"),
        }
    }
}

/// The part of a route's rule that lets a [`Subject`] in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Via {
    /// The route is public.
    Public,
    /// The route admits every verified caller.
    Authenticated,
    /// The rule names the subject's role.
    Role(String),
    /// The rule names this role, which the subject's role includes through the
    /// hierarchy.
    Inherited(String),
    /// The rule names the subject's scope.
    Scope(String),
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Public => f.write_str("public route"),
            Self::Authenticated => f.write_str("any authenticated caller"),
            Self::Role(role) => write!(f, "directly: role `{role}`"),
            Self::Inherited(role) => write!(f, "through the hierarchy: includes `{role}`"),
            Self::Scope(scope) => write!(f, "scope `{scope}`"),
        }
    }
}

/// What else must hold, beyond the subject, before a route answers: the reason a grant is
/// conditional.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Condition {
    /// The caller must also hold these roles (any or all of them): the rest of an
    /// `all(..)` role rule, or the role part of a rule that also names scopes.
    Roles {
        /// Whether one role suffices or every role is needed.
        mode: Match,
        /// The role names.
        names: Vec<String>,
    },
    /// The token must also grant these scopes (any or all of them).
    Scopes {
        /// Whether one scope suffices or every scope is needed.
        mode: Match,
        /// The scope names.
        names: Vec<String>,
    },
    /// The route's [`AccessPolicy`](crate::AccessPolicy) decides at run time.
    Policy(&'static str),
}

impl fmt::Display for Condition {
    /// `with role `a``, `with any role of `a`, `b``, `with roles `a`, `b``, the same for
    /// scopes, and ``policy `P` decides``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, what: &str, mode: Match, names: &[String]| {
            let quoted = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            match (names.len(), mode) {
                (1, _) => write!(f, "with {what} {quoted}"),
                (_, Match::Any) => write!(f, "with any {what} of {quoted}"),
                (_, Match::All) => write!(f, "with {what}s {quoted}"),
            }
        };
        match self {
            Self::Roles { mode, names } => list(f, "role", *mode, names),
            Self::Scopes { mode, names } => list(f, "scope", *mode, names),
            Self::Policy(policy) => write!(f, "policy `{policy}` decides"),
        }
    }
}

/// One route a [`Subject`] reaches, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    method: RouteMethod,
    path: String,
    handler: &'static HandlerInfo,
    via: Via,
    conditions: Vec<Condition>,
    step_up: StepUp,
}

impl Grant {
    /// The route's method.
    #[must_use]
    pub fn method(&self) -> &RouteMethod {
        &self.method
    }

    /// The route's path as the tables print it (a fallback is `*` or `/api/*`).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Where the route's handler was declared.
    #[must_use]
    pub fn handler(&self) -> &'static HandlerInfo {
        self.handler
    }

    /// The part of the rule that lets the subject in.
    #[must_use]
    pub fn via(&self) -> &Via {
        &self.via
    }

    /// What else must hold; empty when the subject alone gets through.
    #[must_use]
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// Whether the subject reaches the route only when [`conditions`](Self::conditions)
    /// hold as well (other roles, scopes, or a policy that decides at run time).
    #[must_use]
    pub fn is_conditional(&self) -> bool {
        !self.conditions.is_empty()
    }

    /// How the caller must have authenticated (RFC 9470); [`StepUp::NONE`] for most
    /// routes. A note rather than a condition: it asks how the subject signed in, not
    /// what else it holds.
    #[must_use]
    pub fn step_up(&self) -> &StepUp {
        &self.step_up
    }

    /// The conditions, then the step-up note, joined by `; `; empty when there are none.
    fn notes(&self) -> String {
        let mut notes: Vec<String> = self.conditions.iter().map(ToString::to_string).collect();
        if !self.step_up.is_none() {
            notes.push(format!("with {}", self.step_up));
        }
        notes.join("; ")
    }
}

/// The routes one [`Subject`] reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectPermissions {
    subject: Subject,
    grants: Vec<Grant>,
}

impl SubjectPermissions {
    /// Who.
    #[must_use]
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// What it reaches, in the table's order (path, then method).
    #[must_use]
    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }
}

/// Who reaches what: for every subject (anonymous, any authenticated caller, every role,
/// every scope) the routes it reaches and the rule that lets it in. Made by
/// [`RouteTable::effective_permissions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectivePermissions {
    subjects: Vec<SubjectPermissions>,
}

impl RouteTable {
    /// Who reaches what, under `hierarchy` (pass [`RoleHierarchy::new()`] for none).
    ///
    /// The subjects, in this order: [`Subject::Anonymous`] (public routes),
    /// [`Subject::Authenticated`] (public routes and those that need only a verified
    /// caller), then one [`Subject::Role`] for every role a rule or the hierarchy names,
    /// and one [`Subject::Scope`] for every scope a rule names, each set in name order. A
    /// role or scope subject reaches what any authenticated caller does, plus the routes
    /// whose rule it takes part in:
    ///
    /// - a role rule lists the route under every role that grants one of its roles,
    ///   [`Via::Role`] when the rule names the role, [`Via::Inherited`] when the role
    ///   includes a named one through the hierarchy; an `all(..)` rule the role covers
    ///   only in part is conditional on the rest ([`Condition::Roles`]);
    /// - a scope rule lists the route under its scopes, never under a role: a role alone
    ///   does not reach it;
    /// - a rule with both roles and scopes lists the route under the roles, conditional on
    ///   the scopes, and under the scopes, conditional on the roles;
    /// - a `#[requires_policy]` route is conditional for everyone: the policy decides at
    ///   run time ([`Condition::Policy`]);
    /// - a step-up requirement is a note on the grant ([`Grant::step_up`]), not a
    ///   condition.
    ///
    /// ```
    /// use axum_warden_runtime::RoleHierarchy;
    /// use axum_warden_runtime::permissions::{Subject, Via};
    /// use axum_warden::{public, requires_role, requires_scope};
    /// use axum_warden::routing::get;
    ///
    /// #[public]
    /// async fn health() {}
    /// #[requires_role("editor")]
    /// async fn edit() {}
    /// #[requires_scope("orders:read")]
    /// async fn orders() {}
    ///
    /// let hierarchy = RoleHierarchy::new().role("admin", ["editor"]);
    /// let matrix = axum_warden::Router::<axum_warden::Warden>::new()
    ///     .route("/health", get(health))
    ///     .route("/edit", get(edit))
    ///     .route("/orders", get(orders))
    ///     .route_table()
    ///     .effective_permissions(&hierarchy);
    ///
    /// let admin = matrix.subject(&Subject::Role("admin".into())).unwrap();
    /// let paths: Vec<&str> = admin.grants().iter().map(|g| g.path()).collect();
    /// assert_eq!(paths, ["/edit", "/health"]); // not /orders: a role alone has no scope
    /// assert_eq!(admin.grants()[0].via(), &Via::Inherited("editor".into()));
    ///
    /// let scope = matrix.subject(&Subject::Scope("orders:read".into())).unwrap();
    /// assert!(scope.grants().iter().any(|g| g.path() == "/orders"));
    /// assert!(matrix.to_markdown().contains("| GET | /edit | through the hierarchy: includes `editor` |"));
    /// ```
    #[must_use]
    pub fn effective_permissions(&self, hierarchy: &RoleHierarchy) -> EffectivePermissions {
        let mut roles: BTreeSet<&str> = hierarchy.roles().into_iter().collect();
        let mut scopes: BTreeSet<&str> = BTreeSet::new();
        for row in self.rows() {
            roles.extend(row.requirement().role_names().map_or(&[][..], |(_, names)| names));
            scopes.extend(row.requirement().scope_names().map_or(&[][..], |(_, names)| names));
        }
        let subjects = [Subject::Anonymous, Subject::Authenticated]
            .into_iter()
            .chain(roles.into_iter().map(|r| Subject::Role(r.to_owned())))
            .chain(scopes.into_iter().map(|s| Subject::Scope(s.to_owned())))
            .map(|subject| SubjectPermissions {
                grants: self
                    .rows()
                    .iter()
                    .filter_map(|row| grant(&subject, row, hierarchy))
                    .collect(),
                subject,
            })
            .collect();
        EffectivePermissions { subjects }
    }
}

/// The grant of `row` to `subject`, if the subject takes part in any way in.
fn grant(subject: &Subject, row: &RouteRow, hierarchy: &RoleHierarchy) -> Option<Grant> {
    let (via, mut conditions) = match (*row.requirement(), subject) {
        (Requirement::Public, _) => (Via::Public, Vec::new()),
        (_, Subject::Anonymous) => return None,
        (Requirement::Authenticated, _) => (Via::Authenticated, Vec::new()),
        (_, Subject::Authenticated) => return None,
        (Requirement::Roles { mode, names }, Subject::Role(role)) => role_part(role, mode, names, hierarchy)?,
        (Requirement::Scopes { mode, names }, Subject::Scope(scope)) => scope_part(scope, mode, names)?,
        (
            Requirement::RolesAndScopes {
                role_mode,
                roles,
                scope_mode,
                scopes,
            },
            _,
        ) => {
            let (via, mut conditions) = match subject {
                Subject::Role(role) => role_part(role, role_mode, roles, hierarchy)?,
                Subject::Scope(scope) => scope_part(scope, scope_mode, scopes)?,
                Subject::Anonymous | Subject::Authenticated => return None,
            };
            conditions.push(match subject {
                Subject::Role(_) => Condition::Scopes {
                    mode: scope_mode,
                    names: owned(scopes),
                },
                _ => Condition::Roles {
                    mode: role_mode,
                    names: owned(roles),
                },
            });
            (via, conditions)
        }
        (Requirement::Roles { .. } | Requirement::Scopes { .. }, _) => return None,
    };
    if let Some(policy) = row.policy() {
        conditions.push(Condition::Policy(policy));
    }
    Some(Grant {
        method: row.method().clone(),
        path: row.display_path(),
        handler: row.handler(),
        via,
        conditions,
        step_up: *row.step_up(),
    })
}

/// How `role` takes part in a role rule: the rule's role it holds (named by the rule
/// first, then through the hierarchy) and, for `all(..)`, the roles it still lacks.
fn role_part(role: &str, mode: Match, names: &[&str], hierarchy: &RoleHierarchy) -> Option<(Via, Vec<Condition>)> {
    let held: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| hierarchy.roles_granting(name).contains(&role))
        .collect();
    let via = match held.iter().find(|name| **name == role) {
        Some(direct) => Via::Role((*direct).to_owned()),
        None => Via::Inherited((*held.first()?).to_owned()),
    };
    let missing: Vec<String> = names
        .iter()
        .filter(|name| !held.contains(name))
        .map(|name| (*name).to_owned())
        .collect();
    let conditions = if mode == Match::All && !missing.is_empty() {
        vec![Condition::Roles {
            mode: Match::All,
            names: missing,
        }]
    } else {
        Vec::new()
    };
    Some((via, conditions))
}

/// How `scope` takes part in a scope rule: named by it, and for `all(..)` with the other
/// scopes still to be granted.
fn scope_part(scope: &str, mode: Match, names: &[&str]) -> Option<(Via, Vec<Condition>)> {
    if !names.contains(&scope) {
        return None;
    }
    let others: Vec<String> = names
        .iter()
        .filter(|name| **name != scope)
        .map(|name| (*name).to_owned())
        .collect();
    let conditions = if mode == Match::All && !others.is_empty() {
        vec![Condition::Scopes {
            mode: Match::All,
            names: others,
        }]
    } else {
        Vec::new()
    };
    Some((Via::Scope(scope.to_owned()), conditions))
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

impl EffectivePermissions {
    /// Every subject with what it reaches, in the order
    /// [`RouteTable::effective_permissions`] describes.
    #[must_use]
    pub fn subjects(&self) -> &[SubjectPermissions] {
        &self.subjects
    }

    /// What `subject` reaches; `None` when the table and the hierarchy never name it.
    #[must_use]
    pub fn subject(&self, subject: &Subject) -> Option<&SubjectPermissions> {
        self.subjects.iter().find(|entry| entry.subject == *subject)
    }

    /// Markdown for review: one section per subject, each a table of method, path, the
    /// rule that grants the route ([`Via`]), its conditions and step-up note, and the
    /// handler. A subject that reaches nothing says so.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Effective permissions\n");
        for entry in &self.subjects {
            let _ = write!(out, "\n## {}\n\n", entry.subject);
            if entry.grants.is_empty() {
                out.push_str("No route.\n");
                continue;
            }
            out.push_str("| Method | Path | Granted | Conditions | Handler |\n|---|---|---|---|---|\n");
            for grant in &entry.grants {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | `{}::{}` |",
                    grant.method,
                    cell(&grant.path),
                    cell(&grant.via.to_string()),
                    cell(&grant.notes()),
                    grant.handler.module,
                    grant.handler.name,
                );
            }
        }
        out
    }

    /// Pretty-printed JSON, with members in this order:
    ///
    /// ```json
    /// {"subjects": [
    ///   {"subject": "role:admin", "kind": "role", "name": "admin",
    ///    "routes": [
    ///      {"method": "GET", "path": "/admin", "handler": "admin",
    ///       "via": {"kind": "role", "role": "admin"},
    ///       "conditional": true,
    ///       "conditions": [{"kind": "policy", "policy": "OwnerOnly"}],
    ///       "step_up": {"acr": "mfa", "max_age": 300}}]}]}
    /// ```
    ///
    /// - `subject` is [`Subject::key`]; `kind` is `anonymous`, `authenticated`, `role` or
    ///   `scope`; `name` only for a role or a scope.
    /// - `via` is `{"kind": "public"}`, `{"kind": "authenticated"}`,
    ///   `{"kind": "role", "role": …}`, `{"kind": "inherited", "role": …}` (the rule's
    ///   role the subject includes) or `{"kind": "scope", "scope": …}`.
    /// - `conditions` is always there, empty when `conditional` is false; each is
    ///   `{"kind": "roles", "match": "any"|"all", "roles": […]}`,
    ///   `{"kind": "scopes", "match": "any"|"all", "scopes": […]}` or
    ///   `{"kind": "policy", "policy": …}`.
    /// - `step_up` only when the route sets one, with the members it sets.
    /// - `handler` is the function's name, as in the route table's JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        let document = JsonDocument {
            subjects: self.subjects.iter().map(JsonSubject::from).collect(),
        };
        let mut out = serde_json::to_string_pretty(&document).unwrap_or_else(|_| "{}".to_owned());
        out.push('\n');
        out
    }
}

/// Keeps a Markdown cell on one line and its pipes from splitting the column.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    subjects: Vec<JsonSubject<'a>>,
}

#[derive(Serialize)]
struct JsonSubject<'a> {
    subject: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    routes: Vec<JsonGrant<'a>>,
}

impl<'a> From<&'a SubjectPermissions> for JsonSubject<'a> {
    fn from(entry: &'a SubjectPermissions) -> Self {
        Self {
            subject: entry.subject.key(),
            kind: entry.subject.kind(),
            name: entry.subject.name(),
            routes: entry.grants.iter().map(JsonGrant::from).collect(),
        }
    }
}

#[derive(Serialize)]
struct JsonGrant<'a> {
    method: &'a str,
    path: &'a str,
    handler: &'static str,
    via: JsonVia<'a>,
    conditional: bool,
    conditions: Vec<JsonCondition<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    step_up: Option<JsonStepUp>,
}

impl<'a> From<&'a Grant> for JsonGrant<'a> {
    fn from(grant: &'a Grant) -> Self {
        Self {
            method: grant.method.as_str(),
            path: &grant.path,
            handler: grant.handler.name,
            via: match &grant.via {
                Via::Public => JsonVia::Public,
                Via::Authenticated => JsonVia::Authenticated,
                Via::Role(role) => JsonVia::Role { role },
                Via::Inherited(role) => JsonVia::Inherited { role },
                Via::Scope(scope) => JsonVia::Scope { scope },
            },
            conditional: grant.is_conditional(),
            conditions: grant
                .conditions
                .iter()
                .map(|condition| match condition {
                    Condition::Roles { mode, names } => JsonCondition::Roles {
                        mode: mode.as_str(),
                        roles: names,
                    },
                    Condition::Scopes { mode, names } => JsonCondition::Scopes {
                        mode: mode.as_str(),
                        scopes: names,
                    },
                    Condition::Policy(policy) => JsonCondition::Policy { policy },
                })
                .collect(),
            step_up: (!grant.step_up.is_none()).then_some(JsonStepUp {
                acr: grant.step_up.acr,
                max_age: grant.step_up.max_age,
            }),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum JsonVia<'a> {
    Public,
    Authenticated,
    Role { role: &'a str },
    Inherited { role: &'a str },
    Scope { scope: &'a str },
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum JsonCondition<'a> {
    Roles {
        #[serde(rename = "match")]
        mode: &'static str,
        roles: &'a [String],
    },
    Scopes {
        #[serde(rename = "match")]
        mode: &'static str,
        scopes: &'a [String],
    },
    Policy {
        policy: &'static str,
    },
}

#[derive(Serialize)]
struct JsonStepUp {
    #[serde(skip_serializing_if = "Option::is_none")]
    acr: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_age: Option<u64>,
}

#[cfg(test)]
mod tests;
