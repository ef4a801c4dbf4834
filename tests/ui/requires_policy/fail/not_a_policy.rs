use axum_warden::requires_policy;

struct OwnsArticle;

#[requires_policy(OwnsArticle)]
async fn delete_article() -> &'static str {
    "deleted"
}

fn main() {
    let _ = OwnsArticle;
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::delete(delete_article));
}
