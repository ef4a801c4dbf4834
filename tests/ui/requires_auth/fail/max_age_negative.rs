use axum_warden::requires_auth;

#[requires_auth(max_age = -300)]
async fn me() -> &'static str {
    "me"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(me));
}
