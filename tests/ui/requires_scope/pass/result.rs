//! A `Result` with `impl IntoResponse`-able parts.
use axum::extract::Query;
use axum::http::StatusCode;
use axum::routing::get;
use axum_warden::{Warden, requires_scope};
use std::collections::HashMap;

#[requires_scope("orders:read")]
pub(crate) async fn order(Query(query): Query<HashMap<String, String>>) -> Result<String, (StatusCode, String)> {
    query
        .get("id")
        .cloned()
        .ok_or((StatusCode::BAD_REQUEST, "missing id".to_owned()))
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/order", get(order)).with_state(warden())
}

fn main() {
    let _ = app;
}
