//! `#[public]` above `#[axum::debug_handler]`: the guard of a public route needs no state.
use axum::extract::Path;
use axum::routing::get;
use axum_warden::public;

#[public]
#[axum::debug_handler]
async fn article(Path(id): Path<u64>) -> String {
    format!("article {id}")
}

fn app() -> axum::Router {
    axum::Router::new().route("/articles/{id}", get(article))
}

fn main() {
    let _ = app;
}
