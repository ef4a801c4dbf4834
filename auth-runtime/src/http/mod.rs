//! Requests: reading credentials, the guard and the identity extractors, route policies,
//! the answers to refused requests, the deny-by-default router and its route table.

mod challenge;
pub mod credentials;
mod dpop;
mod guard;
mod locations;
mod logout;
mod policy;
mod resource;
mod responder;
mod router;
mod scheme;
mod table;
mod warden;

pub use challenge::Challenge;
pub(crate) use challenge::is_nqchar;
#[cfg(test)]
pub(crate) use credentials::MAX_HEADER_OVERHEAD;
pub use dpop::DpopMode;
pub(crate) use dpop::{
    DEFAULT_ALGORITHMS as DEFAULT_DPOP_ALGORITHMS, DEFAULT_REPLAY_CAPACITY as DEFAULT_DPOP_REPLAY_CAPACITY,
    DEFAULT_WINDOW as DEFAULT_DPOP_WINDOW, Dpop, DpopSettings,
};
pub use guard::{Claims, Grants, Guard, GuardState, grant};
pub(crate) use locations::{Locations, TokenCookie};
pub use policy::{AccessPolicy, Authorize, Decision, Denied, NoState, PolicyCheck, PolicyRejection};
pub use resource::{ProtectedResource, ResourceMetadata};
#[cfg(feature = "test-util")]
pub(crate) use responder::RefusedBy;
pub use responder::Rejection;
pub(crate) use responder::{Challenges, Responder};
pub use router::{GuardedHandler, MethodRouter, Router, routing};
pub use scheme::{CredentialLocation, Scheme};
#[cfg(any(feature = "utoipa", feature = "aide"))]
pub(crate) use table::{DOCUMENT_METHODS, path_shape};
pub use table::{RouteMethod, RouteRow, RouteTable};
pub use warden::{Authenticator, Warden};
pub(crate) use warden::{DynAuthenticator, Inner, SideScheme, Source};
