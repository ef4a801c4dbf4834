//! The error collector: every independent mistake becomes one [`syn::Error`], and all of
//! them are reported together.

use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

/// Collects errors across the stages of one expansion.
///
/// Like `serde_derive`'s `Ctxt`, it cannot be forgotten: dropping a collector that still
/// holds errors is a bug in this crate, and it fails the build loudly instead of letting
/// an invalid rule expand as if it were valid.
#[derive(Default)]
pub(crate) struct Diag {
    errors: Option<syn::Error>,
}

impl Diag {
    /// An empty collector.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds an error (and everything it already combines).
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(errors) => errors.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// Adds an error spanning `tokens`, from its first token to its last.
    pub(crate) fn error(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Adds an error at `span`.
    pub(crate) fn error_at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Ends the collection: `Err` with every error in the order they were found.
    pub(crate) fn finish(mut self) -> Result<(), syn::Error> {
        match self.errors.take() {
            Some(errors) => Err(errors),
            None => Ok(()),
        }
    }
}

impl Drop for Diag {
    fn drop(&mut self) {
        // A programming error of this crate, never a reaction to user input: every path
        // through `expand` ends in `finish`.
        assert!(
            self.errors.is_none() || std::thread::panicking(),
            "axum-warden-macros: collected errors were dropped without being reported"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_collector_finishes_ok() {
        assert!(Diag::new().finish().is_ok());
    }

    #[test]
    fn errors_are_combined_in_order() {
        let mut diag = Diag::new();
        diag.error_at(Span::call_site(), "first");
        diag.error(quote::quote!(a b), "second");
        let messages: Vec<String> = diag
            .finish()
            .expect_err("two errors")
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages, ["first", "second"]);
    }

    #[test]
    #[should_panic(expected = "dropped without being reported")]
    fn forgetting_errors_is_a_bug() {
        let mut diag = Diag::new();
        diag.error_at(Span::call_site(), "lost");
        drop(diag);
    }
}
