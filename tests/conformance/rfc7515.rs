//! The examples of RFC 7515 Appendix A (A.1 HS256, A.2 RS256, A.3 ES256): compact
//! serializations and public keys copied from the RFC. Each signature was checked against
//! its key when it was copied, and `rfc7515_examples_verify_and_are_refused_only_as_expired`
//! checks it again on every run.

/// `{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}`, shared by A.1–A.3.
pub(super) const PAYLOAD: &str =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

/// A.1: `{"typ":"JWT",\r\n "alg":"HS256"}`.
pub(super) const A1_HEADER: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9";
pub(super) const A1_SIGNATURE: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// A.1.1: the `k` of the symmetric JWK.
pub(super) const A1_KEY: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

/// A.2: `{"alg":"RS256"}`.
pub(super) const A2_HEADER: &str = "eyJhbGciOiJSUzI1NiJ9";
pub(super) const A2_SIGNATURE: &str = concat!(
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7",
    "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4",
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K",
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv",
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB",
    "p0igcN_IoypGlUPQGe77Rw",
);
/// A.2.1: the modulus of the RSA key (`e` is `AQAB`).
pub(super) const A2_N: &str = concat!(
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx",
    "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs",
    "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH",
    "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV",
    "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8",
    "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
);

/// A.3: `{"alg":"ES256"}`.
pub(super) const A3_HEADER: &str = "eyJhbGciOiJFUzI1NiJ9";
pub(super) const A3_SIGNATURE: &str =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
/// A.3.1: the public point of the P-256 key.
pub(super) const A3_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
pub(super) const A3_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

pub(super) fn a1() -> String {
    format!("{A1_HEADER}.{PAYLOAD}.{A1_SIGNATURE}")
}

pub(super) fn a2() -> String {
    format!("{A2_HEADER}.{PAYLOAD}.{A2_SIGNATURE}")
}

pub(super) fn a3() -> String {
    format!("{A3_HEADER}.{PAYLOAD}.{A3_SIGNATURE}")
}
