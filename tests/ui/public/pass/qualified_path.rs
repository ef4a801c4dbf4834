//! The attribute named through the facade's path.
use axum::routing::get;

#[axum_warden::public]
async fn health() -> &'static str {
    "ok"
}

fn app() -> axum::Router {
    axum::Router::new().route("/health", get(health))
}

fn main() {
    let _ = app;
}
