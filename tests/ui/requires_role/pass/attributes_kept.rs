//! Docs, lint attributes and `#[cfg]` stay on the handler, in order.
use axum::routing::get;
use axum_warden::{Warden, requires_role};

/// Documented.
#[cfg(not(any()))]
#[allow(clippy::unused_async)]
#[requires_role("admin")]
#[deny(unused_variables)]
/// More docs.
async fn kept() -> &'static str {
    "kept"
}

#[requires_role("admin")]
#[cfg(any())]
async fn gone() -> &'static str {
    this_does_not_compile
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/", get(kept)).with_state(warden())
}

fn main() {
    let _ = app;
}
