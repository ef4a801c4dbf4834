use axum_warden::{AccessPolicy, Decision, Identity, NoState, requires_policy, requires_role};
use http::request::Parts;

struct Anyone;

impl AccessPolicy for Anyone {
    type State = NoState;
    async fn check(_: &Identity, _: &mut Parts, _: &NoState) -> Decision {
        Decision::Allow
    }
}

#[requires_policy(Anyone)]
#[requires_role("editor")]
async fn edit() -> &'static str {
    "edited"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::put(edit));
}
