use axum_warden::requires_scope;

#[requires_scope(orders)]
async fn orders() -> &'static str {
    "orders"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(orders));
}
