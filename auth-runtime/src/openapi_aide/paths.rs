//! Paths and operations of an aide document: the shape that matches a route to a
//! documented path, and the operation of each method.

use aide::openapi::{Operation, PathItem};

/// Methods in the order of the OpenAPI Path Item Object, upper case as the route table
/// spells them.
pub(super) const METHODS: [&str; 8] = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];

/// A path with its parameter names blanked, so that `/a/{id}`, `/a/{key}` and `/a/{*id}`
/// compare equal (aide keeps axum's `{*rest}` as it is; a hand-written document says
/// `{rest}`).
pub(super) fn shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..=open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push('}');
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The operation of `method` (upper case), if the path item has one.
pub(super) fn operation_mut<'a>(item: &'a mut PathItem, method: &str) -> Option<&'a mut Operation> {
    match method {
        "GET" => item.get.as_mut(),
        "PUT" => item.put.as_mut(),
        "POST" => item.post.as_mut(),
        "DELETE" => item.delete.as_mut(),
        "OPTIONS" => item.options.as_mut(),
        "HEAD" => item.head.as_mut(),
        "PATCH" => item.patch.as_mut(),
        "TRACE" => item.trace.as_mut(),
        _ => None,
    }
}

/// Whether the path item has an operation for `method` (upper case).
pub(super) fn has_operation(item: &PathItem, method: &str) -> bool {
    match method {
        "GET" => item.get.is_some(),
        "PUT" => item.put.is_some(),
        "POST" => item.post.is_some(),
        "DELETE" => item.delete.is_some(),
        "OPTIONS" => item.options.is_some(),
        "HEAD" => item.head.is_some(),
        "PATCH" => item.patch.is_some(),
        "TRACE" => item.trace.is_some(),
        _ => false,
    }
}
