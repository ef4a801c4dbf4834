//! The attribute grammar: what may stand between the parentheses of an access attribute.
//!
//! ```text
//! #[public]            no arguments
//! #[requires_auth]     no arguments
//! #[requires_role(rule)]  #[requires_scope(rule)]
//! #[requires_policy(Type)]
//! rule  := name | any(names) | all(names)
//! names := name ("," name)* ","?
//! name  := string literal | Type::Variant (roles only: a role declared with #[derive(Roles)])
//! ```
//!
//! Parsing is lenient: the arguments are split at top-level commas and every piece is
//! classified on its own, so independent mistakes are all reported, each on its own
//! tokens, with a message that shows the corrected attribute. Whether a name is
//! acceptable (empty, charset, duplicates) is [`validate`](crate::validate)'s business.

use proc_macro2::{Delimiter, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::Parser;
use syn::{Attribute, Ident, Lit, LitStr, Path};

use crate::diag::Diag;

/// The keywords of the rule grammar.
pub(crate) mod kw {
    syn::custom_keyword!(any);
    syn::custom_keyword!(all);
}

/// Name of `#[public]`.
pub(crate) const PUBLIC: &str = "public";
/// Name of `#[requires_auth]`.
pub(crate) const REQUIRES_AUTH: &str = "requires_auth";
/// Name of `#[requires_role]`.
pub(crate) const REQUIRES_ROLE: &str = "requires_role";
/// Name of `#[requires_scope]`.
pub(crate) const REQUIRES_SCOPE: &str = "requires_scope";
/// Name of `#[requires_policy]`.
pub(crate) const REQUIRES_POLICY: &str = "requires_policy";

/// One of the four access attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// `#[public]`
    Public,
    /// `#[requires_auth]`
    RequiresAuth,
    /// `#[requires_role(..)]`
    RequiresRole,
    /// `#[requires_scope(..)]`
    RequiresScope,
    /// `#[requires_policy(..)]`
    RequiresPolicy,
}

impl Access {
    /// The attribute's name, as written after `#[`.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Public => PUBLIC,
            Self::RequiresAuth => REQUIRES_AUTH,
            Self::RequiresRole => REQUIRES_ROLE,
            Self::RequiresScope => REQUIRES_SCOPE,
            Self::RequiresPolicy => REQUIRES_POLICY,
        }
    }

    /// Which access attribute `attr` is, matched by the last segment of its path so that
    /// `#[axum_warden::requires_role(..)]` counts as well.
    pub(crate) fn of(attr: &Attribute) -> Option<Self> {
        let ident = &attr.path().segments.last()?.ident;
        [
            Self::Public,
            Self::RequiresAuth,
            Self::RequiresRole,
            Self::RequiresScope,
            Self::RequiresPolicy,
        ]
        .into_iter()
        .find(|access| ident == access.name())
    }

    /// What the attribute's names are, for the two attributes that take names.
    pub(crate) const fn subject(self) -> Option<Subject> {
        match self {
            Self::Public | Self::RequiresAuth | Self::RequiresPolicy => None,
            Self::RequiresRole => Some(Subject::Role),
            Self::RequiresScope => Some(Subject::Scope),
        }
    }
}

/// What the names of a rule are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// Role names (`#[requires_role]`).
    Role,
    /// OAuth scopes (`#[requires_scope]`).
    Scope,
}

impl Subject {
    /// `"role"` or `"scope"`.
    pub(crate) const fn noun(self) -> &'static str {
        match self {
            Self::Role => "role",
            Self::Scope => "scope",
        }
    }

    /// The attribute that takes these names.
    pub(crate) const fn attribute(self) -> &'static str {
        match self {
            Self::Role => REQUIRES_ROLE,
            Self::Scope => REQUIRES_SCOPE,
        }
    }

    /// A name for examples in messages.
    pub(crate) const fn example(self) -> &'static str {
        match self {
            Self::Role => "admin",
            Self::Scope => "orders:read",
        }
    }

    /// The attribute with a two-name list, for examples in messages.
    pub(crate) fn list_example(self, mode: Mode) -> String {
        let (first, second) = match self {
            Self::Role => ("editor", "admin"),
            Self::Scope => ("orders:read", "orders:write"),
        };
        format!(r#"#[{}({}("{first}", "{second}"))]"#, self.attribute(), mode.keyword())
    }
}

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

/// One name of a rule as written.
pub(crate) enum Name {
    /// A string literal.
    Lit(LitStr),
    /// `Role::Admin`: a variant of a role enum (`#[derive(Roles)]`), roles only.
    Typed(Path),
}

impl Name {
    /// The literal's value, or the path as written (for tests and messages).
    pub(crate) fn text(&self) -> String {
        match self {
            Self::Lit(lit) => lit.value(),
            Self::Typed(path) => path_text(path),
        }
    }
}

/// `a::b::C` without the spaces `to_string` puts around `::`.
pub(crate) fn path_text(path: &Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

/// A rule as written: the mode and the names, still unchecked.
pub(crate) struct Rule {
    /// Any or all of the names.
    pub(crate) mode: Mode,
    /// The names as written, in source order.
    pub(crate) names: Vec<Name>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.names.iter().map(Name::text).collect();
        f.debug_struct("Rule")
            .field("mode", &self.mode)
            .field("names", &names)
            .finish()
    }
}

/// The arguments of one attribute, well formed.
#[derive(Debug)]
pub(crate) enum Args {
    /// `#[public]`
    Public,
    /// `#[requires_auth]`
    Authenticated,
    /// `#[requires_role(..)]` or `#[requires_scope(..)]`
    Rule(Subject, Rule),
    /// `#[requires_policy(..)]`
    Policy(PolicyArg),
}

/// The type of `#[requires_policy(Type)]`.
pub(crate) struct PolicyArg {
    /// The type as written.
    pub(crate) ty: syn::TypePath,
}

impl std::fmt::Debug for PolicyArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PolicyArg").field(&self.text()).finish()
    }
}

impl PolicyArg {
    /// The type as written, for the route table.
    pub(crate) fn text(&self) -> String {
        self.ty.to_token_stream().to_string().replace(' ', "")
    }
}

/// Parses the arguments of `#[requires_policy]`: one type path.
pub(crate) fn policy(args: TokenStream, diag: &mut Diag) -> Option<PolicyArg> {
    const EXAMPLE: &str = "#[requires_policy(OwnsArticle)]";
    let pieces = split(args.clone());
    let [first, rest @ ..] = pieces.as_slice() else {
        diag.error_at(
            Span::call_site(),
            format!("`#[requires_policy]` needs a policy type: write {EXAMPLE}"),
        );
        return None;
    };
    if let Some(second) = rest.first() {
        diag.error(
            second.span_tokens(),
            format!(
                "`#[requires_policy]` takes one policy type: write one policy that combines the checks, e.g. {EXAMPLE}"
            ),
        );
        return None;
    }
    // syn's parsers recurse per nesting level and a proc macro runs on the compiler's
    // stack, so an argument far longer than any type path is refused unread.
    let small = token_count(&first.tokens) <= MAX_ARGUMENT_TOKENS;
    if small && let Ok(Lit::Str(lit)) = syn::parse2::<Lit>(first.tokens.clone()) {
        diag.error(
            &first.tokens,
            format!(
                "a policy is a type, not a string: write #[requires_policy({})]",
                lit.value()
            ),
        );
        return None;
    }
    let parsed = if small {
        syn::parse2::<syn::TypePath>(first.tokens.clone()).ok()
    } else {
        None
    };
    match parsed {
        Some(ty) if ty.qself.is_none() => Some(PolicyArg { ty }),
        _ => {
            diag.error(
                &first.tokens,
                format!("expected the name of a type implementing `AccessPolicy`, e.g. {EXAMPLE}"),
            );
            None
        }
    }
}

/// Parses the arguments of `access`. `None` means at least one error went to `diag`.
pub(crate) fn parse(access: Access, args: TokenStream, diag: &mut Diag) -> Option<Args> {
    match access.subject() {
        None if access == Access::RequiresPolicy => policy(args, diag).map(Args::Policy),
        None if args.is_empty() => Some(match access {
            Access::Public => Args::Public,
            _ => Args::Authenticated,
        }),
        None => {
            diag.error(&args, no_arguments_message(access, &args));
            None
        }
        Some(subject) => rule(subject, args, diag).map(|rule| Args::Rule(subject, rule)),
    }
}

fn no_arguments_message(access: Access, args: &TokenStream) -> String {
    // `#[requires_auth("admin")]` most likely meant a role.
    let role_rule = match classify(args) {
        Piece::Name(name) => Some(name.token().to_string()),
        Piece::Call(Call {
            mode: Some(mode),
            inner,
            ..
        }) => Some(format!(
            "{}({})",
            mode.keyword(),
            suggestions(&split(inner), Subject::Role)
        )),
        _ => None,
    };
    match (access, role_rule) {
        (Access::RequiresAuth, Some(rule)) => {
            format!("`#[requires_auth]` takes no arguments: to require a role write #[requires_role({rule})]")
        }
        _ => format!("`#[{name}]` takes no arguments: write #[{name}]", name = access.name()),
    }
}

/// The rule of `#[requires_role]` / `#[requires_scope]`.
fn rule(subject: Subject, args: TokenStream, diag: &mut Diag) -> Option<Rule> {
    let attribute = subject.attribute();
    let noun = subject.noun();
    let pieces = split(args);
    let [first, rest @ ..] = pieces.as_slice() else {
        diag.error_at(
            Span::call_site(),
            format!(
                "`#[{attribute}]` needs a {noun}: write #[{attribute}(\"{example}\")], or {list} for several",
                example = subject.example(),
                list = subject.list_example(Mode::Any),
            ),
        );
        return None;
    };
    if first.tokens.is_empty() {
        diag.error(&first.comma, stray_comma_message(subject));
        return None;
    }
    if let Some(second) = rest.first() {
        let names = suggestions(&pieces, subject);
        diag.error(
            second.span_tokens(),
            format!(
                "`#[{attribute}]` takes a single rule: to accept any of these {noun}s write \
                 #[{attribute}(any({names}))], to require all of them write #[{attribute}(all({names}))]"
            ),
        );
        return None;
    }
    match classify(&first.tokens) {
        Piece::Name(name) => name_without_suffix(subject, name, &first.tokens, diag).map(|name| Rule {
            mode: Mode::Any,
            names: vec![Name::Lit(name)],
        }),
        Piece::Typed(path) if subject == Subject::Role => Some(Rule {
            mode: Mode::Any,
            names: vec![Name::Typed(path)],
        }),
        Piece::Call(Call {
            mode: Some(mode),
            ident,
            inner,
        }) => list(subject, mode, &first.tokens, &ident, inner, diag).map(|names| Rule { mode, names }),
        Piece::Call(Call {
            mode: None,
            ident,
            inner,
        }) => {
            let names = suggestions(&split(inner), subject);
            diag.error(
                &ident,
                format!(
                    "unknown rule `{ident}` in `#[{attribute}]`: expected `any` or `all`, \
                     e.g. #[{attribute}(any({names}))]"
                ),
            );
            None
        }
        Piece::Keyword(mode) => {
            diag.error(
                &first.tokens,
                format!(
                    "`{keyword}` takes a list of {noun}s in parentheses, e.g. {list}",
                    keyword = mode.keyword(),
                    list = subject.list_example(mode),
                ),
            );
            None
        }
        Piece::Typed(_) => {
            let fix = format!("#[{attribute}({})]", suggestion(&first.tokens, subject));
            diag.error(&first.tokens, not_a_name_message(subject, ", not paths", &fix));
            None
        }
        Piece::Other(what) => {
            let fix = format!("#[{attribute}({})]", suggestion(&first.tokens, subject));
            diag.error(&first.tokens, not_a_name_message(subject, what, &fix));
            None
        }
    }
}

/// "role names are string literals …", mentioning declared roles for roles.
fn not_a_name_message(subject: Subject, what: &str, fix: &str) -> String {
    match subject {
        Subject::Role => {
            format!("role names are string literals or declared roles like `Role::Admin`{what}, e.g. {fix}")
        }
        Subject::Scope => format!("scope names are string literals{what}, e.g. {fix}"),
    }
}

/// The names of `any(..)` / `all(..)`; `call` is the whole call, for the empty-list error.
fn list(
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

fn name_without_suffix(subject: Subject, name: LitStr, tokens: &TokenStream, diag: &mut Diag) -> Option<LitStr> {
    if name.suffix().is_empty() {
        return Some(name);
    }
    diag.error(
        tokens,
        format!(
            "unexpected suffix `{suffix}` on a {noun} name: write #[{attribute}({fixed:?})]",
            suffix = name.suffix(),
            noun = subject.noun(),
            attribute = subject.attribute(),
            fixed = name.value(),
        ),
    );
    None
}

fn stray_comma_message(subject: Subject) -> String {
    format!(
        "expected a {noun} name before this comma, e.g. {list}",
        noun = subject.noun(),
        list = subject.list_example(Mode::Any),
    )
}

/// The tokens between two top-level commas, and the comma that ends them.
struct Chunk {
    tokens: TokenStream,
    comma: Option<Punct>,
}

impl Chunk {
    /// The tokens to point at: the piece, or its comma when the piece is empty.
    fn span_tokens(&self) -> TokenStream {
        if self.tokens.is_empty() {
            self.comma.to_token_stream()
        } else {
            self.tokens.clone()
        }
    }
}

/// Splits at top-level commas. A trailing comma ends the last chunk; it does not start
/// an empty one.
fn split(tokens: TokenStream) -> Vec<Chunk> {
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
enum Piece {
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

struct Call {
    /// `Some` for `any` and `all`.
    mode: Option<Mode>,
    ident: Ident,
    inner: TokenStream,
}

fn classify(tokens: &TokenStream) -> Piece {
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

/// The most tokens an argument of an access attribute is read with (a policy type such as
/// `crate::policy::Owns<Article>` has about ten). Longer ones are refused unparsed: syn's
/// parsers recurse per nesting level, and a proc macro runs on the compiler's stack.
const MAX_ARGUMENT_TOKENS: usize = 128;

/// The tokens of `tokens`, groups included, counted without recursion.
fn token_count(tokens: &TokenStream) -> usize {
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

/// The string literal a chunk most likely meant, as source text: a string literal as
/// written, the text of a bare identifier or other literal in quotes, else an example.
fn suggestion(tokens: &TokenStream, subject: Subject) -> String {
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
fn suggestions(chunks: &[Chunk], subject: Subject) -> String {
    let names: Vec<String> = chunks
        .iter()
        .filter(|chunk| !chunk.tokens.is_empty())
        .map(|chunk| suggestion(&chunk.tokens, subject))
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn parse_ok(access: Access, args: TokenStream) -> Args {
        let mut diag = Diag::new();
        let parsed = parse(access, args, &mut diag);
        match (diag.finish(), parsed) {
            (Ok(()), Some(args)) => args,
            (result, parsed) => panic!("expected success, got {result:?} / {parsed:?}"),
        }
    }

    /// The messages of every error, in order.
    fn parse_err(access: Access, args: TokenStream) -> Vec<String> {
        let mut diag = Diag::new();
        let parsed = parse(access, args, &mut diag);
        assert!(parsed.is_none(), "expected an error, got {parsed:?}");
        diag.finish()
            .expect_err("an error was reported")
            .into_iter()
            .map(|e| e.to_string())
            .collect()
    }

    fn rule_of(args: Args) -> (Subject, Mode, Vec<String>) {
        match args {
            Args::Rule(subject, rule) => (subject, rule.mode, rule.names.iter().map(Name::text).collect()),
            other => panic!("expected a rule, got {other:?}"),
        }
    }

    #[test]
    fn bare_attributes_take_nothing() {
        assert!(matches!(parse_ok(Access::Public, quote!()), Args::Public));
        assert!(matches!(parse_ok(Access::RequiresAuth, quote!()), Args::Authenticated));
    }

    #[test]
    fn bare_attributes_refuse_arguments() {
        assert_eq!(
            parse_err(Access::Public, quote!(foo)),
            ["`#[public]` takes no arguments: write #[public]"]
        );
        assert_eq!(
            parse_err(Access::RequiresAuth, quote!(a = 1)),
            ["`#[requires_auth]` takes no arguments: write #[requires_auth]"]
        );
        assert_eq!(
            parse_err(Access::RequiresAuth, quote!(all("admin", auditor))),
            [
                r#"`#[requires_auth]` takes no arguments: to require a role write #[requires_role(all("admin", "auditor"))]"#
            ]
        );
        assert_eq!(
            parse_err(Access::RequiresAuth, quote!("admin")),
            [r#"`#[requires_auth]` takes no arguments: to require a role write #[requires_role("admin")]"#]
        );
    }

    #[test]
    fn single_name_is_any_of_one() {
        let rule = rule_of(parse_ok(Access::RequiresRole, quote!("admin")));
        assert_eq!(rule, (Subject::Role, Mode::Any, vec!["admin".to_owned()]));
    }

    #[test]
    fn lists_keep_source_order_and_allow_a_trailing_comma() {
        let rule = rule_of(parse_ok(Access::RequiresScope, quote!(all("b", "a",))));
        assert_eq!(rule, (Subject::Scope, Mode::All, vec!["b".to_owned(), "a".to_owned()]));
        let rule = rule_of(parse_ok(Access::RequiresRole, quote!(any("x"),)));
        assert_eq!(rule, (Subject::Role, Mode::Any, vec!["x".to_owned()]));
    }

    #[test]
    fn raw_strings_and_escapes_are_names() {
        let rule = rule_of(parse_ok(Access::RequiresRole, quote!(any(r"a:b", "c\x64"))));
        assert_eq!(rule.2, ["a:b", "cd"]);
    }

    #[test]
    fn missing_rule() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!()),
            [
                r#"`#[requires_role]` needs a role: write #[requires_role("admin")], or #[requires_role(any("editor", "admin"))] for several"#
            ]
        );
    }

    #[test]
    fn several_top_level_names() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!("a", "b")),
            [
                r#"`#[requires_role]` takes a single rule: to accept any of these roles write #[requires_role(any("a", "b"))], to require all of them write #[requires_role(all("a", "b"))]"#
            ]
        );
        assert_eq!(
            parse_err(Access::RequiresScope, quote!(read, write)),
            [
                r#"`#[requires_scope]` takes a single rule: to accept any of these scopes write #[requires_scope(any("read", "write"))], to require all of them write #[requires_scope(all("read", "write"))]"#
            ]
        );
    }

    #[test]
    fn bare_identifier_or_path() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(admin)),
            [r#"role names are string literals or declared roles like `Role::Admin`, e.g. #[requires_role("admin")]"#]
        );
        let rule = rule_of(parse_ok(Access::RequiresRole, quote!(any(Role::Admin, "x"))));
        assert_eq!(rule.2, ["Role::Admin", "x"]);
        assert_eq!(
            parse_err(Access::RequiresScope, quote!(Scope::Read)),
            [r#"scope names are string literals, not paths, e.g. #[requires_scope("orders:read")]"#]
        );
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(Vec::<u8>::new)),
            [
                r#"role names are string literals or declared roles like `Role::Admin`, not paths, e.g. #[requires_role("admin")]"#
            ]
        );
        assert_eq!(
            parse_err(Access::RequiresScope, quote!(any("a", b, 3))),
            [
                r#"scope names are string literals, e.g. #[requires_scope(any("a", "b", "3"))]"#,
                r#"scope names are string literals, not integers, e.g. #[requires_scope(any("a", "b", "3"))]"#,
            ]
        );
    }

    #[test]
    fn non_string_literals() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(1)),
            [
                r#"role names are string literals or declared roles like `Role::Admin`, not integers, e.g. #[requires_role("1")]"#
            ]
        );
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(b"x")),
            [
                r#"role names are string literals or declared roles like `Role::Admin`, not byte strings, e.g. #[requires_role("x")]"#
            ]
        );
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(true)),
            [
                r#"role names are string literals or declared roles like `Role::Admin`, not booleans, e.g. #[requires_role("true")]"#
            ]
        );
    }

    #[test]
    fn unknown_keyword_lists_the_valid_ones() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(one_of("a", "b"))),
            [
                r#"unknown rule `one_of` in `#[requires_role]`: expected `any` or `all`, e.g. #[requires_role(any("a", "b"))]"#
            ]
        );
    }

    #[test]
    fn keyword_without_list() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(all)),
            [r#"`all` takes a list of roles in parentheses, e.g. #[requires_role(all("editor", "admin"))]"#]
        );
    }

    #[test]
    fn empty_lists() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(any())),
            [r#"`any()` needs at least one role, e.g. #[requires_role(any("editor", "admin"))]"#]
        );
        assert_eq!(
            parse_err(Access::RequiresScope, quote!(all())),
            [r#"`all()` needs at least one scope, e.g. #[requires_scope(all("orders:read", "orders:write"))]"#]
        );
    }

    #[test]
    fn nested_rules() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(any(all("a")))),
            [
                r#"rules do not nest: `any(..)` lists role names as string literals, e.g. #[requires_role(any("editor", "admin"))]"#
            ]
        );
    }

    #[test]
    fn stray_commas() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(, "admin")),
            [r#"expected a role name before this comma, e.g. #[requires_role(any("editor", "admin"))]"#]
        );
        assert_eq!(
            parse_err(Access::RequiresRole, quote!(any("a",, "b"))),
            [r#"expected a role name before this comma, e.g. #[requires_role(any("editor", "admin"))]"#]
        );
    }

    #[test]
    fn literal_suffix() {
        assert_eq!(
            parse_err(Access::RequiresRole, quote!("admin"x)),
            [r#"unexpected suffix `x` on a role name: write #[requires_role("admin")]"#]
        );
    }

    #[test]
    fn access_is_matched_by_the_last_path_segment() {
        let attrs: Vec<Attribute> = syn::parse_quote! {
            #[axum_warden::requires_role("a")]
            #[public]
            #[doc = "x"]
            #[other::requires_scope]
            #[requires_auth]
        };
        let found: Vec<Option<Access>> = attrs.iter().map(Access::of).collect();
        assert_eq!(
            found,
            [
                Some(Access::RequiresRole),
                Some(Access::Public),
                None,
                Some(Access::RequiresScope),
                Some(Access::RequiresAuth),
            ]
        );
    }

    /// Deeply nested arguments are refused by size before any recursive parser sees them;
    /// fuzzing found `x<&&&…&u8>` overflowing the compiler's stack through syn's type parser.
    #[test]
    fn deeply_nested_arguments_are_refused_without_recursion() {
        let deep = |open: &str, core: &str, close: &str| -> TokenStream {
            format!("x<{}{core}{}>", open.repeat(20_000), close.repeat(20_000))
                .parse()
                .expect("tokens")
        };
        let cases = [
            deep("&", "u8", ""),
            deep("-", "1", ""),
            deep("[", "u8", "]"),
            deep("A=&", "u8", ""),
        ];
        for args in cases {
            for access in [Access::RequiresRole, Access::RequiresScope, Access::RequiresPolicy] {
                assert!(!parse_err(access, args.clone()).is_empty());
            }
        }
        let long: TokenStream = format!("crate::{}Policy", "m::".repeat(200)).parse().expect("tokens");
        assert_eq!(
            parse_err(Access::RequiresRole, long.clone()),
            [r#"role names are string literals or declared roles like `Role::Admin`, e.g. #[requires_role("admin")]"#]
        );
        assert!(!parse_err(Access::RequiresPolicy, long).is_empty());
    }
}
