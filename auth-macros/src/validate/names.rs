//! The names of a role or scope rule: each non-empty, in the RFC 6750 scope-token
//! charset (printable ASCII without spaces, `"` or `\`), and listed once.
//!
//! A name that breaks a rule is one error on its own literal, and every name is checked,
//! so all bad names are reported together. A declared role (`Role::Admin`) is checked
//! for duplicates only: its string comes from the enum, and `#[derive(Roles)]` checks
//! that string with the same [`name_problem`].

use syn::LitStr;

use crate::args::Subject;
use crate::args::name::{Name, path_text};
use crate::diag::Diag;

/// A checked role or scope name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CheckedName {
    /// A string, in the scope-token charset.
    Str(String),
    /// A declared role, `Role::Admin`; its type checks the string.
    Typed(TypedRole),
}

/// `Role::Admin` as written.
pub(crate) struct TypedRole {
    /// The path as written, without spaces, to compare and to show.
    pub(crate) text: String,
    /// The path.
    pub(crate) path: syn::Path,
}

impl std::fmt::Debug for TypedRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for TypedRole {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for TypedRole {}

/// Non-empty, in the scope-token charset, no duplicates.
pub(super) fn names_of(subject: Subject, written: Vec<Name>, diag: &mut Diag) -> Option<Vec<CheckedName>> {
    let noun = subject.noun();
    let attribute = subject.attribute();
    let mut names: Vec<CheckedName> = Vec::with_capacity(written.len());
    let mut ok = true;
    for name in written {
        let literal: LitStr = match name {
            Name::Lit(literal) => literal,
            Name::Typed(path) => {
                let text = path_text(&path);
                if names
                    .iter()
                    .any(|n| matches!(n, CheckedName::Typed(t) if t.text == text))
                {
                    diag.error(
                        &path,
                        format!("{noun} `{text}` is listed twice in `#[{attribute}]`: remove this one"),
                    );
                    ok = false;
                } else {
                    names.push(CheckedName::Typed(TypedRole { text, path }));
                }
                continue;
            }
        };
        let literal = &literal;
        let name = literal.value();
        if name.is_empty() {
            diag.error(
                literal,
                format!(
                    "empty {noun} name in `#[{attribute}]`: write the {noun}, e.g. #[{attribute}({example:?})]",
                    example = subject.example(),
                ),
            );
            ok = false;
        } else if let Some(problem) = name_problem(&name) {
            diag.error(
                literal,
                format!(
                    "{noun} name {name:?} {problem}: `#[{attribute}]` names are printable ASCII \
                     without spaces, `\"` or `\\` (RFC 6750 scope tokens)",
                ),
            );
            ok = false;
        } else if names.iter().any(|n| matches!(n, CheckedName::Str(s) if *s == name)) {
            diag.error(
                literal,
                format!("{noun} {name:?} is listed twice in `#[{attribute}]`: remove this one"),
            );
            ok = false;
        } else {
            names.push(CheckedName::Str(name));
        }
    }
    ok.then_some(names)
}

/// What is wrong with a non-empty name, if anything: "contains a space" …
pub(crate) fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".to_owned());
    }
    name.chars()
        .find(|&c| !is_scope_char(c))
        .map(|bad| format!("contains {}", describe_char(bad)))
}

/// RFC 6750 §3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
pub(super) fn is_scope_char(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

pub(super) fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '"' => "a double quote `\"`".to_owned(),
        '\\' => "a backslash `\\`".to_owned(),
        c if c.is_ascii() => format!("the control character U+{:04X}", u32::from(c)),
        c if c.is_control() || c.is_whitespace() => format!("the non-ASCII character U+{:04X}", u32::from(c)),
        c => format!("the non-ASCII character `{c}` (U+{:04X})", u32::from(c)),
    }
}
