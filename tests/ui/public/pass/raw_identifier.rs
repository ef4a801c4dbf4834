//! A raw identifier as the handler name.
use axum::routing::get;
use axum_warden::public;

#[public]
async fn r#type() -> &'static str {
    "type"
}

fn app() -> axum::Router {
    axum::Router::new().route("/type", get(r#type))
}

fn main() {
    let _ = app;
}
