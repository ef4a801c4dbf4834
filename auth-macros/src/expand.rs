//! Code generation: the pipeline of one attribute, and what a valid one emits.
//!
//! A valid attribute emits the function with a guard as its first parameter and an
//! `# Access` section appended to its docs, then a hidden policy type naming the
//! requirement. On any error the errors follow the function, which keeps its body and
//! other attributes (the access attributes are dropped); an `async fn` also gets an open
//! stand-in guard, so a router that mounts it (`axum_warden::Router` accepts only guarded
//! handlers) does not report more errors than the one mistake.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Pat, PatType, PatWild, Token, Type};

use crate::args::mode::Mode;
use crate::args::{self, Access, Subject};
use crate::diag::Diag;
use crate::handler::{HandlerFn, Item, Shape};
use crate::paths;
use crate::validate::{self, CheckedName, Plan, PolicyUse, Requirement};

/// Expands `#[access(args)] item`.
pub(crate) fn expand(access: Access, args: TokenStream, item: TokenStream) -> TokenStream {
    let parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(error) => {
            let mut tokens = item;
            tokens.extend(error.into_compile_error());
            return tokens;
        }
    };
    let mut diag = Diag::new();
    let args = args::parse(access, args, &mut diag);
    let plan = validate::validate(access, args, &parsed, &mut diag);
    let errors = match (diag.finish(), plan) {
        (Ok(()), Some(Plan::PassThrough)) => return parsed.into_token_stream(),
        (Ok(()), Some(Plan::Guard(requirement, policy))) => match parsed.shape {
            Shape::Fn(function) => return guarded(parsed.attrs, *function, &requirement, policy.as_deref()),
            Shape::Other(_) => internal_error(access),
        },
        (Ok(()), None) => internal_error(access),
        (Err(errors), _) => errors,
    };
    let mut tokens = stand_in(&parsed).unwrap_or_else(|| parsed.fallback());
    tokens.extend(errors.into_compile_error());
    tokens
}

/// After a mistake in the attribute of an `async fn` handler: the handler with an open
/// guard in place of the one it asked for, so a router that mounts it (`axum_warden::Router`
/// requires a guard, and no router needs state for an open one) adds no error to the one
/// that explains the mistake. The build fails on that error, so the stand-in never runs.
/// `None` for anything else, which is emitted as written.
fn stand_in(parsed: &Item) -> Option<TokenStream> {
    let Shape::Fn(function) = &parsed.shape else {
        return None;
    };
    if function.sig.asyncness.is_none() || function.sig.receiver().is_some() {
        return None;
    }
    let (removed, kept): (Vec<&Attribute>, Vec<&Attribute>) =
        parsed.attrs.iter().partition(|attr| Access::of(attr).is_some());
    let paths = removed.iter().map(|attr| attr.path());
    let mut tokens = guarded(
        kept.into_iter().cloned().collect(),
        (**function).clone(),
        &Requirement::Public,
        None,
    );
    tokens.extend(quote! {
        const _: () = {
            #(
                #[allow(unused_imports)]
                use #paths as _;
            )*
        };
    });
    Some(tokens)
}

/// Validation said "fine" without a plan, or a plan for something that is not a fn: a bug
/// of this crate. Refuse rather than emit an unguarded handler.
fn internal_error(access: Access) -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        format!(
            "internal error in `#[{}]`: no expansion was produced; please report this at \
             https://github.com/axum-warden/axum-warden/issues",
            access.name()
        ),
    )
}

/// The guarded function and its policy type.
fn guarded(
    mut attrs: Vec<Attribute>,
    function: HandlerFn,
    requirement: &Requirement,
    custom: Option<&PolicyUse>,
) -> TokenStream {
    let HandlerFn { vis, mut sig, body } = function;
    let call_site = Span::call_site();
    // `format_ident!` drops the `r#` of raw identifiers.
    let policy = format_ident!("__warden_policy_{}", sig.ident, span = call_site);
    let name = sig.ident.unraw().to_string();

    let guard = paths::guard();
    sig.inputs.insert(
        0,
        FnArg::Typed(PatType {
            attrs: Vec::new(),
            pat: Box::new(Pat::Wild(PatWild {
                attrs: Vec::new(),
                underscore_token: Token![_](call_site),
            })),
            colon_token: Token![:](call_site),
            ty: Box::new(Type::Verbatim(quote!(#guard<#policy>))),
        }),
    );

    // The policy extractor runs second: after the identity and the role or scope rule.
    let mut taken_over = TokenStream::new();
    let custom_policy = match custom {
        Some(custom) => {
            let ty = &custom.arg.ty;
            let policy_check = paths::policy_check();
            let param_ty = quote_spanned!(ty.span()=> #policy_check<#ty>);
            sig.inputs.insert(
                1,
                FnArg::Typed(PatType {
                    attrs: Vec::new(),
                    pat: Box::new(Pat::Wild(PatWild {
                        attrs: Vec::new(),
                        underscore_token: Token![_](call_site),
                    })),
                    colon_token: Token![:](call_site),
                    ty: Box::new(Type::Verbatim(param_ty)),
                }),
            );
            if let Some(consumed) = &custom.consumed {
                attrs.retain(|attr| Access::of(attr) != Some(Access::RequiresPolicy));
                // Keep the user's `use axum_warden::requires_policy;` used.
                let path = consumed.path();
                taken_over.extend(quote! {
                    const _: () = {
                        #[allow(unused_imports)]
                        use #path as _;
                    };
                });
            }
            // One error, on the type, when it is not a policy (the guard's own bound
            // would add more, at spans inside the expansion).
            let access_policy = paths::access_policy();
            let check = quote_spanned!(ty.span()=> __warden_is_policy::<#ty>());
            taken_over.extend(quote! {
                const _: () = {
                    const fn __warden_is_policy<T: #access_policy>() {}
                    #check
                };
            });
            let text = custom.arg.text();
            quote!(::core::option::Option::Some(#text))
        }
        None => quote!(::core::option::Option::None),
    };
    let attrs = with_access_docs(attrs, requirement, custom);
    // Same visibility as the fn, so a public handler does not expose a private type; spans
    // moved to the attribute so lints about the visibility point at the fn only.
    let policy_vis = respan(vis.to_token_stream(), call_site);
    let policy_trait = paths::route_rule();
    let kind = match requirement {
        Requirement::Public => paths::open(),
        Requirement::Authenticated | Requirement::Names { .. } => paths::protected(),
    };
    let custom_policy_item =
        custom.map(|_| quote!(const CUSTOM_POLICY: ::core::option::Option<&'static str> = #custom_policy;));
    let requirement_ty = paths::requirement();
    let requirement = requirement_tokens(requirement);
    let info = paths::handler_info();
    // `line!()` spanned at the fn name reports the line of the name, not of the attribute.
    let line = quote_spanned!(sig.ident.span()=> ::core::line!());

    quote! {
        #(#attrs)*
        #vis #sig #body

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #policy_vis struct #policy;

        #[automatically_derived]
        impl #policy_trait for #policy {
            type Kind = #kind;
            const REQUIREMENT: #requirement_ty = #requirement;
            const HANDLER: #info = #info {
                name: #name,
                module: ::core::module_path!(),
                file: ::core::file!(),
                line: #line,
            };
            #custom_policy_item
        }

        #taken_over
    }
}

fn requirement_tokens(requirement: &Requirement) -> TokenStream {
    let ty = paths::requirement();
    match requirement {
        Requirement::Public => quote!(#ty::Public),
        Requirement::Authenticated => quote!(#ty::Authenticated),
        Requirement::Names { subject, mode, names } => {
            let variant = match subject {
                Subject::Role => quote!(Roles),
                Subject::Scope => quote!(Scopes),
            };
            let match_mode = paths::match_mode();
            let mode = match mode {
                Mode::Any => quote!(Any),
                Mode::All => quote!(All),
            };
            let role_names = paths::role_names();
            let names = names.iter().map(|name| match name {
                CheckedName::Str(name) => quote!(#name),
                CheckedName::Typed(typed) => {
                    // `Role::Admin` → `role_names(&Role::Admin)[Role::Admin as usize]`: a
                    // misspelt variant is one error on its own token (both mentions share
                    // the span), and a type that does not derive `Roles` gets the trait's
                    // message.
                    let path = &typed.path;
                    let span = path.span();
                    quote_spanned!(span=> #role_names(&#path)[#path as usize])
                }
            });
            quote!(#ty::#variant { mode: #match_mode::#mode, names: &[#(#names),*] })
        }
    }
}

/// The attributes with the `# Access` section placed after the last doc attribute (or
/// first, for an undocumented fn); every attribute keeps its place.
fn with_access_docs(attrs: Vec<Attribute>, requirement: &Requirement, policy: Option<&PolicyUse>) -> Vec<Attribute> {
    let is_doc = |attr: &Attribute| attr.path().is_ident("doc");
    let has_text = attrs
        .iter()
        .any(|attr| is_doc(attr) && matches!(attr.meta, syn::Meta::NameValue(_)));
    let at = attrs.iter().rposition(is_doc).map_or(0, |last| last + 1);
    let mut lines = Vec::new();
    if has_text {
        lines.push(String::new());
    }
    lines.extend([
        " # Access".to_owned(),
        String::new(),
        format!(" {}", access_section(requirement)),
    ]);
    if let Some(policy) = policy {
        lines.extend([
            String::new(),
            format!(
                " Then the policy {} decides: it may answer 403, or 404 to hide the resource.",
                code(&policy.arg.text())
            ),
        ]);
    }
    let docs = lines.into_iter().map(|line| Attribute {
        pound_token: Token![#](Span::call_site()),
        style: syn::AttrStyle::Outer,
        bracket_token: syn::token::Bracket::default(),
        meta: syn::Meta::NameValue(syn::MetaNameValue {
            path: syn::Ident::new("doc", Span::call_site()).into(),
            eq_token: Token![=](Span::call_site()),
            value: syn::Expr::Lit(syn::ExprLit {
                attrs: Vec::new(),
                lit: syn::LitStr::new(&line, Span::call_site()).into(),
            }),
        }),
    });
    let mut attrs = attrs;
    attrs.splice(at..at, docs);
    attrs
}

/// The text of the `# Access` section.
fn access_section(requirement: &Requirement) -> String {
    const NO_CREDENTIALS: &str = "Answers 401 without valid credentials";
    const INSUFFICIENT: &str = "403 with `error=\"insufficient_scope\"`";
    match requirement {
        Requirement::Public => "Public: no authentication.".to_owned(),
        Requirement::Authenticated => format!("Requires a verified identity. {NO_CREDENTIALS}."),
        Requirement::Names { subject, mode, names } => {
            let list = names
                .iter()
                .map(|name| match name {
                    CheckedName::Str(name) => code(name),
                    CheckedName::Typed(typed) => code(&typed.text),
                })
                .collect::<Vec<_>>()
                .join(", ");
            match (subject, names.as_slice(), mode) {
                (Subject::Role, [_], _) => {
                    format!("Requires role {list}. {NO_CREDENTIALS} and 403 when the caller lacks the role.")
                }
                (Subject::Role, _, Mode::Any) => format!(
                    "Requires any of the roles {list}. {NO_CREDENTIALS} and 403 when the caller holds none of them."
                ),
                (Subject::Role, _, Mode::All) => format!(
                    "Requires all of the roles {list}. {NO_CREDENTIALS} and 403 when the caller lacks any of them."
                ),
                (Subject::Scope, [_], _) => format!(
                    "Requires the OAuth scope {list}. {NO_CREDENTIALS} and {INSUFFICIENT} when the caller \
                     lacks the scope."
                ),
                (Subject::Scope, _, Mode::Any) => format!(
                    "Requires any of the OAuth scopes {list}. {NO_CREDENTIALS} and {INSUFFICIENT} when the \
                     caller holds none of them."
                ),
                (Subject::Scope, _, Mode::All) => format!(
                    "Requires all of the OAuth scopes {list}. {NO_CREDENTIALS} and {INSUFFICIENT} when the \
                     caller lacks any of them."
                ),
            }
        }
    }
}

/// `name` as a Markdown code span, whatever backticks it contains.
fn code(name: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in name.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if name.starts_with('`') || name.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{name}{pad}{fence}")
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                TokenTree::Group(respanned)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            actual.contains(
                &quote!((_: ::axum_warden::__private::Guard<__warden_policy_h>, x: u8) -> u8 { x }).to_string()
            ),
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
            access_section(&names(Subject::Role, Mode::Any, &["editor", "admin"])),
            "Requires any of the roles `editor`, `admin`. Answers 401 without valid credentials and 403 when \
             the caller holds none of them."
        );
        assert_eq!(
            access_section(&names(Subject::Role, Mode::All, &["a", "b"])),
            "Requires all of the roles `a`, `b`. Answers 401 without valid credentials and 403 when the caller \
             lacks any of them."
        );
        assert_eq!(
            access_section(&names(Subject::Role, Mode::All, &["a"])),
            "Requires role `a`. Answers 401 without valid credentials and 403 when the caller lacks the role."
        );
        assert_eq!(
            access_section(&names(Subject::Scope, Mode::Any, &["orders:read"])),
            "Requires the OAuth scope `orders:read`. Answers 401 without valid credentials and 403 with \
             `error=\"insufficient_scope\"` when the caller lacks the scope."
        );
        assert_eq!(
            access_section(&names(Subject::Scope, Mode::Any, &["a", "b"])),
            "Requires any of the OAuth scopes `a`, `b`. Answers 401 without valid credentials and 403 with \
             `error=\"insufficient_scope\"` when the caller holds none of them."
        );
        assert_eq!(
            access_section(&names(Subject::Scope, Mode::All, &["a", "b"])),
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
}
