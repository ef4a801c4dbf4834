//! The OpenAPI document of the quickstart (`examples/openapi.rs`, included below so the
//! test checks exactly what the example prints):
//!
//! - valid OpenAPI 3.1 according to `openapi-spec-validator` from PyPI, which
//!   `scripts/install-test-deps python` installs into `target/test-deps/venv` (run here on
//!   first use when missing);
//! - each operation's security and refusals as its access attribute says, and as the real
//!   router answers;
//! - committed as `tests/openapi/quickstart.json`: a change fails until it is reviewed and
//!   accepted with `WARDEN_UPDATE_SNAPSHOTS=1`.
//!
//! It also checks the `utoipa-axum` route: `OpenApiRouter` collects `#[utoipa::path]`
//! docs and the route table writes the access into them.

#[path = "../examples/openapi.rs"]
#[allow(dead_code)]
mod example;
mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::body::Body;
use axum_warden::Algorithm;
use axum_warden::testing::UPDATE_SNAPSHOTS_ENV;
use serde_json::{Value, json};

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/openapi/quickstart.json");

/// The document `cargo run --example openapi --features utoipa` prints.
fn rendered() -> String {
    render(false)
}

/// The document of the example, with the `503` of fetched keys when `remote_keys`.
fn render(remote_keys: bool) -> String {
    let doc = example::document(remote_keys).expect("every quickstart route has its #[utoipa::path]");
    let mut json = doc.to_pretty_json().expect("serializes");
    json.push('\n');
    json
}

fn document() -> Value {
    serde_json::from_str(&rendered()).expect("json")
}

/// The validator's executable, installed by the repository's script on first use.
fn validator() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join("target/test-deps/venv/bin/openapi-spec-validator");
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if bin.is_file() {
            return;
        }
        let script = root.join("scripts/install-test-deps");
        let status = Command::new("bash").arg(&script).arg("python").status();
        assert!(
            matches!(status, Ok(s) if s.success()),
            "installing openapi-spec-validator with `{} python` failed ({status:?}); it needs python3 (>= 3.9) with venv and PyPI",
            script.display()
        );
    });
    assert!(
        bin.is_file(),
        "{} is missing: run `scripts/install-test-deps python`",
        bin.display()
    );
    bin
}

/// Runs the validator on `json`; `Err` carries its output.
fn validate(name: &str, json: &str) -> Result<String, String> {
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&file, json).expect("writes the document");
    let output = Command::new(validator())
        .args(["--schema", "3.1", "--validation-errors", "all"])
        .arg(&file)
        .output()
        .expect("runs openapi-spec-validator");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() { Ok(text) } else { Err(text) }
}

#[test]
fn the_quickstart_document_is_valid_openapi_3_1() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    match validate("openapi-quickstart.json", &rendered()) {
        Ok(output) => assert!(output.contains("OK"), "unexpected validator output:\n{output}"),
        Err(output) => panic!("openapi-spec-validator rejects the quickstart document:\n{output}"),
    }
}

/// The validator is real: a document with a broken security requirement is refused.
#[test]
fn the_validator_refuses_a_broken_document() {
    let mut doc = document();
    doc["paths"]["/me"]["get"]["security"] = json!({ "bearerAuth": [] });
    let broken = serde_json::to_string_pretty(&doc).expect("json");
    let output = validate("openapi-broken.json", &broken).expect_err("a security object instead of a list is invalid");
    assert!(output.contains("security"), "{output}");
}

#[test]
fn the_quickstart_document_is_reviewed() {
    let rendered = rendered();
    if std::env::var_os(UPDATE_SNAPSHOTS_ENV).is_some_and(|v| v == "1") {
        std::fs::create_dir_all(Path::new(SNAPSHOT).parent().expect("has a parent")).expect("creates tests/openapi");
        std::fs::write(SNAPSHOT, &rendered).expect("writes the snapshot");
        return;
    }
    let committed = std::fs::read_to_string(SNAPSHOT)
        .unwrap_or_else(|e| panic!("no snapshot at {SNAPSHOT} ({e}); run the test with {UPDATE_SNAPSHOTS_ENV}=1 to record it, and commit it"))
        .replace("\r\n", "\n");
    if committed != rendered {
        let line = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(rendered.lines().count()));
        panic!(
            "the quickstart's OpenAPI document differs from {SNAPSHOT} from line {}:\n  committed: {}\n  current:   {}\nreview the change (`cargo run --example openapi --features utoipa`); to accept it, run the test again with {UPDATE_SNAPSHOTS_ENV}=1 and commit the file",
            line + 1,
            committed.lines().nth(line).unwrap_or("<end of file>"),
            rendered.lines().nth(line).unwrap_or("<end of file>"),
        );
    }
}

/// What a quickstart operation must say.
struct Expected {
    method: &'static str,
    path: &'static str,
    security: Value,
    roles: Option<Value>,
    /// The status of the handler's own success.
    success: &'static str,
    unauthorized: bool,
    forbidden: bool,
}

impl Expected {
    fn new(method: &'static str, path: &'static str, security: Value) -> Self {
        Self {
            method,
            path,
            security,
            roles: None,
            success: "200",
            unauthorized: false,
            forbidden: false,
        }
    }

    fn refuses(mut self, unauthorized: bool, forbidden: bool) -> Self {
        self.unauthorized = unauthorized;
        self.forbidden = forbidden;
        self
    }

    fn roles(mut self, mode: &str, roles: &[&str]) -> Self {
        self.roles = Some(json!({ "match": mode, "roles": roles }));
        self
    }

    fn success(mut self, status: &'static str) -> Self {
        self.success = status;
        self
    }
}

/// Every quickstart route, as its attribute says.
fn expected() -> Vec<Expected> {
    let bearer = || json!([{ "bearerAuth": [] }]);
    vec![
        Expected::new("get", "/health", json!([])),
        Expected::new("get", "/me", bearer()).refuses(true, false),
        Expected::new("get", "/articles/{id}", bearer()).refuses(true, false),
        Expected::new("get", "/admin", bearer())
            .refuses(true, true)
            .roles("any", &["admin"]),
        Expected::new("post", "/articles", bearer())
            .refuses(true, true)
            .roles("any", &["editor", "admin"])
            .success("201"),
        Expected::new("get", "/audit", bearer())
            .refuses(true, true)
            .roles("all", &["admin", "auditor"]),
        Expected::new("get", "/orders", json!([{ "bearerAuth": ["orders:read"] }])).refuses(true, true),
    ]
}

/// The guard's answer `status` is documented on `responses`: as a reference to
/// `component`, or written into the handler's own answer with that status.
fn documents_guard_answer(doc: &Value, responses: &Value, status: &str, component: &str) -> bool {
    let Some(response) = responses.get(status) else {
        return false;
    };
    let reference = format!("#/components/responses/{component}");
    if response.get("$ref").is_some() {
        return response["$ref"] == reference.as_str();
    }
    let guard = &doc["components"]["responses"][component];
    let description = guard["description"].as_str().expect("a description");
    response["description"]
        .as_str()
        .is_some_and(|d| d.contains(description))
        && response["content"]["application/problem+json"] == guard["content"]["application/problem+json"]
        && guard["headers"]
            .as_object()
            .expect("headers")
            .keys()
            .all(|name| response["headers"].get(name).is_some())
}

#[test]
fn each_operation_says_what_its_attribute_requires() {
    let doc = document();
    let expected = expected();
    let operations: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().expect("path item").len())
        .sum();
    assert_eq!(operations, expected.len(), "one operation per quickstart route");
    for Expected {
        method,
        path,
        security,
        roles,
        success,
        unauthorized,
        forbidden,
    } in expected
    {
        let op = &doc["paths"][path][method];
        let at = format!("{} {path}", method.to_uppercase());
        assert_eq!(op["security"], security, "security of {at}");
        assert_eq!(op.get("x-required-roles"), roles.as_ref(), "x-required-roles of {at}");
        let responses = &op["responses"];
        assert!(
            responses.get(success).is_some(),
            "{at} documents its {success}: {responses}"
        );
        assert!(responses.get("default").is_none(), "{at} has no undocumented answer");
        // Two credentials are refused wherever credentials are read.
        for (status, component, wanted) in [
            ("400", "BadRequest", unauthorized),
            ("401", "Unauthorized", unauthorized),
            ("403", "Forbidden", forbidden),
        ] {
            assert_eq!(
                documents_guard_answer(&doc, responses, status, component),
                wanted,
                "{status} of {at}: {responses}"
            );
        }
        for status in ["404", "503"] {
            assert!(
                responses.get(status).is_none(),
                "no policy, local keys: no {status} on {at}"
            );
        }
    }

    // The handlers' own parameters, bodies and answers, from their #[utoipa::path].
    let article = &doc["paths"]["/articles/{id}"]["get"];
    assert_eq!(
        article["parameters"],
        json!([{
            "name": "id", "in": "path", "required": true, "description": "The article's id.",
            "schema": { "type": "integer", "format": "int64" }, "example": 7
        }])
    );
    assert_eq!(
        article["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Article"
    );
    let publish = &doc["paths"]["/articles"]["post"];
    assert_eq!(
        publish["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/NewArticle"
    );
    assert_eq!(publish["requestBody"]["required"], true);
    // The handler's 400 (a body that is not JSON) and the guard's (two credentials) share
    // the status: one response with both bodies.
    let bad = &publish["responses"]["400"]["content"];
    assert!(
        bad.get("text/plain").is_some() && bad.get("application/problem+json").is_some(),
        "{bad}"
    );
    for name in ["Article", "NewArticle", "Me", "Order"] {
        assert_eq!(doc["components"]["schemas"][name]["type"], "object", "{name}");
    }

    let components = &doc["components"];
    assert_eq!(
        components["securitySchemes"]["bearerAuth"],
        json!({
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A JWT access token in `Authorization: Bearer …` (RFC 6750)."
        })
    );
    for name in ["BadRequest", "Unauthorized", "Forbidden"] {
        let response = &components["responses"][name];
        assert_eq!(
            response["content"]["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem",
            "{name}"
        );
        assert_eq!(
            response["headers"]["WWW-Authenticate"]["schema"]["type"], "string",
            "{name}"
        );
        assert_eq!(
            response["headers"]["Cache-Control"]["schema"]["type"], "string",
            "{name}"
        );
    }
    assert!(
        components["responses"].get("ServiceUnavailable").is_none(),
        "the demo key is local"
    );
    let problem = &components["schemas"]["Problem"];
    assert_eq!(problem["type"], "object");
    assert_eq!(problem["required"], json!(["type", "title", "status", "detail"]));
}

/// Every route has its `#[utoipa::path]` and every documented operation is routed: the
/// document and the router describe the same API.
#[test]
fn the_document_and_the_router_have_the_same_operations() {
    let mut doc = example::document(false).expect("complete");
    let report = example::routes::routes().route_table().apply_openapi(&mut doc);
    assert!(
        report.is_complete() && report.untracked().is_empty() && report.skipped().is_empty(),
        "{report}"
    );
}

/// With keys fetched over HTTP, every guarded operation also documents the 503, with
/// `Retry-After`; the document stays valid.
#[test]
fn fetched_keys_add_the_503() {
    let rendered = render(true);
    let doc: Value = serde_json::from_str(&rendered).expect("json");
    for Expected {
        method,
        path,
        unauthorized,
        ..
    } in expected()
    {
        let responses = &doc["paths"][path][method]["responses"];
        assert_eq!(
            responses.get("503").map(|r| &r["$ref"]),
            unauthorized
                .then(|| json!("#/components/responses/ServiceUnavailable"))
                .as_ref(),
            "503 of {} {path}",
            method.to_uppercase()
        );
    }
    let unavailable = &doc["components"]["responses"]["ServiceUnavailable"];
    assert_eq!(unavailable["headers"]["Retry-After"]["schema"]["type"], "integer");
    assert!(unavailable["headers"]["Cache-Control"].is_object(), "{unavailable}");
    if let Err(output) = validate("openapi-quickstart-remote-keys.json", &rendered) {
        panic!("openapi-spec-validator rejects the document with the 503:\n{output}");
    }
}

/// The document and the router agree: every operation documented with a 401 answers an
/// anonymous request with 401 and two credentials with 400, every one documented with a
/// 403 answers a token without roles or scopes with 403, and the bodies fit the `Problem`
/// schema.
#[tokio::test]
async fn the_router_answers_as_documented() {
    let doc = document();
    let app: axum::Router = example_routes().with_state(harness::warden(Algorithm::HS256)).into();
    let token = harness::mint(Algorithm::HS256, &[]);
    let problem = &doc["components"]["schemas"]["Problem"];
    for Expected {
        method,
        path,
        unauthorized,
        forbidden,
        ..
    } in expected()
    {
        let documented = &doc["paths"][path][method]["responses"];
        assert_eq!(documented.get("400").is_some(), unauthorized);
        assert_eq!(documented.get("401").is_some(), unauthorized);
        assert_eq!(documented.get("403").is_some(), forbidden);
        let uri = path.replace("{id}", "7");
        let request = |authorization: &[&str]| {
            let mut request = http::Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri);
            for value in authorization {
                request = request.header("authorization", *value);
            }
            request.body(Body::empty()).expect("request")
        };

        let bearer = format!("Bearer {token}");
        let anonymous = harness::send(&app, request(&[])).await;
        let with_token = harness::send(&app, request(&[&bearer])).await;
        let twice = harness::send(&app, request(&[&bearer, &bearer])).await;
        let at = format!("{} {uri}", method.to_uppercase());
        if unauthorized {
            assert_eq!(twice.status, 400, "{at} with two credentials");
            assert!(
                twice
                    .challenge()
                    .is_some_and(|c| c.contains(r#"error="invalid_request""#)),
                "{at}"
            );
            assert_fits(problem, &twice.json(), &at);
        }
        if unauthorized {
            assert_eq!(anonymous.status, 401, "{at} without a token");
            assert!(anonymous.challenge().is_some_and(|c| c.starts_with("Bearer ")), "{at}");
            assert_fits(problem, &anonymous.json(), &at);
        } else {
            assert_eq!(anonymous.status, 200, "{at} is public");
        }
        if forbidden {
            assert_eq!(with_token.status, 403, "{at} with a token without roles or scopes");
            assert_eq!(with_token.headers["content-type"], "application/problem+json", "{at}");
            assert_fits(problem, &with_token.json(), &at);
        } else {
            assert!(
                with_token.status < 400,
                "{at} with a valid token: {}",
                with_token.status
            );
        }
    }
}

/// The body has every required member of the schema, and only members it declares.
fn assert_fits(schema: &Value, body: &Value, at: &str) {
    let members = body.as_object().expect("a JSON object");
    for required in schema["required"].as_array().expect("required") {
        assert!(
            members.contains_key(required.as_str().expect("name")),
            "{at}: {body} lacks {required}"
        );
    }
    for (name, value) in members {
        let declared = &schema["properties"][name];
        assert!(!declared.is_null(), "{at}: {name} is not in the Problem schema");
        let kind = if value.is_string() { "string" } else { "integer" };
        assert_eq!(declared["type"], kind, "{at}: {name}");
    }
}

fn example_routes() -> axum_warden::Router<axum_warden::Warden> {
    example::routes::routes()
}

/// `utoipa-axum`: handlers carry `#[utoipa::path]` above their access attribute;
/// `OpenApiRouter` collects the docs, the warden router of the same handlers gives the
/// route table, and `apply_openapi` writes the access into the collected document.
mod with_utoipa_axum {
    use axum::extract::Path;
    use axum::http::StatusCode;
    use axum_warden::routing::{delete, get};
    use axum_warden::{Algorithm, Warden, public, requires_role};
    use serde_json::json;
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    /// Liveness probe.
    #[utoipa::path(get, path = "/health", responses((status = 200, description = "alive")))]
    #[public]
    async fn health() -> &'static str {
        "ok"
    }

    /// Deletes a user.
    #[utoipa::path(
        delete,
        path = "/users/{id}",
        params(("id" = u64, Path, description = "the user")),
        responses((status = 204, description = "deleted"))
    )]
    #[requires_role("admin")]
    async fn delete_user(Path(_id): Path<u64>) -> StatusCode {
        StatusCode::NO_CONTENT
    }

    fn routes() -> axum_warden::Router<Warden> {
        axum_warden::Router::new()
            .route("/health", get(health))
            .route("/users/{id}", delete(delete_user))
    }

    #[tokio::test]
    async fn open_api_router_documents_get_the_access() {
        let (served, mut doc) = OpenApiRouter::<Warden>::new()
            .routes(routes!(health))
            .routes(routes!(delete_user))
            .split_for_parts();
        let report = routes().route_table().apply_openapi(&mut doc);
        report.ensure_complete().expect("every route is documented");
        assert!(report.untracked().is_empty() && report.skipped().is_empty(), "{report}");

        let json = serde_json::to_value(&doc).expect("json");
        let op = &json["paths"]["/users/{id}"]["delete"];
        assert_eq!(op["security"], json!([{ "bearerAuth": [] }]));
        assert_eq!(op["x-required-roles"], json!({ "match": "any", "roles": ["admin"] }));
        assert_eq!(op["responses"]["204"]["description"], "deleted");
        assert_eq!(op["responses"]["403"]["$ref"], "#/components/responses/Forbidden");
        assert_eq!(json["paths"]["/health"]["get"]["security"], json!([]));
        let mut rendered = doc.to_pretty_json().expect("json");
        rendered.push('\n');
        if let Err(output) = super::validate("openapi-utoipa-axum.json", &rendered) {
            panic!("openapi-spec-validator rejects the utoipa-axum document:\n{output}");
        }

        // The guard is the handler's first extractor, so utoipa-axum's router enforces it too.
        let served: axum::Router = served.with_state(super::harness::warden(Algorithm::HS256));
        let request = http::Request::delete("/users/1")
            .body(axum::body::Body::empty())
            .expect("request");
        assert_eq!(super::harness::send(&served, request).await.status, 401);
    }
}

mod policy_routes {
    use axum_warden::{AccessPolicy, Decision, Identity, NoState, requires_policy};
    use http::request::Parts;
    use serde_json::json;

    struct OwnsThing;

    impl AccessPolicy for OwnsThing {
        type State = NoState;
        async fn check(_: &Identity, _: &mut Parts, _: &NoState) -> Decision {
            Decision::Hide
        }
    }

    #[requires_policy(OwnsThing)]
    async fn delete_thing() {}

    /// A policy-only route can answer 403 and 404 (`Decision::Hide`): the document names
    /// the policy and lists both beside 400 and 401, and the result still validates.
    #[test]
    fn policies_are_documented() {
        let table = axum_warden::Router::<axum_warden::Warden>::new()
            .route("/things/{id}", axum_warden::routing::delete(delete_thing))
            .route_table();
        let doc = table.to_openapi(utoipa::openapi::Info::new("things", "1"));
        let json = doc.to_pretty_json().expect("serializes");
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        let op = &value["paths"]["/things/{id}"]["delete"];
        assert_eq!(op[axum_warden::ACCESS_POLICY_EXTENSION], json!("OwnsThing"));
        let responses = op["responses"].as_object().expect("responses");
        let statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
        assert_eq!(statuses, ["400", "401", "403", "404", "default"], "{op}");
        assert_eq!(op["responses"]["404"]["$ref"], "#/components/responses/NotFound");
        super::validate("policy", &json).expect("valid OpenAPI 3.1");
    }
}
