//! Whether one name of a rule suffices or every name is needed: `any(..)` or `all(..)`.
//!
//! The rule, the recognition of a call and the examples in messages all use the mode. It
//! depends on nothing else in the grammar, so it has a file of its own that each of them
//! imports without importing the others.

/// Whether one name of a list suffices or every name is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `any(..)`, and a single bare name.
    Any,
    /// `all(..)`
    All,
}

impl Mode {
    /// The keyword that selects this mode.
    pub(crate) const fn keyword(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::All => "all",
        }
    }
}
