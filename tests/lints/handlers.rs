//! Handlers in every attribute form and handler shape, shared by `tests/lints.rs` (which
//! checks what their generated policies say, under the strictest lint levels) and
//! `tests/ui/router/pass/lints_handlers_on_axum_router.rs` (which mounts them on a plain
//! `axum::Router`). The lint levels are the including crate's.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum_warden::routing::{delete, get, post, put};
use axum_warden::{Identity, Router, Warden, public, requires_auth, requires_role, requires_scope};
use serde::Deserialize;

/// Liveness probe.
#[public]
pub(crate) async fn health() -> &'static str {
    "ok"
}

/// The caller.
#[requires_auth]
async fn me(user: Identity) -> String {
    user.subject().to_owned()
}

/// Deletes a user.
#[requires_role("admin")]
pub(crate) async fn delete_user(Path(id): Path<u64>) -> StatusCode {
    if id == 0 {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::NO_CONTENT
    }
}

#[derive(Deserialize)]
struct NewArticle {
    title: String,
}

/// Publishes an article.
#[requires_role(any("editor", "admin"))]
async fn publish(State(warden): State<Warden>, Json(article): Json<NewArticle>) -> impl IntoResponse {
    (StatusCode::CREATED, format!("{} in {}", article.title, warden.realm()))
}

/// The audit log.
#[requires_auth]
#[requires_role(all("admin", "auditor"))]
#[tracing::instrument]
async fn audit(Path(page): Path<u32>) -> Result<String, StatusCode> {
    if page > 100 {
        return Err(StatusCode::NOT_FOUND);
    }
    Ok(format!("audit log page {page}"))
}

#[derive(Deserialize)]
pub(crate) struct Filter {
    status: Option<String>,
}

/// Orders, filtered.
#[requires_scope("orders:read")]
#[axum::debug_handler(state = Warden)]
pub(crate) async fn orders(Query(filter): Query<Filter>) -> String {
    // `debug_handler` calls the fn in its own checks, so clippy's `unused_async` (which
    // spares async fns used as values) would fire on an await-free body, with or without
    // the access attribute.
    tokio::task::yield_now().await;
    filter.status.unwrap_or_default()
}

/// Replaces an order.
#[requires_scope(any("orders:write", "orders:admin"))]
async fn replace_order(Path(id): Path<u64>, request: Request) -> String {
    format!("{id} {}", request.uri())
}

/// Reorders everything.
#[requires_scope(all("orders:read", "orders:write"))]
async fn reorder(Json(ids): Json<Vec<u64>>) -> Json<Vec<u64>> {
    Json(ids)
}

pub mod nested {
    //! Visibilities other than private.

    use axum_warden::{public, requires_role};

    /// Public from a public module.
    #[public]
    pub async fn version() -> &'static str {
        "1"
    }

    /// Crate-visible.
    #[requires_role("admin")]
    pub(crate) async fn stats() -> &'static str {
        "stats"
    }
}

/// The roles of this API.
#[derive(Clone, Copy, Debug, axum_warden::Roles)]
pub enum Role {
    /// Everything.
    #[role(includes(Editor))]
    Admin,
    /// Articles.
    Editor,
    /// Invoices; its claim string is not its name.
    #[role("billing-admin")]
    Billing,
}

/// Callers may read their own account only.
#[derive(Debug)]
struct OwnAccount;

impl axum_warden::AccessPolicy for OwnAccount {
    type State = axum_warden::NoState;

    async fn check(identity: &Identity, parts: &mut Parts, _: &axum_warden::NoState) -> axum_warden::Decision {
        axum_warden::Decision::allow_or_hide(parts.uri.path().ends_with(identity.subject()))
    }
}

/// Invoices, for typed roles.
#[requires_role(any(Role::Billing, Role::Admin))]
async fn invoices() -> &'static str {
    "invoices"
}

/// One account, for its owner.
#[requires_role(Role::Editor)]
#[axum_warden::requires_policy(OwnAccount)]
async fn account(Path(id): Path<String>) -> String {
    id
}

pub(crate) fn routes() -> Router<Warden> {
    Router::new()
        .route("/invoices", get(invoices))
        .route("/accounts/{id}", get(account))
        .route("/health", get(health))
        .route("/me", get(me))
        .route("/users/{id}", delete(delete_user))
        .route("/articles", post(publish))
        .route("/audit/{page}", get(audit))
        .route("/orders", get(orders).post(reorder))
        .route("/orders/{id}", put(replace_order))
        .route("/version", get(nested::version))
        .route("/stats", get(nested::stats))
}
