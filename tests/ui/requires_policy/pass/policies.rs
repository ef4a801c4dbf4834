use axum::extract::{FromRef, FromRequestParts, Path};
use axum_warden::{
    AccessPolicy, Decision, Identity, NoState, Warden, requires_auth, requires_policy, requires_role, requires_scope,
};
use http::request::Parts;

#[derive(Clone, FromRef)]
struct App {
    warden: Warden,
    owner: String,
}

struct OwnsArticle;

impl AccessPolicy for OwnsArticle {
    type State = App;
    async fn check(identity: &Identity, parts: &mut Parts, app: &App) -> Decision {
        let _ = Path::<u64>::from_request_parts(parts, app).await;
        Decision::allow_or_hide(identity.subject() == app.owner)
    }
}

mod policies {
    pub struct Open;
    impl axum_warden::AccessPolicy for Open {
        type State = axum_warden::NoState;
        async fn check(_: &axum_warden::Identity, _: &mut http::request::Parts, _: &axum_warden::NoState) -> axum_warden::Decision {
            axum_warden::Decision::Allow
        }
    }
}

/// Deletes an article.
#[requires_policy(OwnsArticle)]
async fn delete_article(Path(id): Path<u64>) -> String {
    id.to_string()
}

#[requires_auth]
#[requires_policy(policies::Open)]
async fn open() {}

#[requires_role("editor")]
#[requires_policy(OwnsArticle)]
async fn edit(Path(id): Path<u64>, identity: Identity) -> String {
    format!("{id} {}", identity.subject())
}

#[requires_auth]
#[requires_scope("articles:write")]
#[axum_warden::requires_policy(crate::OwnsArticle)]
async fn publish() {}

fn main() {
    let _ = NoState;
    let app = App {
        warden: Warden::builder().hmac_secret(vec![7; 32]).build().expect("valid"),
        owner: "alice".into(),
    };
    let router = axum_warden::Router::new()
        .route("/articles/{id}", axum_warden::routing::delete(delete_article).put(edit))
        .route("/open", axum_warden::routing::get(open))
        .route("/publish", axum_warden::routing::post(publish));
    assert_eq!(router.route_table().rows().iter().filter(|r| r.policy().is_some()).count(), 4);
    let _: axum::Router = router.with_state(app).into();
}
