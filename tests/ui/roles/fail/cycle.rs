use axum_warden::Roles;

#[derive(Clone, Copy, Roles)]
enum Role {
    #[role(includes(Editor))]
    Admin,
    #[role(includes(Viewer))]
    Editor,
    #[role(includes(Admin))]
    Viewer,
}

fn main() {}
