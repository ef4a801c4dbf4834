use axum_warden::{Roles, requires_role};

#[derive(Clone, Copy, Roles)]
enum Role {
    Admin,
}

#[requires_role(all(Role::Admin, Role::Admin))]
async fn admin() -> &'static str {
    "welcome"
}

fn main() {
    let _ = Role::Admin;
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(admin));
}
