use axum_warden::Roles;

#[derive(Clone, Copy, Roles)]
enum Role {
    #[role(includes(Editr))]
    Admin,
    Editor,
}

fn main() {}
