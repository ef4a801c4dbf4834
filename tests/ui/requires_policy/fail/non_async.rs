use axum_warden::requires_policy;

struct OwnsArticle;

#[requires_policy(OwnsArticle)]
fn delete_article() -> &'static str {
    "deleted"
}

fn main() {
    let _ = OwnsArticle;
    let _ = delete_article;
}
