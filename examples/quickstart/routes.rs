//! The quickstart's handlers and router, shared with the tests that audit it.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum_warden::routing::{get, post};
use axum_warden::{Identity, Router, Warden, public, requires_auth, requires_role, requires_scope};
use serde::Deserialize;
use serde_json::{Value, json};

/// Liveness probe.
#[public]
async fn health() -> &'static str {
    "ok"
}

/// Who the caller is.
#[requires_auth]
async fn me(user: Identity) -> Json<Value> {
    Json(json!({ "subject": user.subject(), "roles": user.roles() }))
}

/// Administration.
#[requires_role("admin")]
async fn admin(user: Identity) -> String {
    format!("welcome, administrator {}\n", user.subject())
}

#[derive(Deserialize)]
struct NewArticle {
    title: String,
}

/// Editors and administrators publish articles.
#[requires_role(any("editor", "admin"))]
async fn create_article(Json(article): Json<NewArticle>) -> (StatusCode, Json<Value>) {
    (StatusCode::CREATED, Json(json!({ "title": article.title })))
}

/// Any signed-in caller reads articles.
#[requires_auth]
async fn article(Path(id): Path<u64>) -> Json<Value> {
    Json(json!({ "id": id, "title": format!("article {id}") }))
}

/// The audit log needs both roles.
#[requires_role(all("admin", "auditor"))]
async fn audit() -> &'static str {
    "audit log: empty\n"
}

/// Orders need the OAuth scope.
#[requires_scope("orders:read")]
async fn orders() -> Json<Value> {
    Json(json!([{ "id": 1, "item": "tea" }]))
}

/// Every route of the quickstart, without state.
pub(crate) fn routes() -> Router<Warden> {
    Router::new()
        .route("/health", get(health))
        .route("/me", get(me))
        .route("/admin", get(admin))
        .route("/articles", post(create_article))
        .route("/articles/{id}", get(article))
        .route("/audit", get(audit))
        .route("/orders", get(orders))
}
