use axum_warden::requires_scope;

#[requires_scope("orders:read", max_age = "300")]
async fn orders() -> &'static str {
    "orders"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(orders));
}
