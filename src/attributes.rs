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

/// What `#[instrument(err)]` needs of the function's return type: to be a `Result`. The
/// expansion goes through this trait rather than matching on `Ok`/`Err` directly, so that
/// any other type gets an error saying so, on the return type.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`err` needs a function that returns a `Result`, not `{Self}`",
    label = "not a `Result`",
    note = "remove `err`, or return a `Result`"
)]
pub trait IsResult: Sized {
    /// The `Ok` type.
    type Ok;
    /// The `Err` type.
    type Err;
    /// The value as a `Result`.
    fn into_result(self) -> Result<Self::Ok, Self::Err>;
    /// A `Result` as the value.
    fn from_result(result: Result<Self::Ok, Self::Err>) -> Self;
}

impl<T, E> IsResult for Result<T, E> {
    type Ok = T;
    type Err = E;

    #[inline(always)]
    fn into_result(self) -> Result<T, E> {
        self
    }

    #[inline(always)]
    fn from_result(result: Result<T, E>) -> Self {
        result
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
