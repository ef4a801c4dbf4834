use axum_warden::routing::get;

async fn unannotated() -> &'static str {
    "nobody said who may call this"
}

fn main() {
    let _app: axum_warden::Router = axum_warden::Router::new().route("/", get(unannotated));
}
