//! The shape of the annotated item: an access attribute goes on a free `async fn`.
//!
//! Anything else is one error on the token that shows why: `fn` without `async`, the
//! `self` of a method, or the keyword of an item that is not a function (`struct`,
//! `impl`, …), named in the message.

use quote::ToTokens;

use crate::args::Access;
use crate::diag::Diag;
use crate::handler::{Item, Shape};

/// Only on `async fn` items without a `self` receiver.
pub(super) fn check_shape(access: Access, item: &Item, diag: &mut Diag) -> bool {
    let attribute = access.name();
    match &item.shape {
        Shape::Other(rest) => {
            let (tokens, what) = describe(rest);
            diag.error(
                tokens,
                format!("`#[{attribute}]` goes on an `async fn` handler, not on {what}"),
            );
            false
        }
        Shape::Fn(function) => {
            let mut ok = true;
            if function.sig.asyncness.is_none() {
                diag.error(
                    function.sig.fn_token,
                    format!("`#[{attribute}]` needs an `async fn`: add `async` before `fn`"),
                );
                ok = false;
            }
            if let Some(receiver) = function.sig.receiver() {
                diag.error(
                    receiver.self_token,
                    format!(
                        "`#[{attribute}]` goes on a free `async fn` handler, which takes no `self`: \
                         move the handler out of the impl block and take what it needs through extractors"
                    ),
                );
                ok = false;
            }
            ok
        }
    }
}

/// The token to point at for an item that is not a function, and what it is.
fn describe(rest: &proc_macro2::TokenStream) -> (proc_macro2::TokenStream, &'static str) {
    use syn::Item as I;
    let first = || rest.clone().into_iter().next().into_token_stream();
    let Ok(item) = syn::parse2::<I>(rest.clone()) else {
        return (first(), "this item");
    };
    match item {
        I::Const(item) => (item.const_token.into_token_stream(), "a const"),
        I::Enum(item) => (item.enum_token.into_token_stream(), "an enum"),
        I::ExternCrate(item) => (item.extern_token.into_token_stream(), "an extern crate"),
        I::ForeignMod(item) => (item.abi.into_token_stream(), "an extern block"),
        I::Impl(item) => (item.impl_token.into_token_stream(), "an impl block"),
        I::Macro(item) => (item.mac.path.into_token_stream(), "a macro invocation"),
        I::Mod(item) => (item.mod_token.into_token_stream(), "a module"),
        I::Static(item) => (item.static_token.into_token_stream(), "a static"),
        I::Struct(item) => (item.struct_token.into_token_stream(), "a struct"),
        I::Trait(item) => (item.trait_token.into_token_stream(), "a trait"),
        I::TraitAlias(item) => (item.trait_token.into_token_stream(), "a trait alias"),
        I::Type(item) => (item.type_token.into_token_stream(), "a type alias"),
        I::Union(item) => (item.union_token.into_token_stream(), "a union"),
        I::Use(item) => (item.use_token.into_token_stream(), "a use declaration"),
        _ => (first(), "this item"),
    }
}
