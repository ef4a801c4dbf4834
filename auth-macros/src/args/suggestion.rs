//! The corrected attribute an error message shows: for each piece that was meant as a name,
//! the string literal it most likely meant.
//!
//! A message that shows the fix (`e.g. #[requires_role("admin")]` for
//! `#[requires_role(admin)]`) can be copied as it is, so every message about a rule's
//! shape builds its example from what was written.

use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::parse::Parser;
use syn::{Ident, Lit};

use super::access::Subject;
use super::piece::Chunk;
use super::token_limit::{MAX_ARGUMENT_TOKENS, token_count};

/// The string literal a chunk most likely meant, as source text: a string literal as
/// written, the text of a bare identifier or other literal in quotes, else an example.
pub(super) fn suggestion(tokens: &TokenStream, subject: Subject) -> String {
    let quoted = |text: &str| format!("{text:?}");
    if token_count(tokens) > MAX_ARGUMENT_TOKENS {
        return quoted(subject.example());
    }
    if let Ok(lit) = syn::parse2::<Lit>(tokens.clone()) {
        return match lit {
            Lit::Str(name) if name.suffix().is_empty() => name.token().to_string(),
            Lit::Str(name) => quoted(&name.value()),
            Lit::Int(int) => quoted(int.base10_digits()),
            Lit::Float(float) => quoted(float.base10_digits()),
            Lit::Bool(bool) => quoted(&bool.value.to_string()),
            Lit::Char(char) => quoted(&char.value().to_string()),
            Lit::ByteStr(bytes) => {
                String::from_utf8(bytes.value()).map_or_else(|_| quoted(subject.example()), |s| quoted(&s))
            }
            Lit::CStr(c) => c.value().to_str().map_or_else(|_| quoted(subject.example()), quoted),
            _ => quoted(subject.example()),
        };
    }
    match Ident::parse_any.parse2(tokens.clone()) {
        Ok(ident) => quoted(&ident.unraw().to_string()),
        Err(_) => quoted(subject.example()),
    }
}

/// The suggestions of every non-empty chunk, joined for an argument list.
pub(super) fn suggestions(chunks: &[Chunk], subject: Subject) -> String {
    let names: Vec<String> = chunks
        .iter()
        .filter(|chunk| !chunk.tokens.is_empty())
        .map(|chunk| suggestion(&chunk.tokens, subject))
        .collect();
    names.join(", ")
}
