//! Roles declared once as an enum, with a hierarchy, checked by the compiler.
//!
//! ```text
//! cargo run --example typed_roles
//! ```
//!
//! Prints the route table with the roles that satisfy each rule, then sends requests
//! with tokens holding different roles and prints the answers.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum_warden::routing::{get, put};
use axum_warden::{Roles, Router, Warden, requires_role};
use serde_json::json;
use tower::ServiceExt as _;

const SECRET: &[u8] = b"typed-roles example secret, 32 bytes or more";

/// Every role of the application. `admin` includes `editor` and `auditor`; `editor`
/// includes `viewer`. A misspelt `Role::Editr` anywhere is a compile error.
#[derive(Clone, Copy, Debug, Roles)]
#[allow(dead_code)] // variants are named in attributes, not constructed
enum Role {
    #[role(includes(Editor, Auditor))]
    Admin,
    #[role(includes(Viewer))]
    Editor,
    Auditor,
    Viewer,
    /// The claim string differs from the variant name.
    #[role("billing-admin")]
    Billing,
}

#[requires_role(Role::Viewer)]
async fn list_articles() -> &'static str {
    "articles"
}

#[requires_role(Role::Editor)]
async fn edit_article() -> &'static str {
    "edited"
}

#[requires_role(Role::Admin)]
async fn delete_article() -> &'static str {
    "deleted"
}

#[requires_role(any(Role::Auditor, Role::Billing))]
async fn invoices() -> &'static str {
    "invoices"
}

fn routes() -> Router<Warden> {
    Router::new()
        .route("/articles", get(list_articles))
        .route("/articles/{id}", put(edit_article).delete(delete_article))
        .route("/invoices", get(invoices))
}

fn token(roles: &[&str]) -> Result<String, jsonwebtoken::errors::Error> {
    let exp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) + 600;
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": "demo", "exp": exp, "roles": roles }),
        &jsonwebtoken::EncodingKey::from_secret(SECRET).expect("a non-empty secret"),
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let warden = Warden::builder()
        .hmac_secret(SECRET)
        .role_hierarchy(Role::hierarchy())
        .build()?;
    print!(
        "{}",
        routes()
            .route_table()
            .with_role_hierarchy(warden.role_hierarchy())
            .to_markdown()
    );
    println!();

    let app: axum::Router = routes().with_state(warden).into();
    for (roles, method, path) in [
        (&["viewer"][..], "GET", "/articles"),
        (&["viewer"], "PUT", "/articles/7"),
        (&["editor"], "PUT", "/articles/7"),
        (&["editor"], "DELETE", "/articles/7"),
        (&["admin"], "DELETE", "/articles/7"),
        (&["admin"], "GET", "/invoices"),
        (&["billing-admin"], "GET", "/invoices"),
        (&["billing-admin"], "GET", "/articles"),
    ] {
        let request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {}", token(roles)?))
            .body(Body::empty())?;
        let status = app.clone().oneshot(request).await?.status();
        println!("{:<18} {method:<6} {path:<14} → {status}", format!("{roles:?}"));
    }
    Ok(())
}
