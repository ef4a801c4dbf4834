//! The three rule forms.
use axum::routing::get;
use axum_warden::{Warden, requires_scope};

#[requires_scope("orders:read")]
async fn one() {}

#[requires_scope(any("orders:read", "orders:admin"))]
async fn either() {}

#[requires_scope(all("orders:read", "orders:write"))]
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
