//! The crate's extractors as aide operation inputs, so that annotated handlers can be
//! routed with aide's `ApiRouter` (aide refuses a handler with an extractor that does not
//! implement [`OperationInput`]).
//!
//! They add nothing to the operation: the access is written from the route table, by
//! [`RouteTable::apply_aide`](crate::RouteTable::apply_aide), after aide has built the
//! document.

use aide::OperationInput;

use crate::http::{Claims, Guard, PolicyCheck};
use crate::identity::Identity;

/// Documented by [`RouteTable::apply_aide`](crate::RouteTable::apply_aide).
impl<P> OperationInput for Guard<P> {}

/// Documented by [`RouteTable::apply_aide`](crate::RouteTable::apply_aide).
impl<T> OperationInput for PolicyCheck<T> {}

/// The identity the guard verified; nothing of the request.
impl OperationInput for Identity {}

/// The claims of the identity the guard verified; nothing of the request.
impl<T> OperationInput for Claims<T> {}
