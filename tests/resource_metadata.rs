//! OAuth 2.0 protected-resource metadata (RFC 9728): the document the router serves at the
//! well-known path, checked member by member against §2 and §3, and the discovery a
//! client makes from a 401 challenge's `resource_metadata` to the authorization server.

mod harness;

use axum::body::Body;
use axum::extract::State;
use axum_warden::routing::{get, post};
use axum_warden::{
    Algorithm, AuthError, Authenticator, Identity, ResourceMetadata, Router, Warden, public, requires_auth,
    requires_role, requires_scope,
};
use harness::{AppState, ISSUER, SUBJECT, issuer, send};
use http::request::Parts;
use serde_json::json;

const RESOURCE: &str = "https://api.example.com/v1";
const METADATA_PATH: &str = "/.well-known/oauth-protected-resource/v1";
const METADATA_URL: &str = "https://api.example.com/.well-known/oauth-protected-resource/v1";

#[public]
async fn health() -> &'static str {
    "ok"
}

#[requires_auth]
async fn me() -> &'static str {
    "me"
}

#[requires_role("admin")]
async fn admin() -> &'static str {
    "admin"
}

#[requires_scope("orders:read")]
async fn orders() -> &'static str {
    "orders"
}

#[requires_scope(all("orders:write", "orders:read"))]
async fn edit_orders() -> &'static str {
    "edited"
}

#[requires_scope(any("mcp:tools", "orders:read"))]
async fn mcp() -> &'static str {
    "{}"
}

fn warden(resource: &str) -> Warden {
    issuer(Algorithm::HS256)
        .warden_builder()
        .protected_resource(resource)
        .build()
        .expect("a warden with a protected resource")
}

/// Routes before and after the metadata route: the document must count them all.
fn router(warden: &Warden) -> Router<Warden> {
    Router::new()
        .route("/health", get(health))
        .route("/orders", get(orders))
        .protected_resource_metadata(warden)
        .route("/orders/edit", post(edit_orders))
        .route("/mcp", post(mcp))
        .route("/admin", get(admin))
        .route("/me", get(me))
}

fn app(warden: Warden) -> axum::Router {
    router(&warden).with_state(warden).into()
}

/// The routes `routes` makes, with the metadata route of `warden` after them.
fn serve(warden: Warden, routes: impl FnOnce(&Warden) -> Router<Warden>) -> axum::Router {
    routes(&warden)
        .protected_resource_metadata(&warden)
        .with_state(warden)
        .into()
}

fn request(method: http::Method, path: &str) -> http::Request<Body> {
    http::Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .expect("request")
}

/// The path of an absolute URL on this server.
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").expect("an absolute URL").1;
    &rest[rest.find('/').expect("a path")..]
}

#[tokio::test]
async fn the_document_is_rfc_9728_metadata_built_from_the_configuration_and_the_route_table() {
    let app = app(warden(RESOURCE));
    let answer = send(&app, request(http::Method::GET, METADATA_PATH)).await;
    assert_eq!(answer.status, 200);
    // §3.2: a 200 with `application/json`.
    assert_eq!(answer.headers["content-type"], "application/json");
    assert_eq!(answer.headers["cache-control"], "public, max-age=3600");
    assert!(answer.headers.get("www-authenticate").is_none());
    // Every member, and no other: what the crate cannot back is left out (no
    // `resource_signing_alg_values_supported`, no `jwks_uri`, no `resource_name` …).
    assert_eq!(
        answer.json(),
        json!({
            // §3.3: the identifier exactly as configured.
            "resource": RESOURCE,
            "authorization_servers": [ISSUER],
            // Every scope any route names, sorted, each once; the routes added after
            // `protected_resource_metadata` count too.
            "scopes_supported": ["mcp:tools", "orders:read", "orders:write"],
            "bearer_methods_supported": ["header"],
        })
    );
    let document: ResourceMetadata = serde_json::from_slice(&answer.body).expect("the crate's own type reads it");
    assert_eq!(document.resource, RESOURCE);

    // HEAD gets the headers without the body; other methods are not served.
    let head = send(&app, request(http::Method::HEAD, METADATA_PATH)).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.headers["content-type"], "application/json");
    assert!(head.body.is_empty());
    let post = send(&app, request(http::Method::POST, METADATA_PATH)).await;
    assert_eq!(post.status, 405);

    // §3.1: the suffix goes between the host and the path, so the host-level location
    // belongs to a resource without a path, not to this one.
    let root = send(
        &app,
        request(http::Method::GET, "/.well-known/oauth-protected-resource"),
    )
    .await;
    assert_eq!(root.status, 404);
}

#[tokio::test]
async fn a_resource_without_a_path_has_its_metadata_at_the_well_known_path_itself() {
    for resource in ["https://api.example.com", "https://api.example.com/"] {
        let app = serve(warden(resource), |_| Router::new().route("/health", get(health)));
        let answer = send(
            &app,
            request(http::Method::GET, "/.well-known/oauth-protected-resource"),
        )
        .await;
        assert_eq!(answer.status, 200, "{resource}");
        assert_eq!(answer.json()["resource"], resource);
    }
}

/// Unusual identifiers that are valid URLs mount without a panic and are served at the
/// path the challenge names, whose `resource` is the identifier byte for byte.
#[tokio::test]
async fn unusual_identifiers_are_served_where_the_challenge_points() {
    for resource in [
        "https://api.example.com/v1/",
        "https://api.example.com/a//b",
        "https://api.example.com/a;v=1/(x)/~me",
        "https://api.example.com/%3Av1/%2A",
        "https://API.example.com:8443/V1",
    ] {
        let warden = warden(resource);
        let url = warden
            .protected_resource()
            .expect("configured")
            .metadata_url()
            .to_owned();
        let app = serve(warden, |_| Router::new().route("/me", get(me)));
        let refused = send(&app, request(http::Method::GET, "/me")).await;
        assert_eq!(
            refused.challenge(),
            Some(format!(r#"Bearer realm="api", resource_metadata="{url}""#).as_str())
        );
        let answer = send(&app, request(http::Method::GET, path_of(&url))).await;
        assert_eq!(answer.status, 200, "{resource}");
        assert_eq!(answer.json()["resource"], resource);
    }
}

#[test]
fn the_metadata_route_is_a_public_row_of_the_route_table() {
    let warden = warden(RESOURCE);
    let (_, table) = router(&warden).with_state::<()>(warden.clone()).into_parts();
    let row = table
        .rows()
        .iter()
        .find(|row| row.path() == METADATA_PATH)
        .expect("the metadata route is listed");
    assert_eq!(row.method().as_str(), "GET");
    assert_eq!(row.requirement().to_string(), "public");
    assert_eq!(row.handler().name, "protected_resource_metadata");
    assert!(
        table.to_markdown().contains("/.well-known/oauth-protected-resource/v1"),
        "{}",
        table.to_markdown()
    );
}

/// What an MCP client does: the 401 names the metadata, the metadata names the
/// authorization server and the scopes, and a token from there with such a scope is let in.
#[tokio::test]
async fn a_client_finds_the_authorization_server_from_the_challenge() {
    let app = app(warden(RESOURCE));
    let refused = send(&app, request(http::Method::POST, "/mcp")).await;
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.challenge(),
        Some(format!(r#"Bearer realm="api", resource_metadata="{METADATA_URL}""#).as_str())
    );
    let url = refused
        .challenge()
        .and_then(|c| c.split("resource_metadata=\"").nth(1))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("a resource_metadata parameter");
    assert_eq!(url, METADATA_URL);

    let metadata = send(&app, request(http::Method::GET, path_of(url))).await.json();
    assert_eq!(metadata["resource"], RESOURCE);
    assert_eq!(metadata["authorization_servers"], json!([ISSUER]));
    let scope = metadata["scopes_supported"][0].as_str().expect("a scope");
    assert_eq!(scope, "mcp:tools");

    let token = issuer(Algorithm::HS256)
        .token()
        .subject(SUBJECT)
        .scopes([scope])
        .bearer();
    let mut call = request(http::Method::POST, "/mcp");
    call.headers_mut()
        .insert("authorization", token.parse().expect("a header value"));
    let answer = send(&app, call).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, b"{}");
}

#[requires_auth]
async fn greet(State(greeting): State<&'static str>) -> &'static str {
    greeting
}

#[tokio::test]
async fn it_works_with_the_warden_inside_an_application_state() {
    let state = AppState {
        warden: warden(RESOURCE),
        greeting: "hello",
    };
    let app: axum::Router = Router::new()
        .route("/greet", get(greet))
        .route("/orders", get(orders))
        .protected_resource_metadata(&state.warden)
        .with_state(state)
        .into();
    let answer = send(&app, request(http::Method::GET, METADATA_PATH)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["scopes_supported"], json!(["orders:read"]));
    let refused = send(&app, request(http::Method::GET, "/greet")).await;
    assert_eq!(
        refused.challenge(),
        Some(format!(r#"Bearer realm="api", resource_metadata="{METADATA_URL}""#).as_str())
    );
}

/// Members the crate cannot back are left out rather than guessed: no issuer configured,
/// no route naming a scope, a custom authenticator that reads no bearer token.
#[tokio::test]
async fn members_without_a_source_are_left_out() {
    let no_issuer = Warden::builder()
        .hmac_secret(vec![7; 32])
        .protected_resource(RESOURCE)
        .build()
        .expect("valid");
    let app = serve(no_issuer, |_| Router::new().route("/me", get(me)));
    let document = send(&app, request(http::Method::GET, METADATA_PATH)).await.json();
    assert_eq!(
        document,
        json!({"resource": RESOURCE, "bearer_methods_supported": ["header"]})
    );

    struct ApiKeys;
    impl Authenticator for ApiKeys {
        async fn authenticate(&self, _: &Parts) -> Result<Identity, AuthError> {
            Err(AuthError::MissingCredentials)
        }
    }
    let custom = Warden::builder()
        .authenticator(ApiKeys)
        .issuer(ISSUER)
        .protected_resource(RESOURCE)
        .build()
        .expect("valid");
    let app = serve(custom, |_| Router::new().route("/orders", get(orders)));
    let document = send(&app, request(http::Method::GET, METADATA_PATH)).await.json();
    assert_eq!(
        document,
        json!({"resource": RESOURCE, "authorization_servers": [ISSUER], "scopes_supported": ["orders:read"]})
    );
    let refused = send(&app, request(http::Method::GET, "/orders")).await;
    assert_eq!(
        refused.challenge(),
        Some(format!(r#"Bearer realm="api", resource_metadata="{METADATA_URL}""#).as_str())
    );
}

/// The OpenID Connect issuer the keys are discovered from is the authorization server,
/// unless `issuer` names another.
#[cfg(feature = "remote-keys")]
#[test]
fn the_discovery_issuer_is_the_authorization_server() {
    let discovered = Warden::builder()
        .oidc_issuer("https://login.example.com/realms/shop")
        .protected_resource(RESOURCE)
        .build()
        .expect("builds without the network");
    let resource = discovered.protected_resource().expect("configured");
    assert_eq!(
        resource.authorization_servers(),
        ["https://login.example.com/realms/shop"]
    );

    let explicit = Warden::builder()
        .oidc_issuer("https://login.example.com/realms/shop")
        .issuer("https://issuer.example.com")
        .protected_resource(RESOURCE)
        .build()
        .expect("builds without the network");
    let resource = explicit.protected_resource().expect("configured");
    assert_eq!(resource.authorization_servers(), ["https://issuer.example.com"]);
}

#[tokio::test]
async fn without_a_protected_resource_nothing_is_served_or_announced() {
    let warden = harness::warden(Algorithm::HS256);
    let router = router(&warden);
    assert!(
        router
            .route_table()
            .rows()
            .iter()
            .all(|row| !row.path().starts_with("/.well-known")),
        "no metadata row"
    );
    let app: axum::Router = router.with_state(warden).into();
    let answer = send(&app, request(http::Method::GET, METADATA_PATH)).await;
    assert_eq!(answer.status, 404);
    let refused = send(&app, request(http::Method::GET, "/me")).await;
    assert_eq!(refused.challenge(), Some(r#"Bearer realm="api""#));
}

/// The OpenAPI writer lists the metadata route like any public route: no security
/// requirement, no refusal among its answers.
#[cfg(feature = "utoipa")]
#[test]
fn the_openapi_document_lists_the_metadata_route_as_public() {
    use axum_warden::WardenOpenApi;

    let warden = warden(RESOURCE);
    let table = router(&warden).route_table();
    let doc = WardenOpenApi::for_warden(&warden).document(&table, utoipa::openapi::Info::new("t", "1"));
    let json = serde_json::to_value(&doc).expect("json");
    let op = &json["paths"][METADATA_PATH]["get"];
    assert_eq!(op["security"], json!([]), "{op}");
    let refusals: Vec<&String> = op["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .filter(|status| status.starts_with('4') || status.starts_with('5'))
        .collect();
    assert!(refusals.is_empty(), "{refusals:?}");
    assert_eq!(
        json["paths"]["/orders"]["get"]["security"],
        json!([{"bearerAuth": ["orders:read"]}])
    );
}

mod both_rules {
    use axum_warden::{requires_role, requires_scope};

    #[requires_role("editor")]
    #[requires_scope("articles:write")]
    pub(crate) async fn edit() {}
}

/// A route with a role rule and a scope rule lists its scopes like a scope-only route.
#[tokio::test]
async fn scopes_beside_a_role_are_supported_scopes_too() {
    let warden = axum_warden::Warden::builder()
        .hmac_secret(vec![7; 32])
        .protected_resource("https://api.example.com")
        .build()
        .expect("a warden");
    let router: axum_warden::Router = axum_warden::Router::new()
        .route("/articles/{id}", axum_warden::routing::put(both_rules::edit))
        .protected_resource_metadata(&warden)
        .with_state(warden.clone());
    let resource = warden.protected_resource().expect("configured");
    let metadata = resource.metadata(&router.route_table());
    assert_eq!(metadata.scopes_supported, ["articles:write"]);
}
