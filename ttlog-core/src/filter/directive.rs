//! Directive parsing. (Contract stub: implementation in progress.)

/// A directive that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    directive: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.directive)
    }
}
impl std::error::Error for ParseError {}
