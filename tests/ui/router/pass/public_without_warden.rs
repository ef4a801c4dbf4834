use axum_warden::public;
use axum_warden::routing::get;

#[public]
async fn health() -> &'static str {
    "ok"
}

#[derive(Clone)]
struct AppState;

fn main() {
    // Public routes read no state: a router without a `Warden` mounts them.
    let _app: axum::Router = axum_warden::Router::new().route("/health", get(health)).with_state(AppState).into();
}
