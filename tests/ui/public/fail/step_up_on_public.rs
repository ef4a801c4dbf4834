use axum_warden::public;

#[public(acr = "mfa")]
async fn health() -> &'static str {
    "ok"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(health));
}
