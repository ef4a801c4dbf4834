//! A public handler on axum-warden's deny-by-default router, with its route-table row.
use axum_warden::routing::get;
use axum_warden::{Requirement, Router, public};

#[public]
async fn health() -> &'static str {
    "ok"
}

fn main() {
    let router: Router = Router::new().route("/health", get(health));
    let table = router.route_table();
    let row = &table.rows()[0];
    assert_eq!(row.handler().name, "health");
    assert_eq!(*row.requirement(), Requirement::Public);
    let _: axum::Router = router.into();
}
