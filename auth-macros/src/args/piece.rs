//! The pieces of an argument list: the arguments split at top-level commas ([`Chunk`]),
//! and what each chunk is ([`Piece`]).
//!
//! Parsing is lenient: every chunk is classified on its own, so independent mistakes are
//! all reported, each on its own tokens. Classification looks at the token trees first
//! (a call is recognised from its two trees, however long its list) and hands a chunk to
//! syn's recursive parsers only when it is within the token limit.

use proc_macro2::{Delimiter, Punct, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::Parser;
use syn::{Ident, Lit, LitStr, Path};

use super::mode::Mode;
use super::token_limit::{MAX_ARGUMENT_TOKENS, token_count};

/// The keywords of the rule grammar.
mod kw {
    syn::custom_keyword!(any);
    syn::custom_keyword!(all);
}

/// The tokens between two top-level commas, and the comma that ends them.
pub(super) struct Chunk {
    pub(super) tokens: TokenStream,
    pub(super) comma: Option<Punct>,
}

impl Chunk {
    /// The tokens to point at: the piece, or its comma when the piece is empty.
    pub(super) fn span_tokens(&self) -> TokenStream {
        if self.tokens.is_empty() {
            self.comma.to_token_stream()
        } else {
            self.tokens.clone()
        }
    }
}

/// Splits at top-level commas. A trailing comma ends the last chunk; it does not start
/// an empty one.
pub(super) fn split(tokens: TokenStream) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut current = TokenStream::new();
    for token in tokens {
        match token {
            TokenTree::Punct(punct) if punct.as_char() == ',' => chunks.push(Chunk {
                tokens: std::mem::take(&mut current),
                comma: Some(punct),
            }),
            other => current.extend([other]),
        }
    }
    if !current.is_empty() {
        chunks.push(Chunk {
            tokens: current,
            comma: None,
        });
    }
    chunks
}

/// What one chunk is.
pub(super) enum Piece {
    /// A string literal.
    Name(LitStr),
    /// `ident(..)`: `any(..)`, `all(..)`, or an unknown rule.
    Call(Call),
    /// `any` or `all` without a list.
    Keyword(Mode),
    /// A path of two segments or more: `Role::Admin`.
    Typed(Path),
    /// Anything else; the text completes "names are string literals…".
    Other(&'static str),
}

pub(super) struct Call {
    /// `Some` for `any` and `all`.
    pub(super) mode: Option<Mode>,
    pub(super) ident: Ident,
    pub(super) inner: TokenStream,
}

pub(super) fn classify(tokens: &TokenStream) -> Piece {
    // A call is recognised from its two tokens, so a long list of names is no obstacle;
    // everything else passes through syn's parsers, and only when it is small.
    if let Some(call) = call(tokens) {
        return Piece::Call(call);
    }
    if token_count(tokens) > MAX_ARGUMENT_TOKENS {
        return Piece::Other("");
    }
    if let Ok(lit) = syn::parse2::<Lit>(tokens.clone()) {
        return match lit {
            Lit::Str(name) => Piece::Name(name),
            Lit::Int(_) => Piece::Other(", not integers"),
            Lit::Float(_) => Piece::Other(", not floats"),
            Lit::Bool(_) => Piece::Other(", not booleans"),
            Lit::Char(_) => Piece::Other(", not characters"),
            Lit::Byte(_) => Piece::Other(", not bytes"),
            Lit::ByteStr(_) => Piece::Other(", not byte strings"),
            Lit::CStr(_) => Piece::Other(", not C strings"),
            _ => Piece::Other(""),
        };
    }
    if syn::parse2::<kw::any>(tokens.clone()).is_ok() {
        return Piece::Keyword(Mode::Any);
    }
    if syn::parse2::<kw::all>(tokens.clone()).is_ok() {
        return Piece::Keyword(Mode::All);
    }
    if Ident::parse_any.parse2(tokens.clone()).is_ok() {
        return Piece::Other("");
    }
    // A declared role is `Role::Admin`: identifiers and `::` only. Anything with generic
    // arguments is no role, and is not handed to syn's type parser, which recurses once per
    // `&`, `[` or `<` and would overflow the stack on `x<&&&…&u8>` (found by fuzzing).
    let flat = tokens
        .clone()
        .into_iter()
        .all(|t| matches!(&t, TokenTree::Ident(_)) || matches!(&t, TokenTree::Punct(p) if p.as_char() == ':'));
    if flat && let Ok(path) = syn::parse2::<Path>(tokens.clone()) {
        return if path.segments.len() >= 2 {
            Piece::Typed(path)
        } else {
            Piece::Other(", not paths")
        };
    }
    let has_path_separator = tokens
        .clone()
        .into_iter()
        .any(|t| matches!(&t, TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == Spacing::Joint));
    if has_path_separator
        && matches!(
            tokens.clone().into_iter().next(),
            Some(TokenTree::Ident(_) | TokenTree::Punct(_))
        )
    {
        return Piece::Other(", not paths");
    }
    Piece::Other("")
}

/// `ident(..)`, read from the two token trees without a parser.
fn call(tokens: &TokenStream) -> Option<Call> {
    let mut trees = tokens.clone().into_iter();
    let (Some(TokenTree::Ident(ident)), Some(TokenTree::Group(group)), None) =
        (trees.next(), trees.next(), trees.next())
    else {
        return None;
    };
    if group.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let mode = if ident == "any" {
        Some(Mode::Any)
    } else if ident == "all" {
        Some(Mode::All)
    } else {
        None
    };
    Some(Call {
        mode,
        ident,
        inner: group.stream(),
    })
}
