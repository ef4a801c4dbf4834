//! OpenAPI from the same declarations: the route table written into a
//! [utoipa 6](https://docs.rs/utoipa/6) document (feature `utoipa`).
//!
//! The access rule of each route becomes the operation's `security`, every answer the
//! guard can give on it (`400`, `401`, `403`, a policy's `404`, and `503` when keys are
//! fetched) becomes a response, and the problem-details body the guard renders becomes a
//! schema component. What the route table cannot know (request and response bodies,
//! parameters beyond the path) stays the application's to document.

mod components;
mod paths;
mod report;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::{Operation, OperationBuilder, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::{Response, Responses};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::SecurityRequirement;

use crate::http::Scheme;
use utoipa::openapi::{Components, Info, OpenApi, Paths, Ref, RefOr, Required};

use self::components::{BAD_REQUEST, FORBIDDEN, NOT_FOUND, SERVICE_UNAVAILABLE, UNAUTHORIZED};
use self::paths::{METHODS, openapi_path, operation, operation_mut, operation_slot, path_parameters, shape};
pub use self::report::{DocumentOperation, OpenApiError, OpenApiReport, SkipReason, SkippedRoute};
use crate::http::{RouteMethod, RouteTable};
use crate::requirement::{Match, Requirement, StepUp};

/// The name of the bearer security scheme [`WardenOpenApi`] adds unless told another.
pub const SECURITY_SCHEME: &str = "bearerAuth";

/// The operation extension that names the roles of a role rule:
/// `{"match": "any"|"all", "roles": […]}`.
pub const REQUIRED_ROLES_EXTENSION: &str = "x-required-roles";

/// The operation extension that states a step-up rule (RFC 9470):
/// `{"acr": "mfa", "max_age": 300}` with the members the route sets; such an operation's
/// `401` also covers `error="insufficient_user_authentication"`.
pub const STEP_UP_EXTENSION: &str = "x-step-up";

/// The operation extension that names the `#[requires_policy]` policy of a route; such an
/// operation also documents `403` and `404` (a policy may forbid or hide).
pub const ACCESS_POLICY_EXTENSION: &str = "x-access-policy";

/// Writes a [`RouteTable`] into an OpenAPI document (feature `utoipa`).
///
/// [`RouteTable::apply_openapi`] and [`RouteTable::to_openapi`] use the default settings;
/// this builder names the security scheme and says whether keys are fetched
/// ([`remote_keys`](Self::remote_keys), [`for_warden`](Self::for_warden)).
///
/// What [`apply`](Self::apply) writes:
///
/// - `components.securitySchemes.bearerAuth`: `{"type": "http", "scheme": "bearer",
///   "bearerFormat": "JWT"}`;
/// - `components.schemas.Problem`: the RFC 9457 body of the guard's refusals;
/// - `components.responses`, one per answer of the guard: `BadRequest` (`400`, two
///   credentials), `Unauthorized` (`401`), `Forbidden` (`403`) and, with
///   [`remote_keys`](Self::remote_keys), `ServiceUnavailable` (`503`): each
///   `application/problem+json` with that schema and an example, `Cache-Control`, and
///   `WWW-Authenticate` where the guard sends one (not on `503`, which has `Retry-After`);
///   and `NotFound` (`404` without a body, exactly as for a path that does not exist).
///   A component that already exists under one of these names is kept as it is (an OAuth2
///   scheme of your identity provider, say) and listed in
///   [`OpenApiReport::kept_components`];
/// - on every operation of a route: `security` and responses by access rule:
///
/// | access | `security` | responses added |
/// |---|---|---|
/// | `#[public]` | `[]` (explicitly none) | none |
/// | `#[requires_auth]` | `[{"bearerAuth": []}]` | `400`, `401` |
/// | `#[requires_role(any/all(…))]` | `[{"bearerAuth": []}]` and `x-required-roles: {"match", "roles"}` | `400`, `401`, `403` |
/// | `#[requires_scope(all(…))]` | `[{"bearerAuth": ["a", "b"]}]` (one requirement, every scope) | `400`, `401`, `403` |
/// | `#[requires_scope(any(…))]` | `[{"bearerAuth": ["a"]}, {"bearerAuth": ["b"]}]` (one per scope) | `400`, `401`, `403` |
/// | with `#[requires_policy(P)]` | as above, and `x-access-policy: "P"` | also `403`, and `404` ([`Decision::Hide`](crate::Decision::Hide)) |
///
/// and `503` on every guarded operation with [`remote_keys`](Self::remote_keys).
///
/// With other credentials documented ([`accepted`](Self::accepted), or
/// [`for_warden`](Self::for_warden) of a warden reading a cookie or accepting other
/// schemes), each gets a security scheme of its own, and `security` lists the same scope
/// sets once per scheme, the bearer scheme first: `[{"bearerAuth": []}, {"ApiKey": []}]`.
///
/// `security` and [`REQUIRED_ROLES_EXTENSION`] are replaced, since the route table is what
/// the guard enforces. Where the operation already documents one of these statuses (a
/// handler's own `400` for a body it cannot parse, say), that response is kept and the
/// guard's answer is written into it: its description as a further paragraph, its body
/// under `application/problem+json` and its headers, each unless the response already has
/// one of that name. A status documented as a reference to a response component of the
/// application's own is left as it is. Applying twice gives the same document.
///
/// How routes meet operations:
///
/// - Paths match by shape: `/users/{id}` in the table meets `/users/{user_id}` in the
///   document, and an axum wildcard `/files/{*rest}` meets `/files/{rest}`.
/// - A `GET` route also covers a `head` operation of its path, since axum answers `HEAD`
///   with the `GET` handler, unless the table has a `HEAD` route there.
/// - An `any(…)` route covers every operation its path has in the document that no
///   method route covers; with none, it is [skipped](SkipReason::NoOperationForAny).
/// - A fallback (`ANY *`) answers paths no route matched, which no OpenAPI path can name:
///   it is [skipped](SkipReason::Fallback).
/// - A route without an operation is reported in [`OpenApiReport::missing`], not
///   invented; an operation without a route in [`OpenApiReport::untracked`], untouched.
///
/// The document describes the built-in answers: a renderer installed with
/// [`WardenBuilder::renderer`](crate::WardenBuilder::renderer) is not reflected.
///
/// ```
/// use axum_warden::routing::get;
/// use axum_warden::{Router, Warden, requires_auth};
/// use axum_warden_runtime::WardenOpenApi;
/// use utoipa::openapi::Info;
///
/// #[requires_auth]
/// async fn me() {}
///
/// let table = Router::<Warden>::new().route("/me", get(me)).route_table();
/// let doc = WardenOpenApi::new().security_scheme("jwt").document(&table, Info::new("api", "1"));
/// let json = serde_json::to_value(&doc)?;
/// assert_eq!(json["paths"]["/me"]["get"]["security"], serde_json::json!([{ "jwt": [] }]));
/// assert_eq!(json["components"]["securitySchemes"]["jwt"]["scheme"], "bearer");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct WardenOpenApi {
    scheme: String,
    remote_keys: bool,
    /// The credentials documented beside the bearer scheme, with their component names.
    others: Vec<(String, Scheme)>,
}

impl Default for WardenOpenApi {
    fn default() -> Self {
        Self::new()
    }
}

impl WardenOpenApi {
    /// The default settings: the security scheme is called [`SECURITY_SCHEME`].
    pub fn new() -> Self {
        Self {
            scheme: SECURITY_SCHEME.to_owned(),
            remote_keys: false,
            others: Vec::new(),
        }
    }

    /// Documents the credentials the warden reads besides JWTs in the `Authorization`
    /// header ([`Warden::credentials`](crate::Warden::credentials), as
    /// [`for_warden`](Self::for_warden) does): a security scheme for each (an `apiKey` in a
    /// header, cookie or query, or an `http` scheme in `Authorization`), named after the
    /// scheme (`ApiKey`) or, for JWTs in a cookie or a WebSocket query, `bearerAuthCookie`
    /// and `bearerAuthWebSocketQuery`; and on every guarded operation one more alternative
    /// in `security` per scheme, with the same scopes. A token in a WebSocket subprotocol
    /// has no OpenAPI description and is left out.
    ///
    /// ```
    /// use axum_warden::routing::get;
    /// use axum_warden::{Router, Scheme, Warden, requires_auth};
    /// use axum_warden_runtime::WardenOpenApi;
    /// use utoipa::openapi::Info;
    ///
    /// #[requires_auth]
    /// async fn me() {}
    ///
    /// let table = Router::<Warden>::new().route("/me", get(me)).route_table();
    /// let doc = WardenOpenApi::new()
    ///     .accepted([Scheme::header("ApiKey", "x-api-key")])
    ///     .document(&table, Info::new("api", "1"));
    /// let json = serde_json::to_value(&doc)?;
    /// assert_eq!(
    ///     json["paths"]["/me"]["get"]["security"],
    ///     serde_json::json!([{ "bearerAuth": [] }, { "ApiKey": [] }])
    /// );
    /// assert_eq!(json["components"]["securitySchemes"]["ApiKey"]["in"], "header");
    /// # Ok::<(), serde_json::Error>(())
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
    /// use axum_warden::routing::get;
    /// use axum_warden::{Router, Warden, requires_auth};
    /// use axum_warden_runtime::WardenOpenApi;
    /// use utoipa::openapi::Info;
    ///
    /// #[requires_auth]
    /// async fn me() {}
    ///
    /// let table = Router::<Warden>::new().route("/me", get(me)).route_table();
    /// let doc = WardenOpenApi::new().remote_keys(true).document(&table, Info::new("api", "1"));
    /// let json = serde_json::to_value(&doc)?;
    /// assert_eq!(json["paths"]["/me"]["get"]["responses"]["503"]["$ref"], "#/components/responses/ServiceUnavailable");
    /// assert!(json["components"]["responses"]["ServiceUnavailable"]["headers"]["Retry-After"].is_object());
    /// # Ok::<(), serde_json::Error>(())
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
    /// use axum_warden_runtime::{Warden, WardenOpenApi};
    ///
    /// let local = Warden::builder().hmac_secret(vec![7; 32]).build()?;
    /// assert_eq!(WardenOpenApi::for_warden(&local), WardenOpenApi::new()); // no 503
    /// let fetched = Warden::builder().jwks_url("https://idp.example/jwks").build()?;
    /// assert_eq!(WardenOpenApi::for_warden(&fetched), WardenOpenApi::new().remote_keys(true));
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
    pub fn apply(&self, table: &RouteTable, doc: &mut OpenApi) -> OpenApiReport {
        let mut report = OpenApiReport::default();
        components::add(
            doc.components.get_or_insert_with(Components::new),
            &self.scheme,
            self.remote_keys,
            &mut report.kept_components,
        );
        let components = doc.components.get_or_insert_with(Components::new);
        components::add_schemes(components, &self.others, &mut report.kept_components);

        let mut by_shape: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for path in doc.paths.paths.keys() {
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
                report.skipped.push(SkippedRoute::new(row, SkipReason::Fallback));
                continue;
            }
            if *row.method() == RouteMethod::Any {
                any_rows.push(row);
                continue;
            }
            let Some(method) = METHODS.iter().copied().find(|m| *m == row.method().as_str()) else {
                report
                    .skipped
                    .push(SkippedRoute::new(row, SkipReason::UnsupportedMethod));
                continue;
            };
            let key = shape(row.path());
            let also_head = method == "GET" && !routed.contains(&(key.clone(), "HEAD"));
            let mut found = false;
            for path in by_shape.get(&key).into_iter().flatten() {
                let Some(item) = doc.paths.paths.get_mut(path) else {
                    continue;
                };
                for m in [Some(method), also_head.then_some("HEAD")].into_iter().flatten() {
                    if let Some(op) = operation_mut(item, m) {
                        self.secure(op, row.requirement(), row.policy(), row.step_up());
                        covered.insert((path.clone(), m));
                        found |= m == method;
                    }
                }
            }
            if !found {
                report.missing.push(row.clone());
            }
        }
        for row in any_rows {
            let mut found = false;
            for path in by_shape.get(&shape(row.path())).into_iter().flatten() {
                let Some(item) = doc.paths.paths.get_mut(path) else {
                    continue;
                };
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
            if !found {
                report
                    .skipped
                    .push(SkippedRoute::new(row, SkipReason::NoOperationForAny));
            }
        }

        for (path, item) in &doc.paths.paths {
            for method in METHODS {
                if operation(item, method).is_some() && !covered.contains(&(path.clone(), method)) {
                    report.untracked.push(DocumentOperation {
                        method,
                        path: path.clone(),
                    });
                }
            }
        }
        report
    }

    /// A new document with one operation per route, then [`apply`](Self::apply)'d: for
    /// applications that have no OpenAPI document of their own yet.
    ///
    /// Each operation has the handler's name as `operationId` (numbered from `_2` when a
    /// handler serves several routes), a required string parameter for each path
    /// parameter, a `default` response that says the body is undocumented, and the
    /// security and refusals of its access rule. `any(…)` routes and fallbacks get no
    /// operation: no method list can be invented for them. Calling
    /// [`apply`](Self::apply) on the result reports them as skipped.
    pub fn document(&self, table: &RouteTable, info: Info) -> OpenApi {
        let mut paths = Paths::new();
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        for row in table.rows() {
            if row.is_fallback() {
                continue;
            }
            let path = openapi_path(row.path());
            let item = paths.paths.entry(path.clone()).or_default();
            let Some(slot) = operation_slot(item, row.method().as_str()) else {
                continue;
            };
            let name = row.handler().name;
            let count = ids.entry(name).or_insert(0);
            *count += 1;
            let operation_id = match *count {
                1 => name.to_owned(),
                n => format!("{name}_{n}"),
            };
            let parameters: Vec<Parameter> = path_parameters(&path)
                .map(|p| {
                    ParameterBuilder::new()
                        .name(p)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build()
                })
                .collect();
            *slot = Some(
                OperationBuilder::new()
                    .operation_id(Some(operation_id))
                    .parameters((!parameters.is_empty()).then_some(parameters))
                    .response(
                        "default",
                        Response::new(format!(
                            "The answer of `{name}`; axum-warden documents its access only."
                        )),
                    )
                    .build(),
            );
        }
        paths
            .paths
            .retain(|_, item| METHODS.iter().any(|m| operation(item, m).is_some()));
        let mut doc = OpenApi::new(info, paths);
        let _report = self.apply(table, &mut doc);
        doc
    }

    /// Writes one access rule into one operation.
    fn secure(&self, op: &mut Operation, requirement: &Requirement, policy: Option<&'static str>, step_up: &StepUp) {
        let access = Access::of(requirement);
        // The same scope sets under the bearer scheme, then under each other scheme.
        let schemes = Scheme::security_names(&self.scheme, &self.others);
        let each = |scopes: &[&str]| -> Vec<SecurityRequirement> {
            let requirement = |scheme: &&str| SecurityRequirement::new(*scheme, scopes.iter().copied());
            schemes.iter().map(requirement).collect()
        };
        op.security = Some(match access {
            Access::Public => Vec::new(),
            Access::Authenticated | Access::Roles(..) | Access::Other => each(&[]),
            Access::Scopes(Match::All, names) | Access::Both(_, _, Match::All, names) => each(names),
            Access::Scopes(Match::Any, names) | Access::Both(_, _, Match::Any, names) => {
                names.iter().flat_map(|name| each(&[name])).collect()
            }
        });
        match access {
            Access::Roles(mode, names) | Access::Both(mode, names, ..) => {
                let value = json!({ "match": mode.as_str(), "roles": names });
                op.extensions
                    .get_or_insert_with(Extensions::default)
                    .insert(REQUIRED_ROLES_EXTENSION.to_owned(), value);
            }
            _ => {
                if let Some(extensions) = &mut op.extensions {
                    extensions.remove(REQUIRED_ROLES_EXTENSION);
                    if extensions.is_empty() {
                        op.extensions = None;
                    }
                }
            }
        }
        // A `#[requires_policy]` may answer 403 or 404 and is named for readers.
        match policy {
            Some(name) => {
                op.extensions
                    .get_or_insert_with(Extensions::default)
                    .insert(ACCESS_POLICY_EXTENSION.to_owned(), json!(name));
            }
            None => {
                if let Some(extensions) = &mut op.extensions {
                    extensions.remove(ACCESS_POLICY_EXTENSION);
                    if extensions.is_empty() {
                        op.extensions = None;
                    }
                }
            }
        }
        if step_up.is_none() {
            if let Some(extensions) = &mut op.extensions {
                extensions.remove(STEP_UP_EXTENSION);
                if extensions.is_empty() {
                    op.extensions = None;
                }
            }
        } else {
            op.extensions
                .get_or_insert_with(Extensions::default)
                .insert(STEP_UP_EXTENSION.to_owned(), step_up.json_value());
        }
        let (can_refuse, can_forbid) = match access {
            Access::Public => (false, false),
            Access::Authenticated => (true, policy.is_some()),
            Access::Roles(..) | Access::Scopes(..) | Access::Both(..) | Access::Other => (true, true),
        };
        set_response(&mut op.responses, "400", BAD_REQUEST, can_refuse);
        set_response(&mut op.responses, "401", UNAUTHORIZED, can_refuse);
        set_response(&mut op.responses, "403", FORBIDDEN, can_forbid);
        // A policy may hide what it refuses: a 404, as for a route that does not exist.
        set_response(&mut op.responses, "404", NOT_FOUND, policy.is_some());
        set_response(
            &mut op.responses,
            "503",
            SERVICE_UNAVAILABLE,
            can_refuse && self.remote_keys,
        );
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
    /// A kind of requirement this module does not know (a custom policy, say): documented
    /// as needing an identity and possibly refusing one, as every guarded rule does.
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

/// Adds a reference to the response component of the guard's answer with `status`, or
/// removes one this module added before when the rule no longer produces that status.
///
/// An operation that already documents `status` inline (the handler's own answer with the
/// same status, or the application's account of the guard's) keeps it, and the guard's
/// answer is written into it: its description as a further paragraph, and its headers and
/// body where the operation names none for that header or media type. A reference to
/// another response component is left as it is: that component may serve operations the
/// guard does not refuse.
fn set_response(responses: &mut Responses, status: &str, component: &str, wanted: bool) {
    let reference = RefOr::Ref(Ref::from_response_name(component));
    if !wanted {
        if responses.responses.get(status) == Some(&reference) {
            responses.responses.remove(status);
        }
        return;
    }
    match responses.responses.get_mut(status) {
        None => {
            responses.responses.insert(status.to_owned(), reference);
        }
        Some(RefOr::T(documented)) => {
            if let Some(guard) = components::response(component) {
                merge_response(documented, guard);
            }
        }
        Some(RefOr::Ref(_)) => {}
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

/// OpenAPI documents (feature `utoipa`).
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
impl RouteTable {
    /// Writes the access of every route into `doc`, an application's own OpenAPI document
    /// (from `#[derive(utoipa::OpenApi)]`, or `utoipa-axum`'s
    /// `OpenApiRouter::split_for_parts`), with the default settings of
    /// [`WardenOpenApi`], whose docs say what is written and how routes meet operations.
    ///
    /// Routes the document lacks are reported, not invented.
    ///
    /// ```
    /// use axum_warden::routing::get;
    /// use axum_warden::{Router, Warden, public, requires_auth, requires_role, requires_scope};
    /// use serde_json::json;
    /// use utoipa::openapi::path::{HttpMethod, Operation, PathItem};
    /// use utoipa::openapi::{Info, OpenApi, PathsBuilder};
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
    /// let table = Router::<Warden>::new()
    ///     .route("/health", get(health))
    ///     .route("/me", get(me))
    ///     .route("/audit", get(audit))
    ///     .route("/orders", get(orders))
    ///     .route_table();
    ///
    /// // The application's document (usually #[derive(utoipa::OpenApi)]); it forgot /me.
    /// let op = || PathItem::new(HttpMethod::Get, Operation::new());
    /// let mut doc = OpenApi::new(
    ///     Info::new("shop", "1.0.0"),
    ///     PathsBuilder::new().path("/health", op()).path("/audit", op()).path("/orders", op()),
    /// );
    /// let report = table.apply_openapi(&mut doc);
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
    ///
    /// assert_eq!(report.missing()[0].path(), "/me");
    /// assert!(report.ensure_complete().is_err());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn apply_openapi(&self, doc: &mut OpenApi) -> OpenApiReport {
        WardenOpenApi::new().apply(self, doc)
    }

    /// A new OpenAPI document with an operation for every route and its access, for an
    /// application that has no document of its own; see [`WardenOpenApi::document`].
    ///
    /// ```
    /// use axum_warden::routing::post;
    /// use axum_warden::{Router, Warden, requires_scope};
    /// use utoipa::openapi::Info;
    ///
    /// #[requires_scope(all("orders:write", "payments:charge"))]
    /// async fn order() {}
    ///
    /// let table = Router::<Warden>::new().route("/orders", post(order)).route_table();
    /// let doc = serde_json::to_value(table.to_openapi(Info::new("shop", "1.0.0")))?;
    /// let op = &doc["paths"]["/orders"]["post"];
    /// assert_eq!(op["operationId"], "order");
    /// assert_eq!(op["security"], serde_json::json!([{ "bearerAuth": ["orders:write", "payments:charge"] }]));
    /// assert_eq!(op["responses"]["401"]["$ref"], "#/components/responses/Unauthorized");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn to_openapi(&self, info: Info) -> OpenApi {
        WardenOpenApi::new().document(self, info)
    }
}

#[cfg(test)]
mod tests;
