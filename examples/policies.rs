//! Access decisions that need more than a role: a route policy with `#[requires_policy]`
//! and a per-object check inside a handler.
//!
//! ```text
//! cargo run --example policies
//! ```
//!
//! Authors may edit and delete their own articles. Editors may edit anyone's but are
//! refused (403) on delete; everyone else is told the article does not exist (404).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{FromRef, FromRequestParts, Path, State};
use axum_warden::routing::delete;
use axum_warden::{AccessPolicy, Decision, Denied, Identity, Router, Warden, requires_auth, requires_policy};
use http::request::Parts;
use serde_json::json;
use tower::ServiceExt as _;

const SECRET: &[u8] = b"policies example secret, 32 bytes or more";

#[derive(Clone, FromRef)]
struct App {
    warden: Warden,
    /// Article id → author.
    authors: Arc<HashMap<u64, String>>,
}

/// Only the author may delete; editors learn they may not, others learn nothing.
struct OwnsArticle;

impl AccessPolicy for OwnsArticle {
    type State = App;

    async fn check(identity: &Identity, parts: &mut Parts, app: &App) -> Decision {
        let Ok(Path(id)) = Path::<u64>::from_request_parts(parts, app).await else {
            return Decision::Hide;
        };
        match app.authors.get(&id) {
            Some(author) if author == identity.subject() => Decision::Allow,
            Some(_) if identity.has_role("editor") => Decision::Forbid,
            _ => Decision::Hide,
        }
    }
}

#[requires_policy(OwnsArticle)]
async fn delete_article(Path(id): Path<u64>) -> String {
    format!("deleted {id}")
}

/// A per-object check inside the handler: the route only needs a signed-in caller.
#[requires_auth]
async fn edit_article(Path(id): Path<u64>, identity: Identity, State(app): State<App>) -> Result<String, Denied> {
    let author = app.authors.get(&id).ok_or(Denied::Hidden)?;
    let may_edit =
        |who: &Identity, author: &String| Decision::allow_or_hide(who.subject() == author || who.has_role("editor"));
    identity.authorize(&may_edit, author)?;
    Ok(format!("editing {id}"))
}

fn token(subject: &str, roles: &[&str]) -> Result<String, jsonwebtoken::errors::Error> {
    let exp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) + 600;
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": subject, "exp": exp, "roles": roles }),
        &jsonwebtoken::EncodingKey::from_secret(SECRET).expect("a non-empty secret"),
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = App {
        warden: Warden::builder().hmac_secret(SECRET).build()?,
        authors: Arc::new(HashMap::from([(1, "alice".to_owned()), (2, "bob".to_owned())])),
    };
    let router = Router::new().route("/articles/{id}", delete(delete_article).get(edit_article));
    print!("{}", router.route_table().to_markdown());
    println!();

    let router: axum::Router = router.with_state(app).into();
    for (who, roles, method, path) in [
        ("alice", &[][..], "DELETE", "/articles/1"),
        ("carol", &["editor"], "DELETE", "/articles/1"),
        ("mallory", &[], "DELETE", "/articles/1"),
        ("mallory", &[], "DELETE", "/articles/99"),
        ("carol", &["editor"], "GET", "/articles/2"),
        ("mallory", &[], "GET", "/articles/2"),
    ] {
        let request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {}", token(who, roles)?))
            .body(Body::empty())?;
        let status = router.clone().oneshot(request).await?.status();
        println!(
            "{who:<8} {:<11} {method:<6} {path:<12} → {status}",
            format!("{roles:?}")
        );
    }
    Ok(())
}
