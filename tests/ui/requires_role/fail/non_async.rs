use axum_warden::requires_role;

#[requires_role("admin")]
pub fn admin() -> &'static str {
    "welcome"
}

fn main() {}
