use axum_warden::routing::{get, post};
use axum_warden::{Roles, Warden, requires_auth, requires_policy, requires_role, requires_scope};

#[derive(Clone, Copy, Roles)]
enum Role {
    Editor,
}

struct Anyone;
impl axum_warden::AccessPolicy for Anyone {
    type State = axum_warden::NoState;
    async fn check(_: &axum_warden::Identity, _: &mut http::request::Parts, _: &axum_warden::NoState) -> axum_warden::Decision {
        axum_warden::Decision::Allow
    }
}

/// Edits an article.
#[requires_auth]
#[requires_role(Role::Editor, acr = "mfa")]
#[requires_scope(all("articles:read", "articles:write"))]
#[requires_policy(Anyone)]
async fn edit() {}

#[requires_role(any("admin", "owner"))]
#[requires_scope("billing:write", max_age = 300)]
async fn pay() {}

#[requires_auth(acr = "hwk", max_age = 60)]
async fn keys() {}

fn main() {
    let warden = Warden::builder()
        .hmac_secret(vec![7; 32])
        .acr_order(["pwd", "mfa", "hwk"])
        .build()
        .expect("a warden");
    let router = axum_warden::Router::new()
        .route("/articles/{id}", post(edit))
        .route("/billing", post(pay))
        .route("/keys", get(keys))
        .with_state(warden);
    let markdown = router.route_table().to_markdown();
    assert!(
        markdown.contains("| POST | /articles/{id} | role: editor; all scopes: articles:read, articles:write"),
        "{markdown}"
    );
    assert!(markdown.contains("step-up: acr mfa; policy: Anyone"), "{markdown}");
    assert!(
        markdown.contains("| POST | /billing | any role: admin, owner; scope: billing:write; step-up: max_age 300 s |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| GET | /keys | authenticated; step-up: acr hwk, max_age 60 s |"),
        "{markdown}"
    );
    let _: axum::Router = router.into();
}
