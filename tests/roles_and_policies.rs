//! Declared roles, the role hierarchy, route policies, per-object checks and the role
//! presets of common providers, over real signed tokens.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::extract::{FromRef, FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_warden::routing::{delete, get};
use axum_warden::testing::{TestIssuer, assert_allowed, assert_forbidden, assert_unauthorized};
use axum_warden::{
    AccessPolicy, Algorithm, ConfigError, Decision, Denied, Identity, NoState, RoleHierarchy, RoleSource, Roles,
    Router, Warden, requires_auth, requires_policy, requires_role,
};
use http::request::Parts;
use http_body_util::BodyExt as _;
use serde_json::json;
use tower::ServiceExt as _;

/// The roles of a publishing app, with a diamond: admin includes editor and reviewer,
/// both include viewer.
#[derive(Clone, Copy, Debug, Roles)]
#[allow(dead_code)] // variants are named in attributes, not constructed
enum Role {
    #[role(includes(Editor, Reviewer))]
    Admin,
    #[role(includes(Viewer))]
    Editor,
    #[role(includes(Viewer))]
    Reviewer,
    Viewer,
    #[role("billing-admin")]
    Billing,
}

#[requires_role(Role::Viewer)]
async fn read_articles() -> &'static str {
    "articles"
}

#[requires_role(Role::Reviewer)]
async fn review_queue() -> &'static str {
    "queue"
}

#[requires_role(all(Role::Editor, Role::Reviewer))]
async fn approve() -> &'static str {
    "approved"
}

#[requires_role(any(Role::Billing, "finance"))]
async fn invoices() -> &'static str {
    "invoices"
}

fn typed_routes() -> Router<Warden> {
    Router::new()
        .route("/articles", get(read_articles))
        .route("/review", get(review_queue))
        .route("/approve", get(approve))
        .route("/invoices", get(invoices))
}

async fn call(app: &axum::Router, method: &str, path: &str, bearer: Option<&str>) -> Response {
    let mut request = http::Request::builder().method(method).uri(path);
    if let Some(token) = bearer {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    app.clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("infallible")
}

async fn body(response: Response) -> Vec<u8> {
    response.into_body().collect().await.expect("body").to_bytes().to_vec()
}

#[test]
fn the_derive_declares_names_and_the_hierarchy() {
    assert_eq!(Role::NAMES, ["admin", "editor", "reviewer", "viewer", "billing-admin"]);
    assert_eq!(Role::Billing.name(), "billing-admin");
    let hierarchy = Role::hierarchy();
    assert_eq!(
        hierarchy.roles_granting("viewer"),
        ["viewer", "editor", "reviewer", "admin"]
    );
    assert_eq!(hierarchy.roles_granting("billing-admin"), ["billing-admin"]);
}

#[tokio::test]
async fn typed_roles_and_the_diamond_hierarchy_grant_and_deny() {
    let issuer = TestIssuer::new(Algorithm::ES256);
    let warden = issuer
        .warden_builder()
        .role_hierarchy(Role::hierarchy())
        .build()
        .expect("valid configuration");
    let app: axum::Router = typed_routes().with_state(warden).into();
    let token = |roles: &[&str]| issuer.token().roles(roles.iter().copied()).sign();

    // (roles held, path, allowed)
    let cases: &[(&[&str], &str, bool)] = &[
        (&["admin"], "/articles", true),
        (&["admin"], "/review", true),
        (&["admin"], "/approve", true), // editor and reviewer, both through admin
        (&["admin"], "/invoices", false),
        (&["editor"], "/articles", true),
        (&["editor"], "/review", false),
        (&["editor"], "/approve", false),
        (&["reviewer"], "/articles", true),
        (&["reviewer"], "/approve", false),
        (&["editor", "reviewer"], "/approve", true),
        (&["viewer"], "/articles", true),
        (&["viewer"], "/review", false),
        (&["Admin"], "/articles", false), // case-sensitive
        (&["billing-admin"], "/invoices", true),
        (&["billing-admin"], "/articles", false),
        (&["finance"], "/invoices", true),
        (&[], "/articles", false),
    ];
    for (roles, path, allowed) in cases {
        let response = call(&app, "GET", path, Some(&token(roles))).await;
        let expected = if *allowed {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(response.status(), expected, "{roles:?} on {path}");
        if !allowed {
            assert_forbidden(&response, None);
        }
    }
    assert_unauthorized(&call(&app, "GET", "/articles", None).await);
}

#[tokio::test]
async fn without_a_hierarchy_roles_stand_for_themselves() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    let app: axum::Router = typed_routes().with_state(issuer.warden()).into();
    let admin = issuer.token().roles(["admin"]).sign();
    assert_eq!(
        call(&app, "GET", "/articles", Some(&admin)).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_hierarchy_shows_in_identities_and_applies_to_custom_authenticators() {
    struct Header;
    impl axum_warden::Authenticator for Header {
        async fn authenticate(&self, parts: &Parts) -> Result<Identity, axum_warden::AuthError> {
            match parts.headers.get("x-role").and_then(|v| v.to_str().ok()) {
                Some(role) => Ok(Identity::builder("svc").roles([role]).build()),
                None => Err(axum_warden::AuthError::MissingCredentials),
            }
        }
    }
    let hierarchy = RoleHierarchy::new()
        .role("admin", ["editor"])
        .role("editor", ["viewer"]);
    let warden = Warden::builder()
        .authenticator(Header)
        .role_hierarchy(hierarchy)
        .build()
        .expect("valid configuration");
    let (parts, ()) = http::Request::get("/")
        .header("x-role", "admin")
        .body(())
        .expect("request")
        .into_parts();
    let identity = warden.authenticate(&parts).await.expect("authenticated");
    assert_eq!(identity.roles(), ["admin", "editor", "viewer"]);
    assert!(identity.holds(Role::Viewer));
}

#[test]
fn cyclic_hierarchies_are_refused_at_startup() {
    let cycle = RoleHierarchy::new()
        .role("admin", ["editor"])
        .role("editor", ["reviewer"])
        .role("reviewer", ["admin"]);
    let err = TestIssuer::new(Algorithm::HS256)
        .warden_builder()
        .role_hierarchy(cycle)
        .build()
        .expect_err("a cycle");
    assert!(matches!(err, ConfigError::RoleHierarchy(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "role_hierarchy: the role hierarchy has a cycle: admin includes editor includes reviewer includes admin"
    );
}

#[test]
fn the_route_table_shows_which_roles_satisfy_each_rule() {
    let table = typed_routes().route_table().with_role_hierarchy(&Role::hierarchy());
    let markdown = table.to_markdown();
    assert!(
        markdown.starts_with("| Method | Path | Access | Satisfied by | Handler |\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "| GET | /approve | all roles: editor, reviewer | editor: editor, admin; reviewer: reviewer, admin |"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("| GET | /articles | role: viewer | viewer: viewer, editor, reviewer, admin |"),
        "{markdown}"
    );
    let json: serde_json::Value = serde_json::from_str(&table.to_json()).expect("json");
    let invoices = json
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["path"] == "/invoices")
        .expect("invoices row");
    assert_eq!(
        invoices["access"],
        json!({
            "kind": "roles",
            "match": "any",
            "roles": ["billing-admin", "finance"],
            "satisfied_by": {"billing-admin": ["billing-admin"], "finance": ["finance"]},
        })
    );
}

// ---- route policies ----

#[derive(Clone)]
struct App {
    warden: Warden,
    /// Article id → author.
    authors: Arc<HashMap<u64, String>>,
    checks: Arc<AtomicUsize>,
}

impl FromRef<App> for Warden {
    fn from_ref(app: &App) -> Self {
        app.warden.clone()
    }
}

/// Authors may change their own articles; other people do not learn that an article
/// exists, except editors, who get a 403.
struct OwnsArticle;

impl AccessPolicy for OwnsArticle {
    type State = App;

    async fn check(identity: &Identity, parts: &mut Parts, app: &App) -> Decision {
        app.checks.fetch_add(1, Ordering::SeqCst);
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

/// Reads only the request head: a maintenance header closes the route.
struct NotDuringMaintenance;

impl AccessPolicy for NotDuringMaintenance {
    type State = NoState;

    async fn check(_: &Identity, parts: &mut Parts, _: &NoState) -> Decision {
        Decision::allow_if(!parts.headers.contains_key("x-maintenance"))
    }
}

#[requires_policy(OwnsArticle)]
async fn delete_article(Path(id): Path<u64>, identity: Identity) -> String {
    format!("{} deleted {id}", identity.subject())
}

#[requires_role("writer")]
#[requires_policy(OwnsArticle)]
async fn edit_article(Path(id): Path<u64>) -> String {
    format!("edited {id}")
}

#[requires_auth]
#[requires_policy(NotDuringMaintenance)]
async fn upload() -> &'static str {
    "uploaded"
}

#[requires_auth]
async fn article(Path(id): Path<u64>, identity: Identity, State(app): State<App>) -> Result<String, Denied> {
    let author = app.authors.get(&id).ok_or(Denied::Hidden)?;
    identity.authorize(
        &|who: &Identity, author: &String| Decision::allow_or_hide(who.subject() == author || who.has_role("editor")),
        author,
    )?;
    Ok(format!("article {id} by {author}"))
}

fn policy_app(issuer: &TestIssuer) -> (axum::Router, Arc<AtomicUsize>) {
    let checks = Arc::new(AtomicUsize::new(0));
    let app = App {
        warden: issuer.warden(),
        authors: Arc::new(HashMap::from([(1, "alice".to_owned()), (2, "bob".to_owned())])),
        checks: checks.clone(),
    };
    let router = Router::new()
        .route("/articles/{id}", delete(delete_article).get(article))
        .route("/articles/{id}/edit", axum_warden::routing::put(edit_article))
        .route("/uploads", axum_warden::routing::post(upload))
        .with_state(app);
    (router.into(), checks)
}

#[tokio::test]
async fn policies_see_the_identity_the_path_and_the_state() {
    let issuer = TestIssuer::new(Algorithm::RS256);
    let (app, checks) = policy_app(&issuer);
    let alice = issuer.token().subject("alice").sign();
    let carol_editor = issuer.token().subject("carol").roles(["editor"]).sign();
    let mallory = issuer.token().subject("mallory").sign();

    let response = call(&app, "DELETE", "/articles/1", Some(&alice)).await;
    assert_allowed(&response);
    assert_eq!(body(response).await, b"alice deleted 1");
    assert_forbidden(&call(&app, "DELETE", "/articles/1", Some(&carol_editor)).await, None);
    assert_eq!(
        call(&app, "DELETE", "/articles/1", Some(&mallory)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(checks.load(Ordering::SeqCst), 3);

    // No credentials: 401 before the policy runs.
    assert_unauthorized(&call(&app, "DELETE", "/articles/1", None).await);
    assert_eq!(
        checks.load(Ordering::SeqCst),
        3,
        "the policy never sees anonymous requests"
    );
}

#[tokio::test]
async fn roles_are_checked_before_the_policy() {
    let issuer = TestIssuer::new(Algorithm::EdDSA);
    let (app, checks) = policy_app(&issuer);
    let alice = issuer.token().subject("alice").sign();
    let alice_writer = issuer.token().subject("alice").roles(["writer"]).sign();
    let bob_writer = issuer.token().subject("bob").roles(["writer"]).sign();

    assert_forbidden(&call(&app, "PUT", "/articles/1/edit", Some(&alice)).await, None);
    assert_eq!(
        checks.load(Ordering::SeqCst),
        0,
        "a missing role stops the request before the policy"
    );
    assert_allowed(&call(&app, "PUT", "/articles/1/edit", Some(&alice_writer)).await);
    assert_eq!(
        call(&app, "PUT", "/articles/1/edit", Some(&bob_writer)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(checks.load(Ordering::SeqCst), 2);
}

/// Compared on the wire, where a client sees them: in-process responses differ in a
/// `content-length` that the server adds to both anyway.
#[tokio::test]
async fn a_hidden_resource_answers_exactly_like_a_missing_route() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    let (app, _) = policy_app(&issuer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    let mallory = issuer.token().subject("mallory").sign();
    let fetch = |method: reqwest::Method, path: &str| {
        let request = client
            .request(method, format!("http://{address}{path}"))
            .bearer_auth(&mallory);
        async move {
            let response = request.send().await.expect("answer");
            let status = response.status();
            let mut headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .filter(|(name, _)| *name != "date")
                .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("?").to_owned()))
                .collect();
            headers.sort();
            (status, headers, response.bytes().await.expect("body"))
        }
    };
    for (method, hidden) in [
        (reqwest::Method::DELETE, "/articles/1"),
        (reqwest::Method::DELETE, "/articles/999"),
        (reqwest::Method::GET, "/articles/1"),
    ] {
        let hidden = fetch(method.clone(), hidden).await;
        let missing = fetch(method.clone(), "/no/such/route").await;
        assert_eq!(hidden.0, StatusCode::NOT_FOUND.as_u16());
        assert_eq!(
            hidden, missing,
            "{method}: the hidden resource answers as a missing route"
        );
    }
    server.abort();
}

#[tokio::test]
async fn policies_that_need_no_state_read_the_request_head() {
    let issuer = TestIssuer::new(Algorithm::PS384);
    let (app, _) = policy_app(&issuer);
    let token = issuer.token().sign();
    assert_allowed(&call(&app, "POST", "/uploads", Some(&token)).await);
    let request = http::Request::post("/uploads")
        .header("authorization", format!("Bearer {token}"))
        .header("x-maintenance", "1")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert_forbidden(&response, None);
}

#[tokio::test]
async fn object_level_checks_answer_403_or_404() {
    let issuer = TestIssuer::new(Algorithm::ES384);
    let (app, _) = policy_app(&issuer);
    let bob = issuer.token().subject("bob").sign();
    let editor = issuer.token().subject("carol").roles(["editor"]).sign();
    assert_eq!(
        body(call(&app, "GET", "/articles/2", Some(&bob)).await).await,
        b"article 2 by bob"
    );
    assert_allowed(&call(&app, "GET", "/articles/1", Some(&editor)).await);
    assert_eq!(
        call(&app, "GET", "/articles/1", Some(&bob)).await.status(),
        StatusCode::NOT_FOUND
    );

    let forbidden = axum::response::IntoResponse::into_response(Denied::Forbidden);
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        forbidden.headers()["www-authenticate"],
        r#"Bearer error="insufficient_scope""#
    );
    assert_eq!(forbidden.headers()["cache-control"], "no-store");
    let problem: serde_json::Value = serde_json::from_slice(&body(forbidden).await).expect("problem json");
    assert_eq!(problem["status"], 403);
}

#[test]
fn policies_appear_in_the_route_table_by_name() {
    let table = Router::<App>::new()
        .route("/articles/{id}", delete(delete_article))
        .route("/articles/{id}/edit", axum_warden::routing::put(edit_article))
        .route_table();
    let markdown = table.to_markdown();
    assert!(
        markdown.contains("| DELETE | /articles/{id} | authenticated; policy: OwnsArticle |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| PUT | /articles/{id}/edit | role: writer; policy: OwnsArticle |"),
        "{markdown}"
    );
    assert_eq!(table.rows()[0].policy(), Some("OwnsArticle"));
    let json: serde_json::Value = serde_json::from_str(&table.to_json()).expect("json");
    assert_eq!(
        json[1]["access"],
        json!({"kind": "roles", "match": "any", "roles": ["writer"], "policy": "OwnsArticle"})
    );
}

// ---- provider presets ----

/// Token claims as each provider issues them (trimmed to what matters, names and shapes
/// as in their documentation), the preset, and the roles the warden must read.
#[tokio::test]
async fn provider_presets_read_real_shaped_tokens() {
    let cases = [
        (
            "Keycloak",
            RoleSource::keycloak("orders-api"),
            json!({
                "realm_access": {"roles": ["offline_access", "uma_authorization", "shop-admin"]},
                "resource_access": {
                    "orders-api": {"roles": ["orders:approve", "shop-admin"]},
                    "account": {"roles": ["manage-account", "view-profile"]}
                },
                "preferred_username": "ada",
                "azp": "orders-api"
            }),
            vec!["offline_access", "uma_authorization", "shop-admin", "orders:approve"],
        ),
        (
            "Keycloak, client id with a dot",
            RoleSource::keycloak("orders.api"),
            json!({
                "resource_access": {"orders.api": {"roles": ["approver"]}}
            }),
            vec!["approver"],
        ),
        (
            "Auth0",
            RoleSource::auth0(),
            json!({
                "permissions": ["read:orders", "write:orders"],
                "scope": "openid profile",
                "https://example.com/roles": ["ignored"]
            }),
            vec!["read:orders", "write:orders"],
        ),
        (
            "Auth0, a URL-namespaced roles claim added by an action",
            RoleSource::claim_named("https://example.com/roles"),
            json!({
                "permissions": ["read:orders"],
                "https://example.com/roles": ["support", "billing"]
            }),
            vec!["support", "billing"],
        ),
        (
            "Keycloak client roles by segments, beside a mapping of groups",
            RoleSource::claim_segments(["resource_access", "orders.api", "roles"])
                .expect("segments")
                .and(RoleSource::mapped(|claims| {
                    let groups = claims.get("groups").and_then(|g| g.as_array());
                    groups
                        .into_iter()
                        .flatten()
                        .filter_map(|g| g.as_str()?.strip_prefix("/staff/").map(str::to_owned))
                        .collect()
                })),
            json!({
                "resource_access": {"orders.api": {"roles": ["approver"]}},
                "groups": ["/staff/editor", "/customers/acme", "/staff/approver"]
            }),
            vec!["approver", "editor"],
        ),
        (
            "Entra ID",
            RoleSource::entra_id(),
            json!({
                "roles": ["Orders.Approve", "Orders.Read"],
                "scp": "User.Read",
                "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
                "oid": "00000000-0000-0000-0000-000000000000"
            }),
            vec!["Orders.Approve", "Orders.Read"],
        ),
        (
            "Cognito",
            RoleSource::cognito(),
            json!({
                "cognito:groups": ["admins", "eu-staff"],
                "token_use": "access",
                "client_id": "5g1rtv1q8ctb4h1vd4fc6pm7ma",
                "username": "ada"
            }),
            vec!["admins", "eu-staff"],
        ),
    ];
    for (provider, source, claims, expected) in cases {
        let issuer = TestIssuer::new(Algorithm::RS256);
        let warden = issuer
            .warden_builder()
            .roles_from(source)
            .build()
            .expect("valid configuration");
        let serde_json::Value::Object(claims) = claims else {
            unreachable!("objects above")
        };
        let token = claims
            .into_iter()
            .fold(issuer.token().subject("ada"), |token, (name, value)| {
                token.claim(&name, value)
            })
            .sign();
        let identity = warden.verify_token(&token).expect(provider);
        assert_eq!(identity.roles(), expected, "{provider}");
    }
}

#[tokio::test]
async fn a_present_roles_claim_of_the_wrong_shape_is_refused() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    let warden = issuer
        .warden_builder()
        .roles_from(RoleSource::keycloak("orders-api"))
        .build()
        .expect("valid configuration");
    for bad in [
        json!({"realm_access": {"roles": null}}),
        json!({"realm_access": {"roles": [1]}}),
        json!({"resource_access": {"orders-api": {"roles": {"admin": true}}}}),
    ] {
        let serde_json::Value::Object(claims) = bad.clone() else {
            unreachable!("objects above")
        };
        let token = claims
            .into_iter()
            .fold(issuer.token(), |token, (name, value)| token.claim(&name, value))
            .sign();
        assert!(
            matches!(
                warden.verify_token(&token),
                Err(axum_warden::AuthError::InvalidToken(
                    axum_warden::TokenError::InvalidRoles
                ))
            ),
            "{bad}"
        );
    }
    // A string is one role (a single-valued mapper), never split at spaces.
    for (value, expected) in [("admin", vec!["admin"]), ("Sales Manager", vec!["Sales Manager"])] {
        let token = issuer.token().claim("realm_access", json!({"roles": value})).sign();
        let identity = warden.verify_token(&token).expect("a string is one role");
        assert_eq!(identity.roles(), expected);
    }
}

/// Found by the `authorization_header` fuzz target once roles became a set: a role listed
/// twice (or by two claims of a preset) is held once, at its first place, and still counts
/// against a configured roles cap as listed.
#[test]
fn duplicate_roles_are_held_once() {
    let issuer = TestIssuer::new(Algorithm::HS256);
    let warden = issuer.warden();
    let token = issuer.token().roles(["`,`", "or", "`,`", "or", "x"]).sign();
    let identity = warden.verify_token(&token).expect("valid");
    assert_eq!(identity.roles(), ["`,`", "or", "x"]);
    let warden = issuer.warden_builder().max_claim_entries(4).build().expect("valid");
    let token = issuer.token().roles(["same"; 5]).sign();
    assert!(matches!(
        warden.verify_token(&token),
        Err(axum_warden::AuthError::InvalidToken(
            axum_warden::TokenError::TooManyRoles
        ))
    ));
}

/// A mapping of the application's own decides routes like a claim does, runs once per
/// token (the cache keeps its result), and is held to the size cap's limit on roles.
#[tokio::test]
async fn a_role_mapping_runs_once_per_token_and_guards_routes() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let issuer = TestIssuer::new(Algorithm::HS256);
    let warden = issuer
        .warden_builder()
        .roles_from(RoleSource::mapped(move |claims| {
            counted.fetch_add(1, Ordering::SeqCst);
            // A space-delimited string, split on purpose.
            claims
                .get("perms")
                .and_then(|p| p.as_str())
                .map(|p| p.split(' ').map(str::to_owned).collect())
                .unwrap_or_default()
        }))
        .build()
        .expect("valid configuration");
    let app: axum::Router = typed_routes().with_state(warden.clone()).into();
    let reader = issuer.token().claim("perms", json!("viewer auditor")).sign();
    for _ in 0..3 {
        assert_allowed(&call(&app, "GET", "/articles", Some(&reader)).await);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the cache keeps the mapped roles");
    let nobody = issuer.token().claim("perms", json!("guest")).sign();
    assert_forbidden(&call(&app, "GET", "/articles", Some(&nobody)).await, None);

    // More roles than the size cap allows are refused, as from a claim.
    let flood = issuer.token().claim("perms", json!("a ".repeat(5000))).sign();
    assert!(warden.verify_token(&flood).is_err());
}
