//! The handlers of `tests/lints.rs`, under the same lint levels, mount on a plain
//! `axum::Router` with a `Warden` as its state, and the deny-by-default router of all of
//! them converts into one.
#![deny(warnings, clippy::pedantic)]
#![deny(
    missing_docs,
    missing_debug_implementations,
    missing_copy_implementations,
    unreachable_pub
)]
#![deny(unused_qualifications, rust_2018_idioms)]

#[path = "../../../lints/handlers.rs"]
pub mod handlers;

use axum_warden::Warden;
use handlers::{delete_user, health, orders, routes};

fn main() {
    let warden = Warden::builder()
        .hmac_secret(b"a lints secret of at least 32 bytes".to_vec())
        .build()
        .expect("valid configuration");
    let _: axum::Router = axum::Router::new()
        .route("/health", axum::routing::get(health))
        .route("/users/{id}", axum::routing::delete(delete_user))
        .route("/orders", axum::routing::get(orders))
        .with_state(warden.clone());
    let _: axum::Router = routes().with_state(warden).into();
}
