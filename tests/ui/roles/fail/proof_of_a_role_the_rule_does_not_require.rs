use axum_warden::{Roles, granted, requires_role};

#[derive(Clone, Copy, Roles)]
enum Role {
    #[role(includes(Viewer))]
    Editor,
    Viewer,
}

#[requires_role(Role::Viewer)]
async fn publish(editor: granted!(Role::Editor)) -> &'static str {
    let _ = editor;
    "published"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(publish));
}
