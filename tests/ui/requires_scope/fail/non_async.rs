use axum_warden::requires_scope;

#[requires_scope("orders:read")]
pub const fn orders() -> &'static str {
    "orders"
}

fn main() {}
