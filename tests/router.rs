//! The deny-by-default router: rows for every registration, nesting, merging, layers,
//! renderers and the snapshot check.

mod harness;

use axum::body::Body;
use axum_warden::__private::Guard;
use axum_warden::routing::{any, delete, get, post};
use axum_warden::{Algorithm, Router};
use harness::{AdminPolicy, AuditPolicy, AuthPolicy, EditorsPolicy, OrdersPolicy, PublicPolicy, mint, send, warden};

fn rows(router: &Router<axum_warden::Warden>) -> Vec<(String, String, String)> {
    router
        .route_table()
        .rows()
        .iter()
        .map(|r| (r.method().to_string(), r.display_path(), r.requirement().to_string()))
        .collect()
}

fn row(method: &str, path: &str, access: &str) -> (String, String, String) {
    (method.to_owned(), path.to_owned(), access.to_owned())
}

fn api() -> Router<axum_warden::Warden> {
    Router::new()
        .route(
            "/articles",
            get(async |_: Guard<PublicPolicy>| "list").post(async |_: Guard<EditorsPolicy>| "created"),
        )
        .route("/articles/{id}", delete(async |_: Guard<AdminPolicy>| "deleted"))
}

#[tokio::test]
async fn nesting_and_merging_prefix_paths_and_keep_every_row() {
    let admin = Router::new().route("/", get(async |_: Guard<AuditPolicy>| "audit"));
    let router = Router::new()
        .route("/me", get(async |_: Guard<AuthPolicy>| "me"))
        .nest("/api/v1", api())
        .nest("/audit", admin)
        .merge(Router::new().route("/orders", post(async |_: Guard<OrdersPolicy>| "ordered")))
        .route("/echo", any(async |_: Guard<PublicPolicy>| "echo"))
        .layer(tower_http_free_layer())
        .route_layer(tower_http_free_layer());
    assert_eq!(
        rows(&router),
        [
            row("GET", "/api/v1/articles", "public"),
            row("POST", "/api/v1/articles", "any role: editor, admin"),
            row("DELETE", "/api/v1/articles/{id}", "role: admin"),
            row("GET", "/audit", "all roles: admin, auditor"),
            row("ANY", "/echo", "public"),
            row("GET", "/me", "authenticated"),
            row("POST", "/orders", "scope: orders:read"),
        ]
    );

    // The table describes what the router does.
    let app: axum::Router = router.with_state(warden(Algorithm::HS256)).into();
    let editor = format!("Bearer {}", mint(Algorithm::HS256, &["editor"]));
    let request = |method: &str, path: &str, auth: Option<&str>| {
        let mut r = http::Request::builder().method(method).uri(path);
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.body(Body::empty()).expect("request")
    };
    assert_eq!(send(&app, request("GET", "/api/v1/articles", None)).await.status, 200);
    assert_eq!(send(&app, request("POST", "/api/v1/articles", None)).await.status, 401);
    assert_eq!(
        send(&app, request("POST", "/api/v1/articles", Some(&editor)))
            .await
            .status,
        200
    );
    assert_eq!(
        send(&app, request("DELETE", "/api/v1/articles/7", Some(&editor)))
            .await
            .status,
        403
    );
    assert_eq!(send(&app, request("GET", "/audit", Some(&editor))).await.status, 403);
    assert_eq!(send(&app, request("PUT", "/echo", None)).await.status, 200);
}

/// A middleware from tower itself, so the test depends on no extra crate.
fn tower_http_free_layer() -> tower::layer::util::Identity {
    tower::layer::util::Identity::new()
}

#[test]
fn json_has_the_documented_schema() {
    let table = api().route_table();
    let expected = serde_json::json!([
        {"method": "GET", "path": "/articles", "handler": "PublicPolicy", "access": {"kind": "public"}},
        {"method": "POST", "path": "/articles", "handler": "EditorsPolicy",
         "access": {"kind": "roles", "match": "any", "roles": ["editor", "admin"]}},
        {"method": "DELETE", "path": "/articles/{id}", "handler": "AdminPolicy",
         "access": {"kind": "roles", "match": "any", "roles": ["admin"]}},
    ]);
    let json = table.to_json();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).expect("json"),
        expected
    );
    // Field order is part of the contract: tools diff the text.
    let first = json.find("\"method\"").expect("method");
    let order = ["\"path\"", "\"handler\"", "\"access\""].map(|f| json[first..].find(f).expect("field"));
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{json}");
    assert!(json.ends_with("]\n"));
    let scopes = Router::<axum_warden::Warden>::new()
        .route("/o", get(async |_: Guard<OrdersPolicy>| ""))
        .route_table()
        .to_json();
    assert!(
        scopes.contains(
            r#""access": {
      "kind": "scopes",
      "match": "any",
      "scopes": [
        "orders:read"
      ]
    }"#
        ),
        "{scopes}"
    );
}

#[test]
fn markdown_is_one_row_per_method_and_path() {
    let md = api().route_table().to_markdown();
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines[0], "| Method | Path | Access | Handler |");
    assert_eq!(lines.len(), 5);
    assert!(
        lines[3].starts_with("| POST | /articles | any role: editor, admin | `"),
        "{md}"
    );
    assert!(
        lines[4].starts_with("| DELETE | /articles/{id} | role: admin |"),
        "{md}"
    );
}

#[test]
fn snapshot_check_reports_a_diff_and_rewrites_on_request() {
    let dir = std::env::temp_dir().join(format!("warden-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("routes.md");
    let table = api().route_table();

    // In the child process started below: the variable asks for a rewrite.
    if let Ok(target) = std::env::var("WARDEN_TEST_SNAPSHOT_TARGET") {
        table.assert_snapshot(target);
        return;
    }

    let missing = table.check_snapshot(&path).expect_err("missing").to_string();
    assert!(missing.contains("WARDEN_UPDATE_SNAPSHOTS=1"), "{missing}");

    std::fs::write(&path, table.to_markdown().replace("role: admin", "public")).expect("write");
    let changed = table.check_snapshot(&path).expect_err("changed").to_string();
    assert!(changed.contains("-| DELETE | /articles/{id} | public |"), "{changed}");
    assert!(
        changed.contains("+| DELETE | /articles/{id} | role: admin |"),
        "{changed}"
    );

    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "snapshot_check_reports_a_diff_and_rewrites_on_request",
            "--nocapture",
        ])
        .env("WARDEN_UPDATE_SNAPSHOTS", "1")
        .env("WARDEN_TEST_SNAPSHOT_TARGET", &path)
        .status()
        .expect("child runs");
    assert!(status.success());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), table.to_markdown());
    table.check_snapshot(&path).expect("matches after the rewrite");

    let json_path = dir.join("routes.json");
    std::fs::write(&json_path, table.to_json()).expect("write");
    table.check_snapshot(&json_path).expect("json snapshot matches");
}

#[test]
fn a_json_snapshot_check_reports_who_gains_and_loses_each_route() {
    let dir = std::env::temp_dir().join(format!("warden-snapshot-review-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("routes.json");
    let table = api().route_table();

    // The committed table: creating articles was for admins only, deleting one was public.
    let mut committed: serde_json::Value = serde_json::from_str(&table.to_json()).expect("the table is JSON");
    for route in committed.as_array_mut().expect("an array of routes") {
        match (route["method"].as_str(), route["path"].as_str()) {
            (Some("POST"), Some("/articles")) => route["access"]["roles"] = serde_json::json!(["admin"]),
            (Some("DELETE"), Some("/articles/{id}")) => route["access"] = serde_json::json!({"kind": "public"}),
            _ => {}
        }
    }
    std::fs::write(&path, serde_json::to_string_pretty(&committed).expect("JSON")).expect("write");
    let changed = table.check_snapshot(&path).expect_err("changed").to_string();
    let loosened = changed
        .find("| **loosened** | `POST /articles` | `")
        .unwrap_or_else(|| panic!("{changed}"));
    assert!(
        changed.contains("| role: admin | any role: editor, admin | editor |  |"),
        "{changed}"
    );
    let tightened = changed
        .find("| tightened | `DELETE /articles/{id}` | `")
        .unwrap_or_else(|| panic!("{changed}"));
    assert!(
        changed.contains("| public | role: admin |  | anyone, without credentials |"),
        "{changed}"
    );
    assert!(loosened < tightened, "most severe first: {changed}");
    assert!(changed.contains("WARDEN_UPDATE_SNAPSHOTS=1"), "{changed}");

    // A file that is not a route table: the lines themselves.
    std::fs::write(&path, "not a table\n").expect("write");
    let changed = table.check_snapshot(&path).expect_err("changed").to_string();
    assert!(changed.contains("-not a table"), "{changed}");
}
