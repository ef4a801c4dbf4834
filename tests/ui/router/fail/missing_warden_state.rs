use axum_warden::requires_auth;
use axum_warden::routing::get;

#[requires_auth]
async fn me() -> &'static str {
    "me"
}

#[derive(Clone)]
struct AppState;

fn main() {
    let _app: axum_warden::Router<AppState> = axum_warden::Router::new().route("/me", get(me));
}
