//! Authenticate first, authorize second: `#[requires_auth]` above `#[requires_scope]`.
use axum::routing::get;
use axum_warden::{Warden, requires_auth};

#[requires_auth]
#[axum_warden::requires_scope("orders:read")]
async fn orders() -> &'static str {
    "orders"
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/orders", get(orders)).with_state(warden())
}

fn main() {
    let _ = app;
}
