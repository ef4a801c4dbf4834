//! The access attributes: their names, how one is recognised on an item, and — for the
//! two that take names — what those names are (roles or scopes), with the words and
//! example attributes that every message about them uses.
//!
//! Everything that must say `#[requires_role]` or "role" in an error takes it from here,
//! so the attribute names are spelt once.

use syn::Attribute;

use super::mode::Mode;

/// Name of `#[public]`.
const PUBLIC: &str = "public";
/// Name of `#[requires_auth]`.
const REQUIRES_AUTH: &str = "requires_auth";
/// Name of `#[requires_role]`.
const REQUIRES_ROLE: &str = "requires_role";
/// Name of `#[requires_scope]`.
const REQUIRES_SCOPE: &str = "requires_scope";
/// Name of `#[requires_policy]`.
const REQUIRES_POLICY: &str = "requires_policy";

/// One of the five access attributes.
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

    /// Which access attribute `attr` is: its name alone (`#[requires_role(..)]`, as
    /// imported), or a path through this crate (`#[axum_warden::requires_role(..)]`,
    /// `axum_warden::prelude::…`, `axum_warden_macros::…`). Another crate's attribute of
    /// the same name (`#[other::requires_role]`) is not ours and is left alone.
    pub(crate) fn of(attr: &Attribute) -> Option<Self> {
        let segments: Vec<String> = attr.path().segments.iter().map(|s| s.ident.to_string()).collect();
        let ours = match segments.as_slice() {
            [_] => true,
            [krate, _] => krate == "axum_warden" || krate == "axum_warden_macros",
            [krate, module, _] => krate == "axum_warden" && module == "prelude",
            _ => false,
        };
        if !ours {
            return None;
        }
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
