//! Expansions against hand-written handlers: the tokens a valid attribute emits, where the
//! guard and the docs go, and what the error path keeps.

use quote::quote;

use super::access_docs::{access_section, code, plain_text};
use super::*;
use crate::args::Subject;
use crate::args::mode::Mode;

fn expand_str(access: Access, args: TokenStream, item: TokenStream) -> String {
    expand(access, args, item).to_string()
}

#[test]
fn role_expansion_snapshot() {
    let actual = expand_str(
        Access::RequiresRole,
        quote!("admin"),
        quote! {
            #[doc = " Deletes a user."]
            pub async fn delete_user(Path(id): Path<u64>) -> StatusCode { body }
        },
    );
    let expected = quote! {
        #[doc = " Deletes a user."]
        #[doc = ""]
        #[doc = " # Access"]
        #[doc = ""]
        #[doc = " Requires role `admin`. Answers 401 without valid credentials and 403 when the caller lacks the role."]
        pub async fn delete_user(
            _: ::axum_warden::__private::Guard<__warden_policy_delete_user>,
            Path(id): Path<u64>
        ) -> StatusCode { body }

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        pub struct __warden_policy_delete_user;

        #[automatically_derived]
        impl ::axum_warden::__private::RouteRule for __warden_policy_delete_user {
            type Kind = ::axum_warden::__private::Protected;
            const REQUIREMENT: ::axum_warden::__private::Requirement =
                ::axum_warden::__private::Requirement::Roles {
                    mode: ::axum_warden::__private::Match::Any,
                    names: &["admin"]
                };
            const HANDLER: ::axum_warden::__private::HandlerInfo = ::axum_warden::__private::HandlerInfo {
                name: "delete_user",
                module: ::core::module_path!(),
                file: ::core::file!(),
                line: ::core::line!(),
            };
        }
    };
    assert_eq!(actual, expected.to_string());
}

#[test]
fn public_expansion_snapshot() {
    let actual = expand_str(
        Access::Public,
        quote!(),
        quote! {
            #[allow(clippy::unused_async)]
            async fn r#health() -> &'static str { "ok" }
        },
    );
    let expected = quote! {
        #[doc = " # Access"]
        #[doc = ""]
        #[doc = " Public: no authentication."]
        #[allow(clippy::unused_async)]
        async fn r#health(_: ::axum_warden::__private::Guard<__warden_policy_health>) -> &'static str { "ok" }

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct __warden_policy_health;

        #[automatically_derived]
        impl ::axum_warden::__private::RouteRule for __warden_policy_health {
            type Kind = ::axum_warden::__private::Open;
            const REQUIREMENT: ::axum_warden::__private::Requirement = ::axum_warden::__private::Requirement::Public;
            const HANDLER: ::axum_warden::__private::HandlerInfo = ::axum_warden::__private::HandlerInfo {
                name: "health",
                module: ::core::module_path!(),
                file: ::core::file!(),
                line: ::core::line!(),
            };
        }
    };
    assert_eq!(actual, expected.to_string());
}

#[test]
fn guard_goes_first_and_generics_stay() {
    let actual = expand_str(
        Access::RequiresScope,
        quote!(all("orders:read", "orders:write")),
        quote! {
            pub(crate) async fn h<S>(State(s): State<S>, Json(b): Json<B>,) -> impl IntoResponse where S: Clone { s }
        },
    );
    let signature = quote! {
        pub(crate) async fn h<S>(
            _: ::axum_warden::__private::Guard<__warden_policy_h>,
            State(s): State<S>,
            Json(b): Json<B>,
        ) -> impl IntoResponse where S: Clone { s }
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        pub(crate) struct __warden_policy_h;
    };
    assert!(actual.contains(&signature.to_string()), "{actual}");
    let requirement = quote! {
        ::axum_warden::__private::Requirement::Scopes {
            mode: ::axum_warden::__private::Match::All,
            names: &["orders:read", "orders:write"]
        }
    };
    assert!(actual.contains(&requirement.to_string()), "{actual}");
    assert!(actual.contains("type Kind = :: axum_warden :: __private :: Protected"));
}

#[test]
fn docs_go_after_the_last_doc_attribute() {
    let actual = expand_str(
        Access::RequiresAuth,
        quote!(),
        quote! {
            #[doc = " One."]
            #[allow(unused)]
            #[doc = " Two."]
            #[tracing::instrument]
            async fn h() {}
        },
    );
    let expected = quote! {
        #[doc = " One."]
        #[allow(unused)]
        #[doc = " Two."]
        #[doc = ""]
        #[doc = " # Access"]
        #[doc = ""]
        #[doc = " Requires a verified identity. Answers 401 without valid credentials."]
        #[tracing::instrument]
        async fn h(_: ::axum_warden::__private::Guard<__warden_policy_h>) {}
    };
    assert!(actual.starts_with(&expected.to_string()), "{actual}");
    assert!(actual.contains("Requirement :: Authenticated"));
}

#[test]
fn requires_auth_above_a_role_emits_the_fn_unchanged() {
    let item = quote! {
        /// Docs.
        #[requires_role("admin")]
        async fn h() {}
    };
    assert_eq!(
        expand_str(Access::RequiresAuth, quote!(), item.clone()),
        item.to_string()
    );
}

#[test]
fn errors_on_an_async_fn_emit_it_with_an_open_stand_in_guard() {
    let actual = expand_str(
        Access::Public,
        quote!(),
        quote! {
            #[doc = " Docs."]
            #[requires_role("admin")]
            #[allow(unused)]
            async fn h(x: u8) -> u8 { x }
        },
    );
    // The body and the other attributes as written; no access attribute left to expand.
    assert!(actual.starts_with(&quote!(#[doc = " Docs."]).to_string()), "{actual}");
    assert!(actual.contains(&quote!(#[allow(unused)]).to_string()), "{actual}");
    assert!(
        actual
            .contains(&quote!((_: ::axum_warden::__private::Guard<__warden_policy_h>, x: u8) -> u8 { x }).to_string()),
        "{actual}"
    );
    assert!(!actual.contains("# [requires_role"), "{actual}");
    assert!(
        actual.contains(
            &quote!(
                type Kind = ::axum_warden::__private::Open;
            )
            .to_string()
        ),
        "{actual}"
    );
    assert!(
        actual.contains(
            &quote!(
                use requires_role as _;
            )
            .to_string()
        ),
        "{actual}"
    );
    assert_eq!(actual.matches("compile_error").count(), 1, "{actual}");
    assert!(actual.contains("excludes every other access attribute"));
}

#[test]
fn every_independent_error_is_emitted() {
    let actual = expand_str(
        Access::RequiresRole,
        quote!(any("", "a b")),
        quote!(
            fn h() {}
        ),
    );
    assert!(
        actual.starts_with(
            &quote!(
                fn h() {}
            )
            .to_string()
        ),
        "{actual}"
    );
    assert_eq!(actual.matches("compile_error").count(), 3, "{actual}");
}

#[test]
fn not_a_fn_is_kept_as_written() {
    let actual = expand_str(
        Access::Public,
        quote!(),
        quote!(
            #[derive(Debug)]
            struct S;
        ),
    );
    assert!(
        actual.starts_with(
            &quote!(
                #[derive(Debug)]
                struct S;
            )
            .to_string()
        ),
        "{actual}"
    );
    assert!(actual.contains("not on a struct"));
}

#[test]
fn output_is_deterministic() {
    let run = || {
        expand_str(
            Access::RequiresRole,
            quote!(any("b", "a", "c")),
            quote!(
                async fn h(a: A, b: B) {}
            ),
        )
    };
    assert_eq!(run(), run());
    assert!(run().contains(r#"names : & ["b" , "a" , "c"]"#));
}

#[test]
fn access_sections() {
    let names = |subject, mode, names: &[&str]| Requirement::Names {
        subject,
        mode,
        names: names
            .iter()
            .map(|&n| crate::validate::CheckedName::Str(n.to_owned()))
            .collect(),
    };
    assert_eq!(
        plain_text(&access_section(&names(Subject::Role, Mode::Any, &["editor", "admin"]))),
        "Requires any of the roles `editor`, `admin`. Answers 401 without valid credentials and 403 when \
         the caller holds none of them."
    );
    assert_eq!(
        plain_text(&access_section(&names(Subject::Role, Mode::All, &["a", "b"]))),
        "Requires all of the roles `a`, `b`. Answers 401 without valid credentials and 403 when the caller \
         lacks any of them."
    );
    assert_eq!(
        plain_text(&access_section(&names(Subject::Role, Mode::All, &["a"]))),
        "Requires role `a`. Answers 401 without valid credentials and 403 when the caller lacks the role."
    );
    assert_eq!(
        plain_text(&access_section(&names(Subject::Scope, Mode::Any, &["orders:read"]))),
        "Requires the OAuth scope `orders:read`. Answers 401 without valid credentials and 403 with \
         `error=\"insufficient_scope\"` when the caller lacks the scope."
    );
    assert_eq!(
        plain_text(&access_section(&names(Subject::Scope, Mode::Any, &["a", "b"]))),
        "Requires any of the OAuth scopes `a`, `b`. Answers 401 without valid credentials and 403 with \
         `error=\"insufficient_scope\"` when the caller holds none of them."
    );
    assert_eq!(
        plain_text(&access_section(&names(Subject::Scope, Mode::All, &["a", "b"]))),
        "Requires all of the OAuth scopes `a`, `b`. Answers 401 without valid credentials and 403 with \
         `error=\"insufficient_scope\"` when the caller lacks any of them."
    );
}

#[test]
fn code_spans_survive_backticks() {
    assert_eq!(code("admin"), "`admin`");
    assert_eq!(code("a`b"), "``a`b``");
    assert_eq!(code("`a``"), "``` `a`` ```");
}

#[test]
fn declared_roles_are_named_by_their_claim_strings_in_the_docs() {
    let actual = expand_str(
        Access::RequiresRole,
        quote!(any(Role::Accountant, "auditor", crate::roles::Staff::r#Type)),
        quote!(
            async fn ledger() {}
        ),
    );
    let written = " Requires any of the roles `Role::Accountant`, `auditor`, `crate::roles::Staff::r#Type`. \
                   Answers 401 without valid credentials and 403 when the caller holds none of them.";
    let line = quote! {
        #[cfg_attr(doc, doc = ::core::concat!(
            " Requires any of the roles ",
            Role!(Accountant),
            ", `auditor`, ",
            crate::roles::Staff!(r#Type),
            ". Answers 401 without valid credentials and 403 when the caller holds none of them."
        ))]
        #[cfg_attr(not(doc), doc = #written)]
    };
    assert!(actual.contains(&line.to_string()), "{actual}");
}
