//! A handler generic over its state keeps its generics.
use axum::extract::State;
use axum::routing::get;
use axum_warden::{Warden, requires_auth};

#[requires_auth]
async fn state_name<S>(State(state): State<S>) -> String
where
    S: std::fmt::Debug + Send,
{
    format!("{state:?}")
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new()
        .route("/", get(state_name::<Warden>))
        .with_state(warden())
}

fn main() {
    let _ = app;
}
