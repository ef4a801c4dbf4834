use axum_warden::{public, requires_auth};

#[public]
#[requires_auth]
async fn health() -> &'static str {
    "ok"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(health));
}
