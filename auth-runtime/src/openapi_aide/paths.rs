//! Paths and operations of an aide document: the shape that matches a route to a
//! documented path, and the operation of each method.

use aide::openapi::{Operation, PathItem};

pub(super) use crate::http::{DOCUMENT_METHODS as METHODS, path_shape as shape};

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
