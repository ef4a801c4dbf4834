use axum_warden::requires_role;

#[requires_role("admin", acr = "mfa", acr = "hwk")]
async fn admin() -> &'static str {
    "admin"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(admin));
}
