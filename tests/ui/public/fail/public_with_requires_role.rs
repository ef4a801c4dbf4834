use axum_warden::{public, requires_role};

#[public]
#[requires_role("admin")]
async fn health() -> &'static str {
    "ok"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(health));
}
