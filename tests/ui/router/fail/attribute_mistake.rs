use axum_warden::routing::get;
use axum_warden::{Router, Warden, requires_role};

// One mistake in the attribute is one error, even on the deny-by-default router.
#[requires_role(admin)]
async fn admin() -> &'static str {
    "welcome"
}

fn main() {
    let _: Router<Warden> = Router::new().route("/admin", get(admin));
}
