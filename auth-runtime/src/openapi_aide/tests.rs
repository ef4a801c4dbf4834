//! The aide writer against hand-made tables and documents.

use aide::openapi::{Info, PathItem, Paths, Response};
use serde_json::Value;

use super::components::{PROBLEM_SCHEMA, UNAUTHORIZED};
use super::*;
use crate::http::RouteRow;
use crate::requirement::{HandlerInfo, Open, Protected, RouteRule, StepUp};

macro_rules! rule {
    ($name:ident, $kind:ty, $req:expr) => {
        rule!($name, $kind, $req, None);
    };
    ($name:ident, $kind:ty, $req:expr, $policy:expr) => {
        struct $name;
        impl RouteRule for $name {
            type Kind = $kind;
            const REQUIREMENT: Requirement = $req;
            const HANDLER: HandlerInfo = HandlerInfo {
                name: stringify!($name),
                module: module_path!(),
                file: file!(),
                line: line!(),
            };
            const CUSTOM_POLICY: Option<&'static str> = $policy;
        }
    };
}

rule!(Anyone, Open, Requirement::Public);
rule!(Member, Protected, Requirement::Authenticated);
rule!(
    Admin,
    Protected,
    Requirement::Roles {
        mode: Match::Any,
        names: &["admin", "owner"]
    }
);
rule!(
    Auditor,
    Protected,
    Requirement::Roles {
        mode: Match::All,
        names: &["admin", "auditor"]
    }
);
rule!(
    Writer,
    Protected,
    Requirement::Scopes {
        mode: Match::All,
        names: &["orders:write", "payments:charge"]
    }
);
rule!(
    Reader,
    Protected,
    Requirement::Scopes {
        mode: Match::Any,
        names: &["orders:read", "orders:admin"]
    }
);
rule!(Owner, Protected, Requirement::Authenticated, Some("OwnsThing"));
rule!(
    AdminOwner,
    Protected,
    Requirement::Roles {
        mode: Match::Any,
        names: &["admin"]
    },
    Some("OwnsThing")
);

fn row<R: RouteRule>(method: http::Method, path: &str) -> RouteRow {
    RouteRow::new::<R>(RouteMethod::Method(method)).at(path)
}

fn table(rows: Vec<RouteRow>) -> RouteTable {
    let mut table = RouteTable::default();
    table.extend(rows);
    table.sorted()
}

/// A path item with an empty operation for each of `methods` (lower case).
fn item(methods: &[&str]) -> ReferenceOr<PathItem> {
    let mut item = PathItem::default();
    for method in methods {
        let slot = match *method {
            "get" => &mut item.get,
            "put" => &mut item.put,
            "post" => &mut item.post,
            "delete" => &mut item.delete,
            "head" => &mut item.head,
            "patch" => &mut item.patch,
            other => panic!("no slot for {other}"),
        };
        *slot = Some(Operation::default());
    }
    ReferenceOr::Item(item)
}

fn document(paths: Vec<(&str, ReferenceOr<PathItem>)>) -> OpenApi {
    OpenApi {
        info: Info {
            title: "t".to_owned(),
            version: "1".to_owned(),
            ..Info::default()
        },
        paths: Some(Paths {
            paths: paths.into_iter().map(|(p, i)| (p.to_owned(), i)).collect(),
            ..Paths::default()
        }),
        ..OpenApi::default()
    }
}

fn json(doc: &OpenApi) -> Value {
    serde_json::to_value(doc).expect("json")
}

/// The status codes of an operation's responses and the component each refers to.
fn refusals(op: &Value) -> Vec<(String, String)> {
    op["responses"]
        .as_object()
        .map(|responses| {
            responses
                .iter()
                .map(|(status, r)| (status.clone(), r["$ref"].as_str().unwrap_or("inline").to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn refs(statuses: &[(&str, &str)]) -> Vec<(String, String)> {
    statuses
        .iter()
        .map(|(s, c)| ((*s).to_owned(), format!("#/components/responses/{c}")))
        .collect()
}

#[test]
fn each_access_kind_gets_its_security_extensions_and_refusals() {
    let table = table(vec![
        row::<Anyone>(http::Method::GET, "/public"),
        row::<Member>(http::Method::GET, "/auth"),
        row::<Admin>(http::Method::GET, "/roles-any"),
        row::<Auditor>(http::Method::GET, "/roles-all"),
        row::<Writer>(http::Method::POST, "/scopes-all"),
        row::<Reader>(http::Method::GET, "/scopes-any"),
        row::<Owner>(http::Method::DELETE, "/policy/{id}"),
        row::<AdminOwner>(http::Method::PUT, "/policy/{id}"),
    ]);
    let mut doc = document(vec![
        ("/public", item(&["get"])),
        ("/auth", item(&["get"])),
        ("/roles-any", item(&["get"])),
        ("/roles-all", item(&["get"])),
        ("/scopes-all", item(&["post"])),
        ("/scopes-any", item(&["get"])),
        ("/policy/{thing}", item(&["delete", "put"])),
    ]);
    let report = table.apply_aide(&mut doc);
    assert!(report.is_complete(), "{report}");
    assert!(report.untracked().is_empty() && report.skipped().is_empty(), "{report}");
    report.ensure_complete().expect("complete");

    let paths = &json(&doc)["paths"];
    let auth = [("400", "BadRequest"), ("401", "Unauthorized")];
    let forbid = [("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden")];
    let policy = [
        ("400", "BadRequest"),
        ("401", "Unauthorized"),
        ("403", "Forbidden"),
        ("404", "NotFound"),
    ];

    let public = &paths["/public"]["get"];
    assert_eq!(
        public,
        &json!({ "security": [] }),
        "no responses, explicitly no security"
    );

    let op = &paths["/auth"]["get"];
    assert_eq!(op["security"], json!([{ "bearerAuth": [] }]));
    assert_eq!(refusals(op), refs(&auth));
    assert!(op.get("x-required-roles").is_none() && op.get("x-access-policy").is_none());

    let op = &paths["/roles-any"]["get"];
    assert_eq!(op["security"], json!([{ "bearerAuth": [] }]));
    assert_eq!(
        op["x-required-roles"],
        json!({ "match": "any", "roles": ["admin", "owner"] })
    );
    assert_eq!(refusals(op), refs(&forbid));

    let op = &paths["/roles-all"]["get"];
    assert_eq!(
        op["x-required-roles"],
        json!({ "match": "all", "roles": ["admin", "auditor"] })
    );
    assert_eq!(refusals(op), refs(&forbid));

    let op = &paths["/scopes-all"]["post"];
    assert_eq!(
        op["security"],
        json!([{ "bearerAuth": ["orders:write", "payments:charge"] }])
    );
    assert!(op.get("x-required-roles").is_none());
    assert_eq!(refusals(op), refs(&forbid));

    let op = &paths["/scopes-any"]["get"];
    assert_eq!(
        op["security"],
        json!([{ "bearerAuth": ["orders:read"] }, { "bearerAuth": ["orders:admin"] }])
    );
    assert_eq!(refusals(op), refs(&forbid));

    let op = &paths["/policy/{thing}"]["delete"];
    assert_eq!(op["security"], json!([{ "bearerAuth": [] }]));
    assert_eq!(op["x-access-policy"], "OwnsThing");
    assert!(op.get("x-required-roles").is_none());
    assert_eq!(refusals(op), refs(&policy));

    let op = &paths["/policy/{thing}"]["put"];
    assert_eq!(op["x-access-policy"], "OwnsThing");
    assert_eq!(op["x-required-roles"], json!({ "match": "any", "roles": ["admin"] }));
    assert_eq!(refusals(op), refs(&policy));
}

#[test]
fn the_empty_security_of_a_public_operation_is_written_once() {
    let table = table(vec![row::<Anyone>(http::Method::GET, "/health")]);
    let mut doc = document(vec![("/health", item(&["get"]))]);
    let _ = table.apply_aide(&mut doc);
    let text = serde_json::to_string(&doc).expect("json");
    assert_eq!(text.matches(r#""security":[]"#).count(), 1, "{text}");
    assert_eq!(text.matches(r#""security""#).count(), 1, "{text}");
    // Read back, aide keeps extensions only for `x-` members: the list is the field's.
    let back: OpenApi = serde_json::from_str(&text).expect("reads back");
    let op = back.operations().next().expect("one operation").2;
    assert!(op.security.is_empty() && op.extensions.is_empty(), "{op:?}");
}

#[test]
fn get_covers_head_unless_the_table_routes_head() {
    let table = table(vec![
        row::<Anyone>(http::Method::GET, "/items/{id}"),
        row::<Member>(http::Method::GET, "/both"),
        row::<Admin>(http::Method::HEAD, "/both"),
    ]);
    let mut doc = document(vec![
        ("/items/{item}", item(&["get", "head"])),
        ("/both", item(&["get", "head"])),
    ]);
    let report = table.apply_aide(&mut doc);
    assert!(report.is_complete() && report.untracked().is_empty(), "{report}");
    let paths = &json(&doc)["paths"];
    assert_eq!(paths["/items/{item}"]["head"]["security"], json!([]));
    assert!(paths["/both"]["get"].get("x-required-roles").is_none());
    assert_eq!(
        paths["/both"]["head"]["x-required-roles"]["roles"],
        json!(["admin", "owner"])
    );
}

#[test]
fn missing_untracked_and_skipped_routes_are_reported() {
    let table = table(vec![
        RouteRow::fallback::<Anyone>(),
        RouteRow::fallback::<Member>().nested_under("/api"),
        RouteRow::new::<Admin>(RouteMethod::Any).at("/admin/{section}"),
        RouteRow::new::<Member>(RouteMethod::Any).at("/nowhere"),
        RouteRow::new::<Member>(RouteMethod::Any).at("/shared"),
        row::<Anyone>(http::Method::GET, "/items/{id}"),
        row::<Member>(http::Method::POST, "/items/{id}"),
        row::<Member>(http::Method::CONNECT, "/tunnel"),
        row::<Member>(http::Method::GET, "/elsewhere"),
        row::<Member>(http::Method::GET, "/files/{*rest}"),
    ]);
    let mut doc = document(vec![
        ("/admin/{name}", item(&["get", "delete"])),
        ("/items/{item}", item(&["get"])),
        ("/extra", item(&["put"])),
        ("/elsewhere", ReferenceOr::ref_("#/components/pathItems/Elsewhere")),
        ("/shared", ReferenceOr::ref_("#/components/pathItems/Shared")),
        ("/files/{rest}", item(&["get"])),
    ]);
    let report = table.apply_aide(&mut doc);
    let paths = &json(&doc)["paths"];
    for method in ["get", "delete"] {
        let op = &paths["/admin/{name}"][method];
        assert_eq!(op["security"], json!([{ "bearerAuth": [] }]), "{method}");
        assert_eq!(op["x-required-roles"]["roles"], json!(["admin", "owner"]));
    }
    assert_eq!(paths["/files/{rest}"]["get"]["security"], json!([{ "bearerAuth": [] }]));
    assert!(paths["/extra"]["put"].get("security").is_none());

    let missing: Vec<_> = report
        .missing()
        .iter()
        .map(|r| (r.method().as_str(), r.path()))
        .collect();
    assert_eq!(missing, [("POST", "/items/{id}")]);
    let skipped: Vec<_> = report
        .skipped()
        .iter()
        .map(|s| (s.row().display_path(), s.reason()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("*".to_owned(), AideSkipReason::Fallback),
            ("/api/*".to_owned(), AideSkipReason::Fallback),
            ("/elsewhere".to_owned(), AideSkipReason::PathItemReference),
            ("/tunnel".to_owned(), AideSkipReason::UnsupportedMethod),
            ("/nowhere".to_owned(), AideSkipReason::NoOperationForAny),
            ("/shared".to_owned(), AideSkipReason::PathItemReference),
        ]
    );
    assert_eq!(
        report.untracked().iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["PUT /extra"]
    );
    let error = report.ensure_complete().expect_err("incomplete");
    assert!(matches!(&error, AideError::MissingOperations(rows) if rows.len() == 1));
    let message = error.to_string();
    assert!(message.contains("POST /items/{id} (handler `"), "{message}");
    let text = report.to_string();
    assert!(text.starts_with("missing: POST /items/{id}"), "{text}");
    assert!(text.contains("skipped: ANY * (handler `"), "{text}");
    assert!(text.contains("untracked: PUT /extra (no route in the table)"), "{text}");
}

#[test]
fn a_document_without_paths_lacks_every_route() {
    let table = table(vec![
        row::<Member>(http::Method::GET, "/me"),
        RouteRow::new::<Member>(RouteMethod::Any).at("/any"),
    ]);
    let mut doc = OpenApi::default();
    let report = table.apply_aide(&mut doc);
    assert_eq!(report.missing().len(), 1);
    assert_eq!(report.skipped()[0].reason(), AideSkipReason::NoOperationForAny);
    assert!(doc.paths.is_none(), "nothing is invented");
    assert!(doc.components.is_some_and(|c| c.responses.contains_key(UNAUTHORIZED)));
}

#[test]
fn applying_twice_changes_nothing_and_stale_marks_go() {
    let first = table(vec![row::<AdminOwner>(http::Method::GET, "/x")]);
    let mut doc = document(vec![("/x", item(&["get"]))]);
    let _ = first.apply_aide(&mut doc);
    let once = json(&doc);
    let report = first.apply_aide(&mut doc);
    assert_eq!(json(&doc), once);
    assert!(report.kept_components().is_empty() && report.is_complete(), "{report}");

    let now_public = table(vec![row::<Anyone>(http::Method::GET, "/x")]);
    let _ = now_public.apply_aide(&mut doc);
    let op = &json(&doc)["paths"]["/x"]["get"];
    assert_eq!(op, &json!({ "security": [] }), "no roles, policy or refusals left");

    let guarded_again = table(vec![row::<Member>(http::Method::GET, "/x")]);
    let _ = guarded_again.apply_aide(&mut doc);
    let text = serde_json::to_string(&doc).expect("json");
    assert_eq!(text.matches(r#""security""#).count(), 1, "{text}");
    assert_eq!(
        json(&doc)["paths"]["/x"]["get"]["security"],
        json!([{ "bearerAuth": [] }])
    );
}

#[test]
fn existing_components_and_responses_are_kept() {
    let table = table(vec![row::<Member>(http::Method::GET, "/x")]);
    let mut doc = document(vec![("/x", item(&["get"]))]);
    let mine = ReferenceOr::Item(Response {
        description: "my own 401".to_owned(),
        ..Response::default()
    });
    if let Some(ReferenceOr::Item(x)) = doc.paths.as_mut().and_then(|p| p.paths.get_mut("/x"))
        && let Some(op) = x.get.as_mut()
    {
        op.responses
            .get_or_insert_with(Responses::default)
            .responses
            .insert(StatusCode::Code(401), mine);
    }
    let components = doc.components.get_or_insert_with(Components::default);
    let empty = aide::openapi::SchemaObject {
        json_schema: schemars::Schema::from(serde_json::Map::new()),
        external_docs: None,
        example: None,
    };
    components.schemas.insert(PROBLEM_SCHEMA.to_owned(), empty);
    let oidc =
        json!({ "type": "openIdConnect", "openIdConnectUrl": "https://id.example/.well-known/openid-configuration" });
    components.security_schemes.insert(
        "oidc".to_owned(),
        serde_json::from_value(oidc.clone()).expect("a scheme"),
    );

    let report = WardenAide::new().security_scheme("oidc").apply(&table, &mut doc);
    assert_eq!(
        report.kept_components(),
        ["#/components/securitySchemes/oidc", "#/components/schemas/Problem"]
    );
    let json = json(&doc);
    let op = &json["paths"]["/x"]["get"];
    // The operation's own 401 is kept, and the guard's answer is written into it.
    let own = &op["responses"]["401"];
    assert!(
        own["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("my own 401\n\nOr the access guard's answer: No valid bearer token")),
        "{own}"
    );
    assert_eq!(
        own["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    assert!(own["headers"]["WWW-Authenticate"].is_object(), "{own}");
    assert_eq!(op["responses"]["400"]["$ref"], "#/components/responses/BadRequest");
    assert_eq!(op["security"], json!([{ "oidc": [] }]));
    assert_eq!(json["components"]["securitySchemes"]["oidc"], oidc);
    assert!(json["components"]["securitySchemes"].get("bearerAuth").is_none());
    assert_eq!(json["components"]["schemas"]["Problem"], json!({}));
}

#[test]
fn the_components_are_added_once() {
    let table = table(vec![row::<Member>(http::Method::GET, "/x")]);
    let mut doc = document(vec![("/x", item(&["get"]))]);
    let _ = table.apply_aide(&mut doc);
    let components = &json(&doc)["components"];
    assert_eq!(
        components["securitySchemes"]["bearerAuth"],
        json!({
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A JWT access token in `Authorization: Bearer …` (RFC 6750)."
        })
    );
    let added = doc.components.as_ref().expect("components");
    let names: Vec<_> = added.responses.keys().collect();
    assert_eq!(names, ["BadRequest", "Unauthorized", "Forbidden", "NotFound"]);
    for name in ["BadRequest", "Unauthorized", "Forbidden"] {
        let response = &components["responses"][name];
        let body = &response["content"]["application/problem+json"];
        assert_eq!(body["schema"]["$ref"], "#/components/schemas/Problem", "{name}");
        assert_eq!(response["headers"]["WWW-Authenticate"]["schema"]["type"], "string");
        assert_eq!(response["headers"]["Cache-Control"]["schema"]["type"], "string");
    }
    assert_eq!(
        components["responses"]["BadRequest"]["content"]["application/problem+json"]["example"]["status"],
        400
    );
    let not_found = &components["responses"]["NotFound"];
    assert!(not_found.get("headers").is_none() && not_found.get("content").is_none());
    let problem = &components["schemas"]["Problem"];
    assert_eq!(problem["type"], "object");
    assert_eq!(problem["required"], json!(["type", "title", "status", "detail"]));
    assert_eq!(problem["properties"]["status"]["maximum"], 599);
}

#[test]
fn fetched_keys_add_the_503_to_guarded_operations_only() {
    let table = table(vec![
        row::<Anyone>(http::Method::GET, "/open"),
        row::<Member>(http::Method::GET, "/me"),
    ]);
    let mut doc = document(vec![("/open", item(&["get"])), ("/me", item(&["get"]))]);
    let report = WardenAide::new().remote_keys(true).apply(&table, &mut doc);
    assert!(report.is_complete(), "{report}");
    let written = json(&doc);
    assert!(refusals(&written["paths"]["/open"]["get"]).is_empty());
    assert_eq!(
        refusals(&written["paths"]["/me"]["get"]),
        refs(&[
            ("400", "BadRequest"),
            ("401", "Unauthorized"),
            ("503", "ServiceUnavailable")
        ])
    );
    let unavailable = &written["components"]["responses"]["ServiceUnavailable"];
    assert!(unavailable["headers"].get("Retry-After").is_some(), "{unavailable}");
    assert!(
        unavailable["headers"].get("WWW-Authenticate").is_none(),
        "{unavailable}"
    );

    let mut local = document(vec![("/me", item(&["get"]))]);
    let _ = WardenAide::new().apply(&table, &mut local);
    let local = json(&local);
    assert!(local["components"]["responses"].get("ServiceUnavailable").is_none());
    assert!(local["paths"]["/me"]["get"]["responses"].get("503").is_none());
}

#[test]
fn the_handlers_own_answer_with_the_guards_status_gets_the_guards_body() {
    let table = table(vec![row::<Admin>(http::Method::POST, "/items")]);
    let mut doc = document(vec![("/items", item(&["post"]))]);
    let mut unparsable = Response {
        description: "The body is not JSON.".to_owned(),
        ..Response::default()
    };
    unparsable
        .content
        .insert("text/plain".to_owned(), aide::openapi::MediaType::default());
    let elsewhere = ReferenceOr::ref_("#/components/responses/MyForbidden");
    if let Some(ReferenceOr::Item(x)) = doc.paths.as_mut().and_then(|p| p.paths.get_mut("/items"))
        && let Some(op) = x.post.as_mut()
    {
        let responses = op.responses.get_or_insert_with(Responses::default);
        responses
            .responses
            .insert(StatusCode::Code(400), ReferenceOr::Item(unparsable));
        responses.responses.insert(StatusCode::Code(403), elsewhere);
    }
    let _ = table.apply_aide(&mut doc);
    let once = json(&doc);
    let responses = &once["paths"]["/items"]["post"]["responses"];
    let bad = &responses["400"];
    let media_types: Vec<&String> = bad["content"].as_object().expect("content").keys().collect();
    assert_eq!(
        media_types,
        ["application/problem+json", "text/plain"],
        "both bodies: {bad}"
    );
    assert!(
        bad["description"].as_str().is_some_and(|d| d.starts_with(
            "The body is not JSON.\n\nOr the access guard's answer: The request carries more than one credential"
        )),
        "{bad}"
    );
    assert_eq!(responses["403"]["$ref"], "#/components/responses/MyForbidden");
    let _ = table.apply_aide(&mut doc);
    assert_eq!(json(&doc), once, "merging twice changes nothing");
}

/// A policy route documents its 404 beside the 503; `for_warden` turns the 503 on for keys
/// fetched over HTTP and for a custom authenticator, which may answer 503.
#[test]
fn for_warden_documents_the_503_where_the_guard_may_answer_it() {
    let table = table(vec![row::<AdminOwner>(http::Method::GET, "/mine")]);
    let mut doc = document(vec![("/mine", item(&["get"]))]);
    let _ = WardenAide::new().remote_keys(true).apply(&table, &mut doc);
    let json = json(&doc);
    assert_eq!(
        refusals(&json["paths"]["/mine"]["get"]),
        refs(&[
            ("400", "BadRequest"),
            ("401", "Unauthorized"),
            ("403", "Forbidden"),
            ("404", "NotFound"),
            ("503", "ServiceUnavailable")
        ])
    );
    let unavailable = &json["components"]["responses"]["ServiceUnavailable"];
    assert_eq!(unavailable["headers"]["Retry-After"]["schema"]["type"], "integer");
    assert_eq!(
        unavailable["content"]["application/problem+json"]["example"]["status"],
        503
    );

    let local = crate::Warden::builder()
        .hmac_secret(vec![7; 32])
        .build()
        .expect("valid");
    assert!(!WardenAide::for_warden(&local).remote_keys);
    let remote = crate::Warden::builder()
        .jwks_url("https://idp.example/jwks")
        .build()
        .expect("valid");
    assert!(WardenAide::for_warden(&remote).remote_keys);
    struct Sessions;
    impl crate::Authenticator for Sessions {
        async fn authenticate(&self, _: &http::request::Parts) -> Result<crate::Identity, crate::AuthError> {
            Err(crate::AuthError::MissingCredentials)
        }
    }
    let custom = crate::Warden::builder().authenticator(Sessions).build().expect("valid");
    assert!(WardenAide::for_warden(&custom).remote_keys);
}

#[test]
fn roles_with_scopes_and_step_up_are_documented() {
    struct EditStepUp;
    impl RouteRule for EditStepUp {
        type Kind = Protected;
        const REQUIREMENT: Requirement = Requirement::RolesAndScopes {
            role_mode: Match::All,
            roles: &["editor", "reviewer"],
            scope_mode: Match::Any,
            scopes: &["articles:write", "articles:admin"],
        };
        const STEP_UP: StepUp = StepUp {
            acr: None,
            max_age: Some(60),
        };
        const HANDLER: HandlerInfo = HandlerInfo {
            name: "edit",
            module: "app",
            file: "app.rs",
            line: 1,
        };
    }
    let stepped = table(vec![row::<EditStepUp>(http::Method::PUT, "/articles/{id}")]);
    let mut doc = document(vec![("/articles/{id}", item(&["put"]))]);
    let report = stepped.apply_aide(&mut doc);
    assert!(report.is_complete(), "{report}");
    let op = &json(&doc)["paths"]["/articles/{id}"]["put"];
    assert_eq!(
        op["security"],
        serde_json::json!([{ "bearerAuth": ["articles:write"] }, { "bearerAuth": ["articles:admin"] }]),
        "{op}"
    );
    assert_eq!(
        op["x-required-roles"],
        serde_json::json!({ "match": "all", "roles": ["editor", "reviewer"] })
    );
    assert_eq!(op["x-step-up"], serde_json::json!({ "max_age": 60 }));
    assert_eq!(
        refusals(op),
        refs(&[("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden")])
    );
    // Applying again to a route that lost its step-up rule removes the extension.
    let plain = table(vec![row::<Member>(http::Method::PUT, "/articles/{id}")]);
    let _ = plain.apply_aide(&mut doc);
    assert!(json(&doc)["paths"]["/articles/{id}"]["put"].get("x-step-up").is_none());
}
