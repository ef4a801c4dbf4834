//! Where verification keys come from: a static key set loaded at startup, or a remote
//! one (a JWKS URL or OpenID Connect discovery) fetched over HTTP and refreshed in the
//! background.
//!
//! Every verification asks for keys through one lookup with two forms:
//! [`KeySource::keys_now`] never waits (a remote set that lacks the token's `kid` either
//! says so or is judged as it is), and [`KeySource::keys_waiting`] may wait for a fetch,
//! never longer than the fetch timeout.

mod error;
mod fetch;
mod remote;
mod settings;
mod source;

pub use error::KeyFetchError;
pub(crate) use fetch::{discovery_url, parse_url};
pub(crate) use remote::{OnRotate, RemoteKeys};
pub(crate) use settings::{Locator, Settings, asymmetric_algorithms};
pub(crate) use source::{KeySource, Keys, UnknownKid};
