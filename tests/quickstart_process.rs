//! The quickstart as a user runs it: the compiled example, started as a process on a free
//! loopback port, spoken to over TCP.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

const SECRET: &str = "a quickstart test secret of at least 32 bytes";

/// Builds the example (a no-op after `cargo test` built it) and returns its path.
fn example_binary() -> std::path::PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", "quickstart", "--all-features"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the quickstart example failed");
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test> → target/<profile>/examples/quickstart
    exe.parent()
        .and_then(std::path::Path::parent)
        .expect("target layout")
        .join("examples")
        .join(format!("quickstart{}", std::env::consts::EXE_SUFFIX))
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the example on port 0 and reads the address it announces.
fn start(envs: &[(&str, &str)]) -> Server {
    let mut command = Command::new(example_binary());
    command
        .env_clear()
        .env("QUICKSTART_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "off");
    for (k, v) in envs {
        command.env(k, v);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("example starts");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(base) = line.strip_prefix("listening on ") {
                let base = base.split_whitespace().next().unwrap_or_default().to_owned();
                let _ = tx.send((base, lines.clone()));
            }
            lines.push(line);
        }
    });
    let (base, _output) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the example announces its address");
    Server { child, base }
}

fn mint(sub: &str, roles: &[&str], scope: &str) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs();
    let claims = json!({"sub": sub, "iss": "https://issuer.test", "aud": "quickstart-api", "exp": now + 600,
                        "roles": roles, "scope": scope});
    axum_warden::install_crypto_provider();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()).expect("a non-empty secret"),
    )
    .expect("signs")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_answers_over_tcp() {
    let server = start(&[
        ("WARDEN_JWT_SECRET", SECRET),
        ("WARDEN_ISSUER", "https://issuer.test"),
        ("WARDEN_AUDIENCE", "quickstart-api"),
        ("WARDEN_REALM", "quickstart"),
    ]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let base = &server.base;
    let admin = mint("ada", &["admin"], "orders:read");
    let editor = mint("eddie", &["editor"], "");
    let user = mint("uma", &[], "");
    let auditor = mint("otto", &["auditor", "admin"], "");

    let get = async |path: &str, token: Option<&str>| {
        let mut request = client.get(format!("{base}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    };
    let status = async |path: &str, token: Option<&str>| get(path, token).await.status().as_u16();

    assert_eq!(status("/health", None).await, 200);

    let anonymous = get("/me", None).await;
    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], r#"Bearer realm="quickstart""#);
    assert_eq!(anonymous.headers()["cache-control"], "no-store");
    let me: Value = get("/me", Some(&user)).await.json().await.expect("json");
    assert_eq!(me, json!({"subject": "uma", "roles": []}));
    let bad = get("/me", Some("not.a.token")).await;
    assert_eq!(
        bad.headers()["www-authenticate"],
        r#"Bearer realm="quickstart", error="invalid_token""#
    );

    assert_eq!(status("/admin", Some(&admin)).await, 200);
    assert_eq!(status("/admin", Some(&editor)).await, 403);
    assert_eq!(status("/admin", None).await, 401);

    let post = async |token: Option<&str>, body: &str| {
        let mut request = client
            .post(format!("{base}/articles"))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request").status().as_u16()
    };
    assert_eq!(post(Some(&editor), r#"{"title":"hello"}"#).await, 201);
    assert_eq!(post(Some(&admin), r#"{"title":"hello"}"#).await, 201);
    assert_eq!(post(Some(&user), r#"{"title":"hello"}"#).await, 403);
    // Anonymous with a broken body: the guard answers before the body is parsed.
    assert_eq!(post(None, "{not json").await, 401);

    assert_eq!(status("/articles/7", Some(&user)).await, 200);
    assert_eq!(status("/articles/not-a-number", None).await, 401);
    assert_eq!(status("/articles/7", None).await, 401);

    assert_eq!(status("/audit", None).await, 401);
    assert_eq!(status("/orders", None).await, 401);
    assert_eq!(status("/audit", Some(&admin)).await, 403);
    assert_eq!(status("/audit", Some(&auditor)).await, 200);

    assert_eq!(status("/orders", Some(&admin)).await, 200);
    let denied = get("/orders", Some(&editor)).await;
    assert_eq!(denied.status().as_u16(), 403);
    assert_eq!(
        denied.headers()["www-authenticate"],
        r#"Bearer realm="quickstart", error="insufficient_scope", scope="orders:read""#
    );
}

/// The example in demo mode (no key source), on port 0, with its stdout piped.
fn spawn_demo() -> Child {
    Command::new(example_binary())
        .env_clear()
        .env("QUICKSTART_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts")
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_mode_prints_tokens_that_work() {
    let mut child = spawn_demo();
    let stdout = child.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut output = Vec::new();
    let base = loop {
        assert!(Instant::now() < deadline, "no address announced");
        let line = lines.next().expect("output until the address");
        if let Some(rest) = line.strip_prefix("listening on ") {
            break rest.split_whitespace().next().expect("address").to_owned();
        }
        output.push(line);
    };
    let _server = Server {
        child,
        base: base.clone(),
    };
    let text = output.join("\n");
    assert!(text.contains("DEMO MODE"), "{text}");
    assert!(
        text.contains("| GET | /orders | scope: orders:read |"),
        "the table at startup: {text}"
    );
    let exported = |name: &str| {
        output
            .iter()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("an `export {name}=` line in {text}"))
            .to_owned()
    };
    let (admin, editor, user) = (
        exported("ADMIN_TOKEN"),
        exported("EDITOR_TOKEN"),
        exported("USER_TOKEN"),
    );
    // Valid for one hour, for the demo issuer and audience.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs();
    for token in [&admin, &editor, &user] {
        let payload = token.split('.').nth(1).expect("three segments");
        let claims: Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload).expect("base64url"),
        )
        .expect("json");
        let exp = claims["exp"].as_u64().expect("exp");
        assert!((now + 3500..=now + 3600).contains(&exp), "{claims}");
        assert_eq!(
            (claims["iss"].as_str(), claims["aud"].as_str()),
            (Some("warden-quickstart"), Some("quickstart-api"))
        );
    }
    let client = reqwest::Client::new();
    let status = async |path: &str, token: &str| {
        client
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    };
    assert_eq!(status("/admin", &admin).await, 200);
    assert_eq!(status("/admin", &editor).await, 403);
    assert_eq!(status("/me", &user).await, 200);
    assert!(text.contains(&format!("curl -i {base}/health")), "{text}");
    assert!(
        text.contains(&format!(
            r#"curl -i -H "Authorization: Bearer $EDITOR_TOKEN" {base}/admin"#
        )),
        "{text}"
    );
}

/// SIGTERM (what a process manager sends) stops the server cleanly: it says so and exits 0.
#[cfg(unix)]
#[test]
fn sigterm_stops_it_cleanly() {
    let mut child = spawn_demo();
    let mut lines = BufReader::new(child.stdout.take().expect("piped"))
        .lines()
        .map_while(Result::ok);
    assert!(
        lines.by_ref().any(|line| line.starts_with("listening on ")),
        "the example announces its address"
    );
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the example did not stop within 20 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    assert_eq!(lines.last().as_deref(), Some("stopped"));
}

/// A configuration mistake stops it at startup with the variable's name, before it listens.
#[cfg(unix)]
#[test]
fn a_bad_variable_is_named_at_startup() {
    use std::os::unix::ffi::OsStrExt as _;

    for (name, value) in [
        (
            "WARDEN_JWT_SECRET",
            std::ffi::OsStr::from_bytes(b"\xff not utf-8, but 32 bytes or more"),
        ),
        ("WARDEN_AUDIENCE", std::ffi::OsStr::new(",")),
    ] {
        let output = Command::new(example_binary())
            .env_clear()
            .env("QUICKSTART_ADDR", "127.0.0.1:0")
            .env("WARDEN_JWT_SECRET", SECRET)
            .env(name, value)
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&output.stdout).contains("listening on"),
            "{name}"
        );
    }
}

#[test]
fn routes_subcommand_prints_the_table() {
    let output = Command::new(example_binary())
        .args(["routes", "--format", "json"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let table: Value = serde_json::from_slice(&output.stdout).expect("json");
    let rows: Vec<(String, String, String)> = table
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["method"].as_str().expect("method").into(),
                r["path"].as_str().expect("path").into(),
                r["access"]["kind"].as_str().expect("kind").into(),
            )
        })
        .collect();
    let expect = |m: &str, p: &str, k: &str| (m.to_owned(), p.to_owned(), k.to_owned());
    assert_eq!(
        rows,
        [
            expect("GET", "/admin", "roles"),
            expect("POST", "/articles", "roles"),
            expect("GET", "/articles/{id}", "authenticated"),
            expect("GET", "/audit", "roles"),
            expect("GET", "/health", "public"),
            expect("GET", "/me", "authenticated"),
            expect("GET", "/orders", "scopes"),
        ]
    );
    assert_eq!(
        table[3]["access"],
        json!({"kind": "roles", "match": "all", "roles": ["admin", "auditor"]})
    );

    let markdown = Command::new(example_binary())
        .args(["routes", "--format", "markdown"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&markdown.stdout).contains("| GET | /orders | scope: orders:read |"));
    let wrong = Command::new(example_binary())
        .args(["routes", "--format", "yaml"])
        .output()
        .expect("runs");
    assert!(!wrong.status.success());
}

/// Log lines carry no colour codes when stdout is not a terminal (a pipe here, a log file
/// or a collector in production), and none when `NO_COLOR` is set.
#[tokio::test(flavor = "multi_thread")]
async fn logs_are_plain_text_when_not_at_a_terminal() {
    for no_color in [false, true] {
        let mut command = Command::new(example_binary());
        command
            .env_clear()
            .env("QUICKSTART_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "axum_warden=info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let mut child = command.spawn().expect("starts");
        let stdout = child.stdout.take().expect("piped");
        let (lines_tx, lines_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let next = || {
            lines_rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("output before the deadline")
        };
        let base = loop {
            let line = next();
            if let Some(rest) = line.strip_prefix("listening on ") {
                break rest.split_whitespace().next().expect("address").to_owned();
            }
        };
        let server = Server { child, base };
        let status = reqwest::get(format!("{}/me", server.base))
            .await
            .expect("request")
            .status();
        assert_eq!(status, 401);
        // The refusal is logged: find its line and look at it.
        let denied = loop {
            let line = next();
            if line.contains("request denied") {
                break line;
            }
        };
        assert!(
            !denied.contains('\u{1b}'),
            "colour codes in a piped log line: {denied:?}"
        );
        assert!(denied.contains("missing_credentials"), "{denied}");
    }
}
