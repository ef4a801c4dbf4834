//! The quickstart's handlers and router, shared with the tests that audit it and with
//! `examples/openapi.rs`, which documents them.
//!
//! With the `utoipa` feature each handler also carries its OpenAPI operation (path,
//! parameters, body, its own answers); the access attribute below it adds the rest
//! (security and every refusal of the guard) through the route table. Where a handler
//! answers with a status the guard also uses (axum's 400 for a body or path it cannot
//! parse), it documents its own answer only: the route table writes the guard's into it.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum_warden::routing::{get, post};
use axum_warden::{Identity, Router, Warden, public, requires_auth, requires_role, requires_scope};
use serde::{Deserialize, Serialize};

/// Liveness probe.
#[cfg_attr(feature = "utoipa", utoipa::path(get, path = "/health",
    responses((status = 200, description = "The service is up.", body = String, content_type = "text/plain"))))]
#[public]
pub(crate) async fn health() -> &'static str {
    "ok"
}

/// The caller, as the guard verified it.
#[derive(Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub(crate) struct Me {
    /// The token's `sub`.
    subject: String,
    /// The caller's roles.
    roles: Vec<String>,
}

/// Who the caller is.
#[cfg_attr(feature = "utoipa", utoipa::path(get, path = "/me",
    responses((status = 200, description = "The caller's subject and roles.", body = Me))))]
#[requires_auth]
pub(crate) async fn me(user: Identity) -> Json<Me> {
    Json(Me {
        subject: user.subject().to_owned(),
        roles: user.roles().to_vec(),
    })
}

/// Administration.
#[cfg_attr(feature = "utoipa", utoipa::path(get, path = "/admin",
    responses((status = 200, description = "A greeting for administrators.", body = String, content_type = "text/plain"))))]
#[requires_role("admin")]
pub(crate) async fn admin(user: Identity) -> String {
    format!("welcome, administrator {}\n", user.subject())
}

/// An article to publish.
#[derive(Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub(crate) struct NewArticle {
    /// The title.
    #[cfg_attr(feature = "utoipa", schema(example = "hello"))]
    title: String,
}

/// An article.
#[derive(Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub(crate) struct Article {
    /// The article's id.
    id: i64,
    /// The title.
    title: String,
}

/// Editors and administrators publish articles.
#[cfg_attr(feature = "utoipa", utoipa::path(post, path = "/articles", request_body = NewArticle,
    responses(
        (status = 201, description = "The article was published.", body = Article),
        (status = 400, description = "The body is not JSON (axum's answer).", body = String, content_type = "text/plain"),
        (status = 415, description = "The body is not `application/json`.", body = String, content_type = "text/plain"),
        (status = 422, description = "The JSON is not a new article.", body = String, content_type = "text/plain"),
    )))]
#[requires_role(any("editor", "admin"))]
pub(crate) async fn create_article(Json(article): Json<NewArticle>) -> (StatusCode, Json<Article>) {
    (
        StatusCode::CREATED,
        Json(Article {
            id: 1,
            title: article.title,
        }),
    )
}

/// Any signed-in caller reads articles.
#[cfg_attr(feature = "utoipa", utoipa::path(get, path = "/articles/{id}",
    params(("id" = i64, Path, description = "The article's id.", example = 7)),
    responses(
        (status = 200, description = "The article.", body = Article),
        (status = 400, description = "The id is not a 64-bit integer (axum's answer).", body = String, content_type = "text/plain"),
    )))]
#[requires_auth]
// `i64` is exactly the document's `integer` of format `int64`: every id it allows parses,
// and every other is refused with the 400 it lists.
pub(crate) async fn article(Path(id): Path<i64>) -> Json<Article> {
    Json(Article {
        id,
        title: format!("article {id}"),
    })
}

/// The audit log needs both roles.
#[cfg_attr(feature = "utoipa", utoipa::path(get, path = "/audit",
    responses((status = 200, description = "The audit log.", body = String, content_type = "text/plain"))))]
#[requires_role(all("admin", "auditor"))]
pub(crate) async fn audit() -> &'static str {
    "audit log: empty\n"
}

/// An order.
#[derive(Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub(crate) struct Order {
    /// The order's number.
    id: u64,
    /// What was ordered.
    item: String,
}

/// Orders need the OAuth scope.
#[cfg_attr(feature = "utoipa", utoipa::path(get, path = "/orders",
    responses((status = 200, description = "The caller's orders.", body = Vec<Order>))))]
#[requires_scope("orders:read")]
pub(crate) async fn orders() -> Json<Vec<Order>> {
    Json(vec![Order {
        id: 1,
        item: "tea".to_owned(),
    }])
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
