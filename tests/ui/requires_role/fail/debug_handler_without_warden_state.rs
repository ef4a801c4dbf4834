use axum_warden::requires_role;

#[requires_role("admin")]
#[axum::debug_handler]
async fn admin() -> &'static str {
    "welcome"
}

fn main() {}
