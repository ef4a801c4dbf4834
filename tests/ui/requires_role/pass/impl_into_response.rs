//! An `impl IntoResponse` return type.
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum_warden::{Warden, requires_role};

#[requires_role("admin")]
async fn status() -> impl IntoResponse {
    (StatusCode::ACCEPTED, "accepted")
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/status", get(status)).with_state(warden())
}

fn main() {
    let _ = app;
}
