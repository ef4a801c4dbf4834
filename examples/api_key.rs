//! A custom identity source: API keys in an `X-Api-Key` header instead of JWTs.
//!
//! ```text
//! cargo run --example api_key
//! curl -i -H 'X-Api-Key: reader-key' http://127.0.0.1:3001/reports   # 200
//! curl -i -H 'X-Api-Key: reader-key' http://127.0.0.1:3001/admin     # 403
//! curl -i http://127.0.0.1:3001/admin                                # 401
//! ```
//!
//! The access attributes and the 401/403 answers are the same as for bearer tokens; only
//! where the identity comes from changes.

use std::collections::HashMap;

use axum::http::request::Parts;
use axum_warden::routing::get;
use axum_warden::{AuthError, Authenticator, Identity, Router, TokenError, Warden, requires_role};

/// API keys and the service identities they stand for. A real application would keep
/// hashes in a database and compare them in constant time.
struct ApiKeys(HashMap<&'static str, (&'static str, &'static [&'static str])>);

impl Authenticator for ApiKeys {
    async fn authenticate(&self, parts: &Parts) -> Result<Identity, AuthError> {
        let Some(key) = parts.headers.get("x-api-key") else {
            return Err(AuthError::MissingCredentials);
        };
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

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keys = ApiKeys(HashMap::from([
        ("reader-key", ("reporting-service", &["reader"][..])),
        ("admin-key", ("ops-console", &["reader", "admin"][..])),
    ]));
    let warden = Warden::builder().authenticator(keys).realm("internal").build()?;
    let app: axum::Router = Router::new()
        .route("/reports", get(reports))
        .route("/admin", get(admin))
        .with_state(warden)
        .into();
    let addr = std::env::var("API_KEY_ADDR").unwrap_or_else(|_| "127.0.0.1:3001".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
