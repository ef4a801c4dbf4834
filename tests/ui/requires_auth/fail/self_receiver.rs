use axum_warden::requires_auth;

struct Api;

impl Api {
    #[requires_auth]
    async fn me(&self) -> &'static str {
        "me"
    }
}

#[allow(dead_code)]
async fn uses() -> &'static str {
    Api.me().await
}

fn main() {}
