//! Tokens, below any notion of a request or a configuration: compact JWS parsing, the
//! strict JSON reader, the claim rules and where roles are read from, and keys bound to
//! one algorithm family each.
//!
//! Nothing here reads a clock, a setting name or the network: callers pass the time,
//! the rules and the keys, and get [`TokenError`](crate::TokenError)s or
//! [`KeyError`](keys::KeyError)s back.

pub(crate) mod claims;
pub(crate) mod dpop;
#[cfg(feature = "introspection")]
pub(crate) mod introspection;
pub(crate) mod json;
pub(crate) mod jws;
pub(crate) mod keys;
pub(crate) mod role_source;
