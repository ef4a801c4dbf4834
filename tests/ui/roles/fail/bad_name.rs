use axum_warden::Roles;

#[derive(Clone, Copy, Roles)]
enum Role {
    #[role("super admin")]
    Admin,
}

fn main() {}
