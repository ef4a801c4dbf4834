//! The item an access attribute sits on.
//!
//! Only the outer attributes and the signature are parsed; the body stays a raw brace
//! group, never a `syn::Block`, so expansion costs little and the body reaches rustc
//! exactly as written (the way `#[tracing::instrument]` treats bodies).

use proc_macro2::{Delimiter, Group, TokenStream};
use quote::{ToTokens, TokenStreamExt, quote};
use syn::parse::{Parse, ParseStream, Parser};
use syn::{Attribute, Signature, Visibility};

use crate::args::Access;

/// The annotated item: its outer attributes and what follows them.
pub(crate) struct Item {
    /// Every outer attribute left on the item (the one being expanded is already gone),
    /// in source order.
    pub(crate) attrs: Vec<Attribute>,
    /// The item after its attributes.
    pub(crate) shape: Shape,
}

/// What follows the attributes.
pub(crate) enum Shape {
    /// A function with a body.
    Fn(Box<HandlerFn>),
    /// Anything else, kept verbatim for the error path.
    Other(TokenStream),
}

/// A function: visibility, signature and raw body.
#[derive(Clone)]
pub(crate) struct HandlerFn {
    /// `pub`, `pub(crate)`, … or nothing.
    pub(crate) vis: Visibility,
    /// Everything from `const`/`async`/`fn` to the where clause.
    pub(crate) sig: Signature,
    /// The body, a brace-delimited group, untouched.
    pub(crate) body: Group,
}

impl Parse for Item {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let rest: TokenStream = input.parse()?;
        let shape = match handler_fn.parse2(rest.clone()) {
            Ok(function) => Shape::Fn(Box::new(function)),
            Err(_) => Shape::Other(rest),
        };
        Ok(Self { attrs, shape })
    }
}

fn handler_fn(input: ParseStream<'_>) -> syn::Result<HandlerFn> {
    let vis = input.parse()?;
    let sig = input.parse()?;
    let body: Group = input.parse()?;
    if body.delimiter() != Delimiter::Brace {
        return Err(syn::Error::new(body.span(), "expected a function body"));
    }
    Ok(HandlerFn { vis, sig, body })
}

impl Item {
    /// The access attributes still on the item, in source order.
    pub(crate) fn access_attrs(&self) -> impl Iterator<Item = (Access, &Attribute)> {
        self.attrs
            .iter()
            .filter_map(|attr| Access::of(attr).map(|access| (access, attr)))
    }

    /// What the error path emits: the item as written minus every access attribute, so
    /// the remaining attributes do not report the same mistake again.
    ///
    /// Each removed attribute's path is still named once, in an underscore import inside
    /// an anonymous const, so the user's `use axum_warden::requires_auth;` does not turn
    /// into an "unused import" warning on top of the error. Skipped for methods: they sit
    /// in an `impl` block, which cannot hold a `const _`.
    pub(crate) fn fallback(&self) -> TokenStream {
        let mut tokens = TokenStream::new();
        let (removed, kept): (Vec<&Attribute>, Vec<&Attribute>) =
            self.attrs.iter().partition(|attr| Access::of(attr).is_some());
        tokens.append_all(kept);
        self.shape.to_tokens(&mut tokens);
        let is_method = matches!(&self.shape, Shape::Fn(function) if function.sig.receiver().is_some());
        if !removed.is_empty() && !is_method {
            let paths = removed.iter().map(|attr| attr.path());
            tokens.extend(quote! {
                const _: () = {
                    #(
                        #[allow(unused_imports)]
                        use #paths as _;
                    )*
                };
            });
        }
        tokens
    }
}

impl ToTokens for Item {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.attrs);
        self.shape.to_tokens(tokens);
    }
}

impl ToTokens for Shape {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Self::Fn(function) => function.to_tokens(tokens),
            Self::Other(rest) => rest.to_tokens(tokens),
        }
    }
}

impl ToTokens for HandlerFn {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.body.to_tokens(tokens);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn parse(tokens: TokenStream) -> Item {
        syn::parse2(tokens).expect("any item parses")
    }

    #[test]
    fn parses_attributes_signature_and_keeps_the_body_raw() {
        let item = parse(quote! {
            /// Docs.
            #[allow(unused)]
            pub(crate) async fn h<S: Clone>(State(s): State<S>) -> Result<(), E> where S: Send {
                let x = { s }; not valid rust at all ??? ;
            }
        });
        assert_eq!(item.attrs.len(), 2);
        let Shape::Fn(function) = &item.shape else {
            panic!("expected a fn");
        };
        assert_eq!(function.vis.to_token_stream().to_string(), "pub (crate)");
        assert_eq!(function.sig.ident, "h");
        assert!(function.sig.asyncness.is_some());
        assert_eq!(function.sig.generics.params.len(), 1);
        assert!(function.sig.generics.where_clause.is_some());
        assert_eq!(
            function.body.to_string(),
            quote!({ let x = { s }; not valid rust at all ??? ; }).to_string()
        );
    }

    #[test]
    fn round_trips_unchanged() {
        let source = quote! {
            #[doc = " Docs."]
            #[cfg(test)]
            async fn h(Path(id): Path<u64>, req: Request) -> impl IntoResponse { id }
        };
        assert_eq!(parse(source.clone()).to_token_stream().to_string(), source.to_string());
    }

    #[test]
    fn anything_else_is_kept_verbatim() {
        let source = quote!(
            pub struct NotAFn {
                field: u8,
            }
        );
        let item = parse(quote!(#[derive(Debug)] #source));
        assert_eq!(item.attrs.len(), 1);
        assert!(matches!(&item.shape, Shape::Other(rest) if rest.to_string() == source.to_string()));
        let item = parse(quote!(
            async fn no_body();
        ));
        assert!(matches!(item.shape, Shape::Other(_)));
    }

    #[test]
    fn access_attributes_are_found_and_dropped_for_the_fallback() {
        let item = parse(quote! {
            #[doc = " Docs."]
            #[requires_auth]
            #[axum_warden::requires_role("a")]
            #[allow(unused)]
            async fn h() {}
        });
        let found: Vec<Access> = item.access_attrs().map(|(access, _)| access).collect();
        assert_eq!(found, [Access::RequiresAuth, Access::RequiresRole]);
        let expected = quote! {
            #[doc = " Docs."]
            #[allow(unused)]
            async fn h() {}
            const _: () = {
                #[allow(unused_imports)]
                use requires_auth as _;
                #[allow(unused_imports)]
                use axum_warden::requires_role as _;
            };
        };
        assert_eq!(item.fallback().to_string(), expected.to_string());
    }

    #[test]
    fn fallback_of_a_method_names_no_paths() {
        let item = parse(quote!(
            #[public]
            async fn h(&self) {}
        ));
        assert_eq!(
            item.fallback().to_string(),
            quote!(
                async fn h(&self) {}
            )
            .to_string()
        );
        let item = parse(quote!(
            #[allow(unused)]
            async fn h() {}
        ));
        assert_eq!(
            item.fallback().to_string(),
            quote!(
                #[allow(unused)]
                async fn h() {}
            )
            .to_string()
        );
    }
}
