//! A handler without parameters.
use axum::routing::get;
use axum_warden::{Warden, requires_role};

#[requires_role("admin")]
async fn admin() -> &'static str {
    "welcome"
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/admin", get(admin)).with_state(warden())
}

fn main() {
    let _ = app;
}
