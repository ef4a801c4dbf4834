use axum_warden::{Roles, requires_role};

#[derive(Clone, Copy, Roles)]
enum Role {
    Admin,
    Editor,
}

#[requires_role(any(Role::Editor, Role::Admn))]
async fn publish() -> &'static str {
    "published"
}

fn main() {
    let _ = Role::Admin;
    let _ = Role::Editor;
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::post(publish));
}
