//! Filters: which targets log at which levels. (Contract stub: implementation in progress.)

use std::sync::Arc;

use crate::level::{Level, LevelFilter};

mod directive;

pub use directive::ParseError;

/// A set of filter directives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    default: Option<LevelFilter>,
}

impl Filter {
    /// A filter with only a default level.
    pub fn new(level: LevelFilter) -> Filter {
        Filter {
            default: Some(level),
        }
    }

    /// Parses a directive string.
    pub fn parse(_spec: &str) -> Result<Filter, ParseError> {
        unimplemented!()
    }

    /// Whether an event at `level` for `target` passes.
    pub fn enables(&self, level: Level, _target: &str) -> bool {
        self.default.unwrap_or(LevelFilter::Error).enables(level)
    }

    /// The most verbose level any directive enables.
    pub fn max_level(&self) -> LevelFilter {
        self.default.unwrap_or(LevelFilter::Error)
    }
}

/// Installs `filter` as the process-wide filter.
pub fn install(filter: Filter) {
    crate::level::set_max_level(filter.max_level());
}

/// The installed filter.
pub fn current() -> Option<Arc<Filter>> {
    None
}

pub(crate) fn current_enables(_level: Level, _target: &str) -> bool {
    true
}

/// Resolves the filter (stub).
pub fn resolve(level: LevelFilter, _explicit: Option<&str>) -> Result<Filter, ParseError> {
    Ok(Filter::new(level))
}

/// Resolves the filter leniently (stub).
pub fn resolve_lenient(level: LevelFilter, _explicit: Option<&str>) -> (Filter, Vec<ParseError>) {
    (Filter::new(level), Vec::new())
}

/// Removes the filter (stub).
pub fn uninstall() {}
