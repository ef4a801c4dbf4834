//! The `# Access` section appended to the handler's docs: what the route requires and
//! what the guard answers otherwise, then, under `#[requires_policy]`, the policy that
//! decides next.
//!
//! The section goes after the handler's last doc attribute, or first for an undocumented
//! handler, with an empty line before it when the handler has doc text; every other
//! attribute keeps its place. Names are Markdown code spans, fenced so that a backtick in
//! a name does not end them.

use proc_macro2::Span;
use syn::{Attribute, Token};

use crate::args::Subject;
use crate::args::mode::Mode;
use crate::validate::{CheckedName, PolicyUse, Requirement};

/// The attributes with the `# Access` section placed after the last doc attribute (or
/// first, for an undocumented fn); every attribute keeps its place.
pub(super) fn with_access_docs(
    attrs: Vec<Attribute>,
    requirement: &Requirement,
    policy: Option<&PolicyUse>,
) -> Vec<Attribute> {
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
pub(super) fn access_section(requirement: &Requirement) -> String {
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
pub(super) fn code(name: &str) -> String {
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
