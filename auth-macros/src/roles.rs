//! `#[derive(Roles)]`: an application's roles, declared once as a fieldless enum.
//!
//! ```text
//! #[derive(Clone, Copy, Roles)]
//! enum Role {
//!     #[role("admin", includes(Editor, Reviewer))]
//!     Admin,
//!     #[role(includes(Viewer))]
//!     Editor,          // claim string "editor"
//!     Reviewer,
//!     Viewer,
//! }
//! ```
//!
//! Every check that needs the whole enum runs here, at compile time: names valid and
//! distinct, `includes` naming variants, and no cycle in the hierarchy.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream, Parser};
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Token};

use crate::diag::Diag;
use crate::paths;
use crate::validate::name_problem;

/// One variant, read.
struct Variant {
    ident: Ident,
    name: String,
    /// Where the name came from, to point errors at.
    name_span: Span,
    includes: Vec<Ident>,
}

/// `place` says where the derive is written (file, line, column); it only has to differ
/// between two role enums of one crate.
pub(crate) fn derive(input: TokenStream, place: &str) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.into_compile_error(),
    };
    let mut diag = Diag::new();
    let variants = read(&input, &mut diag);
    if let Some(variants) = &variants {
        check(variants, &mut diag);
    }
    match (diag.finish(), variants) {
        (Ok(()), Some(variants)) => emit(&input, &variants, place),
        (Err(errors), _) => errors.into_compile_error(),
        (Ok(()), None) => {
            syn::Error::new(Span::call_site(), "internal error in `#[derive(Roles)]`").into_compile_error()
        }
    }
}

fn read(input: &DeriveInput, diag: &mut Diag) -> Option<Vec<Variant>> {
    let Data::Enum(data) = &input.data else {
        let token = match &input.data {
            Data::Struct(s) => s.struct_token.to_token_stream(),
            Data::Union(u) => u.union_token.to_token_stream(),
            Data::Enum(e) => e.enum_token.to_token_stream(),
        };
        diag.error(
            token,
            "`#[derive(Roles)]` goes on a fieldless enum, one variant per role: `enum Role { Admin, Editor }`",
        );
        return None;
    };
    if !input.generics.params.is_empty() {
        diag.error(&input.generics, "a role enum takes no generic parameters");
        return None;
    }
    if data.variants.is_empty() {
        diag.error(&input.ident, "a role enum needs at least one role");
        return None;
    }
    let mut variants = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            diag.error(
                &variant.fields,
                format!("role `{}` has fields: roles are unit variants", variant.ident),
            );
        }
        if let Some((eq, value)) = &variant.discriminant {
            diag.error(
                quote!(#eq #value),
                "roles take no explicit discriminant: the claim string is set with #[role(\"name\")]",
            );
        }
        let mut name = None;
        let mut includes = Vec::new();
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("role")) {
            let parsed = attr.meta.require_list().and_then(|list| {
                (|input: ParseStream<'_>| role_args(input, &mut name, &mut includes)).parse2(list.tokens.clone())
            });
            if let Err(error) = parsed {
                diag.push(error);
            }
        }
        let (name, name_span) = match name {
            Some(lit) => (lit.value(), lit.span()),
            None => (snake_case(&variant.ident.to_string()), variant.ident.span()),
        };
        variants.push(Variant {
            ident: variant.ident.clone(),
            name,
            name_span,
            includes,
        });
    }
    // Checks that need every variant run even after a mistake here, so all mistakes
    // show in one build.
    Some(variants)
}

/// `"name"`, `includes(A, B)`, or both, comma-separated.
fn role_args(input: ParseStream<'_>, name: &mut Option<LitStr>, includes: &mut Vec<Ident>) -> syn::Result<()> {
    const USAGE: &str = "expected #[role(\"name\")], #[role(includes(Editor, Viewer))], or both: \
                         #[role(\"name\", includes(Editor))]";
    if input.is_empty() {
        return Err(input.error(USAGE));
    }
    while !input.is_empty() {
        if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            if name.is_some() {
                return Err(syn::Error::new(lit.span(), "this role already has a name: remove one"));
            }
            *name = Some(lit);
        } else if input.peek(Ident) {
            let keyword: Ident = input.parse()?;
            if keyword != "includes" {
                return Err(syn::Error::new(
                    keyword.span(),
                    format!("unknown key `{keyword}` in #[role(..)]: {USAGE}"),
                ));
            }
            let content;
            syn::parenthesized!(content in input);
            let listed = content.parse_terminated(Ident::parse, Token![,])?;
            includes.extend(listed);
        } else {
            return Err(input.error(USAGE));
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(())
}

fn check(variants: &[Variant], diag: &mut Diag) {
    for (i, variant) in variants.iter().enumerate() {
        if let Some(problem) = name_problem(&variant.name) {
            diag.error_at(
                variant.name_span,
                format!(
                    "role name {:?} {problem}: role names are printable ASCII without spaces, `\"` or `\\`; \
                     set one with #[role(\"name\")]",
                    variant.name
                ),
            );
        }
        if let Some(first) = variants[..i].iter().find(|v| v.name == variant.name) {
            diag.error_at(
                variant.name_span,
                format!(
                    "roles `{}` and `{}` have the same name {:?}: give one another name with #[role(\"name\")]",
                    first.ident, variant.ident, variant.name
                ),
            );
        }
        for (j, included) in variant.includes.iter().enumerate() {
            if !variants.iter().any(|v| v.ident == *included) {
                let known: Vec<String> = variants.iter().map(|v| v.ident.to_string()).collect();
                diag.error(
                    included,
                    format!(
                        "no role `{included}` in this enum: expected one of {}",
                        known.join(", ")
                    ),
                );
            } else if variant.includes[..j].contains(included) {
                diag.error(included, format!("`{included}` is listed twice: remove this one"));
            }
        }
    }
    if let Some((at, cycle)) = find_cycle(variants) {
        diag.error(
            at,
            format!(
                "the role hierarchy has a cycle: {}; a role cannot include itself",
                cycle.join(" includes ")
            ),
        );
    }
}

/// The first cycle, as the include that closes it and the variants in order.
fn find_cycle(variants: &[Variant]) -> Option<(&Ident, Vec<String>)> {
    fn visit<'a>(
        index: usize,
        variants: &'a [Variant],
        state: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<(&'a Ident, Vec<String>)> {
        state[index] = 1;
        path.push(index);
        for included in &variants[index].includes {
            let Some(next) = variants.iter().position(|v| v.ident == *included) else {
                continue;
            };
            match state[next] {
                1 => {
                    let start = path.iter().position(|&p| p == next).unwrap_or(0);
                    let mut cycle: Vec<String> = path[start..].iter().map(|&p| variants[p].ident.to_string()).collect();
                    cycle.push(variants[next].ident.to_string());
                    return Some((included, cycle));
                }
                0 => {
                    if let Some(found) = visit(next, variants, state, path) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state[index] = 2;
        None
    }
    let mut state = vec![0u8; variants.len()];
    (0..variants.len()).find_map(|i| {
        if state[i] == 0 {
            visit(i, variants, &mut state, &mut Vec::new())
        } else {
            None
        }
    })
}

fn emit(input: &DeriveInput, variants: &[Variant], place: &str) -> TokenStream {
    let ident = &input.ident;
    let claims = claim_macro(input, variants, place);
    let hierarchy_impls = includes_impls(input, variants);
    let roles = paths::roles();
    let names = variants.iter().map(|v| &v.name);
    let includes = variants.iter().map(|v| {
        let names = v
            .includes
            .iter()
            .filter_map(|i| variants.iter().find(|w| w.ident == *i))
            .map(|w| &w.name);
        quote!(&[#(#names),*])
    });
    let arms = variants.iter().map(|v| {
        let variant = &v.ident;
        let name = &v.name;
        quote!(Self::#variant => #name)
    });
    quote! {
        #[automatically_derived]
        impl #roles for #ident {
            const NAMES: &'static [&'static str] = &[#(#names),*];
            const INCLUDES: &'static [&'static [&'static str]] = &[#(#includes),*];
            fn name(&self) -> &'static str {
                match self {
                    #(#arms,)*
                }
            }
        }

        #claims

        #hierarchy_impls
    }
}

/// `impl Includes<A, B> for Role {}` for every role `A` and every role `B` it includes,
/// transitively, itself among them: the hierarchy as traits, for `Granted::narrow`.
fn includes_impls(input: &DeriveInput, variants: &[Variant]) -> TokenStream {
    let ident = &input.ident;
    let includes = paths::includes();
    let index = |name: &Ident| variants.iter().position(|v| v.ident == *name);
    let mut impls = TokenStream::new();
    for (from, _) in variants.iter().enumerate() {
        let mut reached = vec![false; variants.len()];
        let mut stack = vec![from];
        while let Some(at) = stack.pop() {
            if std::mem::replace(&mut reached[at], true) {
                continue;
            }
            stack.extend(variants[at].includes.iter().filter_map(index));
        }
        for (to, _) in reached.iter().enumerate().filter(|(_, reached)| **reached) {
            impls.extend(quote! {
                #[automatically_derived]
                impl #includes<#from, #to> for #ident {}
            });
        }
    }
    impls
}

/// The hidden macro that turns a variant into its claim string as a Markdown code span
/// (`Role!(Admin)` → `` "`admin`" ``), for the `# Access` section that
/// `#[requires_role(Role::Admin)]` writes into the handler's docs.
///
/// It is imported under the enum's name, in the macro namespace, so every path that
/// reaches the enum reaches it too. A `pub` enum may be named from other crates: its
/// macro is `#[macro_export]`ed, which puts it at the crate root, so its name carries a
/// hash of the enum's place and declaration to stay unique in the crate. A macro that
/// expands to a `#[macro_export]` macro cannot be named by an absolute path in its own
/// crate; the plain `use` below is not absolute, and the route to the enum is whatever
/// the handler's crate wrote.
fn claim_macro(input: &DeriveInput, variants: &[Variant], place: &str) -> TokenStream {
    use syn::ext::IdentExt;
    let ident = &input.ident;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let declared = variants.iter().map(|v| v.name.as_str());
    for piece in [place, &ident.to_string()].into_iter().chain(declared) {
        for byte in piece.bytes().chain([0]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let name = quote::format_ident!("__axum_warden_role_claims_{}_{:016x}", ident.unraw(), hash);
    let arms = variants.iter().map(|v| {
        let claim = crate::expand::code(&v.name);
        // `Role::r#Type` and `Role::Type` name one variant.
        let unraw = Ident::new(&v.ident.unraw().to_string(), v.ident.span());
        let raw = &v.ident;
        quote!((#raw) => { #claim }; (#unraw) => { #claim };)
    });
    if matches!(input.vis, syn::Visibility::Public(_)) {
        quote! {
            #[doc(hidden)]
            #[macro_export]
            #[allow(non_local_definitions)]
            macro_rules! #name {
                #(#arms)*
                // A variant the enum lacks is already an error where the attribute names
                // it (`no variant named ..`); this arm keeps it to that one error.
                ($($other:tt)*) => { "" };
            }
            #[doc(hidden)]
            #[allow(unused_imports)]
            pub use #name as #ident;
        }
    } else {
        quote! {
            #[doc(hidden)]
            #[allow(unused_macros)]
            macro_rules! #name {
                #(#arms)*
                // A variant the enum lacks is already an error where the attribute names
                // it (`no variant named ..`); this arm keeps it to that one error.
                ($($other:tt)*) => { "" };
            }
            #[doc(hidden)]
            #[allow(unused_imports)]
            pub(crate) use #name as #ident;
        }
    }
}

/// `SuperAdmin` → `super_admin`.
fn snake_case(ident: &str) -> String {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let mut out = String::with_capacity(ident.len() + 4);
    let chars: Vec<char> = ident.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let before_lower =
                i > 0 && chars.get(i + 1).is_some_and(|n| n.is_lowercase()) && chars[i - 1].is_uppercase();
            if after_lower || before_lower {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(input: TokenStream) -> Vec<String> {
        let input: DeriveInput = syn::parse2(input).expect("an item");
        let mut diag = Diag::new();
        if let Some(variants) = read(&input, &mut diag) {
            check(&variants, &mut diag);
        }
        match diag.finish() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn snake_case_names() {
        assert_eq!(snake_case("Admin"), "admin");
        assert_eq!(snake_case("SuperAdmin"), "super_admin");
        assert_eq!(snake_case("HTTPReader"), "http_reader");
        assert_eq!(snake_case("Level2Support"), "level2_support");
    }

    #[test]
    fn emits_names_includes_and_a_match() {
        let out = derive(
            quote! {
                enum Role {
                    #[role("admin", includes(Editor))]
                    Admin,
                    Editor,
                }
            },
            "src/roles.rs:3:10",
        )
        .to_string();
        assert!(
            out.contains(r#"const NAMES : & 'static [& 'static str] = & ["admin" , "editor"]"#),
            "{out}"
        );
        assert!(out.contains(r#"& [& ["editor"] , & []]"#), "{out}");
        assert!(out.contains(r#"Self :: Admin => "admin""#), "{out}");
        // A private enum's claim macro is crate-visible, under the enum's name.
        assert!(out.contains(r#"(Admin) => { "`admin`" }"#), "{out}");
        assert!(out.contains("pub (crate) use __axum_warden_role_claims_Role_"), "{out}");
        assert!(!out.contains("macro_export"), "{out}");
    }

    #[test]
    fn public_enums_export_a_claim_macro_unique_to_their_place() {
        let public = |place| {
            derive(
                quote! {
                    pub enum Role { Admin, r#Type }
                },
                place,
            )
            .to_string()
        };
        let name = |out: &str| {
            let at = out.find("__axum_warden_role_claims_Role_").expect("a claim macro");
            out[at..].split_whitespace().next().unwrap_or_default().to_owned()
        };
        let here = public("src/a.rs:1:1");
        assert!(here.contains("# [macro_export]"), "{here}");
        assert!(here.contains(&format!("pub use {} as Role", name(&here))), "{here}");
        assert!(
            here.contains(r#"(r#Type) => { "`type`" } ; (Type) => { "`type`" }"#),
            "{here}"
        );
        assert_eq!(name(&here), name(&public("src/a.rs:1:1")));
        assert_ne!(name(&here), name(&public("src/b.rs:1:1")));
    }

    #[test]
    fn cycles_are_refused_with_their_path() {
        let errs = errors(quote! {
            enum Role {
                #[role(includes(Editor))]
                Admin,
                #[role(includes(Viewer))]
                Editor,
                #[role(includes(Admin))]
                Viewer,
            }
        });
        assert_eq!(
            errs,
            [
                "the role hierarchy has a cycle: Admin includes Editor includes Viewer includes Admin; a role cannot include itself"
            ]
        );
    }

    #[test]
    fn bad_declarations() {
        let errs = errors(quote! {
            enum Role {
                #[role("super admin")]
                Admin,
                #[role("editor")]
                Writer,
                Editor,
                #[role(includes(Nobody))]
                Viewer,
                Data(u8),
                Numbered = 3,
            }
        });
        assert_eq!(errs.len(), 5, "{errs:?}");
        assert!(errs[0].contains("has fields"), "{errs:?}");
        assert!(errs[1].contains("no explicit discriminant"), "{errs:?}");
        assert!(
            errs[2].starts_with(r#"role name "super admin" contains a space"#),
            "{errs:?}"
        );
        assert!(errs[3].contains("have the same name"), "{errs:?}");
        assert!(errs[4].starts_with("no role `Nobody` in this enum"), "{errs:?}");
    }

    #[test]
    fn only_enums() {
        let errs = errors(quote!(
            struct Role;
        ));
        assert_eq!(
            errs,
            ["`#[derive(Roles)]` goes on a fieldless enum, one variant per role: `enum Role { Admin, Editor }`"]
        );
    }
}
