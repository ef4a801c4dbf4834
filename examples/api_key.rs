//! Two schemes on the same routes: JWT bearer tokens and API keys in an `X-Api-Key` header.
//!
//! ```text
//! cargo run --example api_key
//! curl -i -H 'X-Api-Key: reader-key' http://127.0.0.1:3001/reports         # 200
//! curl -i -H 'X-Api-Key: reader-key' http://127.0.0.1:3001/admin           # 403
//! curl -i -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3001/reports  # 200 (the token it prints)
//! curl -i -H 'X-Api-Key: wrong' http://127.0.0.1:3001/admin                # 401, ApiKey realm="internal"
//! curl -i -H 'X-Api-Key: admin-key' -H "Authorization: Bearer $TOKEN" \
//!      http://127.0.0.1:3001/admin                                         # 400, two credentials
//! curl -i http://127.0.0.1:3001/admin                                      # 401, both challenges
//! ```
//!
//! The access attributes and the 401/403 answers are the same for both schemes; a request
//! without credentials is told about both (`WWW-Authenticate: Bearer realm="internal"` and
//! `WWW-Authenticate: ApiKey realm="internal"`), and one whose API key is refused is told
//! about API keys alone.

use std::collections::HashMap;

use axum::http::request::Parts;
use axum_warden::routing::get;
use axum_warden::{AuthError, Authenticator, Identity, Router, Scheme, TokenError, Warden, credentials, requires_role};

/// API keys and the service identities they stand for. A real application would keep
/// hashes in a database and compare them in constant time.
struct ApiKeys(HashMap<&'static str, (&'static str, &'static [&'static str])>);

impl Authenticator for ApiKeys {
    async fn authenticate(&self, parts: &Parts) -> Result<Identity, AuthError> {
        // None: not this scheme's request (another may claim it); two: 400, as for tokens.
        let key = credentials::single(parts.headers.get_all("x-api-key").iter().map(Some))?;
        let key = key
            .to_str()
            .map_err(|_| AuthError::InvalidToken(TokenError::Malformed))?;
        match self.0.get(key) {
            Some((service, roles)) => Ok(Identity::builder(*service).roles(roles.iter().copied()).build()),
            None => Err(AuthError::InvalidToken(TokenError::Rejected)),
        }
    }
}

/// Reports need the `reader` role.
#[requires_role("reader")]
async fn reports(caller: Identity) -> String {
    format!("reports for {}\n", caller.subject())
}

/// Administration needs `admin`.
#[requires_role("admin")]
async fn admin() -> &'static str {
    "admin area\n"
}

/// The demo's HMAC secret; a real application reads it from its configuration.
const SECRET: &[u8] = b"an example secret, 32 bytes long";

/// A JWT for `alice` with role `reader`, valid for an hour, to try the bearer scheme.
fn demo_token() -> Result<String, jsonwebtoken::errors::Error> {
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
        + 3600;
    let claims = serde_json::json!({ "sub": "alice", "roles": ["reader"], "exp": exp });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET)?,
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keys = ApiKeys(HashMap::from([
        ("reader-key", ("reporting-service", &["reader"][..])),
        ("admin-key", ("ops-console", &["reader", "admin"][..])),
    ]));
    let warden = Warden::builder()
        .hmac_secret(SECRET)
        .also_accept(Scheme::header("ApiKey", "x-api-key"), keys)
        .realm("internal")
        .build()?;
    let app: axum::Router = Router::new()
        .route("/reports", get(reports))
        .route("/admin", get(admin))
        .with_state(warden)
        .into();
    let addr = std::env::var("API_KEY_ADDR").unwrap_or_else(|_| "127.0.0.1:3001".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    println!("TOKEN={}", demo_token()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
