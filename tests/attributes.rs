//! The access attributes through a real router, in-process: the guard they inject runs
//! before every other extractor, so an anonymous request learns nothing about the path,
//! query or body a handler expects, and a denied request never reaches the handler body.

mod harness;

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum_warden::routing::{get, post};
use axum_warden::{Algorithm, public, requires_auth, requires_role, requires_scope};
use harness::{Answer, AppState, SUBJECT, call, get_with, issuer, mint, send, warden};
use serde::Deserialize;

/// How often any handler body below ran.
static RUNS: AtomicUsize = AtomicUsize::new(0);

fn ran() {
    RUNS.fetch_add(1, Ordering::SeqCst);
}

#[derive(Deserialize)]
struct NewItem {
    name: String,
}

#[derive(Deserialize)]
struct Page {
    page: u32,
}

#[public]
async fn health() -> &'static str {
    ran();
    "ok"
}

#[requires_auth]
async fn item(Path(id): Path<u64>, Query(page): Query<Page>) -> String {
    ran();
    format!("{id}/{}", page.page)
}

#[requires_role(any("editor", "admin"))]
async fn create(Json(item): Json<NewItem>) -> String {
    ran();
    item.name
}

#[requires_role(all("admin", "auditor"))]
async fn audit() -> &'static str {
    ran();
    "audit"
}

#[requires_scope("orders:read")]
async fn orders() -> &'static str {
    ran();
    "orders"
}

#[requires_scope(all("orders:read", "orders:write"))]
async fn edit_orders() -> &'static str {
    ran();
    "edit"
}

#[requires_auth]
async fn greet(State(greeting): State<&'static str>) -> &'static str {
    ran();
    greeting
}

fn app() -> axum::Router {
    let state = AppState {
        warden: warden(Algorithm::HS256),
        greeting: "hello",
    };
    axum_warden::Router::new()
        .route("/health", get(health))
        .route("/items/{id}", get(item))
        .route("/items", post(create))
        .route("/audit", get(audit))
        .route("/orders", get(orders).post(edit_orders))
        .route("/greet", get(greet))
        .with_state(state)
        .into()
}

fn post_json(path: &str, token: Option<&str>, body: &'static str) -> http::Request<Body> {
    let mut request = http::Request::post(path).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.body(Body::from(body)).expect("request")
}

fn scoped(scope: &str) -> String {
    issuer(Algorithm::HS256)
        .token()
        .subject(SUBJECT)
        .roles([])
        .claim("scope", serde_json::json!(scope))
        .sign()
}

fn assert_refused(answer: &Answer, status: u16, challenge: &str) {
    assert_eq!(answer.status, status, "{:?}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.challenge(), Some(challenge));
    assert_eq!(answer.headers["content-type"], "application/problem+json");
}

// One test: the body counter is shared, and each step asserts how it moved.
#[tokio::test]
async fn the_guard_runs_first_and_the_body_only_when_allowed() {
    let app = app();
    let user = mint(Algorithm::HS256, &[]);
    let editor = mint(Algorithm::HS256, &["editor"]);
    let admin = mint(Algorithm::HS256, &["admin"]);
    let auditor_admin = mint(Algorithm::HS256, &["auditor", "admin"]);
    let reader = scoped("orders:read");
    let writer = scoped("orders:write orders:read");
    let unauthorized = r#"Bearer realm="api""#;
    let forbidden = r#"Bearer realm="api", error="insufficient_scope""#;

    // Anonymous requests are answered by the guard, whatever the path, query or body.
    let anonymous = [
        send(&app, get_with("/items/not-a-number", None)).await,
        send(&app, get_with("/items/7?page=oops", None)).await,
        send(&app, post_json("/items", None, "{not json")).await,
        send(&app, post_json("/items", None, r#"{"title": "no name"}"#)).await,
        send(&app, get_with("/audit", None)).await,
        send(&app, get_with("/orders", None)).await,
    ];
    for answer in &anonymous {
        assert_refused(answer, 401, unauthorized);
    }
    assert_eq!(
        RUNS.load(Ordering::SeqCst),
        0,
        "no handler body ran for an anonymous request"
    );

    // Behind the guard, the handler's own extractors answer as usual.
    assert_eq!(call(&app, "/items/not-a-number", &user).await.status, 400);
    assert_eq!(
        send(&app, post_json("/items", Some(&editor), "{not json")).await.status,
        400
    );
    assert_eq!(
        send(&app, post_json("/items", Some(&editor), r#"{"title": "x"}"#))
            .await
            .status,
        422
    );
    assert_eq!(RUNS.load(Ordering::SeqCst), 0);

    // Role rules: any() takes one of the roles, all() every one.
    assert_refused(
        &send(&app, post_json("/items", Some(&user), r#"{"name": "a"}"#)).await,
        403,
        forbidden,
    );
    assert_refused(&call(&app, "/audit", &admin).await, 403, forbidden);
    assert_eq!(
        RUNS.load(Ordering::SeqCst),
        0,
        "no handler body ran for a forbidden request"
    );
    let created = send(&app, post_json("/items", Some(&editor), r#"{"name": "a"}"#)).await;
    assert_eq!((created.status, created.body.as_slice()), (200, &b"a"[..]));
    assert_eq!(
        send(&app, post_json("/items", Some(&admin), r#"{"name": "b"}"#))
            .await
            .status,
        200
    );
    assert_eq!(call(&app, "/audit", &auditor_admin).await.status, 200);
    assert_eq!(call(&app, "/items/7?page=2", &user).await.body, b"7/2");
    assert_eq!(RUNS.load(Ordering::SeqCst), 4);

    // Scope rules name the scopes they need in the challenge.
    assert_refused(
        &call(&app, "/orders", &admin).await,
        403,
        r#"Bearer realm="api", error="insufficient_scope", scope="orders:read""#,
    );
    let edit = |token: &str| {
        http::Request::post("/orders")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request")
    };
    assert_refused(
        &send(&app, edit(&reader)).await,
        403,
        r#"Bearer realm="api", error="insufficient_scope", scope="orders:read orders:write""#,
    );
    assert_eq!(RUNS.load(Ordering::SeqCst), 4);
    assert_eq!(call(&app, "/orders", &reader).await.status, 200);
    assert_eq!(send(&app, edit(&writer)).await.status, 200);

    // The warden comes from the application's own state, beside what the handler reads.
    assert_refused(&send(&app, get_with("/greet", None)).await, 401, unauthorized);
    assert_eq!(call(&app, "/greet", &user).await.body, b"hello");
    assert_eq!(send(&app, get_with("/health", None)).await.status, 200);
    assert_eq!(RUNS.load(Ordering::SeqCst), 8);
}
