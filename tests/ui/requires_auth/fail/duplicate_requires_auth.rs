use axum_warden::requires_auth;

#[requires_auth]
#[requires_auth]
async fn me() -> &'static str {
    "me"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(me));
}
