//! One name of a rule as written, and the messages about a piece that is not a usable
//! name: a path or other token in place of a string, a literal with a suffix, a stray
//! comma.
//!
//! Whether a well-formed name is acceptable (empty, charset, duplicates) is checked later,
//! by [`validate`](crate::validate); here a name is only read.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{LitStr, Path};

use super::access::Subject;
use super::mode::Mode;
use crate::diag::Diag;

/// One name of a rule as written.
pub(crate) enum Name {
    /// A string literal.
    Lit(LitStr),
    /// `Role::Admin`: a variant of a role enum (`#[derive(Roles)]`), roles only.
    Typed(Path),
}

impl Name {
    /// The literal's value, or the path as written (for tests and messages).
    pub(crate) fn text(&self) -> String {
        match self {
            Self::Lit(lit) => lit.value(),
            Self::Typed(path) => path_text(path),
        }
    }
}

/// `a::b::C` without the spaces `to_string` puts around `::`.
pub(crate) fn path_text(path: &Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

/// "role names are string literals …", mentioning declared roles for roles.
pub(super) fn not_a_name_message(subject: Subject, what: &str, fix: &str) -> String {
    match subject {
        Subject::Role => {
            format!("role names are string literals or declared roles like `Role::Admin`{what}, e.g. {fix}")
        }
        Subject::Scope => format!("scope names are string literals{what}, e.g. {fix}"),
    }
}

pub(super) fn name_without_suffix(
    subject: Subject,
    name: LitStr,
    tokens: &TokenStream,
    diag: &mut Diag,
) -> Option<LitStr> {
    if name.suffix().is_empty() {
        return Some(name);
    }
    diag.error(
        tokens,
        format!(
            "unexpected suffix `{suffix}` on a {noun} name: write #[{attribute}({fixed:?})]",
            suffix = name.suffix(),
            noun = subject.noun(),
            attribute = subject.attribute(),
            fixed = name.value(),
        ),
    );
    None
}

pub(super) fn stray_comma_message(subject: Subject) -> String {
    format!(
        "expected a {noun} name before this comma, e.g. {list}",
        noun = subject.noun(),
        list = subject.list_example(Mode::Any),
    )
}
