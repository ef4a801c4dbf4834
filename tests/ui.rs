//! Compile-time contract of the access attributes: every supported handler shape compiles
//! and mounts on a router (`tests/ui/<macro>/pass`), and every mistake is exactly one
//! error on the offending token (`tests/ui/<macro>/fail`, one mistake per file).
//!
//! Snapshots belong to the stable toolchain; regenerate with
//! `TRYBUILD=overwrite cargo test --test ui` and review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/*/pass/*.rs");
    cases.compile_fail("tests/ui/*/fail/*.rs");
}
