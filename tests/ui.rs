//! Compile-time behaviour of the event macros: what must compile (tests/ui/pass) and the
//! errors for each mistake (tests/ui/fail, with the expected `.stderr`).
//!
//! Compiler messages change between releases, so this runs on the stable channel only.
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test --test ui` and review them.

#[rustversion::attr(not(stable), ignore = "UI output is pinned to the stable compiler")]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
