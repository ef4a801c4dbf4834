use axum_warden::Roles;

#[derive(Clone, Copy, Roles)]
enum Role {
    #[role("editor")]
    Writer,
    Editor,
}

fn main() {}
