//! Authenticate first, authorize second: `#[requires_auth]` above `#[requires_role]`.
use axum::routing::get;
use axum_warden::{Warden, requires_auth, requires_role};

/// The audit log.
#[requires_auth]
#[requires_role(all("admin", "auditor"))]
async fn audit() -> &'static str {
    "audit log"
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/audit", get(audit)).with_state(warden())
}

fn main() {
    let _ = app;
}
