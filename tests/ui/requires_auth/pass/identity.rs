//! The verified identity as a later extractor.
use axum::routing::get;
use axum_warden::{Identity, Warden, requires_auth};

#[requires_auth]
async fn me(user: Identity) -> String {
    user.subject().to_owned()
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/me", get(me)).with_state(warden())
}

fn main() {
    let _ = app;
}
