use axum_warden::{requires_auth, requires_role};

#[requires_role("admin")]
#[requires_auth]
async fn admin() -> &'static str {
    "welcome"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(admin));
}
