//! Where verification keys come from: a static key set loaded at startup, or a remote
//! one (a JWKS URL or OpenID Connect discovery) fetched over HTTP and refreshed in the
//! background.
//!
//! Every verification asks for keys through one lookup with two forms:
//! [`KeySource::keys_now`] never waits (a remote set that lacks the token's `kid` either
//! says so or is judged as it is), and [`KeySource::keys_waiting`] may wait for a fetch,
//! never longer than the fetch timeout.
//!
//! Remote key sets need the `remote-keys` feature (on by default): without it, the HTTP
//! client, its TLS stack and the refresh tasks are not compiled.

mod error;
#[cfg(feature = "remote-keys")]
mod fetch;
#[cfg(feature = "remote-keys")]
mod remote;
#[cfg(feature = "remote-keys")]
mod settings;
mod source;

pub use error::KeyFetchError;
#[cfg(feature = "introspection")]
pub(crate) use fetch::{chain, read_capped};
#[cfg(feature = "remote-keys")]
pub(crate) use fetch::{discovery_url, parse_url};
#[cfg(feature = "remote-keys")]
pub(crate) use remote::{OnRotate, RemoteKeys};
#[cfg(feature = "remote-keys")]
pub(crate) use settings::{Locator, Settings, asymmetric_algorithms};
pub(crate) use source::{KeySource, Keys, UnknownKid};
