//! An in-process JWKS and OpenID discovery server on loopback, with a fetch counter and
//! switches to rotate keys, hang, or stop; and tokens minted by the test kit, signed by a
//! test key under any `kid`.
#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_warden::testing::TokenBuilder;
use axum_warden::{Algorithm, Warden, WardenBuilder};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::EncodingKey;
use jsonwebtoken::jwk::Jwk;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::harness;

/// A signing key: the test kit's RSA and P-256 keys, and a second RSA key the kit does
/// not have ([`harness::rsa2_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKey {
    Rsa1,
    Rsa2,
    Ec256,
}

impl TestKey {
    pub fn algorithm(self) -> Algorithm {
        match self {
            Self::Rsa1 | Self::Rsa2 => Algorithm::RS256,
            Self::Ec256 => Algorithm::ES256,
        }
    }

    fn rsa2() -> EncodingKey {
        axum_warden::install_crypto_provider();
        EncodingKey::from_rsa_pem(&harness::rsa2_key()).expect("rsa key")
    }

    /// The public JWK of this key under `kid`.
    pub fn jwk(self, kid: &str) -> Value {
        if self == Self::Rsa2 {
            let mut jwk = Jwk::from_encoding_key(&Self::rsa2(), harness::jwt_alg(self.algorithm())).expect("jwk");
            jwk.common.key_id = Some(kid.to_owned());
            return serde_json::to_value(jwk).expect("json");
        }
        harness::issuer(self.algorithm()).public_jwk(kid).expect("a public key")
    }

    /// A valid token for `/me` and `/admin` (subject [`harness::SUBJECT`], roles `admin`),
    /// changed by `token`, with `kid` in its header, signed by this key.
    pub fn sign(self, kid: &str, token: impl for<'a> FnOnce(TokenBuilder<'a>) -> TokenBuilder<'a>) -> String {
        let issuer = harness::issuer(self.algorithm());
        let minted = token(issuer.token().subject(harness::SUBJECT).roles(["admin"]).key_id(kid)).sign();
        if self != Self::Rsa2 {
            return minted;
        }
        // The same header and claims, signed by the key the kit does not have.
        let (message, _) = minted.rsplit_once('.').expect("three segments");
        let signature =
            jsonwebtoken::crypto::sign(message.as_bytes(), &Self::rsa2(), harness::jwt_alg(self.algorithm()))
                .expect("signs");
        format!("{message}.{signature}")
    }

    /// A valid token for `/me` and `/admin` (roles `admin`), signed under `kid`.
    pub fn token(self, kid: &str) -> String {
        self.sign(kid, |token| token)
    }
}

/// A token whose header names `kid` and whose signature is garbage: what an attacker
/// probing with made-up key ids sends.
pub fn forged_token(kid: &str) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let valid = harness::mint(Algorithm::RS256, &["admin"]);
    let claims = valid.split('.').nth(1).expect("three segments");
    format!(
        "{}.{claims}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode([7u8; 256])
    )
}

/// A JWKS document of `keys`.
pub fn key_set(keys: &[(TestKey, &str)]) -> Value {
    json!({"keys": keys.iter().map(|(key, kid)| key.jwk(kid)).collect::<Vec<_>>()})
}

/// A builder for a warden that fetches this server's JWKS and checks the issuer and
/// audience of the suite's tokens.
pub fn warden_for(url: &str) -> WardenBuilder {
    Warden::builder()
        .jwks_url(url)
        .issuer(harness::ISSUER)
        .audience(harness::AUDIENCE)
}

struct Shared {
    jwks: Mutex<Value>,
    issuer: Mutex<Option<String>>,
    cache_control: Mutex<Option<String>>,
    fetches: AtomicUsize,
    discoveries: AtomicUsize,
    hang: AtomicBool,
}

/// The server. Serves `GET /jwks` and `GET /.well-known/openid-configuration`.
pub struct KeyServer {
    pub base: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl KeyServer {
    /// Starts serving `keys` on 127.0.0.1 at a free port.
    pub async fn start(keys: &[(TestKey, &str)]) -> Self {
        let shared = Arc::new(Shared {
            jwks: Mutex::new(key_set(keys)),
            issuer: Mutex::new(None),
            cache_control: Mutex::new(None),
            fetches: AtomicUsize::new(0),
            discoveries: AtomicUsize::new(0),
            hang: AtomicBool::new(false),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let app = axum::Router::new()
            .route("/jwks", get(jwks))
            .route("/.well-known/openid-configuration", get(discovery))
            .with_state((Arc::clone(&shared), base.clone()));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .expect("serve");
        });
        Self {
            base,
            shared,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    pub fn jwks_url(&self) -> String {
        format!("{}/jwks", self.base)
    }

    /// How many times the JWKS was requested.
    pub fn fetches(&self) -> usize {
        self.shared.fetches.load(Ordering::SeqCst)
    }

    /// How many times the discovery document was requested.
    pub fn discoveries(&self) -> usize {
        self.shared.discoveries.load(Ordering::SeqCst)
    }

    /// Publishes another key set from now on.
    pub fn publish(&self, keys: &[(TestKey, &str)]) {
        *self.shared.jwks.lock().expect("lock") = key_set(keys);
    }

    /// Publishes this JWKS document as it is.
    pub fn publish_document(&self, document: Value) {
        *self.shared.jwks.lock().expect("lock") = document;
    }

    /// Makes every JWKS request hang (or answer again).
    pub fn hang(&self, hang: bool) {
        self.shared.hang.store(hang, Ordering::SeqCst);
    }

    /// Sends `Cache-Control: value` with the JWKS.
    pub fn cache_control(&self, value: &str) {
        *self.shared.cache_control.lock().expect("lock") = Some(value.to_owned());
    }

    /// Makes the discovery document name `issuer` (by default its own base URL).
    pub fn discovery_issuer(&self, issuer: &str) {
        *self.shared.issuer.lock().expect("lock") = Some(issuer.to_owned());
    }

    /// Stops listening and closes every connection: the provider is down.
    pub async fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task).await.is_err() {
                abort.abort();
            }
        }
    }
}

type ServerState = (Arc<Shared>, String);

async fn jwks(State((shared, _)): State<ServerState>) -> Response {
    shared.fetches.fetch_add(1, Ordering::SeqCst);
    if shared.hang.load(Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    let body = shared.jwks.lock().expect("lock").to_string();
    let cache_control = shared.cache_control.lock().expect("lock").clone();
    let mut response = ([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Some(value) = cache_control {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, value.parse().expect("header value"));
    }
    response
}

async fn discovery(State((shared, base)): State<ServerState>) -> axum::Json<Value> {
    shared.discoveries.fetch_add(1, Ordering::SeqCst);
    let issuer = shared
        .issuer
        .lock()
        .expect("lock")
        .clone()
        .unwrap_or_else(|| base.clone());
    axum::Json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{base}/jwks"),
        "token_endpoint": format!("{base}/token"),
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

/// A loopback URL where nothing listens.
pub async fn closed_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}/jwks")
}
