//! Validation against hand-written items: the plan of every valid attribute, and the
//! exact message of every mistake.

use proc_macro2::TokenStream;
use quote::quote;

use super::names::{describe_char, is_scope_char};
use super::*;

fn run(access: Access, args: TokenStream, item: TokenStream) -> Result<Plan, Vec<String>> {
    let mut diag = Diag::new();
    let args = crate::args::parse(access, args, &mut diag);
    let item: Item = syn::parse2(item).expect("any item parses");
    let plan = validate(access, args, &item, &mut diag);
    match (diag.finish(), plan) {
        (Ok(()), Some(plan)) => Ok(plan),
        (Err(errors), None) => Err(errors.into_iter().map(|e| e.to_string()).collect()),
        (result, plan) => panic!("errors and plan disagree: {result:?} / {plan:?}"),
    }
}

fn names(subject: Subject, mode: Mode, names: &[&str]) -> Plan {
    Plan::Guard(
        Requirement::Names {
            subject,
            mode,
            names: names.iter().map(|&n| CheckedName::Str(n.to_owned())).collect(),
        },
        None,
        StepUp::default(),
    )
}

#[test]
fn roles_and_scopes_with_step_up() {
    let item = quote!(
        #[requires_scope(all("a:read", "a:write"), max_age = 300)]
        async fn h() {}
    );
    let plan = run(Access::RequiresRole, quote!("editor"), item).expect("a plan");
    let str_names = |names: &[&str]| {
        names
            .iter()
            .map(|&n| CheckedName::Str(n.to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        plan,
        Plan::Guard(
            Requirement::RolesAndScopes {
                roles: (Mode::Any, str_names(&["editor"])),
                scopes: (Mode::All, str_names(&["a:read", "a:write"])),
            },
            None,
            StepUp {
                acr: None,
                max_age: Some(300)
            },
        )
    );
}

#[test]
fn plans() {
    let item = quote!(
        async fn h() {}
    );
    assert_eq!(
        run(Access::Public, quote!(), item.clone()),
        Ok(Plan::Guard(Requirement::Public, None, StepUp::default()))
    );
    assert_eq!(
        run(Access::RequiresAuth, quote!(), item.clone()),
        Ok(Plan::Guard(Requirement::Authenticated, None, StepUp::default()))
    );
    assert_eq!(
        run(Access::RequiresRole, quote!(all("a", "b")), item.clone()),
        Ok(names(Subject::Role, Mode::All, &["a", "b"]))
    );
    assert_eq!(
        run(Access::RequiresScope, quote!("orders:read"), item),
        Ok(names(Subject::Scope, Mode::Any, &["orders:read"]))
    );
}

#[test]
fn requires_auth_above_a_role_passes_through() {
    let item = quote!(
        #[requires_role("a")]
        async fn h() {}
    );
    assert_eq!(run(Access::RequiresAuth, quote!(), item), Ok(Plan::PassThrough));
    let item = quote!(
        #[axum_warden::requires_scope("a")]
        async fn h() {}
    );
    assert_eq!(run(Access::RequiresAuth, quote!(), item), Ok(Plan::PassThrough));
}

#[test]
fn item_shape() {
    assert_eq!(
        run(
            Access::Public,
            quote!(),
            quote!(
                fn h() {}
            )
        ),
        Err(vec![
            "`#[public]` needs an `async fn`: add `async` before `fn`".to_owned()
        ])
    );
    assert_eq!(
        run(
            Access::RequiresAuth,
            quote!(),
            quote!(
                async fn h(&self) {}
            )
        ),
        Err(vec![
            "`#[requires_auth]` goes on a free `async fn` handler, which takes no `self`: move the handler \
             out of the impl block and take what it needs through extractors"
                .to_owned()
        ])
    );
    assert_eq!(
        run(
            Access::RequiresRole,
            quote!("a"),
            quote!(
                pub struct S;
            )
        ),
        Err(vec![
            "`#[requires_role]` goes on an `async fn` handler, not on a struct".to_owned()
        ])
    );
    assert_eq!(
        run(
            Access::RequiresRole,
            quote!("a"),
            quote!(
                async fn h();
            )
        ),
        Err(vec![
            "`#[requires_role]` goes on an `async fn` handler, not on this item".to_owned()
        ])
    );
}

#[test]
fn independent_mistakes_are_all_reported() {
    let errors = run(
        Access::RequiresRole,
        quote!(any("", "a b")),
        quote!(
            fn h(self) {}
        ),
    )
    .expect_err("errors");
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

#[test]
fn siblings() {
    let item = |attr: TokenStream| quote!(#attr async fn h() {});
    let err = |access, args, attr| run(access, args, item(attr)).expect_err("an error");
    assert_eq!(
        err(Access::Public, quote!(), quote!(#[requires_role("a")])),
        ["`#[public]` excludes every other access attribute: keep either `#[public]` or `#[requires_role]`"]
    );
    assert_eq!(
        err(Access::RequiresScope, quote!("a"), quote!(#[public])),
        ["`#[public]` excludes every other access attribute: keep either `#[public]` or `#[requires_scope]`"]
    );
    assert_eq!(
        err(Access::RequiresRole, quote!("a"), quote!(#[requires_role("b")])),
        [
            r#"`#[requires_role]` appears twice on this handler: list every role in one attribute, e.g. #[requires_role(all("editor", "admin"))] to require all of them"#
        ]
    );
    assert_eq!(
        err(Access::Public, quote!(), quote!(#[axum_warden::public])),
        ["`#[public]` appears twice on this handler: remove this one"]
    );
    assert_eq!(
        err(Access::RequiresRole, quote!("a"), quote!(#[requires_auth])),
        ["`#[requires_auth]` must be above `#[requires_role]`: authenticate first, authorize second"]
    );
    assert_eq!(
        err(Access::RequiresScope, quote!("a"), quote!(#[requires_role("b")])),
        [
            "`#[requires_role]` must be above `#[requires_scope]`: roles are checked first, then scopes; write \
             #[requires_role(..)] on the line above #[requires_scope(..)]"
        ]
    );
    assert_eq!(
        err(
            Access::RequiresRole,
            quote!("a", acr = "mfa"),
            quote!(#[requires_scope("s", max_age = 5)])
        ),
        ["step-up options are given on both `#[requires_role]` and `#[requires_scope]`: keep them on one"]
    );
    assert_eq!(
        err(Access::RequiresAuth, quote!(acr = "mfa"), quote!(#[requires_role("a")])),
        [
            "step-up options go on the attribute that checks the route, below: e.g. #[requires_role(\"admin\", \
             acr = \"mfa\")]; or remove this #[requires_auth], which adds nothing above it"
        ]
    );
    assert_eq!(
        err(Access::RequiresAuth, quote!(acr = "m f a"), quote!()),
        [
            "acr \"m f a\" contains a space: an authentication context class is printable ASCII without spaces, \
             `\"` or `\\`"
        ]
    );
    assert_eq!(
        err(Access::RequiresAuth, quote!(), quote!(#[requires_role("a")] #[public])),
        ["`#[public]` excludes every other access attribute: keep either `#[public]` or `#[requires_auth]`"]
    );
}

#[test]
fn name_checks() {
    let err = |args| {
        run(
            Access::RequiresRole,
            args,
            quote!(
                async fn h() {}
            ),
        )
        .expect_err("an error")
    };
    assert_eq!(
        err(quote!("")),
        [r#"empty role name in `#[requires_role]`: write the role, e.g. #[requires_role("admin")]"#]
    );
    assert_eq!(
        err(quote!("super admin")),
        [
            r#"role name "super admin" contains a space: `#[requires_role]` names are printable ASCII without spaces, `"` or `\` (RFC 6750 scope tokens)"#
        ]
    );
    assert_eq!(
        err(quote!(any("a", "a\"b", "a\\b", "tab\t", "é"))).len(),
        4,
        "one error per bad name"
    );
    assert_eq!(
        err(quote!(all("a", "b", "a"))),
        [r#"role "a" is listed twice in `#[requires_role]`: remove this one"#]
    );
    let err = |args| {
        run(
            Access::RequiresScope,
            args,
            quote!(
                async fn h() {}
            ),
        )
        .expect_err("an error")
    };
    assert_eq!(
        err(quote!(any())),
        [r#"`any()` needs at least one scope, e.g. #[requires_scope(any("orders:read", "orders:write"))]"#]
    );
}

#[test]
fn scope_token_charset() {
    let allowed: Vec<char> = (0u8..=0x7F).map(char::from).filter(|&c| is_scope_char(c)).collect();
    assert_eq!(allowed.len(), 0x7E - 0x21 + 1 - 2);
    for c in [' ', '"', '\\', '\t', '\x7F', 'é'] {
        assert!(!is_scope_char(c), "{c:?}");
    }
    assert_eq!(describe_char(' '), "a space");
    assert_eq!(describe_char('"'), "a double quote `\"`");
    assert_eq!(describe_char('\\'), "a backslash `\\`");
    assert_eq!(describe_char('\t'), "the control character U+0009");
    assert_eq!(describe_char('é'), "the non-ASCII character `é` (U+00E9)");
    assert_eq!(describe_char('\u{a0}'), "the non-ASCII character U+00A0");
}
