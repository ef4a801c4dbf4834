//! With `#[tracing::instrument]` below and above the access attribute.
use axum::extract::Path;
use axum::routing::get;
use axum_warden::{Warden, requires_role};

#[requires_role("admin")]
#[tracing::instrument]
async fn below(Path(id): Path<u64>) -> String {
    tracing::info!("looked up");
    format!("{id}")
}

#[tracing::instrument]
#[requires_role("admin")]
async fn above(Path(id): Path<u64>) -> String {
    format!("{id}")
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new()
        .route("/below/{id}", get(below))
        .route("/above/{id}", get(above))
        .with_state(warden())
}

fn main() {
    let _ = app;
}
