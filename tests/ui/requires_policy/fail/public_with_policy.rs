use axum_warden::{AccessPolicy, Decision, Identity, NoState, public, requires_policy};
use http::request::Parts;

struct Anyone;

impl AccessPolicy for Anyone {
    type State = NoState;
    async fn check(_: &Identity, _: &mut Parts, _: &NoState) -> Decision {
        Decision::Allow
    }
}

#[public]
#[requires_policy(Anyone)]
async fn health() -> &'static str {
    "ok"
}

fn main() {
    let _: axum::Router = axum::Router::new().route("/", axum::routing::get(health));
}
