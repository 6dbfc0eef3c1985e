//! [`CorrelationId`]: the id a request's logs are found by, across services.

use std::fmt;
use std::str::FromStr;

use super::error::*;
use super::grammar::*;
use super::ids::TraceId;

// ===== impl CorrelationId =====

/// A correlation id: 1 to [`MAX_CORRELATION_ID_LEN`] visible ASCII characters (`!` to `~`: no
/// spaces, no control characters), so that it can travel in an `x-correlation-id` header and
/// be printed in a log line as it is.
///
/// ```
/// use ttlog_core::trace_context::CorrelationId;
///
/// let id = CorrelationId::new("req-42").unwrap();
/// assert_eq!(id.as_str(), "req-42");
/// assert!(CorrelationId::new("").is_err());
/// assert!(CorrelationId::new("caf\u{e9}").is_err());
/// assert!(CorrelationId::new(&"x".repeat(129)).is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CorrelationId(Box<str>);

impl CorrelationId {
    /// Checks `id` and keeps it.
    pub fn new(id: &str) -> Result<CorrelationId, TraceContextError> {
        let problem = if id.is_empty() {
            Some(CorrelationProblem::Empty)
        } else if id.len() > MAX_CORRELATION_ID_LEN {
            Some(CorrelationProblem::TooLong(char_count(id)))
        } else {
            id.char_indices()
                .find(|&(_, c)| !c.is_ascii_graphic())
                .map(|(at, c)| CorrelationProblem::Char(c, char_count(&id[..at])))
        };
        match problem {
            None => Ok(CorrelationId(id.into())),
            Some(problem) => Err(Repr::Correlation {
                id: Quote::new(id),
                problem,
            }
            .into()),
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A correlation id made of a trace id's 32 hex digits: what a context entered without a
    /// correlation id uses.
    ///
    /// ```
    /// use ttlog_core::{trace_context::CorrelationId, TraceId};
    /// let trace = TraceId::from_bytes([0xab; 16]).unwrap();
    /// assert_eq!(CorrelationId::from_trace_id(trace).as_str(), trace.to_string());
    /// ```
    pub fn from_trace_id(trace_id: TraceId) -> CorrelationId {
        CorrelationId(trace_id.to_string().into_boxed_str())
    }
}

impl fmt::Display for CorrelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CorrelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CorrelationId({:?})", self.0)
    }
}

impl FromStr for CorrelationId {
    type Err = TraceContextError;

    fn from_str(s: &str) -> Result<CorrelationId, TraceContextError> {
        CorrelationId::new(s)
    }
}
