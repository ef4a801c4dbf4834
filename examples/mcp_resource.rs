//! An MCP-style server as an OAuth 2.0 protected resource (RFC 9728): a JSON-RPC endpoint
//! guarded by a scope, and the metadata that tells a client where to get a token for it.
//!
//! ```text
//! cargo run --example mcp_resource
//! ```
//!
//! Plays the client's part against the app in-process: a call without a token gets a 401
//! whose challenge names the metadata URL; the metadata names the authorization server and
//! the scopes; a call with a token from there holding `mcp:tools` gets its answer.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::body::Body;
use axum_warden::routing::post;
use axum_warden::{Router, Warden, requires_scope};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

const SECRET: &[u8] = b"mcp-resource example secret, 32 bytes or more";
/// The authorization server that issues tokens for the server.
const ISSUER: &str = "https://login.example.com";
/// The URL clients call the server by: its resource identifier.
const RESOURCE: &str = "https://mcp.example.com/mcp";

/// A JSON-RPC request in, a JSON-RPC answer out; only callers granted `mcp:tools`.
#[requires_scope("mcp:tools")]
async fn mcp(Json(request): Json<Value>) -> Json<Value> {
    Json(json!({
        "jsonrpc": "2.0",
        "id": request["id"],
        "result": {"tools": [{"name": "echo", "description": "Answers with its input"}]},
    }))
}

/// A token the authorization server would issue, with these scopes.
fn token(scope: &str) -> Result<String, jsonwebtoken::errors::Error> {
    let exp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) + 600;
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": "claude", "iss": ISSUER, "exp": exp, "scope": scope }),
        &jsonwebtoken::EncodingKey::from_secret(SECRET).expect("a non-empty secret"),
    )
}

/// Sends `request` and prints what the client sees.
async fn show(
    app: &axum::Router,
    request: http::Request<Body>,
) -> Result<(http::HeaderMap, Value), Box<dyn std::error::Error>> {
    println!("> {} {}", request.method(), request.uri());
    let response = app.clone().oneshot(request).await?;
    println!("< {}", response.status());
    for name in ["www-authenticate", "content-type", "cache-control"] {
        if let Some(value) = response.headers().get(name) {
            println!("< {name}: {}", value.to_str()?);
        }
    }
    let headers = response.headers().clone();
    let body = response.into_body().collect().await?.to_bytes();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    println!("{}\n", serde_json::to_string_pretty(&json)?);
    Ok((headers, json))
}

fn call_mcp(authorization: Option<&str>) -> Result<http::Request<Body>, http::Error> {
    let mut request = http::Request::post("/mcp").header("content-type", "application/json");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.body(Body::from(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // In production: WARDEN_OIDC_ISSUER_URL (or WARDEN_JWKS_URL and WARDEN_ISSUER) and
    // WARDEN_RESOURCE, read by `Warden::from_env()`.
    let warden = Warden::builder()
        .hmac_secret(SECRET)
        .issuer(ISSUER)
        .protected_resource(RESOURCE)
        .build()?;
    let router = Router::new()
        .route("/mcp", post(mcp))
        .protected_resource_metadata(&warden)
        .with_state(warden);
    print!("{}", router.route_table().to_markdown());
    println!();
    let app: axum::Router = router.into();

    // 1. The client calls without a token; the challenge names the metadata.
    let (headers, _) = show(&app, call_mcp(None)?).await?;
    let challenge = headers.get("www-authenticate").ok_or("no challenge")?.to_str()?;
    let metadata_url = challenge
        .split("resource_metadata=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("no resource_metadata in the challenge")?;

    // 2. It fetches the metadata (here in-process, by its path).
    let path = metadata_url
        .strip_prefix("https://mcp.example.com")
        .ok_or("another host")?;
    let (_, metadata) = show(&app, http::Request::get(path).body(Body::empty())?).await?;
    println!(
        "the client asks {} for a token with scope {} for {}\n",
        metadata["authorization_servers"][0], metadata["scopes_supported"], metadata["resource"]
    );

    // 3. With a token from there that lacks the scope, it is refused (403); with the
    //    scope, it gets its answer.
    show(&app, call_mcp(Some(&format!("Bearer {}", token("profile")?)))?).await?;
    show(&app, call_mcp(Some(&format!("Bearer {}", token("mcp:tools")?)))?).await?;
    Ok(())
}
