use axum_warden::requires_role;

// `Role` is not declared anywhere.
#[requires_role(Role::Admin)]
async fn admin() -> &'static str {
    "welcome"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(admin));
}
