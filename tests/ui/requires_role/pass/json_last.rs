//! `Json` as the last extractor, after `Path`.
use axum::Json;
use axum::extract::Path;
use axum::routing::put;
use axum_warden::{Warden, requires_role};
use serde::Deserialize;

#[derive(Deserialize)]
struct Rename {
    title: String,
}

#[requires_role(any("editor", "admin"))]
async fn rename(Path(id): Path<u64>, Json(body): Json<Rename>) -> String {
    format!("{id}: {}", body.title)
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new()
        .route("/articles/{id}", put(rename))
        .with_state(warden())
}

fn main() {
    let _ = app;
}
