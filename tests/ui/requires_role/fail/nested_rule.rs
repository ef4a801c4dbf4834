use axum_warden::requires_role;

#[requires_role(any("editor", all("admin", "auditor")))]
async fn admin() -> &'static str {
    "welcome"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(admin));
}
