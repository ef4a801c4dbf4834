//! The `Warden` itself as `State`.
use axum::extract::State;
use axum::routing::get;
use axum_warden::{Warden, requires_role};

#[requires_role("admin")]
async fn realm(State(warden): State<Warden>) -> String {
    warden.realm().to_owned()
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/realm", get(realm)).with_state(warden())
}

fn main() {
    let _ = app;
}
