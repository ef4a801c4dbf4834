//! `pub` and `pub(crate)` handlers, used from another module.
use axum::routing::get;
use axum_warden::Warden;

mod handlers {
    use axum_warden::requires_role;

    #[requires_role("admin")]
    pub async fn public_fn() {}

    #[requires_role("admin")]
    pub(crate) async fn crate_fn() {}

    #[requires_role("admin")]
    pub(super) async fn super_fn() {}
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new()
        .route("/pub", get(handlers::public_fn))
        .route("/crate", get(handlers::crate_fn))
        .route("/super", get(handlers::super_fn))
        .with_state(warden())
}

fn main() {
    let _ = app;
}
