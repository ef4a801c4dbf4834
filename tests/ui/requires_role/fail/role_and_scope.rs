use axum_warden::{requires_role, requires_scope};

#[requires_role("admin")]
#[requires_scope("orders:read")]
async fn orders() -> &'static str {
    "orders"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(orders));
}
