//! The whole `Request` as the last extractor.
use axum::extract::Request;
use axum::routing::post;
use axum_warden::{Warden, requires_role};

#[requires_role("admin")]
async fn upload(request: Request) -> String {
    request.uri().to_string()
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/upload", post(upload)).with_state(warden())
}

fn main() {
    let _ = app;
}
