use axum_warden::requires_scope;

#[requires_scope(Scope::OrdersRead)]
async fn orders() -> &'static str {
    "orders"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(orders));
}
