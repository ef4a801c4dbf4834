use axum_warden::{granted, requires_role};

#[requires_role("admin")]
async fn admin(proof: granted!("admin")) -> &'static str {
    let _ = proof;
    "admin"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(admin));
}
