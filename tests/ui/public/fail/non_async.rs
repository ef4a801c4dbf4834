use axum_warden::public;

#[public]
fn health() -> &'static str {
    "ok"
}

#[allow(dead_code)]
fn uses() -> &'static str {
    health()
}

fn main() {}
