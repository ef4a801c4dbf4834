//! `Path` after the guard.
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::delete;
use axum_warden::{Warden, requires_role};

/// Deletes a user.
#[requires_role("admin")]
pub async fn delete_user(Path(id): Path<u64>) -> StatusCode {
    let _ = id;
    StatusCode::NO_CONTENT
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new()
        .route("/users/{id}", delete(delete_user))
        .with_state(warden())
}

fn main() {
    let _ = app;
}
