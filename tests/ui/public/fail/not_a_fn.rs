use axum_warden::public;

#[public]
#[derive(Debug)]
struct Health;

#[allow(dead_code)]
fn uses() -> Health {
    Health
}

fn main() {}
