//! `Query` after the guard.
use axum::extract::Query;
use axum::routing::get;
use axum_warden::{Warden, requires_role};
use serde::Deserialize;

#[derive(Deserialize)]
struct Params {
    q: String,
}

#[requires_role("reader")]
async fn search(Query(params): Query<Params>) -> String {
    params.q
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/search", get(search)).with_state(warden())
}

fn main() {
    let _ = app;
}
