use axum_warden::requires_role;

#[requires_role("admin")]
pub mod admin {}

fn main() {}
