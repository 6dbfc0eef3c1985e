//! [`Timer`]: a guard that logs how long it lived (see [`timer!`](crate::timer!)).

use std::fmt;

use crate::__private::{self, Callsite, FieldValue, Level, ManuallyDrop, STATIC_MAX_LEVEL};
use ttlog_core::clock;

/// Logs, when dropped, how long it has been since it was created: a DEBUG event
/// `"{name} took {elapsed}"` with fields `name`, `elapsed_us` and `elapsed_ms`.
///
/// Create one with [`timer!`](crate::timer!). When DEBUG is compiled out (a `max_level_*`
/// feature) the timer does nothing, not even read the clock.
#[must_use = "a timer measures until it is dropped; bind it: `let _t = ttlog::timer!(..);`"]
pub struct Timer {
    name: &'static str,
    /// `None` when DEBUG is compiled out.
    started: Option<(u64, &'static Callsite)>,
}

impl Timer {
    #[doc(hidden)]
    #[inline]
    pub fn start(callsite: &'static Callsite, name: &'static str) -> Timer {
        let started = STATIC_MAX_LEVEL
            .enables(Level::Debug)
            .then(|| (clock::now(), callsite));
        Timer { name, started }
    }

    /// The name given to [`timer!`](crate::timer!).
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        let Some((started, callsite)) = self.started else {
            return;
        };
        if !__private::enabled(callsite, Level::Debug) {
            return;
        }
        let nanos = clock::ticks_to_nanos(started, clock::now());
        let us = nanos / 1_000;
        let ms = nanos as f64 / 1e6;
        let message = __private::message(format_args!("{} took {:.3} ms", self.name, ms));
        let values = [
            FieldValue::from_static(self.name),
            FieldValue::from(us),
            FieldValue::from(ms),
        ];
        __private::emit_message(callsite, message, ManuallyDrop::new(values));
    }
}

impl fmt::Debug for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timer")
            .field("name", &self.name)
            .field("running", &self.started.is_some())
            .finish()
    }
}
