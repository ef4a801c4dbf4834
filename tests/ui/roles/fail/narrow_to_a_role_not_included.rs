use axum_warden::{Roles, granted, requires_role};

#[derive(Clone, Copy, Roles)]
enum Role {
    #[role(includes(Viewer))]
    Editor,
    Viewer,
}

fn publish(_: granted!(Role::Editor)) {}

#[requires_role(Role::Viewer)]
async fn sneaky(viewer: granted!(Role::Viewer)) -> &'static str {
    publish(viewer.narrow());
    "published"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(sneaky));
}
