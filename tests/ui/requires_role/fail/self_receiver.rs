use axum_warden::requires_role;

pub struct Api;

impl Api {
    #[requires_role("admin")]
    pub async fn admin(self: Box<Self>) -> &'static str {
        "welcome"
    }
}

fn main() {}
