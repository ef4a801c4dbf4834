use axum_warden::requires_auth;

#[requires_auth]
pub fn me() -> &'static str {
    "me"
}

fn main() {}
