use axum_warden::Roles;

#[derive(Clone, Roles)]
enum Role {
    Admin,
    Tenant(String),
}

fn main() {}
