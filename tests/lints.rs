//! Expansion hygiene: every attribute form on realistic handlers, under the strictest lint
//! levels a user crate is likely to set. `cargo clippy --all-targets` fails if generated
//! code trips a rustc or clippy lint; the test checks what the generated policies say.
#![deny(warnings, clippy::pedantic)]
#![deny(
    missing_docs,
    missing_debug_implementations,
    missing_copy_implementations,
    unreachable_pub
)]
#![deny(unused_qualifications, rust_2018_idioms)]

#[path = "lints/handlers.rs"]
pub mod handlers;

use axum_warden::{Match, Requirement};
use handlers::routes;

const fn roles(mode: Match, names: &'static [&'static str]) -> Requirement {
    Requirement::Roles { mode, names }
}

const fn scopes(mode: Match, names: &'static [&'static str]) -> Requirement {
    Requirement::Scopes { mode, names }
}

/// The line of `async fn <name>(` in this file.
fn line_of(name: &str) -> u32 {
    let needle = format!("async fn {name}(");
    let index = include_str!("lints/handlers.rs")
        .lines()
        .position(|line| line.contains(&needle))
        .unwrap_or_else(|| panic!("no handler named {name}"));
    u32::try_from(index + 1).expect("short file")
}

#[test]
fn generated_policies_describe_their_handlers() {
    let table = routes().route_table();
    let mut seen = Vec::new();
    for row in table.rows() {
        let handler = row.handler();
        assert_eq!(handler.line, line_of(handler.name), "{}", handler.name);
        assert!(handler.file.ends_with("handlers.rs"), "{}", handler.file);
        let expected_module = if matches!(handler.name, "version" | "stats") {
            "lints::handlers::nested"
        } else {
            "lints::handlers"
        };
        assert_eq!(handler.module, expected_module, "{}", handler.name);
        seen.push((handler.name, *row.requirement()));
    }
    seen.sort_by_key(|&(name, _)| name);
    assert_eq!(
        seen,
        [
            ("account", roles(Match::Any, &["editor"])),
            ("audit", roles(Match::All, &["admin", "auditor"])),
            ("delete_user", roles(Match::Any, &["admin"])),
            ("health", Requirement::Public),
            ("invoices", roles(Match::Any, &["billing-admin", "admin"])),
            ("me", Requirement::Authenticated),
            ("orders", scopes(Match::Any, &["orders:read"])),
            ("publish", roles(Match::Any, &["editor", "admin"])),
            ("reorder", scopes(Match::All, &["orders:read", "orders:write"])),
            ("replace_order", scopes(Match::Any, &["orders:write", "orders:admin"])),
            ("stats", roles(Match::Any, &["admin"])),
            ("version", Requirement::Public),
        ]
    );
}
