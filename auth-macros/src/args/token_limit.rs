//! The size limit on one argument, and the count it is checked with.
//!
//! syn's parsers recurse once per nesting level and a proc macro runs on the compiler's
//! stack, so a deeply nested argument (fuzzing found `x<&&&…&u8>`) would overflow it.
//! Every part of the grammar that hands an argument to syn counts its tokens here first,
//! without recursion, and refuses an argument over the limit unparsed.

use proc_macro2::{TokenStream, TokenTree};

/// The most tokens an argument of an access attribute is read with (a policy type such as
/// `crate::policy::Owns<Article>` has about ten). Longer ones are refused unparsed: syn's
/// parsers recurse per nesting level, and a proc macro runs on the compiler's stack.
pub(super) const MAX_ARGUMENT_TOKENS: usize = 128;

/// The tokens of `tokens`, groups included, counted without recursion.
pub(super) fn token_count(tokens: &TokenStream) -> usize {
    let mut count = 0;
    let mut pending = vec![tokens.clone()];
    while let Some(stream) = pending.pop() {
        for token in stream {
            count += 1;
            if count > MAX_ARGUMENT_TOKENS {
                return count;
            }
            if let TokenTree::Group(group) = token {
                pending.push(group.stream());
            }
        }
    }
    count
}
