use axum_warden::Roles;

#[derive(Clone, Copy, Roles)]
enum Role {
    #[role(implies(Editor))]
    Admin,
    Editor,
}

fn main() {}
