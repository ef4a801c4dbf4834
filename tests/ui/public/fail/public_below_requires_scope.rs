use axum_warden::{public, requires_scope};

#[requires_scope("orders:read")]
#[public]
async fn orders() -> &'static str {
    "orders"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(orders));
}
