use axum_warden::requires_role;

#[requires_role("admin")]
#[requires_role("auditor")]
async fn audit() -> &'static str {
    "audit log"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(audit));
}
