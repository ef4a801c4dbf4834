use axum_warden::{requires_role, requires_scope};

#[requires_scope("articles:write")]
#[requires_role("editor")]
async fn edit() -> &'static str {
    "edited"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(edit));
}
