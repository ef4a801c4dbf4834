//! The key pairs the test kit signs with: embedded in the crate and published with it,
//! so they protect nothing (see the module docs of the test kit).

use crate::algorithm::Algorithm;

/// The HMAC secret of every HS* test issuer.
pub(super) const HMAC_SECRET: &[u8] = b"axum-warden test-util secret: public, for tests only, never for production";

/// The key material of one algorithm family.
pub(super) enum KeyPair {
    Secret,
    Pem {
        private: &'static [u8],
        public: &'static [u8],
    },
}

/// The embedded keys for `algorithm`.
pub(super) fn key_pair(algorithm: Algorithm) -> KeyPair {
    macro_rules! pem {
        ($name:literal) => {
            KeyPair::Pem {
                private: include_bytes!(concat!($name, ".key")),
                public: include_bytes!(concat!($name, ".pub")),
            }
        };
    }
    match algorithm {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyPair::Secret,
        Algorithm::ES256 => pem!("ec256"),
        Algorithm::ES384 => pem!("ec384"),
        Algorithm::EdDSA => pem!("ed25519"),
        _ => pem!("rsa"),
    }
}
