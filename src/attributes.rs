//! Support for the `#[instrument]` and `#[trace_fn]` attributes (defined in ttlog-macros and
//! re-exported at the crate root): what their expansions need at compile time.

/// The last segment of a module path: `"app::db::pool"` gives `"pool"`, and a crate root's
/// path (`"app"`) gives itself. `#[trace_fn]` records it as the `actor` of its events,
/// evaluated in a `const`, so it costs nothing at run time.
#[doc(hidden)]
pub const fn module_leaf(path: &'static str) -> &'static str {
    let bytes = path.as_bytes();
    let mut start = bytes.len();
    while start >= 2 && !(bytes[start - 1] == b':' && bytes[start - 2] == b':') {
        start -= 1;
    }
    if start < 2 {
        return path;
    }
    let (_, leaf) = bytes.split_at(start);
    match core::str::from_utf8(leaf) {
        Ok(leaf) => leaf,
        // Unreachable: the split is right after an ASCII `:`, a character boundary.
        Err(_) => path,
    }
}

#[cfg(test)]
mod tests {
    use super::module_leaf;

    #[test]
    fn leaves() {
        const POOL: &str = module_leaf("app::db::pool");
        assert_eq!(POOL, "pool");
        assert_eq!(module_leaf("app"), "app");
        assert_eq!(module_leaf("app::tests"), "tests");
        assert_eq!(module_leaf("ä::ö"), "ö");
        assert_eq!(module_leaf(""), "");
    }
}
