//! The rule of `#[requires_role]` and `#[requires_scope]`: one name, or one `any(..)` /
//! `all(..)` call, and nothing else.
//!
//! A single bare name is `any` of one. Several top-level names, an unknown call, a keyword
//! without its list and anything that is not a name are each one error whose message shows
//! the rule rewritten.

use proc_macro2::{Span, TokenStream};

use super::access::Subject;
use super::list::list;
use super::mode::Mode;
use super::name::{Name, name_without_suffix, not_a_name_message, stray_comma_message};
use super::piece::{Call, Piece, classify, split};
use super::suggestion::{suggestion, suggestions};
use crate::diag::Diag;

/// A rule as written: the mode and the names, still unchecked.
pub(crate) struct Rule {
    /// Any or all of the names.
    pub(crate) mode: Mode,
    /// The names as written, in source order.
    pub(crate) names: Vec<Name>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.names.iter().map(Name::text).collect();
        f.debug_struct("Rule")
            .field("mode", &self.mode)
            .field("names", &names)
            .finish()
    }
}

/// The rule of `#[requires_role]` / `#[requires_scope]`.
pub(super) fn rule(subject: Subject, args: TokenStream, diag: &mut Diag) -> Option<Rule> {
    let attribute = subject.attribute();
    let noun = subject.noun();
    let pieces = split(args);
    let [first, rest @ ..] = pieces.as_slice() else {
        diag.error_at(
            Span::call_site(),
            format!(
                "`#[{attribute}]` needs a {noun}: write #[{attribute}(\"{example}\")], or {list} for several",
                example = subject.example(),
                list = subject.list_example(Mode::Any),
            ),
        );
        return None;
    };
    if first.tokens.is_empty() {
        diag.error(&first.comma, stray_comma_message(subject));
        return None;
    }
    if let Some(second) = rest.first() {
        let names = suggestions(&pieces, subject);
        diag.error(
            second.span_tokens(),
            format!(
                "`#[{attribute}]` takes a single rule: to accept any of these {noun}s write \
                 #[{attribute}(any({names}))], to require all of them write #[{attribute}(all({names}))]"
            ),
        );
        return None;
    }
    match classify(&first.tokens) {
        Piece::Name(name) => name_without_suffix(subject, name, &first.tokens, diag).map(|name| Rule {
            mode: Mode::Any,
            names: vec![Name::Lit(name)],
        }),
        Piece::Typed(path) if subject == Subject::Role => Some(Rule {
            mode: Mode::Any,
            names: vec![Name::Typed(path)],
        }),
        Piece::Call(Call {
            mode: Some(mode),
            ident,
            inner,
        }) => list(subject, mode, &first.tokens, &ident, inner, diag).map(|names| Rule { mode, names }),
        Piece::Call(Call {
            mode: None,
            ident,
            inner,
        }) => {
            let names = suggestions(&split(inner), subject);
            diag.error(
                &ident,
                format!(
                    "unknown rule `{ident}` in `#[{attribute}]`: expected `any` or `all`, \
                     e.g. #[{attribute}(any({names}))]"
                ),
            );
            None
        }
        Piece::Keyword(mode) => {
            diag.error(
                &first.tokens,
                format!(
                    "`{keyword}` takes a list of {noun}s in parentheses, e.g. {list}",
                    keyword = mode.keyword(),
                    list = subject.list_example(mode),
                ),
            );
            None
        }
        Piece::Typed(_) => {
            let fix = format!("#[{attribute}({})]", suggestion(&first.tokens, subject));
            diag.error(&first.tokens, not_a_name_message(subject, ", not paths", &fix));
            None
        }
        Piece::Other(what) => {
            let fix = format!("#[{attribute}({})]", suggestion(&first.tokens, subject));
            diag.error(&first.tokens, not_a_name_message(subject, what, &fix));
            None
        }
    }
}
