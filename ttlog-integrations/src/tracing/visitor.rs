//! Reading tracing's field values into ttlog's [`FieldValue`]s, with their types kept.
//!
//! tracing hands values to a [`Visit`] one at a time, by type: integers, floats and booleans
//! arrive as themselves and stay numbers and booleans in ttlog (and in its JSON output);
//! strings are copied; errors are written with `Display`, as tracing-subscriber does; `?`
//! (`Debug`) and `%` (`Display`) values arrive through `record_debug` and are formatted once,
//! here, on the caller's thread, as ttlog's own `?`/`%` fields are.

use std::fmt;

use tracing_core::field::{Field, Visit};
use ttlog_core::event::Values;
use ttlog_core::FieldValue;

use super::callsite::{LogParts, Slot};

/// Collects an event's or a span's values into the slots of its mapped callsite.
pub(super) struct Collect<'a> {
    slots: &'a [Slot],
    /// The values of the ttlog fields, in the ttlog callsite's order.
    pub(super) values: Values,
    /// The `message` field of an event.
    pub(super) message: Option<FieldValue>,
    /// The `log.*` fields of an event from `log`.
    pub(super) log: LogParts,
}

impl<'a> Collect<'a> {
    /// A collector for a callsite with `fields` ttlog fields, every one empty until visited.
    pub(super) fn new(slots: &'a [Slot], fields: usize) -> Collect<'a> {
        let mut values = Values::new();
        for _ in 0..fields {
            values.push(FieldValue::EMPTY);
        }
        Collect {
            slots,
            values,
            message: None,
            log: LogParts::default(),
        }
    }
}

impl Put for Collect<'_> {
    fn put(&mut self, field: &Field, value: FieldValue) {
        match self.slots.get(field.index()) {
            Some(Slot::Field(i)) => {
                if let Some(slot) = self.values.get_mut(*i) {
                    *slot = value;
                }
            }
            Some(Slot::Message) => self.message = Some(value),
            Some(Slot::LogTarget) => self.log.target = value.as_str().map(str::to_owned),
            Some(Slot::LogModule) => self.log.module_path = value.as_str().map(str::to_owned),
            Some(Slot::LogFile) => self.log.file = value.as_str().map(str::to_owned),
            Some(Slot::LogLine) => self.log.line = value.as_u64().and_then(|l| l.try_into().ok()),
            None => {}
        }
    }
}

/// Collects the values of a `Span::record` call as (field index, value) pairs; a span's
/// ttlog field index is its tracing field index.
#[derive(Default)]
pub(super) struct Recorded {
    pub(super) values: Vec<(usize, FieldValue)>,
}

impl Put for Recorded {
    fn put(&mut self, field: &Field, value: FieldValue) {
        self.values.push((field.index(), value));
    }
}

/// Where a [`Visitor`] puts each value.
pub(super) trait Put {
    /// Takes the value of `field`.
    fn put(&mut self, field: &Field, value: FieldValue);
}

/// A [`Visit`] that turns each value into a [`FieldValue`] of the same type and hands it on.
pub(super) struct Visitor<P>(pub(super) P);

impl<P: Put> Visit for Visitor<P> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.put(field, FieldValue::from(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.put(field, FieldValue::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.put(field, FieldValue::from(value));
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.0.put(field, FieldValue::from(value));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.0.put(field, FieldValue::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.put(field, FieldValue::from(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.put(field, FieldValue::from_str_copy(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        // As tracing-subscriber writes errors: their `Display`.
        self.0.put(field, FieldValue::display(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.put(field, FieldValue::debug(value));
    }
}
