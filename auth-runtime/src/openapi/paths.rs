//! Paths and operations of an OpenAPI document: axum path syntax to OpenAPI's, path
//! parameters, the shape that matches a route to a documented path, and the operation
//! slot of each method.

use utoipa::openapi::path::{Operation, PathItem};

pub(super) use crate::http::{DOCUMENT_METHODS as METHODS, path_shape as shape};

/// The axum path as an OpenAPI path: `{*rest}` becomes `{rest}`.
pub(super) fn openapi_path(path: &str) -> String {
    path.replace("{*", "{")
}

/// The names of the `{…}` parameters of an OpenAPI path.
pub(super) fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.is_empty())
}

pub(super) fn operation_slot<'a>(item: &'a mut PathItem, method: &str) -> Option<&'a mut Option<Operation>> {
    Some(match method {
        "GET" => &mut item.get,
        "PUT" => &mut item.put,
        "POST" => &mut item.post,
        "DELETE" => &mut item.delete,
        "OPTIONS" => &mut item.options,
        "HEAD" => &mut item.head,
        "PATCH" => &mut item.patch,
        "TRACE" => &mut item.trace,
        _ => return None,
    })
}

pub(super) fn operation_mut<'a>(item: &'a mut PathItem, method: &str) -> Option<&'a mut Operation> {
    operation_slot(item, method)?.as_mut()
}

pub(super) fn operation<'a>(item: &'a PathItem, method: &str) -> Option<&'a Operation> {
    match method {
        "GET" => item.get.as_ref(),
        "PUT" => item.put.as_ref(),
        "POST" => item.post.as_ref(),
        "DELETE" => item.delete.as_ref(),
        "OPTIONS" => item.options.as_ref(),
        "HEAD" => item.head.as_ref(),
        "PATCH" => item.patch.as_ref(),
        "TRACE" => item.trace.as_ref(),
        _ => None,
    }
}
