//! The quickstart's effective permissions and access invariants: which invariants hold for
//! it, and a deliberately broken router that fails each one with its message.

#[path = "../examples/quickstart/routes.rs"]
#[allow(dead_code, unreachable_pub)]
mod quickstart;

use axum::http::request::Parts;
use axum_warden::permissions::{Condition, Subject, Via};
use axum_warden::routing::{any, delete, get, post};
use axum_warden::{
    AccessPolicy, Decision, Identity, Invariant, NoState, RoleHierarchy, Router, Warden, public, requires_auth,
    requires_policy, requires_role,
};

#[test]
fn quickstart_matrix() {
    let matrix = quickstart::routes()
        .route_table()
        .effective_permissions(&RoleHierarchy::new());
    let reach = |subject: Subject| -> Vec<String> {
        matrix
            .subject(&subject)
            .expect("a subject")
            .grants()
            .iter()
            .map(|g| format!("{} {}", g.method(), g.path()))
            .collect()
    };
    assert_eq!(reach(Subject::Anonymous), ["GET /health"]);
    assert_eq!(
        reach(Subject::Authenticated),
        ["GET /articles/{id}", "GET /health", "GET /me"]
    );
    assert_eq!(
        reach(Subject::Role("admin".into())),
        [
            "GET /admin",
            "POST /articles",
            "GET /articles/{id}",
            "GET /audit",
            "GET /health",
            "GET /me"
        ]
    );
    assert_eq!(
        reach(Subject::Scope("orders:read".into())),
        ["GET /articles/{id}", "GET /health", "GET /me", "GET /orders"]
    );
    let auditor = matrix.subject(&Subject::Role("auditor".into())).expect("auditor");
    let audit = auditor.grants().iter().find(|g| g.path() == "/audit").expect("/audit");
    assert_eq!(audit.via(), &Via::Role("auditor".into()));
    assert!(audit.is_conditional());
    assert!(matches!(&audit.conditions()[0], Condition::Roles { names, .. } if names == &["admin"]));

    let json: serde_json::Value = serde_json::from_str(&matrix.to_json()).expect("json");
    let keys: Vec<&str> = json["subjects"]
        .as_array()
        .expect("subjects")
        .iter()
        .map(|s| s["subject"].as_str().expect("key"))
        .collect();
    assert_eq!(
        keys,
        [
            "anonymous",
            "authenticated",
            "role:admin",
            "role:auditor",
            "role:editor",
            "scope:orders:read"
        ]
    );
    let page = matrix.to_html();
    assert_eq!(page.matches("<tr class=\"grant").count(), 22);
    assert!(page.contains("<option value=\"scope:orders:read\">scope `orders:read` (4)</option>"));
}

/// The invariants the quickstart keeps, with the one route it lets off on purpose: any
/// signed-in caller reads any article, so `GET /articles/{id}` needs no ownership policy.
fn quickstart_invariants() -> Vec<Invariant> {
    vec![
        Invariant::under("/admin").requires_role("admin", &RoleHierarchy::new()),
        Invariant::under("/audit").requires_role("auditor", &RoleHierarchy::new()),
        Invariant::no_public_unsafe_methods(),
        Invariant::path_parameters_have_policy().except(["GET /articles/{id}"]),
    ]
}

#[test]
fn quickstart_keeps_its_invariants() {
    let table = quickstart::routes().route_table();
    table
        .check_invariants(&quickstart_invariants())
        .expect("the quickstart keeps them");
    // Without the exception the article route is named.
    let err = table
        .check_invariants(&[Invariant::path_parameters_have_policy()])
        .expect_err("GET /articles/{id} has no policy");
    assert_eq!(
        err.to_string(),
        "1 access invariant of the route table does not hold:\n\
         - every guarded route with a path parameter has a `#[requires_policy]` policy\n    \
         GET /articles/{id} (authenticated) `effective_permissions::quickstart::article`"
    );
}

struct OwnsOrder;
impl AccessPolicy for OwnsOrder {
    type State = NoState;
    async fn check(_: &Identity, _: &mut Parts, _: &NoState) -> Decision {
        Decision::Allow
    }
}

#[public]
async fn login() {}
#[public]
async fn webhook() {}
#[requires_auth]
async fn admin_stats() {}
#[requires_role("superadmin")]
async fn admin_users() {}
#[requires_role("editor")]
async fn delete_order() {}
#[requires_policy(OwnsOrder)]
async fn order() {}

/// The quickstart with three mistakes a review would catch: an administration route any
/// signed-in caller reaches, a public route that takes any method, and a route by id
/// without an ownership policy.
fn broken() -> Router<Warden> {
    quickstart::routes()
        .route("/login", post(login))
        .route("/hooks/{name}", any(webhook))
        .route("/admin/stats", get(admin_stats))
        .route("/admin/users", get(admin_users))
        .route("/orders/{id}", delete(delete_order).get(order))
}

#[test]
fn a_broken_router_fails_each_invariant_with_its_routes() {
    let hierarchy = RoleHierarchy::new().role("superadmin", ["admin"]);
    let invariants = [
        Invariant::under("/admin").requires_role("admin", &hierarchy),
        Invariant::no_public_unsafe_methods().except(["POST /login", "POST /logout"]),
        Invariant::path_parameters_have_policy().except(["GET /articles/{id}"]),
    ];
    let err = broken()
        .route_table()
        .check_invariants(&invariants)
        .expect_err("three broken");
    let module = "effective_permissions";
    assert_eq!(
        err.to_string(),
        format!(
            "3 access invariants of the route table do not hold:\n\
             - every route under `/admin` requires role `admin` or one that includes it (`superadmin`)\n    \
             GET /admin/stats (authenticated) `{module}::admin_stats`\n\
             - no public route accepts an unsafe method (anything but GET, HEAD, OPTIONS, TRACE)\n    \
             ANY /hooks/{{name}} (public) `{module}::webhook`\n    \
             exception `POST /logout` lets off no route that breaks it; remove it\n\
             - every guarded route with a path parameter has a `#[requires_policy]` policy\n    \
             DELETE /orders/{{id}} (role: editor) `{module}::delete_order`"
        )
    );
    let failures = err.failures();
    assert_eq!(failures[1].violations()[0].route(), "ANY /hooks/{name}");
    assert_eq!(failures[1].unused_exceptions(), ["POST /logout"]);
    assert_eq!(failures[2].violations()[0].access(), "role: editor");
}

/// `docs/review.md` shows the quickstart's matrix as the example prints it; it must not
/// fall behind the routes.
#[test]
fn the_review_chapter_shows_the_current_matrix() {
    let markdown = quickstart::routes()
        .route_table()
        .effective_permissions(&RoleHierarchy::new())
        .to_markdown()
        .replace("effective_permissions::quickstart::", "quickstart::routes::");
    let body = markdown
        .split_once('\n')
        .map_or("", |(_, rest)| rest)
        .trim_start_matches('\n')
        .replace("\n## ", "\n### ");
    let body = format!("#{body}");
    let chapter = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/review.md")).expect("the chapter");
    let start = "<!-- the quickstart's matrix: tests/effective_permissions.rs checks it against the code -->\n";
    let shown = chapter
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once("\n<!-- end of the quickstart's matrix -->"))
        .map(|(shown, _)| shown)
        .expect("the matrix markers");
    assert_eq!(
        shown,
        body.trim_end(),
        "update docs/review.md from `cargo run --example quickstart -- permissions`"
    );
}
