//! Arbitrary UTF-8 as the arguments of each access attribute, through the attribute
//! grammar of auth-macros (`args.rs`, with the error collector `diag.rs` it reports to).
//!
//! A proc-macro crate cannot be linked into another crate, so the two modules are
//! compiled into this target from their source files; they use only `proc_macro2`, `syn`
//! and `quote`, which work outside a macro through their fallback implementation.
//!
//! Properties: never a panic (nor the collector's "errors dropped" assertion); the
//! parser's contract holds: `None` exactly when at least one error was reported, and a
//! rule, when returned, has at least one name. Deep nesting (`x<&&&…&u8>`, `[[[…]]]`)
//! once overflowed the stack through syn's recursive parsers; the corpus keeps such seeds.
#![no_main]

#[allow(dead_code, unreachable_pub, clippy::all)]
#[path = "../../auth-macros/src/args.rs"]
mod args;
#[allow(dead_code, unreachable_pub, clippy::all)]
#[path = "../../auth-macros/src/diag.rs"]
mod diag;

use std::str::FromStr as _;

use args::{Access, Args};
use diag::Diag;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tokens) = proc_macro2::TokenStream::from_str(text) else {
        return;
    };
    for access in [
        Access::Public,
        Access::RequiresAuth,
        Access::RequiresRole,
        Access::RequiresScope,
        Access::RequiresPolicy,
    ] {
        let mut diag = Diag::new();
        let parsed = args::parse(access, tokens.clone(), &mut diag);
        let reported = diag.finish();
        match (&parsed, &reported) {
            (Some(_), Ok(())) | (None, Err(_)) => {}
            (Some(args), Err(e)) => panic!("{access:?} returned {args:?} and reported {e}"),
            (None, Ok(())) => panic!("{access:?} returned nothing and reported nothing for {text:?}"),
        }
        if let Some(Args::Rule(_, rule, _)) = &parsed {
            assert!(!rule.names.is_empty(), "{access:?}: a rule without names from {text:?}");
        }
        if let Err(errors) = reported {
            // Rendering the errors is what the macro does next; it must not panic either.
            let _ = errors.to_compile_error();
        }
    }
});
