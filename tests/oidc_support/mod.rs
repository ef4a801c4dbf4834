//! The real OpenID provider of `tests/oidc/provider.mjs` (the `oidc-provider` npm
//! package on a loopback port), started and driven by the tests that need it
//! (`tests/oidc_provider.rs`, `tests/introspection.rs`).
#![allow(dead_code, unreachable_pub)] // each test uses its part

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

/// The resource indicator, and so the audience, of the access tokens.
pub const RESOURCE: &str = "https://orders.api.test/";
pub const CLIENT_ID: &str = "warden-test";
pub const CLIENT_SECRET: &str = "warden-test-secret-for-loopback-tests-only";
/// The API's own client, which may introspect tokens.
pub const API_ID: &str = "warden-api";
pub const API_SECRET: &str = "warden-api-secret-for-loopback-tests-only";

pub fn script_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Installs the provider's npm packages on first use, so that the README's test command
/// works on a fresh clone; `scripts/install-test-deps` does the same ahead of time.
fn install_provider(dir: &Path) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let installed = |package: &str| dir.join("node_modules").join(package).join("package.json").is_file();
        if installed("oidc-provider") && installed("oauth4webapi") {
            return;
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-test-deps");
        let status = Command::new("bash").arg(&script).status();
        assert!(
            matches!(status, Ok(s) if s.success()),
            "installing the OpenID provider with `{}` failed ({status:?}); it needs node >= 20.19, npm and the npm registry",
            script.display()
        );
    });
    assert!(
        dir.join("node_modules/oidc-provider/package.json").is_file(),
        "{}/node_modules is missing: run `scripts/install-test-deps`",
        dir.display()
    );
}

/// A running provider; killed when dropped.
pub struct Provider {
    child: Child,
    pub issuer: String,
    stderr: mpsc::Receiver<String>,
}

impl Provider {
    /// Starts the provider on `port` with signing keys `keys` (the first signs), keeping
    /// its keys in `state` across restarts.
    pub fn start(port: u16, state: &Path, keys: &str) -> Self {
        Self::start_with(port, state, keys, &[])
    }

    /// [`start`](Self::start) with more arguments for provider.mjs.
    pub fn start_with(port: u16, state: &Path, keys: &str, more: &[&str]) -> Self {
        let dir = script_dir();
        install_provider(&dir);
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .args(["--port", &port.to_string(), "--keys", keys, "--resource", RESOURCE])
            .args(more)
            .arg("--state")
            .arg(state)
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `node` (Node.js >= 20.19 is needed by this test): {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (ready_tx, ready) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("listening on ") {
                    let _ = ready_tx.send(());
                }
            }
        });
        let (err_tx, err_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = err_tx.send(line);
            }
        });
        let mut provider = Self {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
            stderr: err_rx,
        };
        if tokio::task::block_in_place(|| ready.recv_timeout(Duration::from_secs(15))).is_err() {
            let log: Vec<String> = provider.stderr.try_iter().collect();
            provider.stop();
            panic!("the provider did not start:\n{}", log.join("\n"));
        }
        provider
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A JWT access token for RESOURCE through the client credentials grant.
    pub async fn access_token(&self) -> String {
        self.token_for("https%3A%2F%2Forders.api.test%2F").await
    }

    /// An opaque access token with the audience RESOURCE (resource indicator
    /// RESOURCE + "opaque"), which only introspection can judge.
    pub async fn opaque_token(&self) -> String {
        let token = self.token_for("https%3A%2F%2Forders.api.test%2Fopaque").await;
        assert_eq!(token.matches('.').count(), 0, "opaque: {token}");
        token
    }

    /// An access token for the (form-encoded) resource indicator `resource`.
    async fn token_for(&self, resource: &str) -> String {
        let client = reqwest::Client::new();
        let body = format!("grant_type=client_credentials&scope=orders%3Aread&resource={resource}");
        let response = client
            .post(format!("{}/token", self.issuer))
            .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("token endpoint answers");
        let status = response.status();
        let answer: Value = response.json().await.expect("json");
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["token_type"], "Bearer", "{answer}");
        answer["access_token"].as_str().expect("access_token").to_owned()
    }
}

impl Provider {
    /// Makes the provider send its back-channel logout token for session `sid` of `sub` to
    /// the `warden-web` client (started with `--logout-uri`); whether that client took it.
    pub async fn back_channel_logout(&self, sub: &str, sid: &str) -> Value {
        reqwest::Client::new()
            // The test's own values: letters, digits and dashes, nothing to encode.
            .post(format!("{}/__logout?sub={sub}&sid={sid}", self.issuer))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("the provider answers")
            .json()
            .await
            .expect("json")
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Provider {
    /// How many requests the provider has received (its `/__requests` counter, which does
    /// not count itself).
    pub async fn requests(&self) -> u64 {
        self.count("").await
    }

    /// How many requests to `path` the provider has received.
    pub async fn requests_to(&self, path: &str) -> u64 {
        self.count(&format!("?path={path}")).await
    }

    async fn count(&self, query: &str) -> u64 {
        let answer: Value = reqwest::get(format!("{}/__requests{query}", self.issuer))
            .await
            .expect("the counter answers")
            .json()
            .await
            .expect("json");
        answer["count"].as_u64().expect("a count")
    }

    /// Revokes `token` at the provider (RFC 7009), as the client it was issued to.
    pub async fn revoke(&self, token: &str) {
        let response = reqwest::Client::new()
            .post(format!("{}/token/revocation", self.issuer))
            .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("token={token}&token_type_hint=access_token"))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("revocation endpoint answers");
        assert_eq!(response.status(), 200, "revoked");
    }
}

pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.local_addr().expect("address").port()
}

/// A scratch directory for the provider's keys, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("warden-oidc-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
