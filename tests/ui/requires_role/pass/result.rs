//! A `Result` return type.
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use axum_warden::{Warden, requires_role};

#[requires_role("admin")]
async fn user(Path(id): Path<u64>) -> Result<String, StatusCode> {
    if id == 0 {
        return Err(StatusCode::NOT_FOUND);
    }
    Ok(format!("user {id}"))
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/users/{id}", get(user)).with_state(warden())
}

fn main() {
    let _ = app;
}
