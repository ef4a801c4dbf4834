#[axum_warden::requires_auth("admin")]
async fn admin() -> &'static str {
    "welcome"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(admin));
}
