//! Probing every route of a router with the four tokens its declared access implies.

use std::fmt;

use axum::body::Body;
use http::{Method, Request, StatusCode};
use tower::ServiceExt as _;

use super::TestIssuer;
use crate::http::Router;
use crate::http::{CredentialLocation, RefusedBy, RouteMethod, RouteRow, Scheme};
use crate::requirement::{Match, Requirement, StepUp};

/// One of the four requests the audit sends to each route.
///
/// Routes that require no role or scope get no [`Lacking`](Self::Lacking) probe: they have
/// nothing to lack.
///
/// ```
/// use axum_warden::testing::{Probe, TestIssuer, audit};
/// use axum_warden::{Algorithm, public, routing::get};
///
/// // A public handler that refuses by itself contradicts its declared access.
/// #[public]
/// async fn legacy() -> http::StatusCode { http::StatusCode::FORBIDDEN }
///
/// # tokio_test::block_on(async {
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let router = axum_warden::Router::new().route("/legacy", get(legacy)).with_state(issuer.warden());
/// let report = audit(&router, &issuer).await;
/// let probes: Vec<Probe> = report.findings.iter().map(|f| f.probe).collect();
/// assert_eq!(probes, [Probe::NoToken, Probe::Expired, Probe::Meeting]);
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Probe {
    /// No `Authorization` header: guarded routes must answer 401 with a bare challenge.
    NoToken,
    /// An expired token: 401 with `error="invalid_token"`.
    Expired,
    /// A valid token lacking the role or scope: 403 with `error="insufficient_scope"`.
    Lacking,
    /// On a route with a role rule and a scope rule: a token with the scopes but not the
    /// roles, 403 with `error="insufficient_scope"` and no `scope` parameter.
    LackingRole,
    /// On a route with a role rule and a scope rule: a token with the roles but not the
    /// scopes, 403 with `error="insufficient_scope", scope="…"`.
    LackingScope,
    /// On a route with a step-up rule: a token meeting the roles and scopes that says
    /// nothing of how or when its caller authenticated, 401 with
    /// `error="insufficient_user_authentication"`.
    StaleAuthentication,
    /// A valid token meeting the requirement: neither 401 nor 403.
    Meeting,
    /// [`audit_credentials`]: a valid token meeting the requirement in another place the
    /// warden reads (a cookie, a WebSocket query or subprotocol): neither 401 nor 403.
    MeetingElsewhere,
    /// [`audit_credentials`]: that token in the `Authorization` header and in another
    /// place at once: 400 with `error="invalid_request"`.
    TwoPlaces,
}

impl Probe {
    fn as_str(self) -> &'static str {
        match self {
            Self::NoToken => "no token",
            Self::Expired => "expired token",
            Self::Lacking => "token lacking the requirement",
            Self::LackingRole => "token with the scopes but not the roles",
            Self::LackingScope => "token with the roles but not the scopes",
            Self::StaleAuthentication => "token without acr and auth_time",
            Self::Meeting => "token meeting the requirement",
            Self::MeetingElsewhere => "token meeting the requirement, outside the header",
            Self::TwoPlaces => "token in the header and another place",
        }
    }
}

/// A route whose answer differs from its declared access.
///
/// ```
/// use axum_warden::testing::{Probe, TestIssuer, audit};
/// use axum_warden::{Algorithm, public, routing::get};
///
/// #[public]
/// async fn invoice() -> http::StatusCode { http::StatusCode::UNAUTHORIZED }
///
/// # tokio_test::block_on(async {
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let router = axum_warden::Router::new().route("/invoices/{id}", get(invoice)).with_state(issuer.warden());
/// let report = audit(&router, &issuer).await;
/// let finding = &report.findings[0];
/// assert_eq!((finding.method.as_str(), finding.path.as_str()), ("GET", "/invoices/1"));
/// assert_eq!((finding.access.as_str(), finding.probe), ("public", Probe::NoToken));
/// assert_eq!((finding.expected, finding.got.as_str()), ("neither 401 nor 403", "401 no challenge"));
/// # });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The method sent.
    pub method: String,
    /// The path sent (placeholders filled in).
    pub path: String,
    /// The declared access.
    pub access: String,
    /// The request that exposed the difference.
    pub probe: Probe,
    /// What the declared access implies.
    pub expected: &'static str,
    /// What came back: status and challenge.
    pub got: String,
    /// The issuer (`iss`) of the token sent, in an audit of several issuers
    /// ([`audit_issuers`]); `None` in an [`audit`] of one, and for the request without a token.
    pub issuer: Option<String>,
}

/// The result of [`audit`]: every route probed, every difference found.
///
/// Its [`Display`](fmt::Display) is a Markdown table of the findings, the message of
/// [`assert_clean`](Self::assert_clean).
///
/// ```
/// use axum_warden::testing::{TestIssuer, audit};
/// use axum_warden::{Algorithm, public, requires_auth, routing::get};
///
/// #[requires_auth]
/// async fn me() {}
/// #[public]
/// async fn legacy() -> http::StatusCode { http::StatusCode::FORBIDDEN }
///
/// # tokio_test::block_on(async {
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let router = axum_warden::Router::new()
///     .route("/me", get(me))
///     .route("/legacy", get(legacy))
///     .with_state(issuer.warden());
/// let report = audit(&router, &issuer).await;
/// assert_eq!(report.requests, 3 + 3);
/// assert_eq!(report.findings.len(), 3);
/// let table = report.to_string();
/// assert!(table.starts_with("route audit: 3 of 6 requests answered against the declared access\n"));
/// assert!(table.contains("| GET | /legacy | public | no token | neither 401 nor 403 | 403 no challenge |"));
/// # });
/// ```
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    /// How many requests were sent.
    pub requests: usize,
    /// The differences, in route-table order.
    pub findings: Vec<Finding>,
}

impl AuditReport {
    /// Whether every route answered as its access declares.
    ///
    /// ```
    /// use axum_warden::testing::{TestIssuer, audit};
    /// use axum_warden::{Algorithm, public, routing::get};
    ///
    /// #[public]
    /// async fn health() -> &'static str { "ok" }
    /// #[public]
    /// async fn legacy() -> http::StatusCode { http::StatusCode::FORBIDDEN }
    ///
    /// # tokio_test::block_on(async {
    /// let issuer = TestIssuer::new(Algorithm::HS256);
    /// let good = axum_warden::Router::new().route("/health", get(health)).with_state(issuer.warden());
    /// assert!(audit(&good, &issuer).await.is_clean());
    /// let bad = axum_warden::Router::new().route("/legacy", get(legacy)).with_state(issuer.warden());
    /// assert!(!audit(&bad, &issuer).await.is_clean());
    /// # });
    /// ```
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// Fails a test with the report's table when anything was found.
    ///
    /// ```
    /// use axum_warden::testing::{TestIssuer, audit};
    /// use axum_warden::{Algorithm, requires_role, requires_scope, routing::get};
    ///
    /// #[requires_role(all("admin", "auditor"))]
    /// async fn audit_log() {}
    /// #[requires_scope(any("orders:read", "orders:admin"))]
    /// async fn orders() {}
    ///
    /// # tokio_test::block_on(async {
    /// let issuer = TestIssuer::new(Algorithm::ES256);
    /// let router = axum_warden::Router::new()
    ///     .route("/audit", get(audit_log))
    ///     .route("/orders", get(orders))
    ///     .with_state(issuer.warden());
    /// let report = audit(&router, &issuer).await;
    /// report.assert_clean();
    /// assert_eq!(report.requests, 2 * 4);
    /// # });
    /// ```
    ///
    /// # Panics
    /// When the report has findings.
    #[track_caller]
    pub fn assert_clean(&self) {
        assert!(self.is_clean(), "{self}");
    }
}

impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.findings.is_empty() {
            return writeln!(
                f,
                "route audit: {} requests, every answer matches the declared access",
                self.requests
            );
        }
        writeln!(
            f,
            "route audit: {} of {} requests answered against the declared access",
            self.findings.len(),
            self.requests
        )?;
        writeln!(
            f,
            "| Method | Path | Access | Request | Expected | Got |\n|---|---|---|---|---|---|"
        )?;
        for x in &self.findings {
            let from = x
                .issuer
                .as_deref()
                .map(|iss| format!(" from {iss}"))
                .unwrap_or_default();
            writeln!(
                f,
                "| {} | {} | {} | {}{from} | {} | {} |",
                x.method,
                x.path,
                x.access,
                x.probe.as_str(),
                x.expected,
                x.got
            )?;
        }
        Ok(())
    }
}

/// Sends each route of `router` four requests (no token, an expired token, a token that
/// lacks the requirement, a token that meets it) and reports every answer that differs
/// from the route's declared access: 401, 401 `invalid_token`, 403 `insufficient_scope`,
/// and neither 401 nor 403. Public routes must answer none of them with 401 or 403.
///
/// The router must verify `issuer`'s tokens (give it [`TestIssuer::warden`]). Path
/// parameters are filled with `1`; `any` routes and fallbacks are probed with `GET`.
/// A route that needs a body may answer the meeting token with 4xx: that is "allowed".
///
/// ```
/// use axum_warden::testing::{TestIssuer, audit};
/// use axum_warden::{Algorithm, requires_scope};
/// use axum_warden::routing::get;
///
/// #[requires_scope("orders:read")]
/// async fn orders() {}
///
/// # tokio_test::block_on(async {
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let router = axum_warden::Router::new().route("/orders/{id}", get(orders)).with_state(issuer.warden());
/// audit(&router, &issuer).await.assert_clean();
/// # });
/// ```
pub async fn audit(router: &Router, issuer: &TestIssuer) -> AuditReport {
    probe_routes(router, &[issuer], false).await
}

/// [`audit`] for a router whose warden trusts several issuers
/// ([`WardenBuilder::trust`](crate::WardenBuilder::trust)): every probe with a token is
/// sent once with each issuer's token, and each finding names the issuer of the token
/// that exposed it, so a route that answers one issuer's callers differently from
/// another's shows up.
///
/// ```
/// use axum_warden::testing::{TestIssuer, audit_issuers};
/// use axum_warden::{Algorithm, Warden, requires_role};
/// use axum_warden::routing::get;
///
/// #[requires_role("admin")]
/// async fn admin() {}
///
/// # tokio_test::block_on(async {
/// let staff = TestIssuer::new(Algorithm::HS256).with_issuer("https://staff.example.test");
/// let partners = TestIssuer::new(Algorithm::ES256).with_issuer("https://partners.example.test");
/// let warden = Warden::builder().trust(staff.issuer_config()).trust(partners.issuer_config()).build()?;
/// let router = axum_warden::Router::new().route("/admin", get(admin)).with_state(warden);
/// let report = audit_issuers(&router, &[&staff, &partners]).await;
/// report.assert_clean();
/// assert_eq!(report.requests, 1 + 2 * 3);
///
/// // A warden that trusts only one of them: the other's meeting token is refused.
/// let router = axum_warden::Router::new().route("/admin", get(admin)).with_state(staff.warden());
/// let report = audit_issuers(&router, &[&staff, &partners]).await;
/// let issuers: Vec<_> = report.findings.iter().map(|f| f.issuer.as_deref()).collect();
/// assert!(issuers.iter().all(|i| *i == Some("https://partners.example.test")), "{report}");
/// # Ok::<(), axum_warden::ConfigError>(())
/// # }).unwrap();
/// ```
pub async fn audit_issuers(router: &Router, issuers: &[&TestIssuer]) -> AuditReport {
    probe_routes(router, issuers, true).await
}

/// Probes every route: the request without a token once, each other probe once per
/// issuer. `name_issuers` says whether findings name the issuer of their token.
async fn probe_routes(router: &Router, issuers: &[&TestIssuer], name_issuers: bool) -> AuditReport {
    let app = router.clone().into_axum();
    let mut report = AuditReport::default();
    for row in router.route_table().rows() {
        for probe in [
            Probe::NoToken,
            Probe::Expired,
            Probe::Lacking,
            Probe::LackingRole,
            Probe::LackingScope,
            Probe::StaleAuthentication,
            Probe::Meeting,
        ] {
            let senders: &[&TestIssuer] = match (probe, issuers) {
                (Probe::NoToken, [first, ..]) => std::slice::from_ref(first),
                _ => issuers,
            };
            for issuer in senders {
                let Some(authorization) = token_for(row, probe, issuer) else {
                    continue;
                };
                let named = (name_issuers && authorization.is_some()).then(|| issuer.issuer().to_owned());
                probe_route(&app, row, probe, authorization, named, &mut report).await;
            }
        }
    }
    report
}

/// Sends one probe to one route and records a finding when the answer is not the
/// declared access's.
async fn probe_route(
    app: &axum::Router,
    row: &RouteRow,
    probe: Probe,
    authorization: Option<String>,
    issuer: Option<String>,
    report: &mut AuditReport,
) {
    let method = match row.method() {
        RouteMethod::Any => Method::GET,
        RouteMethod::Method(method) => method.clone(),
    };
    let path = if row.is_fallback() {
        format!("{}{UNROUTED}", row.path())
    } else {
        fill_placeholders(row.path())
    };
    let mut request = Request::builder().method(method.clone()).uri(&path);
    if let Some(value) = &authorization {
        request = request.header(http::header::AUTHORIZATION, value);
    }
    let Some(response) = send(app, report, request).await else {
        return;
    };
    if let Some(expected) = mismatch(row, probe, &response) {
        let mut found = finding(row, &method, path, probe, expected, &response, "");
        found.issuer = issuer;
        report.findings.push(found);
    }
}

/// Sends one probe and counts it; `None` when the request cannot be built.
async fn send(
    app: &axum::Router,
    report: &mut AuditReport,
    request: http::request::Builder,
) -> Option<http::Response<Body>> {
    let request = request.body(Body::empty()).ok()?;
    report.requests += 1;
    match app.clone().oneshot(request).await {
        Ok(response) => Some(response),
        Err(never) => match never {},
    }
}

/// What a finding says: the request, the expectation, and the status and challenge that
/// came back (with `place` after them, where the token was).
fn finding<B>(
    row: &RouteRow,
    method: &Method,
    path: String,
    probe: Probe,
    expected: &'static str,
    response: &http::Response<B>,
    place: &str,
) -> Finding {
    let challenge = response
        .headers()
        .get(http::header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| "no challenge".to_owned(), |c| format!("`{c}`"));
    Finding {
        method: method.to_string(),
        path,
        access: row.requirement().to_string(),
        probe,
        expected,
        got: format!("{} {challenge}{place}", response.status().as_u16()),
        issuer: None,
    }
}

/// Probes every guarded route with a token meeting its requirement in each place besides
/// the `Authorization` header that `credentials` names for the warden's JWTs (pass
/// [`Warden::credentials`](crate::Warden::credentials)): the token cookie (as a
/// same-origin request), and on `GET` routes the WebSocket query parameter and
/// subprotocol (as an upgrade request). Each must be let in
/// ([`Probe::MeetingElsewhere`]), and the same token in the header too must be answered
/// 400 ([`Probe::TwoPlaces`]). A finding's `got` ends with the place.
///
/// [`audit`] probes the header; this checks that the other places reach the same rules.
/// Schemes accepted beside the JWTs have credentials only their authenticators know, so
/// they are not probed.
///
/// ```
/// use axum_warden::testing::{TestIssuer, audit_credentials};
/// use axum_warden::{Algorithm, requires_auth, routing::get};
///
/// #[requires_auth]
/// async fn me() {}
///
/// # tokio_test::block_on(async {
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let warden = issuer.warden_builder().token_cookie("access_token").websocket_query_token("access_token").build()?;
/// let credentials = warden.credentials();
/// let router = axum_warden::Router::new().route("/me", get(me)).with_state(warden);
/// let report = audit_credentials(&router, &issuer, &credentials).await;
/// assert_eq!(report.requests, 2 * 2);
/// report.assert_clean();
/// # Ok::<(), axum_warden::ConfigError>(())
/// # }).unwrap();
/// ```
pub async fn audit_credentials(router: &Router, issuer: &TestIssuer, credentials: &[Scheme]) -> AuditReport {
    let app = router.clone().into_axum();
    let mut report = AuditReport::default();
    let places: Vec<&CredentialLocation> = credentials
        .iter()
        .filter(|scheme| scheme.name() == "Bearer")
        .map(Scheme::location)
        .filter(|location| **location != CredentialLocation::Authorization)
        .collect();
    for row in router.route_table().rows() {
        if !row.requirement().needs_identity() || row.is_fallback() {
            continue;
        }
        let Some(Some(authorization)) = token_for(row, Probe::Meeting, issuer) else {
            continue;
        };
        let token = authorization.trim_start_matches("Bearer ");
        let method = match row.method() {
            RouteMethod::Any => Method::GET,
            RouteMethod::Method(method) => method.clone(),
        };
        let path = fill_placeholders(row.path());
        for place in &places {
            for probe in [Probe::MeetingElsewhere, Probe::TwoPlaces] {
                let Some(request) = placed(&method, &path, place, token) else {
                    continue;
                };
                let request = match probe {
                    Probe::TwoPlaces => request.header(http::header::AUTHORIZATION, &authorization),
                    _ => request,
                };
                let Some(response) = send(&app, &mut report, request).await else {
                    continue;
                };
                // Elsewhere, the token is judged as in the header.
                let judged = if probe == Probe::TwoPlaces {
                    probe
                } else {
                    Probe::Meeting
                };
                let expected = mismatch(row, judged, &response);
                if let Some(expected) = expected {
                    let where_ = format!(" ({place})");
                    report
                        .findings
                        .push(finding(row, &method, path.clone(), probe, expected, &response, &where_));
                }
            }
        }
    }
    report
}

/// A request of `method` to `path` carrying `token` in `place`, as a browser would send
/// it; `None` where the place does not apply (a WebSocket place on a route that is not a
/// `GET`).
fn placed(method: &Method, path: &str, place: &CredentialLocation, token: &str) -> Option<http::request::Builder> {
    let request = Request::builder().method(method.clone());
    let websocket = |uri: String| {
        (*method == Method::GET).then(|| request_upgrade(Request::builder().method(Method::GET).uri(uri)))
    };
    match place {
        CredentialLocation::Cookie(name) => Some(
            request
                .uri(path)
                .header(http::header::COOKIE, format!("{name}={token}"))
                .header("sec-fetch-site", "same-origin"),
        ),
        CredentialLocation::WebSocketQuery(name) => {
            let separator = if path.contains('?') { '&' } else { '?' };
            websocket(format!("{path}{separator}{name}={token}"))
        }
        CredentialLocation::WebSocketProtocol => websocket(path.to_owned())
            .map(|request| request.header(http::header::SEC_WEBSOCKET_PROTOCOL, format!("bearer, {token}"))),
        _ => None,
    }
}

/// `request` as a WebSocket handshake (RFC 6455 §4.1).
fn request_upgrade(request: http::request::Builder) -> http::request::Builder {
    request
        .header(http::header::CONNECTION, "upgrade")
        .header(http::header::UPGRADE, "websocket")
        .header(http::header::SEC_WEBSOCKET_VERSION, "13")
        .header(http::header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
}

/// The `Authorization` value for a probe: `Some(None)` sends no header, `None` skips the
/// probe (a route that only needs a verified identity has no "lacking" token, and only a
/// route with both rules has the two one-sided ones).
fn token_for(row: &RouteRow, probe: Probe, issuer: &TestIssuer) -> Option<Option<String>> {
    let requirement = row.requirement();
    let step_up = row.step_up();
    let roles: &[&str] = requirement.role_names().map_or(&[], |(_, names)| names);
    let scopes: &[&str] = requirement.scope_names().map_or(&[], |(_, names)| names);
    let both = matches!(requirement, Requirement::RolesAndScopes { .. });
    // `any`: none of the names; `all`: every name but the last.
    let short = |(mode, names): (Match, &'static [&'static str])| -> &'static [&'static str] {
        match mode {
            Match::Any => &[],
            Match::All => &names[..names.len().saturating_sub(1)],
        }
    };
    // A token that meets the step-up rule: the class asked for, authenticated just now.
    fn authenticated<'a>(token: super::TokenBuilder<'a>, step_up: &StepUp) -> super::TokenBuilder<'a> {
        let token = match step_up.acr {
            Some(acr) => token.acr(acr),
            None => token,
        };
        match step_up.max_age {
            Some(_) => token.authenticated_ago(std::time::Duration::ZERO),
            None => token,
        }
    }
    let token = |roles: &[&str], scopes: &[&str]| {
        issuer
            .token()
            .roles(roles.iter().copied())
            .scopes(scopes.iter().copied())
    };
    Some(match probe {
        Probe::NoToken => None,
        Probe::Expired => Some(authenticated(token(roles, scopes), step_up).expired().bearer()),
        Probe::Lacking if !both => {
            let held = match *requirement {
                Requirement::Roles { mode, names } => token(short((mode, names)), &[]),
                Requirement::Scopes { mode, names } => token(&[], short((mode, names))),
                _ => return None,
            };
            Some(authenticated(held, step_up).bearer())
        }
        Probe::LackingRole if both => {
            let held = short(requirement.role_names()?);
            Some(authenticated(token(held, scopes), step_up).bearer())
        }
        Probe::LackingScope if both => {
            let held = short(requirement.scope_names()?);
            Some(authenticated(token(roles, held), step_up).bearer())
        }
        Probe::StaleAuthentication if !step_up.is_none() => Some(token(roles, scopes).bearer()),
        Probe::Meeting => Some(authenticated(token(roles, scopes), step_up).bearer()),
        _ => return None,
    })
}

/// What the probe should have produced, when the response is not that.
fn mismatch<B>(row: &RouteRow, probe: Probe, response: &http::Response<B>) -> Option<&'static str> {
    let status = response.status();
    let challenge = response
        .headers()
        .get(http::header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok());
    let bearer = |error: Option<&str>| {
        challenge.is_some_and(|c| {
            c.starts_with("Bearer ") && error.map_or(!c.contains("error="), |e| c.contains(&format!("error=\"{e}\"")))
        })
    };
    let denied = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
    // Which check refused, when one of the crate's did: a 403 of the role or scope rule
    // and one of the policy look alike on the wire.
    let refused_by = response.extensions().get::<RefusedBy>().map(|refused| refused.0);
    let by_policy = matches!(refused_by, Some("policy_forbidden" | "policy_hidden"));
    if row.policy().is_some() {
        if probe == Probe::Meeting {
            // An `AccessPolicy` may refuse the meeting token for reasons of its own (403,
            // or 404 to hide); what the guard owes it is to let the token reach the
            // policy, and the route not to fail.
            let by_guard = refused_by.is_some() && !by_policy;
            return (by_guard || status == StatusCode::UNAUTHORIZED || status.is_server_error())
                .then_some("the token reaches the policy: no refusal by the guard, neither 401 nor 5xx");
        }
        let rule_probe = matches!(
            probe,
            Probe::Lacking | Probe::LackingRole | Probe::LackingScope | Probe::StaleAuthentication
        );
        if by_policy && rule_probe {
            // The policy answered a token the route's rule should have refused: the rule
            // let it through, and the policy's 403 hid that.
            return Some("a refusal by the route's rule, before the policy runs (the policy answered instead)");
        }
    }
    if !row.requirement().needs_identity() || probe == Probe::Meeting {
        return denied.then_some("neither 401 nor 403");
    }
    match probe {
        Probe::NoToken => {
            (!(status == StatusCode::UNAUTHORIZED && bearer(None))).then_some("401 with a bare Bearer challenge")
        }
        Probe::Expired => (!(status == StatusCode::UNAUTHORIZED && bearer(Some("invalid_token"))))
            .then_some("401 with error=\"invalid_token\""),
        Probe::Lacking => (!(status == StatusCode::FORBIDDEN && bearer(Some("insufficient_scope"))))
            .then_some("403 with error=\"insufficient_scope\""),
        Probe::LackingRole => (!(status == StatusCode::FORBIDDEN
            && bearer(Some("insufficient_scope"))
            && !challenge.is_some_and(|c| c.contains(", scope=\""))))
        .then_some("403 with error=\"insufficient_scope\" and no scope parameter (no scope would let it in)"),
        Probe::LackingScope => (!(status == StatusCode::FORBIDDEN
            && bearer(Some("insufficient_scope"))
            && challenge.is_some_and(|c| c.contains(", scope=\""))))
        .then_some("403 with error=\"insufficient_scope\" and the scope parameter"),
        Probe::StaleAuthentication => (!(status == StatusCode::UNAUTHORIZED
            && bearer(Some("insufficient_user_authentication"))))
        .then_some("401 with error=\"insufficient_user_authentication\""),
        Probe::TwoPlaces => (!(status == StatusCode::BAD_REQUEST && bearer(Some("invalid_request"))))
            .then_some("400 with error=\"invalid_request\""),
        Probe::Meeting | Probe::MeetingElsewhere => None,
    }
}

/// A path no application routes, to reach a fallback rather than a route beside it.
const UNROUTED: &str = "/__warden_audit_unrouted";

/// `/articles/{id}` → `/articles/1`; `/files/{*rest}` → `/files/1`.
fn fill_placeholders(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push('1');
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill_placeholders;

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill_placeholders("/a/{id}/b/{x}"), "/a/1/b/1");
        assert_eq!(fill_placeholders("/files/{*rest}"), "/files/1");
        assert_eq!(fill_placeholders("/"), "/");
    }
}
