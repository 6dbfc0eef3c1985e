//! archcheck on small made-up workspaces: each rule reports what breaks it, and leaves alone
//! what does not.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh workspace under the temp dir: `files` are (path, contents) pairs.
fn workspace(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("archcheck-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

/// Runs archcheck on `root`: its exit code and its stderr.
fn check(root: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_archcheck"))
        .arg(root)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const MANIFEST: &str = "[workspace]\nmembers = [\"a\"]\n";

#[test]
fn a_clean_workspace_passes() {
    let root = workspace(
        "clean",
        &[
            ("Cargo.toml", MANIFEST),
            ("a/src/lib.rs", "mod low;\nmod high;\npub use high::f;\n"),
            ("a/src/low.rs", "pub fn g() {}\n"),
            ("a/src/high.rs", "use crate::low::g;\npub fn f() { g() }\n"),
        ],
    );
    assert_eq!(check(&root), (0, String::new()));
}

#[test]
fn a_circle_is_reported_with_its_path() {
    let root = workspace(
        "circle",
        &[
            ("Cargo.toml", MANIFEST),
            ("a/src/lib.rs", "mod x;\nmod y;\n"),
            ("a/src/x.rs", "pub fn f() { crate::y::g() }\n"),
            ("a/src/y.rs", "use super::x;\npub fn g() { x::f() }\n"),
        ],
    );
    let (code, err) = check(&root);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("import circle of 2 modules: x, y"), "{err}");
}

#[test]
fn a_child_naming_its_parents_reexport_is_a_circle() {
    let root = workspace(
        "reexport",
        &[
            ("Cargo.toml", MANIFEST),
            ("a/src/lib.rs", "mod m;\n"),
            (
                "a/src/m/mod.rs",
                "mod inner;\nmod other;\npub use other::T;\npub use inner::f;\n",
            ),
            ("a/src/m/other.rs", "pub struct T;\n"),
            // Names `T` through the parent's re-export instead of `super::other::T`.
            ("a/src/m/inner.rs", "use super::T;\npub fn f() -> T { T }\n"),
        ],
    );
    let (code, err) = check(&root);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("m, m::inner"), "{err}");
}

#[test]
fn test_code_and_macro_rules_bodies_are_left_out() {
    let root = workspace(
        "tests-left-out",
        &[
            ("Cargo.toml", MANIFEST),
            ("a/src/lib.rs", "mod x;\nmod y;\n"),
            ("a/src/x.rs", "pub fn f() { crate::y::g() }\n"),
            (
                "a/src/y.rs",
                "pub fn g() {}\n#[cfg(test)]\nmod tests { use crate::x::f; }\n\
                 #[macro_export]\nmacro_rules! m { () => { $crate::x::f() }; }\n",
            ),
        ],
    );
    assert_eq!(check(&root), (0, String::new()));
}

#[test]
fn a_long_file_is_reported() {
    let long = "// a line\n".repeat(801);
    let root = workspace(
        "long",
        &[
            ("Cargo.toml", MANIFEST),
            ("a/src/lib.rs", "mod big;\n"),
            ("a/src/big.rs", &long),
        ],
    );
    let (code, err) = check(&root);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("big.rs: 801 lines (at most 800)"), "{err}");
}

#[test]
fn a_layer_violation_and_an_unlayered_module_are_reported() {
    let root = workspace(
        "layers",
        &[
            ("Cargo.toml", MANIFEST),
            ("tools/archcheck/layers.txt", "a 0 low\na 1 high\n"),
            ("a/src/lib.rs", "mod low;\nmod high;\nmod stray;\n"),
            ("a/src/low.rs", "pub fn g() { crate::high::f() }\n"),
            ("a/src/high.rs", "pub fn f() {}\n"),
            ("a/src/stray.rs", "pub fn s() {}\n"),
        ],
    );
    let (code, err) = check(&root);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`low` (L0) imports `high` (L1)"), "{err}");
    assert!(err.contains("module `stray` has no layer"), "{err}");
}
