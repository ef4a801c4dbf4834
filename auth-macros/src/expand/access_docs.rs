//! The `# Access` section appended to the handler's docs: what the route requires and
//! what the guard answers otherwise, then, under `#[requires_policy]`, the policy that
//! decides next.
//!
//! The section goes after the handler's last doc attribute, or first for an undocumented
//! handler, with an empty line before it when the handler has doc text; every other
//! attribute keeps its place. Names are Markdown code spans, fenced so that a backtick in
//! a name does not end them.
//!
//! The section names roles by their claim strings, the vocabulary of the route table and
//! of the tokens. A declared role (`Role::Admin`) has its string in the enum, which this
//! attribute cannot read: `#[derive(Roles)]` puts a hidden `macro_rules!` beside the enum,
//! under the enum's own name in the macro namespace, that turns a variant into its code
//! span, and the section's line becomes `concat!(.., Role!(Admin), ..)` when rustdoc
//! builds the docs. The macro is reached through whatever path reaches the enum, so
//! `use crate::roles::Role;` imports both.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Token};

use crate::args::Subject;
use crate::args::mode::Mode;
use crate::validate::{CheckedName, PolicyUse, Requirement, StepUp, TypedRole};

/// A piece of a doc line: text, or the claim string of a declared role as a code span.
pub(super) enum Part<'a> {
    Text(String),
    Claim(&'a TypedRole),
}

/// The attributes with the `# Access` section placed after the last doc attribute (or
/// first, for an undocumented fn); every attribute keeps its place.
pub(super) fn with_access_docs(
    attrs: Vec<Attribute>,
    requirement: &Requirement,
    policy: Option<&PolicyUse>,
    step_up: &StepUp,
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
    lines.extend([" # Access".to_owned(), String::new()]);
    let mut docs: Vec<Attribute> = lines.into_iter().map(|line| doc(text_expr(&line))).collect();
    let mut line = vec![Part::Text(" ".to_owned())];
    line.extend(access_section(requirement));
    if line.iter().all(|part| matches!(part, Part::Text(_))) {
        docs.push(doc(text_expr(&plain_text(&line))));
    } else {
        // Only rustdoc reads the claim strings: a build that is not for docs (and so every
        // compile error a user sees) never names the claim macro, which a role type
        // without `#[derive(Roles)]` lacks; that mistake keeps its one error, the trait's.
        let claims = claims_expr(&line);
        let written = plain_text(&line);
        docs.push(syn::parse_quote!(#[cfg_attr(doc, doc = #claims)]));
        docs.push(syn::parse_quote!(#[cfg_attr(not(doc), doc = #written)]));
    }
    if !step_up.is_none() {
        docs.push(doc(text_expr("")));
        docs.push(doc(text_expr(&format!(" {}", step_up_section(step_up)))));
    }
    if let Some(policy) = policy {
        docs.push(doc(text_expr("")));
        docs.push(doc(text_expr(&format!(
            " Then the policy {} decides: it may answer 403, or 404 to hide the resource.",
            code(&policy.arg.text())
        ))));
    }
    let mut attrs = attrs;
    attrs.splice(at..at, docs);
    attrs
}

/// `#[doc = value]`.
fn doc(value: syn::Expr) -> Attribute {
    Attribute {
        pound_token: Token![#](Span::call_site()),
        style: syn::AttrStyle::Outer,
        bracket_token: syn::token::Bracket::default(),
        meta: syn::Meta::NameValue(syn::MetaNameValue {
            path: syn::Ident::new("doc", Span::call_site()).into(),
            eq_token: Token![=](Span::call_site()),
            value,
        }),
    }
}

fn text_expr(text: &str) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit: syn::LitStr::new(text, Span::call_site()).into(),
    })
}

/// The line as `concat!`, declared roles' claim strings taken from their enums.
fn claims_expr(parts: &[Part<'_>]) -> TokenStream {
    let mut pieces: Vec<TokenStream> = Vec::new();
    let mut text = String::new();
    for part in parts {
        match part {
            Part::Text(more) => text.push_str(more),
            Part::Claim(typed) => {
                if !text.is_empty() {
                    pieces.push(quote!(#text));
                    text.clear();
                }
                pieces.push(claim_macro_call(typed));
            }
        }
    }
    if !text.is_empty() {
        pieces.push(quote!(#text));
    }
    quote!(::core::concat!(#(#pieces),*))
}

/// `Role::Admin` → `Role!(Admin)`: the macro `#[derive(Roles)]` declares beside `Role`.
/// Spanned on the path, so a role type without the derive is reported where it is named.
fn claim_macro_call(typed: &TypedRole) -> TokenStream {
    let path = &typed.path;
    let span = path.span();
    match (super::proofs::enum_of(path), path.segments.last()) {
        (Some(enum_path), Some(variant)) => {
            let variant = &variant.ident;
            quote_spanned!(span=> #enum_path!(#variant))
        }
        // A one-segment path is refused before expansion; show it as written.
        _ => {
            let text = code(&typed.text);
            quote!(#text)
        }
    }
}

/// The line's text, declared roles shown as written (for tests and plain lines).
pub(super) fn plain_text(parts: &[Part<'_>]) -> String {
    parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => text.clone(),
            Part::Claim(typed) => code(&typed.text),
        })
        .collect()
}

/// The parts of the `# Access` line.
pub(super) fn access_section(requirement: &Requirement) -> Vec<Part<'_>> {
    const NO_CREDENTIALS: &str = "Answers 401 without valid credentials";
    const INSUFFICIENT: &str = "403 with `error=\"insufficient_scope\"`";
    match requirement {
        Requirement::Public => vec![Part::Text("Public: no authentication.".to_owned())],
        Requirement::Authenticated => vec![Part::Text(format!("Requires a verified identity. {NO_CREDENTIALS}."))],
        Requirement::RolesAndScopes {
            roles: (role_mode, roles),
            scopes: (scope_mode, scopes),
        } => {
            let mut parts = vec![Part::Text(format!(
                "Requires {}",
                phrase(Subject::Role, *role_mode, roles.len())
            ))];
            parts.extend(list_parts(roles));
            parts.push(Part::Text(format!(
                " and {}",
                phrase(Subject::Scope, *scope_mode, scopes.len())
            )));
            parts.extend(list_parts(scopes));
            parts.push(Part::Text(format!(
                ". {NO_CREDENTIALS}, 403 when the caller lacks the roles, and {INSUFFICIENT} when it has \
                 them but lacks the scopes."
            )));
            parts
        }
        Requirement::Names { subject, mode, names } => {
            let mut name_parts: Vec<Part<'_>> = Vec::with_capacity(names.len() * 2);
            for (i, name) in names.iter().enumerate() {
                let part = match name {
                    CheckedName::Str(name) => Part::Text(code(name)),
                    CheckedName::Typed(typed) => Part::Claim(typed),
                };
                if i > 0 {
                    name_parts.push(Part::Text(", ".to_owned()));
                }
                name_parts.push(part);
            }
            // `{list}` in the sentences below marks where these parts go.
            let list = LIST;
            let sentence = match (subject, names.as_slice(), mode) {
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
            };
            let (before, after) = sentence.split_once(LIST).unwrap_or((sentence.as_str(), ""));
            let mut parts = vec![Part::Text(before.to_owned())];
            parts.extend(name_parts);
            parts.push(Part::Text(after.to_owned()));
            parts
        }
    }
}

/// The step-up paragraph: what the authentication must be, and the 401 otherwise.
pub(super) fn step_up_section(step_up: &StepUp) -> String {
    let what = match (&step_up.acr, step_up.max_age) {
        (Some(acr), None) => format!("with {} or a stronger class", code(acr)),
        (None, Some(age)) => format!("at most {age} seconds ago"),
        (Some(acr), Some(age)) => format!("with {} or a stronger class, at most {age} seconds ago", code(acr)),
        (None, None) => String::new(),
    };
    format!(
        "Step-up (RFC 9470): the caller must have authenticated {what}; otherwise 401 with \
         `error=\"insufficient_user_authentication\"`."
    )
}

/// `names` as code spans joined by `, `.
fn list_parts(names: &[CheckedName]) -> Vec<Part<'_>> {
    let mut parts = Vec::with_capacity(names.len() * 2);
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            parts.push(Part::Text(", ".to_owned()));
        }
        parts.push(match name {
            CheckedName::Str(name) => Part::Text(code(name)),
            CheckedName::Typed(typed) => Part::Claim(typed),
        });
    }
    parts
}

/// `role`, `any of the roles`, `the OAuth scope`, … before the list of `count` names.
fn phrase(subject: Subject, mode: Mode, count: usize) -> &'static str {
    match (subject, count, mode) {
        (Subject::Role, 1, _) => "role ",
        (Subject::Role, _, Mode::Any) => "any of the roles ",
        (Subject::Role, _, Mode::All) => "all of the roles ",
        (Subject::Scope, 1, _) => "the OAuth scope ",
        (Subject::Scope, _, Mode::Any) => "any of the OAuth scopes ",
        (Subject::Scope, _, Mode::All) => "all of the OAuth scopes ",
    }
}

/// Where the list of names goes in a sentence; no name or sentence contains it.
const LIST: &str = "\u{0}";

/// `name` as a Markdown code span, whatever backticks it contains.
pub(crate) fn code(name: &str) -> String {
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
