//! Semantic checks: the item is an `async fn` without `self`, the access attributes left
//! on it agree with the one being expanded, and the names are acceptable.
//!
//! Every check runs and reports on its own, so independent mistakes are all reported
//! in one build.

use quote::ToTokens;
use syn::LitStr;

use crate::args::mode::Mode;
use crate::args::name::{Name, path_text};
use crate::args::{self, Access, Args, PolicyArg, Rule, Subject};
use crate::diag::Diag;
use crate::handler::{Item, Shape};

/// What a valid attribute does.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// `#[requires_auth]` above `#[requires_role]` / `#[requires_scope]`: emit the item as
    /// it is and let the attribute below inject the guard (a role or scope implies
    /// authentication).
    PassThrough,
    /// Inject a guard enforcing this requirement, then the policy if there is one.
    Guard(Requirement, Option<Box<PolicyUse>>),
}

/// The policy of `#[requires_policy]`, and the attribute to drop when it was read from
/// below a role or scope attribute.
pub(crate) struct PolicyUse {
    /// The policy type.
    pub(crate) arg: PolicyArg,
    /// The `#[requires_policy]` attribute this expansion took over.
    pub(crate) consumed: Option<syn::Attribute>,
}

impl std::fmt::Debug for PolicyUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyUse")
            .field("arg", &self.arg)
            .field("consumed", &self.consumed.is_some())
            .finish()
    }
}

impl PartialEq for PolicyUse {
    fn eq(&self, other: &Self) -> bool {
        self.arg.text() == other.arg.text() && self.consumed.is_some() == other.consumed.is_some()
    }
}

impl Eq for PolicyUse {}

/// A checked role or scope name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CheckedName {
    /// A string, in the scope-token charset.
    Str(String),
    /// A declared role, `Role::Admin`; its type checks the string.
    Typed(TypedRole),
}

/// `Role::Admin` as written.
pub(crate) struct TypedRole {
    /// The path as written, without spaces, to compare and to show.
    pub(crate) text: String,
    /// The path.
    pub(crate) path: syn::Path,
}

impl std::fmt::Debug for TypedRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for TypedRole {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for TypedRole {}

/// A checked requirement.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Requirement {
    /// `#[public]`
    Public,
    /// `#[requires_auth]`
    Authenticated,
    /// `#[requires_role]` / `#[requires_scope]`: at least one name, all distinct and in
    /// the RFC 6750 scope-token charset, in source order.
    Names {
        /// Roles or scopes.
        subject: Subject,
        /// Any or all of them.
        mode: Mode,
        /// The names.
        names: Vec<CheckedName>,
    },
}

/// Checks everything about one expansion. `None` means at least one error went to
/// `diag` (`args` is `None` when parsing the arguments already failed).
pub(crate) fn validate(access: Access, args: Option<Args>, item: &Item, diag: &mut Diag) -> Option<Plan> {
    let shape_ok = check_shape(access, item, diag);
    let siblings = check_siblings(access, item, diag);
    let (requirement, own_policy) = match args {
        Some(Args::Policy(arg)) => (Some(Requirement::Authenticated), Some(arg)),
        Some(args) => (requirement(args, diag), None),
        None => (None, None),
    };
    let (true, Some(siblings), Some(requirement)) = (shape_ok, siblings, requirement) else {
        return None;
    };
    if siblings.authorizer_below {
        return Some(Plan::PassThrough);
    }
    let policy = match (own_policy, siblings.policy_below) {
        (Some(arg), _) => Some(Box::new(PolicyUse { arg, consumed: None })),
        (None, Some(attr)) => Some(Box::new(PolicyUse {
            arg: policy_of(attr, diag)?,
            consumed: Some(attr.clone()),
        })),
        (None, None) => None,
    };
    Some(Plan::Guard(requirement, policy))
}

/// The policy type of a `#[requires_policy(..)]` attribute below the one expanding.
fn policy_of(attr: &syn::Attribute, diag: &mut Diag) -> Option<PolicyArg> {
    match &attr.meta {
        syn::Meta::List(list) => args::policy(list.tokens.clone(), diag),
        syn::Meta::Path(path) => {
            diag.error(
                path,
                "`#[requires_policy]` needs a policy type: write #[requires_policy(OwnsArticle)]",
            );
            None
        }
        syn::Meta::NameValue(nv) => {
            diag.error(
                nv,
                "expected the name of a type implementing `AccessPolicy`, e.g. #[requires_policy(OwnsArticle)]",
            );
            None
        }
    }
}

/// What the attributes below the expanding one ask of it.
struct Siblings<'a> {
    /// A role, scope or policy attribute below `#[requires_auth]`: it does the work.
    authorizer_below: bool,
    /// `#[requires_policy]` below a role or scope attribute: taken over by it.
    policy_below: Option<&'a syn::Attribute>,
}

/// Only on `async fn` items without a `self` receiver.
fn check_shape(access: Access, item: &Item, diag: &mut Diag) -> bool {
    let attribute = access.name();
    match &item.shape {
        Shape::Other(rest) => {
            let (tokens, what) = describe(rest);
            diag.error(
                tokens,
                format!("`#[{attribute}]` goes on an `async fn` handler, not on {what}"),
            );
            false
        }
        Shape::Fn(function) => {
            let mut ok = true;
            if function.sig.asyncness.is_none() {
                diag.error(
                    function.sig.fn_token,
                    format!("`#[{attribute}]` needs an `async fn`: add `async` before `fn`"),
                );
                ok = false;
            }
            if let Some(receiver) = function.sig.receiver() {
                diag.error(
                    receiver.self_token,
                    format!(
                        "`#[{attribute}]` goes on a free `async fn` handler, which takes no `self`: \
                         move the handler out of the impl block and take what it needs through extractors"
                    ),
                );
                ok = false;
            }
            ok
        }
    }
}

/// The token to point at for an item that is not a function, and what it is.
fn describe(rest: &proc_macro2::TokenStream) -> (proc_macro2::TokenStream, &'static str) {
    use syn::Item as I;
    let first = || rest.clone().into_iter().next().into_token_stream();
    let Ok(item) = syn::parse2::<I>(rest.clone()) else {
        return (first(), "this item");
    };
    match item {
        I::Const(item) => (item.const_token.into_token_stream(), "a const"),
        I::Enum(item) => (item.enum_token.into_token_stream(), "an enum"),
        I::ExternCrate(item) => (item.extern_token.into_token_stream(), "an extern crate"),
        I::ForeignMod(item) => (item.abi.into_token_stream(), "an extern block"),
        I::Impl(item) => (item.impl_token.into_token_stream(), "an impl block"),
        I::Macro(item) => (item.mac.path.into_token_stream(), "a macro invocation"),
        I::Mod(item) => (item.mod_token.into_token_stream(), "a module"),
        I::Static(item) => (item.static_token.into_token_stream(), "a static"),
        I::Struct(item) => (item.struct_token.into_token_stream(), "a struct"),
        I::Trait(item) => (item.trait_token.into_token_stream(), "a trait"),
        I::TraitAlias(item) => (item.trait_token.into_token_stream(), "a trait alias"),
        I::Type(item) => (item.type_token.into_token_stream(), "a type alias"),
        I::Union(item) => (item.union_token.into_token_stream(), "a union"),
        I::Use(item) => (item.use_token.into_token_stream(), "a use declaration"),
        _ => (first(), "this item"),
    }
}

/// The other access attributes on the item, all below the one being expanded (those
/// above it have expanded already). `Some(true)` when a role or scope attribute sits
/// below `#[requires_auth]`; `None` after an error.
fn check_siblings<'a>(access: Access, item: &'a Item, diag: &mut Diag) -> Option<Siblings<'a>> {
    use Access::{Public, RequiresAuth, RequiresPolicy, RequiresRole, RequiresScope};
    let mut ok = true;
    let mut authorizer_below = false;
    let mut policy_below = None;
    for (other, attr) in item.access_attrs() {
        let message = match (access, other) {
            (Public, Public) | (RequiresAuth, RequiresAuth) | (RequiresPolicy, RequiresPolicy) => {
                format!(
                    "`#[{name}]` appears twice on this handler: remove this one",
                    name = access.name()
                )
            }
            (RequiresRole, RequiresRole) | (RequiresScope, RequiresScope) => {
                let subject = if access == RequiresRole {
                    Subject::Role
                } else {
                    Subject::Scope
                };
                format!(
                    "`#[{name}]` appears twice on this handler: list every {noun} in one attribute, \
                     e.g. {all} to require all of them",
                    name = access.name(),
                    noun = subject.noun(),
                    all = subject.list_example(Mode::All),
                )
            }
            (Public, _) | (_, Public) => format!(
                "`#[public]` excludes every other access attribute: keep either `#[public]` or `#[{other}]`",
                other = if access == Public { other.name() } else { access.name() },
            ),
            (RequiresAuth, RequiresRole | RequiresScope | RequiresPolicy) => {
                authorizer_below = true;
                continue;
            }
            (RequiresRole | RequiresScope, RequiresPolicy) => {
                policy_below = Some(attr);
                continue;
            }
            (RequiresPolicy, RequiresRole | RequiresScope) => format!(
                "`#[requires_policy]` must be below `#[{name}]`: the {noun} is checked first, then the policy",
                name = other.name(),
                noun = if other == RequiresRole { "role" } else { "scope" },
            ),
            (RequiresRole | RequiresScope | RequiresPolicy, RequiresAuth) => format!(
                "`#[requires_auth]` must be above `#[{name}]`: authenticate first, authorize second",
                name = access.name(),
            ),
            (RequiresRole, RequiresScope) | (RequiresScope, RequiresRole) => "`#[requires_role]` and \
                 `#[requires_scope]` cannot be combined: one route carries one role or scope rule; keep one of them"
                .to_owned(),
        };
        diag.error(attr, message);
        ok = false;
    }
    ok.then_some(Siblings {
        authorizer_below,
        policy_below,
    })
}

fn requirement(args: Args, diag: &mut Diag) -> Option<Requirement> {
    match args {
        Args::Public => Some(Requirement::Public),
        Args::Authenticated => Some(Requirement::Authenticated),
        Args::Rule(subject, Rule { mode, names }) => {
            names_of(subject, names, diag).map(|names| Requirement::Names { subject, mode, names })
        }
        Args::Policy(_) => Some(Requirement::Authenticated),
    }
}

/// Non-empty, in the scope-token charset, no duplicates.
fn names_of(subject: Subject, written: Vec<Name>, diag: &mut Diag) -> Option<Vec<CheckedName>> {
    let noun = subject.noun();
    let attribute = subject.attribute();
    let mut names: Vec<CheckedName> = Vec::with_capacity(written.len());
    let mut ok = true;
    for name in written {
        let literal: LitStr = match name {
            Name::Lit(literal) => literal,
            Name::Typed(path) => {
                let text = path_text(&path);
                if names
                    .iter()
                    .any(|n| matches!(n, CheckedName::Typed(t) if t.text == text))
                {
                    diag.error(
                        &path,
                        format!("{noun} `{text}` is listed twice in `#[{attribute}]`: remove this one"),
                    );
                    ok = false;
                } else {
                    names.push(CheckedName::Typed(TypedRole { text, path }));
                }
                continue;
            }
        };
        let literal = &literal;
        let name = literal.value();
        if name.is_empty() {
            diag.error(
                literal,
                format!(
                    "empty {noun} name in `#[{attribute}]`: write the {noun}, e.g. #[{attribute}({example:?})]",
                    example = subject.example(),
                ),
            );
            ok = false;
        } else if let Some(problem) = name_problem(&name) {
            diag.error(
                literal,
                format!(
                    "{noun} name {name:?} {problem}: `#[{attribute}]` names are printable ASCII \
                     without spaces, `\"` or `\\` (RFC 6750 scope tokens)",
                ),
            );
            ok = false;
        } else if names.iter().any(|n| matches!(n, CheckedName::Str(s) if *s == name)) {
            diag.error(
                literal,
                format!("{noun} {name:?} is listed twice in `#[{attribute}]`: remove this one"),
            );
            ok = false;
        } else {
            names.push(CheckedName::Str(name));
        }
    }
    ok.then_some(names)
}

/// What is wrong with a non-empty name, if anything: "contains a space" …
pub(crate) fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".to_owned());
    }
    name.chars()
        .find(|&c| !is_scope_char(c))
        .map(|bad| format!("contains {}", describe_char(bad)))
}

/// RFC 6750 §3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
fn is_scope_char(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '"' => "a double quote `\"`".to_owned(),
        '\\' => "a backslash `\\`".to_owned(),
        c if c.is_ascii() => format!("the control character U+{:04X}", u32::from(c)),
        c if c.is_control() || c.is_whitespace() => format!("the non-ASCII character U+{:04X}", u32::from(c)),
        c => format!("the non-ASCII character `{c}` (U+{:04X})", u32::from(c)),
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

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
        )
    }

    #[test]
    fn plans() {
        let item = quote!(
            async fn h() {}
        );
        assert_eq!(
            run(Access::Public, quote!(), item.clone()),
            Ok(Plan::Guard(Requirement::Public, None))
        );
        assert_eq!(
            run(Access::RequiresAuth, quote!(), item.clone()),
            Ok(Plan::Guard(Requirement::Authenticated, None))
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
                "`#[requires_role]` and `#[requires_scope]` cannot be combined: one route carries one role or \
                 scope rule; keep one of them"
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
}
