//! A handler generic over its state keeps its generics; the mount site picks the state.
use axum::extract::{FromRef, State};
use axum::routing::get;
use axum_warden::{Warden, requires_role};

#[requires_role("admin")]
async fn visits<S>(State(state): State<S>) -> String
where
    S: Clone + Send + Sync + 'static,
    Visits: FromRef<S>,
{
    Visits::from_ref(&state).0.to_string()
}

#[derive(Clone)]
struct Visits(u64);

#[derive(Clone, FromRef)]
struct AppState {
    warden: Warden,
    visits: Visits,
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new()
        .route("/", get(visits::<AppState>))
        .with_state(AppState {
            warden: warden(),
            visits: Visits(0),
        })
}

fn main() {
    let _ = app;
}
