//! Raw and escaped string literals are names like any other.
use axum::routing::get;
use axum_warden::{Warden, requires_role};

#[requires_role(any(r"realm:admin", "realm\x3Aeditor", r#"a'b"#))]
async fn admin() {}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new().route("/", get(admin)).with_state(warden())
}

fn main() {
    let _ = app;
}
