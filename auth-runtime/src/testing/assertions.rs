//! Assertions on the guard's answers, each with the message a failing test needs.

fn challenge<B>(response: &http::Response<B>) -> Option<&str> {
    response
        .headers()
        .get(http::header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
}

/// Asserts a 401 with a bare `Bearer` challenge (no `error`): no credentials were sent.
///
/// ```
/// use axum_warden::testing::{TestIssuer, assert_unauthorized};
/// use axum_warden::{Algorithm, Router, requires_auth, routing::get};
/// use tower::ServiceExt as _;
///
/// #[requires_auth]
/// async fn me() {}
///
/// # tokio_test::block_on(async {
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let app: axum::Router = Router::new().route("/me", get(me)).with_state(issuer.warden()).into();
/// let request = http::Request::get("/me").body(axum::body::Body::empty()).unwrap();
/// assert_unauthorized(&app.oneshot(request).await.unwrap());
/// # });
/// ```
///
/// # Panics
/// When the response is anything else.
#[track_caller]
pub fn assert_unauthorized<B>(response: &http::Response<B>) {
    let c = challenge(response);
    assert!(
        response.status() == http::StatusCode::UNAUTHORIZED
            && c.is_some_and(|c| c.starts_with("Bearer ") && !c.contains("error=")),
        "expected 401 with a bare Bearer challenge, got {} with WWW-Authenticate {c:?}",
        response.status()
    );
}

/// Asserts a 401 with `error="invalid_token"`.
///
/// ```
/// use axum_warden::testing::{TestIssuer, assert_invalid_token};
/// use axum_warden::{Algorithm, Router, requires_auth, routing::get};
/// use tower::ServiceExt as _;
///
/// #[requires_auth]
/// async fn me() {}
///
/// # tokio_test::block_on(async {
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let app: axum::Router = Router::new().route("/me", get(me)).with_state(issuer.warden()).into();
/// let expired = issuer.token().expired().bearer();
/// let request = http::Request::get("/me").header("authorization", expired).body(axum::body::Body::empty()).unwrap();
/// assert_invalid_token(&app.oneshot(request).await.unwrap());
/// # });
/// ```
///
/// # Panics
/// When the response is anything else.
#[track_caller]
pub fn assert_invalid_token<B>(response: &http::Response<B>) {
    let c = challenge(response);
    assert!(
        response.status() == http::StatusCode::UNAUTHORIZED
            && c.is_some_and(|c| c.starts_with("Bearer ") && c.contains(r#"error="invalid_token""#)),
        "expected 401 with error=\"invalid_token\", got {} with WWW-Authenticate {c:?}",
        response.status()
    );
}

/// Asserts a 403 with `error="insufficient_scope"` and, when given, `scope="…"` with
/// exactly that value: for a rule of several scopes, all of them space-separated in the
/// order the attribute lists them (`Some("orders:read orders:write")`).
///
/// ```
/// use axum_warden::testing::{TestIssuer, assert_forbidden};
/// use axum::body::Body;
/// use axum_warden::{Algorithm, Router, requires_scope, routing::post};
/// use tower::ServiceExt as _;
///
/// #[requires_scope("orders:write")]
/// async fn place_order() {}
///
/// # tokio_test::block_on(async {
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let app: axum::Router = Router::new().route("/orders", post(place_order)).with_state(issuer.warden()).into();
/// let reader = issuer.token().scopes(["orders:read"]).bearer();
/// let request = http::Request::post("/orders").header("authorization", reader).body(Body::empty()).unwrap();
/// assert_forbidden(&app.oneshot(request).await.unwrap(), Some("orders:write"));
/// # });
/// ```
///
/// # Panics
/// When the response is anything else.
#[track_caller]
pub fn assert_forbidden<B>(response: &http::Response<B>, scope: Option<&str>) {
    let c = challenge(response);
    let scope_ok = |c: &str| scope.is_none_or(|s| c.contains(&format!("scope=\"{s}\"")));
    assert!(
        response.status() == http::StatusCode::FORBIDDEN
            && c.is_some_and(|c| c.contains(r#"error="insufficient_scope""#) && scope_ok(c)),
        "expected 403 with error=\"insufficient_scope\"{}, got {} with WWW-Authenticate {c:?}",
        scope.map(|s| format!(" and scope=\"{s}\"")).unwrap_or_default(),
        response.status()
    );
}

/// Asserts the guard let the request through: neither 401 nor 403.
///
/// ```
/// use axum_warden::testing::{TestIssuer, assert_allowed};
/// use axum::body::Body;
/// use axum_warden::{Algorithm, Router, requires_role, routing::post};
/// use tower::ServiceExt as _;
///
/// #[requires_role(any("editor", "admin"))]
/// async fn publish() -> http::StatusCode { http::StatusCode::CREATED }
///
/// # tokio_test::block_on(async {
/// let issuer = TestIssuer::new(Algorithm::HS256);
/// let app: axum::Router = Router::new().route("/articles", post(publish)).with_state(issuer.warden()).into();
/// let editor = issuer.token().roles(["editor"]).bearer();
/// let request = http::Request::post("/articles").header("authorization", editor).body(Body::empty()).unwrap();
/// let response = app.oneshot(request).await.unwrap();
/// assert_allowed(&response);
/// assert_eq!(response.status(), http::StatusCode::CREATED);
/// # });
/// ```
///
/// # Panics
/// When the response is a 401 or a 403.
#[track_caller]
pub fn assert_allowed<B>(response: &http::Response<B>) {
    let status = response.status();
    assert!(
        status != http::StatusCode::UNAUTHORIZED && status != http::StatusCode::FORBIDDEN,
        "expected the request to be allowed, got {status} with WWW-Authenticate {:?}",
        challenge(response)
    );
}
