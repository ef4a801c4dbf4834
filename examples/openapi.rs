//! The OpenAPI 3.1 document of the quickstart's routes, derived from the same access
//! attributes the guard enforces: each operation's `security`, the `401`/`403` answers,
//! the bearer JWT scheme and the RFC 9457 problem-details schema.
//!
//! ```text
//! cargo run --example openapi --features utoipa                  # print the document
//! cargo run --example openapi --features utoipa -- openapi.json  # write it to a file
//! ```
//!
//! The handlers describe their own operations with `#[utoipa::path]` (parameters, request
//! bodies, success answers); `RouteTable::apply_openapi` adds what the access attributes
//! decide (security, every refusal) and reports any route the document lacks.
//! `tests/openapi.rs` validates this document and keeps a snapshot of it, and
//! `scripts/schemathesis` tests the running quickstart against it.

// `pub(crate)`: tests/openapi.rs includes this file and drives these routes.
#[path = "quickstart/routes.rs"]
pub(crate) mod routes;

use utoipa::OpenApi as _;
use utoipa::openapi::{InfoBuilder, OpenApi};

/// The operations the handlers describe.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    routes::health,
    routes::me,
    routes::admin,
    routes::create_article,
    routes::article,
    routes::audit,
    routes::orders
))]
struct Operations;

/// The document this example prints.
pub(crate) fn document() -> OpenApi {
    let mut doc = Operations::openapi();
    doc.info = InfoBuilder::new()
        .title("axum-warden quickstart")
        .version("0.1.0")
        .description(Some(
            "The routes of `cargo run --example quickstart`. Access, security and refusals are \
             derived by axum-warden from the handlers' access attributes.",
        ))
        .build();
    let report = routes::routes().route_table().apply_openapi(&mut doc);
    assert!(report.is_complete(), "the handlers document every route:\n{report}");
    doc
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let doc = document();
    let mut json = doc.to_pretty_json()?;
    json.push('\n');
    match args.as_slice() {
        [] => print!("{json}"),
        [path] if !path.starts_with('-') => {
            std::fs::write(path, json)?;
            eprintln!("wrote {path}");
        }
        _ => return Err("usage: openapi [OUTPUT.json]".into()),
    }
    Ok(())
}
