//! Directive parsing. (Contract stub: implementation in progress.)

/// A directive that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    directive: String,
}
