//! The ring logger: the default [`Logger`], which hands each event to the calling thread's
//! ring (see [`crate::ring`]).

use std::fmt;

use super::handle::Handle;
use crate::event::LogEvent;
use crate::logger::Logger;
use crate::span::op::SpanOp;

/// The default logger: each event goes into the calling thread's ring.
///
/// Created and installed by [`crate::init`]; there is no other way to build one.
pub struct RingLogger {
    handle: Handle,
}

impl RingLogger {
    pub(crate) fn new(handle: Handle) -> RingLogger {
        RingLogger { handle }
    }
}

impl Logger for RingLogger {
    #[inline]
    fn log(&self, event: LogEvent) {
        crate::ring::local::push(self.handle.rings.id, event);
    }

    fn span(&self, op: SpanOp) {
        crate::ring::local::push_span(self.handle.rings.id, op);
    }

    fn flush(&self) {
        let _ = self.handle.flush();
    }

    fn ring_id(&self) -> u64 {
        self.handle.rings.id
    }
}

impl fmt::Debug for RingLogger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingLogger")
            .field("id", &self.handle.rings.id)
            .finish()
    }
}
