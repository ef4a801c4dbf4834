//! A public handler needs no `Warden`: it mounts on a router without state.
use axum::routing::get;
use axum_warden::public;

/// Liveness probe.
#[public]
async fn health() -> &'static str {
    "ok"
}

fn app() -> axum::Router {
    axum::Router::new().route("/health", get(health))
}

fn main() {
    let _ = app;
}
