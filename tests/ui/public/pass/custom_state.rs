//! A public handler works with any router state, even one without a `Warden`.
use axum::extract::State;
use axum::routing::get;
use axum_warden::public;

#[derive(Clone)]
struct AppState {
    greeting: &'static str,
}

#[public]
async fn hello(State(state): State<AppState>) -> &'static str {
    state.greeting
}

fn app() -> axum::Router {
    axum::Router::new()
        .route("/", get(hello))
        .with_state(AppState { greeting: "hello" })
}

fn main() {
    let _ = app;
}
