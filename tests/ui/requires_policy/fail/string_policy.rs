use axum_warden::requires_policy;

#[requires_policy("OwnsArticle")]
async fn delete_article() -> &'static str {
    "deleted"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::delete(delete_article));
}
