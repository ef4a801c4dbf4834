use axum_warden::requires_role;

#[requires_role(one_of("editor", "admin"))]
async fn admin() -> &'static str {
    "welcome"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(admin));
}
