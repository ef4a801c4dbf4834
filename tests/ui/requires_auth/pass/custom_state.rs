//! An application state that provides the `Warden` through `FromRef`.
use axum::extract::{FromRef, State};
use axum::routing::get;
use axum_warden::{Warden, requires_auth};

#[derive(Clone, FromRef)]
struct AppState {
    warden: Warden,
    greeting: &'static str,
}

#[requires_auth]
async fn hello(State(state): State<AppState>) -> &'static str {
    state.greeting
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/", get(hello)).with_state(AppState {
        warden: warden(),
        greeting: "hello",
    })
}

fn main() {
    let _ = app;
}
