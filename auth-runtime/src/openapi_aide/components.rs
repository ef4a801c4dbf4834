//! The components the access rules refer to: the bearer security scheme, the RFC 9457
//! problem-details schema, and the `400`, `401`, `403` and `404` responses the guard and
//! the route policies give, and the `503` when keys are fetched.

use crate::http::Scheme;
use aide::openapi::{
    Components, Header, HeaderStyle, MediaType, ParameterSchemaOrContent, ReferenceOr, Response, SchemaObject,
    SecurityScheme,
};
use serde_json::{Map, Value, json};

/// The schema component of the RFC 9457 body.
pub(super) const PROBLEM_SCHEMA: &str = "Problem";
/// The response component of a `400` (several credentials).
pub(super) const BAD_REQUEST: &str = "BadRequest";
/// The response component of a `401`.
pub(super) const UNAUTHORIZED: &str = "Unauthorized";
/// The response component of a `403`.
pub(super) const FORBIDDEN: &str = "Forbidden";
/// The response component of the `404` of a route policy that hides.
pub(super) const NOT_FOUND: &str = "NotFound";
/// The response component of a `503` (no key can be obtained).
pub(super) const SERVICE_UNAVAILABLE: &str = "ServiceUnavailable";
const PROBLEM_JSON: &str = "application/problem+json";

/// Adds the components under their names, the security scheme as `scheme`; a component
/// that exists with other content is kept and named in `kept`.
///
/// `ServiceUnavailable` only when `remote_keys`: a local key source never answers 503.
pub(super) fn add(components: &mut Components, scheme: &str, remote_keys: bool, kept: &mut Vec<String>) {
    let bearer = ReferenceOr::Item(SecurityScheme::Http {
        scheme: "bearer".to_owned(),
        bearer_format: Some("JWT".to_owned()),
        description: Some("A JWT access token in `Authorization: Bearer …` (RFC 6750).".to_owned()),
        extensions: Default::default(),
    });
    let mut keep = |kind: &str, name: &str, present: bool| {
        if present {
            kept.push(format!("#/components/{kind}/{name}"));
        }
    };
    match components.security_schemes.get(scheme) {
        None => {
            components.security_schemes.insert(scheme.to_owned(), bearer);
        }
        Some(existing) => keep("securitySchemes", scheme, *existing != bearer),
    }
    let problem = problem_schema();
    match components.schemas.get(PROBLEM_SCHEMA) {
        None => {
            components.schemas.insert(PROBLEM_SCHEMA.to_owned(), problem);
        }
        Some(existing) => keep("schemas", PROBLEM_SCHEMA, *existing != problem),
    }
    let names: &[&str] = if remote_keys {
        &[BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, SERVICE_UNAVAILABLE]
    } else {
        &[BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND]
    };
    for &name in names {
        let Some(response) = response(name) else {
            continue;
        };
        let response = ReferenceOr::Item(response);
        match components.responses.get(name) {
            None => {
                components.responses.insert(name.to_owned(), response);
            }
            Some(existing) => keep("responses", name, *existing != response),
        }
    }
}

/// Adds the security scheme of each of `others` under its name; one that exists with
/// other content is kept and named in `kept`.
pub(super) fn add_schemes(components: &mut Components, others: &[(String, Scheme)], kept: &mut Vec<String>) {
    for (name, scheme) in others {
        let Some(value) = scheme.openapi_component_as::<SecurityScheme>().map(ReferenceOr::Item) else {
            continue;
        };
        match components.security_schemes.get(name) {
            None => {
                components.security_schemes.insert(name.clone(), value);
            }
            Some(existing) if *existing != value => kept.push(format!("#/components/securitySchemes/{name}")),
            Some(_) => {}
        }
    }
}

/// The answer of the guard that the response component `name` describes.
pub(super) fn response(name: &str) -> Option<Response> {
    Some(match name {
        BAD_REQUEST => bad_request(),
        UNAUTHORIZED => unauthorized(),
        FORBIDDEN => forbidden(),
        NOT_FOUND => not_found(),
        SERVICE_UNAVAILABLE => service_unavailable(),
        _ => return None,
    })
}

/// A JSON Schema object from a JSON object literal.
fn schema(value: Value) -> SchemaObject {
    let object = match value {
        Value::Object(object) => object,
        _ => Map::new(),
    };
    SchemaObject {
        json_schema: schemars::Schema::from(object),
        external_docs: None,
        example: None,
    }
}

/// The body `responder.rs` renders: RFC 9457 problem details.
fn problem_schema() -> SchemaObject {
    schema(json!({
        "type": "object",
        "title": "Problem details",
        "description": "An RFC 9457 problem-details body (`application/problem+json`), as the access guard \
                        renders its refusals. It never carries the token, the key id or which check failed.",
        "properties": {
            "type": {
                "type": "string",
                "format": "uri-reference",
                "default": "about:blank",
                "description": "The problem type; `about:blank`: the status says it all.",
            },
            "title": { "type": "string", "description": "The HTTP status phrase, e.g. `Unauthorized`." },
            "status": {
                "type": "integer",
                "format": "int32",
                "minimum": 100,
                "maximum": 599,
                "description": "The HTTP status code of the answer.",
            },
            "detail": { "type": "string", "description": "What the client can do about it." },
            "instance": {
                "type": "string",
                "format": "uri-reference",
                "description": "The occurrence of the problem (not set by the guard).",
            },
        },
        "required": ["type", "title", "status", "detail"],
    }))
}

/// The `400` body of a request with two credentials, as `responder.rs` renders it.
pub(super) fn bad_request_example() -> Value {
    json!({
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "The request carries more than one credential.",
    })
}

/// The `401` body of a request without credentials, as `responder.rs` renders it.
pub(super) fn unauthorized_example() -> Value {
    json!({
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "This resource requires a bearer token.",
    })
}

/// The `403` body of a role or scope rule, as `responder.rs` renders it.
pub(super) fn forbidden_example() -> Value {
    json!({
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": "The bearer token does not grant access to this resource.",
    })
}

/// The `503` body, as `responder.rs` renders it.
pub(super) fn service_unavailable_example() -> Value {
    json!({
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "Credentials cannot be verified right now; try again later.",
    })
}

fn header(description: &str) -> ReferenceOr<Header> {
    typed_header(description, json!({ "type": "string" }))
}

fn typed_header(description: &str, value: Value) -> ReferenceOr<Header> {
    ReferenceOr::Item(Header {
        description: Some(description.to_owned()),
        style: HeaderStyle::Simple,
        required: false,
        deprecated: None,
        format: ParameterSchemaOrContent::Schema(schema(value)),
        example: None,
        examples: Default::default(),
        extensions: Default::default(),
    })
}

/// A refusal rendered by the guard: challenge, `Cache-Control: no-store`, problem details.
fn refusal(description: &str, challenge: &str, example: Value) -> Response {
    let mut response = Response {
        description: description.to_owned(),
        ..Response::default()
    };
    response
        .headers
        .insert("WWW-Authenticate".to_owned(), header(challenge));
    problem(response, example)
}

/// What every refusal with a body shares: `Cache-Control: no-store` and problem details.
fn problem(mut response: Response, example: Value) -> Response {
    response.headers.insert(
        "Cache-Control".to_owned(),
        header("`no-store`: refusals are never cached."),
    );
    let body = MediaType {
        schema: Some(schema(
            json!({ "$ref": format!("#/components/schemas/{PROBLEM_SCHEMA}") }),
        )),
        example: Some(example),
        ..MediaType::default()
    };
    response.content.insert(PROBLEM_JSON.to_owned(), body);
    response
}

fn bad_request() -> Response {
    refusal(
        "The request carries more than one credential (two `Authorization` headers, say); \
         RFC 6750 allows one per request.",
        "`Bearer realm=\"…\", error=\"invalid_request\"`.",
        bad_request_example(),
    )
}

fn unauthorized() -> Response {
    refusal(
        "No valid bearer token: none was sent, the scheme is not `Bearer`, or the token is \
         malformed, expired, not yet valid, or not verifiable against the configured keys, \
         issuer and audience.",
        "The RFC 6750 challenge: `Bearer realm=\"…\"`, plus `error=\"invalid_token\"` when a \
         token was sent and refused.",
        unauthorized_example(),
    )
}

fn forbidden() -> Response {
    refusal(
        "The bearer token is valid but does not grant the role or scope this operation \
         requires, or the operation's access policy refuses the caller.",
        "`Bearer realm=\"…\", error=\"insufficient_scope\"`, plus `scope=\"…\"` (the scopes that \
         would grant access) for scope rules.",
        forbidden_example(),
    )
}

/// No key to verify the token: no challenge (the credentials may be fine), `Retry-After`.
fn service_unavailable() -> Response {
    let mut response = Response {
        description: "No key to verify the token can be obtained right now (the key source is \
                      unreachable and holds no key for it); never an allow."
            .to_owned(),
        ..Response::default()
    };
    response.headers.insert(
        "Retry-After".to_owned(),
        typed_header(
            "Seconds until the key source may be asked again.",
            json!({ "type": "integer", "minimum": 1 }),
        ),
    );
    problem(response, service_unavailable_example())
}

/// What `PolicyRejection::Hidden` sends: the answer to a path that does not exist, with no
/// body, challenge or other header to tell the two apart.
fn not_found() -> Response {
    Response {
        description: "The operation's access policy hides the resource from this caller: \
                      answered as for a path that does not exist, with no body."
            .to_owned(),
        ..Response::default()
    }
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;

    use super::*;
    use crate::error::{AuthError, InvalidRequest};
    use crate::http::{PolicyRejection, Rejection};
    use crate::requirement::Requirement;

    fn body(response: axum::response::Response) -> Vec<u8> {
        tokio_test::block_on(axum::body::to_bytes(response.into_body(), 4096))
            .expect("body")
            .to_vec()
    }

    fn problem(error: AuthError) -> Value {
        let response = Rejection::new(error, None, &http::Method::GET).default_response();
        serde_json::from_slice(&body(response)).expect("json")
    }

    #[test]
    fn examples_are_what_the_guard_renders() {
        assert_eq!(
            problem(AuthError::InvalidRequest(InvalidRequest::SeveralCredentials)),
            bad_request_example()
        );
        assert_eq!(problem(AuthError::MissingCredentials), unauthorized_example());
        let forbidden = AuthError::RequirementNotMet {
            requirement: Requirement::Authenticated,
        };
        assert_eq!(problem(forbidden), forbidden_example());
        let unavailable = AuthError::Unavailable {
            retry_after: std::time::Duration::from_secs(3),
        };
        assert_eq!(problem(unavailable), service_unavailable_example());
    }

    /// The documented 404 has no headers and no content, as the hidden answer has none.
    #[test]
    fn the_hidden_answer_is_a_bare_404() {
        let response = PolicyRejection::Hidden.into_response();
        assert_eq!(response.status(), http::StatusCode::NOT_FOUND);
        assert!(response.headers().get(http::header::WWW_AUTHENTICATE).is_none());
        assert!(body(response).is_empty());
        let documented = not_found();
        assert!(documented.headers.is_empty() && documented.content.is_empty());
    }
}
