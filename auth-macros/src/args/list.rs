//! The list of names inside `any(..)` or `all(..)`.
//!
//! Each name of the list is read on its own, so every bad name is reported, each with the
//! whole list corrected as the example. Rules do not nest: a call inside the list is an
//! error.

use proc_macro2::TokenStream;
use syn::Ident;

use super::access::Subject;
use super::mode::Mode;
use super::name::{Name, name_without_suffix, not_a_name_message, stray_comma_message};
use super::piece::{Piece, classify, split};
use super::suggestion::suggestions;
use crate::diag::Diag;

/// The names of `any(..)` / `all(..)`; `call` is the whole call, for the empty-list error.
pub(super) fn list(
    subject: Subject,
    mode: Mode,
    call: &TokenStream,
    ident: &Ident,
    inner: TokenStream,
    diag: &mut Diag,
) -> Option<Vec<Name>> {
    let noun = subject.noun();
    let attribute = subject.attribute();
    let pieces = split(inner);
    if pieces.is_empty() {
        diag.error(
            call,
            format!(
                "`{ident}()` needs at least one {noun}, e.g. {list}",
                list = subject.list_example(mode),
            ),
        );
        return None;
    }
    let fix = format!("#[{attribute}({ident}({}))]", suggestions(&pieces, subject));
    let mut names = Vec::with_capacity(pieces.len());
    let mut ok = true;
    for piece in &pieces {
        if piece.tokens.is_empty() {
            diag.error(&piece.comma, stray_comma_message(subject));
            ok = false;
            continue;
        }
        match classify(&piece.tokens) {
            Piece::Name(name) => match name_without_suffix(subject, name, &piece.tokens, diag) {
                Some(name) => names.push(Name::Lit(name)),
                None => ok = false,
            },
            Piece::Typed(path) if subject == Subject::Role => names.push(Name::Typed(path)),
            Piece::Typed(_) => {
                diag.error(&piece.tokens, not_a_name_message(subject, ", not paths", &fix));
                ok = false;
            }
            Piece::Call(_) | Piece::Keyword(_) => {
                diag.error(
                    &piece.tokens,
                    format!(
                        "rules do not nest: `{ident}(..)` lists {noun} names as string literals, e.g. {list}",
                        list = subject.list_example(mode),
                    ),
                );
                ok = false;
            }
            Piece::Other(what) => {
                diag.error(&piece.tokens, not_a_name_message(subject, what, &fix));
                ok = false;
            }
        }
    }
    ok.then_some(names)
}
