//! [`Kind`]: which of the two attributes is being expanded.

/// Which attribute is being expanded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// `#[instrument(..)]`.
    Instrument,
    /// `#[trace_fn]`.
    TraceFn,
}
