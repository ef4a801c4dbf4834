//! OpenAPI from the same declarations, for [aide 0.15](https://docs.rs/aide/0.15)
//! (feature `aide`): the route table written into an aide document, as the `utoipa`
//! feature writes it into a utoipa one.
//!
//! The access rule of each route becomes the operation's `security`, the refusals the
//! guard and the route policies give (`400`, `401`, `403`, `404`, and `503` when keys are
//! fetched) become responses, and
//! the problem-details body the guard renders becomes a schema component. What the route
//! table cannot know (request and response bodies, parameters) stays aide's and the
//! application's to document.

mod components;
mod extractors;
mod paths;
mod report;

use crate::http::Scheme;
use std::collections::{BTreeMap, BTreeSet};

use aide::openapi::{
    Components, OpenApi, Operation, ReferenceOr, Response, Responses, SecurityRequirement, StatusCode,
};
use serde_json::json;

use self::components::{BAD_REQUEST, FORBIDDEN, NOT_FOUND, SERVICE_UNAVAILABLE, UNAUTHORIZED};
use self::paths::{METHODS, has_operation, operation_mut, shape};
pub use self::report::{AideError, AideOperation, AideReport, AideSkipReason, AideSkippedRoute};
use crate::http::{RouteMethod, RouteTable};
use crate::requirement::{Match, Requirement, StepUp};

// The four names below are the `utoipa` feature's too; the crate root exports them from
// there when both features are on.

/// The name of the bearer security scheme [`WardenAide`] adds unless told another.
#[cfg_attr(feature = "utoipa", allow(unreachable_pub))]
pub const SECURITY_SCHEME: &str = "bearerAuth";

/// The operation extension that names the roles of a role rule:
/// `{"match": "any"|"all", "roles": […]}`.
#[cfg_attr(feature = "utoipa", allow(unreachable_pub))]
pub const REQUIRED_ROLES_EXTENSION: &str = "x-required-roles";

/// The operation extension that states a step-up rule (RFC 9470):
/// `{"acr": "mfa", "max_age": 300}` with the members the route sets; such an operation's
/// `401` also covers `error="insufficient_user_authentication"`.
#[cfg_attr(feature = "utoipa", allow(unreachable_pub))]
pub const STEP_UP_EXTENSION: &str = "x-step-up";

/// The operation extension that names the `#[requires_policy]` policy of a route; such an
/// operation also documents `403` and `404`.
#[cfg_attr(feature = "utoipa", allow(unreachable_pub))]
pub const ACCESS_POLICY_EXTENSION: &str = "x-access-policy";

/// The member that carries an operation's `security` when it must be written as an empty
/// list; see [`WardenAide`] on public operations.
const SECURITY: &str = "security";

/// Writes a [`RouteTable`] into an [aide](https://docs.rs/aide/0.15) OpenAPI document
/// (feature `aide`).
///
/// [`RouteTable::apply_aide`] uses the default settings; this builder names the security
/// scheme and says whether keys are fetched ([`remote_keys`](Self::remote_keys),
/// [`for_warden`](Self::for_warden)).
///
/// What [`apply`](Self::apply) writes:
///
/// - `components.securitySchemes.bearerAuth`: `{"type": "http", "scheme": "bearer",
///   "bearerFormat": "JWT"}`;
/// - `components.schemas.Problem`: the RFC 9457 body of the guard's refusals, and
///   `components.responses.BadRequest` / `Unauthorized` / `Forbidden`:
///   `application/problem+json` with that schema, an example, and the `WWW-Authenticate`
///   and `Cache-Control` headers; `components.responses.NotFound`: the `404` of a policy
///   that hides, which has no body and no headers, as for a path that does not exist.
///   A component that already exists under one of these names is kept as it is (an
///   OAuth2 scheme of your identity provider, say) and listed in
///   [`AideReport::kept_components`];
/// - on every operation of a route: `security` and responses by access rule:
///
/// | access | `security` | responses added |
/// |---|---|---|
/// | `#[public]` | `[]` (explicitly none) | none |
/// | `#[requires_auth]` | `[{"bearerAuth": []}]` | `400`, `401` |
/// | `#[requires_role(any/all(…))]` | `[{"bearerAuth": []}]` and `x-required-roles: {"match", "roles"}` | `400`, `401`, `403` |
/// | `#[requires_scope(all(…))]` | `[{"bearerAuth": ["a", "b"]}]` (one requirement, every scope) | `400`, `401`, `403` |
/// | `#[requires_scope(any(…))]` | `[{"bearerAuth": ["a"]}, {"bearerAuth": ["b"]}]` (one per scope) | `400`, `401`, `403` |
/// | with `#[requires_policy(P)]` | as above, and `x-access-policy: "P"` | `400`, `401`, `403`, `404` |
///
/// and `503` on every guarded operation with [`remote_keys`](Self::remote_keys)
/// (`components.responses.ServiceUnavailable`: problem details, `Cache-Control` and
/// `Retry-After`, no challenge).
///
/// Each response is a reference to its component (`{"$ref":
/// "#/components/responses/Unauthorized"}`). `security` and the two extensions are
/// replaced, since the route table is what the guard enforces. Where the operation already
/// documents one of these statuses (a handler's own `400` for a body it cannot parse,
/// say), that response is kept and the guard's answer is written into it: its description
/// as a further paragraph, its body under `application/problem+json` and its headers, each
/// unless the response already has one of that name; a status documented as a reference to
/// a response component of the application's own is left as it is. A reference this
/// function added before is removed when the rule no longer gives that status. Applying
/// twice gives the same document.
///
/// aide 0.15 does not serialize an empty [`Operation::security`], so the `[]` of a public
/// operation, which overrides a document-wide `security`, is written as a `security`
/// member of the operation's extension map, which serializes in its place. Apply the
/// table after every other change to the document's operations: a `security` requirement
/// added to a public operation afterwards would be serialized beside that member.
///
/// How routes meet operations:
///
/// - Paths match by shape: `/users/{id}` in the table meets `/users/{user_id}` in the
///   document, and an axum wildcard `/files/{*rest}` meets `/files/{rest}` (aide keeps
///   the axum spelling; both are matched).
/// - A `GET` route also covers a `head` operation of its path, since axum answers `HEAD`
///   with the `GET` handler, unless the table has a `HEAD` route there.
/// - An `any(…)` route covers every operation its path has in the document that no
///   method route covers; with none, it is [skipped](AideSkipReason::NoOperationForAny).
/// - A fallback (`ANY *`) answers paths no route matched, which no OpenAPI path can name:
///   it is [skipped](AideSkipReason::Fallback).
/// - A route without an operation is reported in [`AideReport::missing`], not invented;
///   an operation without a route in [`AideReport::untracked`], untouched. A path item
///   that is a `$ref` is not followed: its routes are
///   [skipped](AideSkipReason::PathItemReference).
///
/// The document describes the built-in answers: a renderer installed with
/// [`WardenBuilder::renderer`](crate::WardenBuilder::renderer) is not reflected.
///
/// ```
/// use aide::openapi::{OpenApi, Operation, PathItem, Paths, ReferenceOr};
/// use axum_warden::routing::get;
/// use axum_warden::{Router, Warden, requires_auth};
/// use axum_warden_runtime::WardenAide;
///
/// #[requires_auth]
/// async fn me() {}
///
/// let table = Router::<Warden>::new().route("/me", get(me)).route_table();
/// let mut doc = OpenApi::default();
/// let me = PathItem { get: Some(Operation::default()), ..PathItem::default() };
/// doc.paths = Some(Paths { paths: [("/me".to_owned(), ReferenceOr::Item(me))].into_iter().collect(), ..Paths::default() });
///
/// let report = WardenAide::new().security_scheme("jwt").apply(&table, &mut doc);
/// report.ensure_complete()?;
/// let json = serde_json::to_value(&doc)?;
/// assert_eq!(json["paths"]["/me"]["get"]["security"], serde_json::json!([{ "jwt": [] }]));
/// assert_eq!(json["components"]["securitySchemes"]["jwt"]["scheme"], "bearer");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct WardenAide {
    scheme: String,
    remote_keys: bool,
    /// The credentials documented beside the bearer scheme, with their component names.
    others: Vec<(String, Scheme)>,
}

impl Default for WardenAide {
    fn default() -> Self {
        Self::new()
    }
}

impl WardenAide {
    /// The default settings: the security scheme is called
    /// [`SECURITY_SCHEME`](crate::SECURITY_SCHEME).
    pub fn new() -> Self {
        Self {
            scheme: SECURITY_SCHEME.to_owned(),
            remote_keys: false,
            others: Vec::new(),
        }
    }

    /// Documents the credentials the warden reads besides JWTs in the `Authorization`
    /// header, as [`WardenOpenApi::accepted`](crate::WardenOpenApi::accepted) does for
    /// utoipa (the same components and `security` alternatives);
    /// [`for_warden`](Self::for_warden) passes the warden's own.
    ///
    /// ```
    /// use axum_warden_runtime::{Scheme, Warden, WardenAide};
    ///
    /// let warden = Warden::builder().hmac_secret(vec![7; 32]).token_cookie("access_token").build()?;
    /// let from_warden = WardenAide::for_warden(&warden);
    /// let by_hand = WardenAide::new().accepted(warden.credentials());
    /// assert_eq!(from_warden, by_hand);
    /// assert_ne!(by_hand, WardenAide::new().accepted([Scheme::cookie("Session", "session")]));
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    pub fn accepted(mut self, credentials: impl IntoIterator<Item = Scheme>) -> Self {
        Scheme::document_beside(&self.scheme, credentials, &mut self.others);
        self
    }

    /// Documents the `503` (with `Retry-After`) a guarded operation answers when no key
    /// can be obtained: set it when the warden's keys come from a JWKS URL or OpenID
    /// Connect discovery, or let [`for_warden`](Self::for_warden) decide. Off by default,
    /// as a local key source never answers 503.
    ///
    /// ```
    /// use aide::openapi::{OpenApi, Operation, PathItem, Paths, ReferenceOr};
    /// use axum_warden::routing::get;
    /// use axum_warden::{Router, Warden, requires_auth};
    /// use axum_warden_runtime::WardenAide;
    ///
    /// #[requires_auth]
    /// async fn me() {}
    ///
    /// let table = Router::<Warden>::new().route("/me", get(me)).route_table();
    /// let me = PathItem { get: Some(Operation::default()), ..PathItem::default() };
    /// let mut doc = OpenApi::default();
    /// doc.paths = Some(Paths { paths: [("/me".to_owned(), ReferenceOr::Item(me))].into_iter().collect(), ..Paths::default() });
    /// WardenAide::new().remote_keys(true).apply(&table, &mut doc).ensure_complete()?;
    /// let json = serde_json::to_value(&doc)?;
    /// assert_eq!(json["paths"]["/me"]["get"]["responses"]["503"]["$ref"], "#/components/responses/ServiceUnavailable");
    /// assert!(json["components"]["responses"]["ServiceUnavailable"]["headers"]["Retry-After"].is_object());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remote_keys(mut self, remote: bool) -> Self {
        self.remote_keys = remote;
        self
    }

    /// The settings that fit `warden`: the `503` documented when its keys are fetched
    /// over HTTP, or when a custom [`Authenticator`](crate::Authenticator) checks identities
    /// (it may answer [`AuthError::Unavailable`](crate::AuthError::Unavailable)).
    ///
    /// ```
    /// use axum_warden_runtime::{Warden, WardenAide};
    ///
    /// let local = Warden::builder().hmac_secret(vec![7; 32]).build()?;
    /// assert_eq!(WardenAide::for_warden(&local), WardenAide::new()); // no 503
    /// let fetched = Warden::builder().jwks_url("https://idp.example/jwks").build()?;
    /// assert_eq!(WardenAide::for_warden(&fetched), WardenAide::new().remote_keys(true));
    /// # Ok::<(), axum_warden_runtime::ConfigError>(())
    /// ```
    pub fn for_warden(warden: &crate::Warden) -> Self {
        Self::new()
            .remote_keys(warden.may_be_unavailable())
            .accepted(warden.credentials())
    }

    /// Names the security scheme the operations refer to (`bearerAuth` by default).
    ///
    /// Where the document already has a scheme of that name, it is kept: an OAuth2 or
    /// OpenID Connect scheme describing the identity provider, for instance, so that the
    /// scope lists read as that provider's scopes.
    pub fn security_scheme(mut self, name: impl Into<String>) -> Self {
        self.scheme = name.into();
        self
    }

    /// Adds the access of every route of `table` to the operations of `doc`, and the
    /// components they refer to; see the [type docs](Self) for what is written.
    pub fn apply(&self, table: &RouteTable, doc: &mut OpenApi) -> AideReport {
        let mut report = AideReport::default();
        components::add(
            doc.components.get_or_insert_with(Components::default),
            &self.scheme,
            self.remote_keys,
            &mut report.kept_components,
        );
        let components = doc.components.get_or_insert_with(Components::default);
        components::add_schemes(components, &self.others, &mut report.kept_components);

        let mut paths = doc.paths.as_mut().map(|paths| &mut paths.paths);
        let mut by_shape: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for path in paths.iter().flat_map(|paths| paths.keys()) {
            by_shape.entry(shape(path)).or_default().push(path.clone());
        }
        let routed: BTreeSet<(String, &str)> = table
            .rows()
            .iter()
            .map(|r| (shape(r.path()), r.method().as_str()))
            .collect();
        let mut covered: BTreeSet<(String, &'static str)> = BTreeSet::new();

        // Method routes first: they take precedence over an `any(…)` route on the same path.
        let mut any_rows = Vec::new();
        for row in table.rows() {
            if row.is_fallback() {
                report
                    .skipped
                    .push(AideSkippedRoute::new(row, AideSkipReason::Fallback));
                continue;
            }
            if *row.method() == RouteMethod::Any {
                any_rows.push(row);
                continue;
            }
            let Some(method) = METHODS.iter().copied().find(|m| *m == row.method().as_str()) else {
                report
                    .skipped
                    .push(AideSkippedRoute::new(row, AideSkipReason::UnsupportedMethod));
                continue;
            };
            let key = shape(row.path());
            let also_head = method == "GET" && !routed.contains(&(key.clone(), "HEAD"));
            let (mut found, mut referenced) = (false, false);
            for path in by_shape.get(&key).into_iter().flatten() {
                match paths.as_mut().and_then(|paths| paths.get_mut(path)) {
                    Some(ReferenceOr::Item(item)) => {
                        for m in [Some(method), also_head.then_some("HEAD")].into_iter().flatten() {
                            if let Some(op) = operation_mut(item, m) {
                                self.secure(op, row.requirement(), row.policy(), row.step_up());
                                covered.insert((path.clone(), m));
                                found |= m == method;
                            }
                        }
                    }
                    Some(ReferenceOr::Reference { .. }) => referenced = true,
                    None => {}
                }
            }
            if !found {
                if referenced {
                    report
                        .skipped
                        .push(AideSkippedRoute::new(row, AideSkipReason::PathItemReference));
                } else {
                    report.missing.push(row.clone());
                }
            }
        }
        for row in any_rows {
            let (mut found, mut referenced) = (false, false);
            for path in by_shape.get(&shape(row.path())).into_iter().flatten() {
                match paths.as_mut().and_then(|paths| paths.get_mut(path)) {
                    Some(ReferenceOr::Item(item)) => {
                        for method in METHODS {
                            if covered.contains(&(path.clone(), method)) {
                                continue;
                            }
                            if let Some(op) = operation_mut(item, method) {
                                self.secure(op, row.requirement(), row.policy(), row.step_up());
                                covered.insert((path.clone(), method));
                                found = true;
                            }
                        }
                    }
                    Some(ReferenceOr::Reference { .. }) => referenced = true,
                    None => {}
                }
            }
            if !found {
                let reason = if referenced {
                    AideSkipReason::PathItemReference
                } else {
                    AideSkipReason::NoOperationForAny
                };
                report.skipped.push(AideSkippedRoute::new(row, reason));
            }
        }

        for (path, item) in paths.iter().flat_map(|paths| paths.iter()) {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for method in METHODS {
                if has_operation(item, method) && !covered.contains(&(path.clone(), method)) {
                    report.untracked.push(AideOperation {
                        method,
                        path: path.clone(),
                    });
                }
            }
        }
        report
    }

    /// Writes one access rule into one operation.
    fn secure(&self, op: &mut Operation, requirement: &Requirement, policy: Option<&'static str>, step_up: &StepUp) {
        let access = Access::of(requirement);
        // The same scope sets under the bearer scheme, then under each other scheme.
        let each = |scopes: &[&str]| -> Vec<SecurityRequirement> {
            let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
            Scheme::security_names(&self.scheme, &self.others)
                .into_iter()
                .map(|scheme| [(scheme.to_owned(), scopes.clone())].into_iter().collect())
                .collect()
        };
        op.security = match access {
            Access::Public => Vec::new(),
            Access::Authenticated | Access::Roles(..) | Access::Other => each(&[]),
            Access::Scopes(Match::All, names) | Access::Both(_, _, Match::All, names) => each(names),
            Access::Scopes(Match::Any, names) | Access::Both(_, _, Match::Any, names) => {
                names.iter().flat_map(|name| each(&[name])).collect()
            }
        };
        // aide skips an empty `security` list; the extension map writes it in its place.
        if op.security.is_empty() {
            op.extensions.insert(SECURITY.to_owned(), json!([]));
        } else {
            op.extensions.shift_remove(SECURITY);
        }
        match access {
            Access::Roles(mode, names) | Access::Both(mode, names, ..) => {
                let value = json!({ "match": mode.as_str(), "roles": names });
                op.extensions.insert(REQUIRED_ROLES_EXTENSION.to_owned(), value);
            }
            _ => {
                op.extensions.shift_remove(REQUIRED_ROLES_EXTENSION);
            }
        }
        match policy {
            Some(name) => {
                op.extensions.insert(ACCESS_POLICY_EXTENSION.to_owned(), json!(name));
            }
            None => {
                op.extensions.shift_remove(ACCESS_POLICY_EXTENSION);
            }
        }
        if step_up.is_none() {
            op.extensions.shift_remove(STEP_UP_EXTENSION);
        } else {
            op.extensions.insert(STEP_UP_EXTENSION.to_owned(), step_up.json_value());
        }

        // Every guarded operation reads credentials (400, 401); a verified identity can be
        // refused by a role or scope rule and by a policy (403), and a policy may hide (404).
        let guarded = !matches!(access, Access::Public) || policy.is_some();
        let can_forbid = match access {
            Access::Public | Access::Authenticated => policy.is_some(),
            Access::Roles(..) | Access::Scopes(..) | Access::Both(..) | Access::Other => true,
        };
        let responses = op.responses.get_or_insert_with(Responses::default);
        set_response(responses, 400, BAD_REQUEST, guarded);
        set_response(responses, 401, UNAUTHORIZED, guarded);
        set_response(responses, 403, FORBIDDEN, can_forbid);
        set_response(responses, 404, NOT_FOUND, policy.is_some());
        set_response(responses, 503, SERVICE_UNAVAILABLE, guarded && self.remote_keys);
        if *responses == Responses::default() {
            op.responses = None;
        }
    }
}

/// A [`Requirement`] as the document sees it.
#[derive(Clone, Copy)]
enum Access {
    Public,
    Authenticated,
    Roles(Match, &'static [&'static str]),
    Scopes(Match, &'static [&'static str]),
    /// A role rule and a scope rule: the roles' mode and names, then the scopes'.
    Both(Match, &'static [&'static str], Match, &'static [&'static str]),
    /// A kind of requirement this module does not know: documented as needing an identity
    /// and possibly refusing one, as every guarded rule does.
    Other,
}

impl Access {
    fn of(requirement: &Requirement) -> Self {
        match *requirement {
            Requirement::Public => Self::Public,
            Requirement::Authenticated => Self::Authenticated,
            Requirement::Roles { mode, names } => Self::Roles(mode, names),
            Requirement::Scopes { mode, names } => Self::Scopes(mode, names),
            Requirement::RolesAndScopes {
                role_mode,
                roles,
                scope_mode,
                scopes,
            } => Self::Both(role_mode, roles, scope_mode, scopes),
            // Unreachable today; keeps compiling when `Requirement` gains a variant.
            #[allow(unreachable_patterns)]
            _ => Self::Other,
        }
    }
}

/// Adds a reference to a response component, or removes one added before when the rule
/// no longer gives that status. A response the operation documents inline with that status
/// is kept, and the guard's answer is written into it; a reference to another component is
/// left as it is.
fn set_response(responses: &mut Responses, status: u16, component: &str, wanted: bool) {
    let reference = ReferenceOr::ref_(&format!("#/components/responses/{component}"));
    let status = StatusCode::Code(status);
    if !wanted {
        if responses.responses.get(&status) == Some(&reference) {
            responses.responses.shift_remove(&status);
        }
        return;
    }
    match responses.responses.get_mut(&status) {
        None => {
            responses.responses.insert(status, reference);
        }
        Some(ReferenceOr::Item(documented)) => {
            if let Some(guard) = components::response(component) {
                merge_response(documented, guard);
            }
        }
        Some(ReferenceOr::Reference { .. }) => {}
    }
}

/// Writes the guard's answer into a response the operation documents with the same status.
/// Applying it twice changes nothing.
fn merge_response(documented: &mut Response, guard: Response) {
    if !documented.description.contains(&guard.description) {
        if documented.description.trim().is_empty() {
            documented.description = guard.description;
        } else {
            documented.description = format!(
                "{}\n\nOr the access guard's answer: {}",
                documented.description.trim_end(),
                guard.description
            );
        }
    }
    for (name, header) in guard.headers {
        documented.headers.entry(name).or_insert(header);
    }
    for (media_type, content) in guard.content {
        documented.content.entry(media_type).or_insert(content);
    }
}

/// OpenAPI documents with aide (feature `aide`).
#[cfg_attr(docsrs, doc(cfg(feature = "aide")))]
impl RouteTable {
    /// Writes the access of every route into `doc`, an [aide](https://docs.rs/aide/0.15)
    /// OpenAPI document (the one `ApiRouter::finish_api` filled, say), with the default
    /// settings of [`WardenAide`], whose docs say what is written and how routes meet
    /// operations.
    ///
    /// Routes the document lacks are reported, not invented.
    ///
    /// ```
    /// use aide::openapi::{OpenApi, Operation, PathItem, Paths, ReferenceOr};
    /// use axum_warden::routing::{delete, get};
    /// use axum_warden::{AccessPolicy, Decision, Identity, NoState, Router, Warden};
    /// use axum_warden::{public, requires_auth, requires_policy, requires_role, requires_scope};
    /// use serde_json::json;
    ///
    /// #[public]
    /// async fn health() {}
    /// #[requires_auth]
    /// async fn me() {}
    /// #[requires_role(all("admin", "auditor"))]
    /// async fn audit() {}
    /// #[requires_scope(any("orders:read", "orders:admin"))]
    /// async fn orders() {}
    ///
    /// struct OwnsOrder;
    /// impl AccessPolicy for OwnsOrder {
    ///     type State = NoState;
    ///     async fn check(_: &Identity, _: &mut http::request::Parts, _: &NoState) -> Decision {
    ///         Decision::Hide
    ///     }
    /// }
    /// #[requires_policy(OwnsOrder)]
    /// async fn cancel() {}
    ///
    /// let table = Router::<Warden>::new()
    ///     .route("/health", get(health))
    ///     .route("/me", get(me))
    ///     .route("/audit", get(audit))
    ///     .route("/orders", get(orders))
    ///     .route("/orders/{id}", delete(cancel))
    ///     .route_table();
    ///
    /// // The application's aide document (usually from `ApiRouter::finish_api`); it forgot /me.
    /// let op = |item: PathItem| ReferenceOr::Item(item);
    /// let get = || PathItem { get: Some(Operation::default()), ..PathItem::default() };
    /// let delete = PathItem { delete: Some(Operation::default()), ..PathItem::default() };
    /// let mut doc = OpenApi::default();
    /// doc.paths = Some(Paths {
    ///     paths: [
    ///         ("/health".to_owned(), op(get())),
    ///         ("/audit".to_owned(), op(get())),
    ///         ("/orders".to_owned(), op(get())),
    ///         ("/orders/{order_id}".to_owned(), op(delete)),
    ///     ]
    ///     .into_iter()
    ///     .collect(),
    ///     ..Paths::default()
    /// });
    /// let report = table.apply_aide(&mut doc);
    ///
    /// let paths = &serde_json::to_value(&doc)?["paths"];
    /// assert_eq!(paths["/health"]["get"]["security"], json!([]));
    /// assert_eq!(paths["/audit"]["get"]["security"], json!([{ "bearerAuth": [] }]));
    /// assert_eq!(paths["/audit"]["get"]["x-required-roles"], json!({ "match": "all", "roles": ["admin", "auditor"] }));
    /// assert_eq!(
    ///     paths["/orders"]["get"]["security"],
    ///     json!([{ "bearerAuth": ["orders:read"] }, { "bearerAuth": ["orders:admin"] }])
    /// );
    /// assert_eq!(paths["/orders"]["get"]["responses"]["403"]["$ref"], "#/components/responses/Forbidden");
    /// let cancel = &paths["/orders/{order_id}"]["delete"];
    /// assert_eq!(cancel["x-access-policy"], "OwnsOrder");
    /// assert_eq!(cancel["responses"]["404"]["$ref"], "#/components/responses/NotFound");
    ///
    /// assert_eq!(report.missing()[0].path(), "/me");
    /// assert!(report.ensure_complete().is_err());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn apply_aide(&self, doc: &mut OpenApi) -> AideReport {
        WardenAide::new().apply(self, doc)
    }
}

#[cfg(test)]
mod tests;
