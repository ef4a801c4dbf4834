//! Ours above `#[axum::debug_handler]`, which gets a state that provides a `Warden`.
use axum::extract::Path;
use axum::routing::get;
use axum_warden::{Identity, Warden, requires_role};

#[requires_role("admin")]
#[axum::debug_handler(state = axum_warden::Warden)]
async fn user(user: Identity, Path(id): Path<u64>) -> String {
    format!("{} looks at {id}", user.subject())
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
