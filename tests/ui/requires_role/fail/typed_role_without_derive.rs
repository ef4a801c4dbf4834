use axum_warden::requires_role;

#[derive(Clone, Copy)]
enum Role {
    Admin,
}

#[requires_role(Role::Admin)]
async fn admin() -> &'static str {
    "welcome"
}

fn main() {
    let _ = Role::Admin;
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(admin));
}
