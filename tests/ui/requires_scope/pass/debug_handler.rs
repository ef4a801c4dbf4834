//! Ours above `#[axum::debug_handler]`.
use axum::Json;
use axum::routing::post;
use axum_warden::{Warden, requires_scope};
use serde_json::Value;

#[requires_scope("orders:write")]
#[axum::debug_handler(state = Warden)]
async fn create(Json(order): Json<Value>) -> Json<Value> {
    Json(order)
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/orders", post(create)).with_state(warden())
}

fn main() {
    let _ = app;
}
