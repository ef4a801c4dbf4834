//! The three rule forms.
use axum::routing::get;
use axum_warden::{Warden, requires_role};

#[requires_role("admin")]
async fn one() {}

#[requires_role(any("editor", "admin"))]
async fn either() {}

#[requires_role(all("admin", "auditor",))]
async fn both() {}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new()
        .route("/", get(one).post(either).put(both))
        .with_state(warden())
}

fn main() {
    let _ = app;
}
