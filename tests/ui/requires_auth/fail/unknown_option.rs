use axum_warden::requires_auth;

#[requires_auth(level = 2)]
async fn me() -> &'static str {
    "me"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(me));
}
