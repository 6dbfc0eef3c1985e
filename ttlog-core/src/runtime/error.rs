//! [`InitError`]: why `init()` could not start.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::filter::ParseError;

/// Why [`Builder::try_init`](crate::Builder::try_init) failed.
#[derive(Debug)]
pub struct InitError {
    pub(super) kind: Kind,
}

#[derive(Debug)]
pub(super) enum Kind {
    AlreadyInitialized,
    Filter(ParseError),
    File(PathBuf, io::Error),
    Thread(io::Error),
    Signals(io::Error),
    Adapter(&'static str, String),
}

impl InitError {
    pub(super) fn filter(e: ParseError) -> InitError {
        InitError {
            kind: Kind::Filter(e),
        }
    }

    /// Whether ttlog had already been initialised in this process.
    pub fn is_already_initialized(&self) -> bool {
        matches!(self.kind, Kind::AlreadyInitialized)
    }

    /// The adapter that could not be installed (`"log"`, `"tracing"`, ...), if that is
    /// what failed.
    pub fn adapter_name(&self) -> Option<&'static str> {
        match &self.kind {
            Kind::Adapter(name, _) => Some(name),
            _ => None,
        }
    }

    /// The filter error, if a directive was invalid.
    pub fn filter_error(&self) -> Option<&ParseError> {
        match &self.kind {
            Kind::Filter(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::AlreadyInitialized => {
                f.write_str("ttlog is already initialised in this process (init() or try_init() was called before)")
            }
            Kind::Filter(e) => write!(f, "{e}"),
            Kind::File(path, e) => write!(f, "cannot open log file {}: {e}", path.display()),
            Kind::Thread(e) => write!(f, "cannot start the ttlog collector thread: {e}"),
            Kind::Signals(e) => write!(f, "cannot install signal handlers: {e}"),
            Kind::Adapter(name, message) => {
                write!(f, "cannot install the {name} adapter: {message}")
            }
        }
    }
}

impl std::error::Error for InitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Filter(e) => Some(e),
            Kind::File(_, e) | Kind::Thread(e) | Kind::Signals(e) => Some(e),
            Kind::AlreadyInitialized | Kind::Adapter(..) => None,
        }
    }
}
