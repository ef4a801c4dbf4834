use axum_warden::Roles;

#[derive(Roles)]
struct Role {
    name: String,
}

fn main() {}
