use axum_warden::{requires_auth, requires_role};

#[requires_auth(acr = "mfa")]
#[requires_role("admin")]
async fn admin() -> &'static str {
    "admin"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(admin));
}
