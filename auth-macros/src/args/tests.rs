//! The attribute grammar against hand-written arguments: what parses, and the exact
//! message of every mistake.

use quote::quote;
use syn::Attribute;

use super::mode::Mode;
use super::name::Name;
use super::*;

fn parse_ok(access: Access, args: TokenStream) -> Args {
    let mut diag = Diag::new();
    let parsed = parse(access, args, &mut diag);
    match (diag.finish(), parsed) {
        (Ok(()), Some(args)) => args,
        (result, parsed) => panic!("expected success, got {result:?} / {parsed:?}"),
    }
}

/// The messages of every error, in order.
fn parse_err(access: Access, args: TokenStream) -> Vec<String> {
    let mut diag = Diag::new();
    let parsed = parse(access, args, &mut diag);
    assert!(parsed.is_none(), "expected an error, got {parsed:?}");
    diag.finish()
        .expect_err("an error was reported")
        .into_iter()
        .map(|e| e.to_string())
        .collect()
}

fn rule_of(args: Args) -> (Subject, Mode, Vec<String>) {
    match args {
        Args::Rule(subject, rule, _) => (subject, rule.mode, rule.names.iter().map(Name::text).collect()),
        other => panic!("expected a rule, got {other:?}"),
    }
}

#[test]
fn bare_attributes_take_nothing() {
    assert!(matches!(parse_ok(Access::Public, quote!()), Args::Public));
    assert!(matches!(
        parse_ok(Access::RequiresAuth, quote!()),
        Args::Authenticated(_)
    ));
}

#[test]
fn step_up_options() {
    let Args::Rule(_, rule, options) = parse_ok(Access::RequiresRole, quote!("admin", acr = "mfa", max_age = 300))
    else {
        panic!("a rule");
    };
    assert_eq!(rule.names.len(), 1);
    assert_eq!(
        format!("{options:?}"),
        r#"StepUpArgs { acr: Some("mfa"), max_age: Some(300) }"#
    );
    let Args::Authenticated(options) = parse_ok(Access::RequiresAuth, quote!(max_age = 60)) else {
        panic!("authenticated");
    };
    assert_eq!(format!("{options:?}"), "StepUpArgs { acr: None, max_age: Some(60) }");
    for (args, message) in [
        (
            quote!("a", max_age = 0),
            "`max_age` is a positive whole number of seconds, not `0`",
        ),
        (
            quote!("a", max_age = -5),
            "`max_age` is a positive whole number of seconds, not `- 5`",
        ),
        (
            quote!("a", max_age = "300"),
            "`max_age` is a positive whole number of seconds, not `\"300\"`",
        ),
        (
            quote!("a", max_age = 1.5),
            "`max_age` is a positive whole number of seconds, not `1.5`",
        ),
        (
            quote!("a", max_age = 30u8),
            "`max_age` is a positive whole number of seconds, not `30u8`",
        ),
        (
            quote!("a", acr = mfa),
            "`acr` takes one authentication context class as a string",
        ),
        (quote!("a", acr = "x", acr = "y"), "`acr` is given twice: keep one"),
        (quote!("a", level = 2), "unknown option `level`"),
    ] {
        let errors = parse_err(Access::RequiresScope, args.clone());
        assert!(
            errors.len() == 1 && errors[0].starts_with(message),
            "{args}: {errors:?}"
        );
    }
    assert_eq!(
        parse_err(Access::Public, quote!(acr = "mfa")),
        [
            "`#[public]` takes no step-up options: a public route authenticates no one; to require a strong or \
             recent authentication write #[requires_auth(acr = \"mfa\")]"
        ]
    );
}

#[test]
fn bare_attributes_refuse_arguments() {
    assert_eq!(
        parse_err(Access::Public, quote!(foo)),
        ["`#[public]` takes no arguments: write #[public]"]
    );
    assert_eq!(
        parse_err(Access::RequiresAuth, quote!(a = 1)),
        [
            "unknown option `a`: expected `acr = \"mfa\"` (the weakest authentication context class the route \
             accepts) or `max_age = 300` (the longest time since the caller authenticated, in seconds)"
        ]
    );
    assert_eq!(
        parse_err(Access::RequiresAuth, quote!(all("admin", auditor))),
        [
            r#"`#[requires_auth]` takes no rule: to require a role write #[requires_role(all("admin", "auditor"))]; its options are `acr = "mfa"` (the weakest authentication context class the route accepts) or `max_age = 300` (the longest time since the caller authenticated, in seconds)"#
        ]
    );
    assert_eq!(
        parse_err(Access::RequiresAuth, quote!("admin")),
        [
            r#"`#[requires_auth]` takes no rule: to require a role write #[requires_role("admin")]; its options are `acr = "mfa"` (the weakest authentication context class the route accepts) or `max_age = 300` (the longest time since the caller authenticated, in seconds)"#
        ]
    );
}

#[test]
fn single_name_is_any_of_one() {
    let rule = rule_of(parse_ok(Access::RequiresRole, quote!("admin")));
    assert_eq!(rule, (Subject::Role, Mode::Any, vec!["admin".to_owned()]));
}

#[test]
fn lists_keep_source_order_and_allow_a_trailing_comma() {
    let rule = rule_of(parse_ok(Access::RequiresScope, quote!(all("b", "a",))));
    assert_eq!(rule, (Subject::Scope, Mode::All, vec!["b".to_owned(), "a".to_owned()]));
    let rule = rule_of(parse_ok(Access::RequiresRole, quote!(any("x"),)));
    assert_eq!(rule, (Subject::Role, Mode::Any, vec!["x".to_owned()]));
}

#[test]
fn raw_strings_and_escapes_are_names() {
    let rule = rule_of(parse_ok(Access::RequiresRole, quote!(any(r"a:b", "c\x64"))));
    assert_eq!(rule.2, ["a:b", "cd"]);
}

#[test]
fn missing_rule() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!()),
        [
            r#"`#[requires_role]` needs a role: write #[requires_role("admin")], or #[requires_role(any("editor", "admin"))] for several"#
        ]
    );
}

#[test]
fn several_top_level_names() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!("a", "b")),
        [
            r#"`#[requires_role]` takes a single rule: to accept any of these roles write #[requires_role(any("a", "b"))], to require all of them write #[requires_role(all("a", "b"))]"#
        ]
    );
    assert_eq!(
        parse_err(Access::RequiresScope, quote!(read, write)),
        [
            r#"`#[requires_scope]` takes a single rule: to accept any of these scopes write #[requires_scope(any("read", "write"))], to require all of them write #[requires_scope(all("read", "write"))]"#
        ]
    );
}

#[test]
fn bare_identifier_or_path() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(admin)),
        [r#"role names are string literals or declared roles like `Role::Admin`, e.g. #[requires_role("admin")]"#]
    );
    let rule = rule_of(parse_ok(Access::RequiresRole, quote!(any(Role::Admin, "x"))));
    assert_eq!(rule.2, ["Role::Admin", "x"]);
    assert_eq!(
        parse_err(Access::RequiresScope, quote!(Scope::Read)),
        [r#"scope names are string literals, not paths, e.g. #[requires_scope("orders:read")]"#]
    );
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(Vec::<u8>::new)),
        [
            r#"role names are string literals or declared roles like `Role::Admin`, not paths, e.g. #[requires_role("admin")]"#
        ]
    );
    assert_eq!(
        parse_err(Access::RequiresScope, quote!(any("a", b, 3))),
        [
            r#"scope names are string literals, e.g. #[requires_scope(any("a", "b", "3"))]"#,
            r#"scope names are string literals, not integers, e.g. #[requires_scope(any("a", "b", "3"))]"#,
        ]
    );
}

#[test]
fn non_string_literals() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(1)),
        [
            r#"role names are string literals or declared roles like `Role::Admin`, not integers, e.g. #[requires_role("1")]"#
        ]
    );
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(b"x")),
        [
            r#"role names are string literals or declared roles like `Role::Admin`, not byte strings, e.g. #[requires_role("x")]"#
        ]
    );
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(true)),
        [
            r#"role names are string literals or declared roles like `Role::Admin`, not booleans, e.g. #[requires_role("true")]"#
        ]
    );
}

#[test]
fn unknown_keyword_lists_the_valid_ones() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(one_of("a", "b"))),
        [
            r#"unknown rule `one_of` in `#[requires_role]`: expected `any` or `all`, e.g. #[requires_role(any("a", "b"))]"#
        ]
    );
}

#[test]
fn keyword_without_list() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(all)),
        [r#"`all` takes a list of roles in parentheses, e.g. #[requires_role(all("editor", "admin"))]"#]
    );
}

#[test]
fn empty_lists() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(any())),
        [r#"`any()` needs at least one role, e.g. #[requires_role(any("editor", "admin"))]"#]
    );
    assert_eq!(
        parse_err(Access::RequiresScope, quote!(all())),
        [r#"`all()` needs at least one scope, e.g. #[requires_scope(all("orders:read", "orders:write"))]"#]
    );
}

#[test]
fn nested_rules() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(any(all("a")))),
        [
            r#"rules do not nest: `any(..)` lists role names as string literals, e.g. #[requires_role(any("editor", "admin"))]"#
        ]
    );
}

#[test]
fn stray_commas() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(, "admin")),
        [r#"expected a role name before this comma, e.g. #[requires_role(any("editor", "admin"))]"#]
    );
    assert_eq!(
        parse_err(Access::RequiresRole, quote!(any("a",, "b"))),
        [r#"expected a role name before this comma, e.g. #[requires_role(any("editor", "admin"))]"#]
    );
}

#[test]
fn literal_suffix() {
    assert_eq!(
        parse_err(Access::RequiresRole, quote!("admin"x)),
        [r#"unexpected suffix `x` on a role name: write #[requires_role("admin")]"#]
    );
}

#[test]
fn access_attributes_among_others_are_found_in_order() {
    let attrs: Vec<Attribute> = syn::parse_quote! {
        #[axum_warden::requires_role("a")]
        #[public]
        #[doc = "x"]
        #[other::requires_scope]
        #[requires_auth]
    };
    let found: Vec<Option<Access>> = attrs.iter().map(Access::of).collect();
    assert_eq!(
        found,
        [
            Some(Access::RequiresRole),
            Some(Access::Public),
            None,
            None,
            Some(Access::RequiresAuth),
        ]
    );
}

/// Deeply nested arguments are refused by size before any recursive parser sees them;
/// fuzzing found `x<&&&…&u8>` overflowing the compiler's stack through syn's type parser.
#[test]
fn deeply_nested_arguments_are_refused_without_recursion() {
    let deep = |open: &str, core: &str, close: &str| -> TokenStream {
        format!("x<{}{core}{}>", open.repeat(20_000), close.repeat(20_000))
            .parse()
            .expect("tokens")
    };
    let cases = [
        deep("&", "u8", ""),
        deep("-", "1", ""),
        deep("[", "u8", "]"),
        deep("A=&", "u8", ""),
    ];
    for args in cases {
        for access in [Access::RequiresRole, Access::RequiresScope, Access::RequiresPolicy] {
            assert!(!parse_err(access, args.clone()).is_empty());
        }
    }
    let long: TokenStream = format!("crate::{}Policy", "m::".repeat(200)).parse().expect("tokens");
    assert_eq!(
        parse_err(Access::RequiresRole, long.clone()),
        [r#"role names are string literals or declared roles like `Role::Admin`, e.g. #[requires_role("admin")]"#]
    );
    assert!(!parse_err(Access::RequiresPolicy, long).is_empty());
}

#[test]
fn only_this_crates_paths_are_access_attributes() {
    let access = |attr: Attribute| Access::of(&attr);
    assert_eq!(
        access(syn::parse_quote!(#[requires_role("admin")])),
        Some(Access::RequiresRole)
    );
    assert_eq!(
        access(syn::parse_quote!(#[axum_warden::requires_role("admin")])),
        Some(Access::RequiresRole)
    );
    assert_eq!(
        access(syn::parse_quote!(#[::axum_warden::requires_scope("a")])),
        Some(Access::RequiresScope)
    );
    assert_eq!(
        access(syn::parse_quote!(#[axum_warden::prelude::public])),
        Some(Access::Public)
    );
    assert_eq!(
        access(syn::parse_quote!(#[axum_warden_macros::requires_auth])),
        Some(Access::RequiresAuth)
    );
    // Another crate's attributes that happen to share a name are not ours.
    assert_eq!(access(syn::parse_quote!(#[other::requires_role("admin")])), None);
    assert_eq!(access(syn::parse_quote!(#[other::axum_warden::public])), None);
    assert_eq!(access(syn::parse_quote!(#[axum_warden::other::public])), None);
    assert_eq!(access(syn::parse_quote!(#[doc = "x"])), None);
}
