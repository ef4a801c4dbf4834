//! The OpenAPI 3.1 document of the quickstart's routes, derived from the same access
//! attributes the guard enforces: each operation's `security`, the `401`/`403` answers,
//! the bearer JWT scheme and the RFC 9457 problem-details schema.
//!
//! ```text
//! cargo run --example openapi --features utoipa                  # print the document
//! cargo run --example openapi --features utoipa -- openapi.json  # write it to a file
//! ```
//!
//! The quickstart has no OpenAPI document of its own, so this starts from
//! `RouteTable::to_openapi`, which makes one operation per route. An application with a
//! document (`#[derive(utoipa::OpenApi)]`, `utoipa-axum`) calls
//! `RouteTable::apply_openapi(&mut doc)` instead and reads the report for routes its
//! document lacks. `tests/openapi.rs` validates this document and keeps a snapshot of it.

// `pub(crate)`: tests/openapi.rs includes this file and drives these routes.
#[path = "quickstart/routes.rs"]
pub(crate) mod routes;

use utoipa::openapi::{InfoBuilder, OpenApi};

/// The document this example prints.
pub(crate) fn document() -> OpenApi {
    let info = InfoBuilder::new()
        .title("axum-warden quickstart")
        .version("0.1.0")
        .description(Some(
            "The routes of `cargo run --example quickstart`. Access, security and refusals are \
             derived by axum-warden from the handlers' access attributes.",
        ))
        .build();
    routes::routes().route_table().to_openapi(info)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut doc = document();
    // Fallbacks and `any` routes have no operation in a generated document: say so.
    let report = routes::routes().route_table().apply_openapi(&mut doc);
    if !report.skipped().is_empty() {
        eprint!("{report}");
    }
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
