//! [`LogEvent`]: one event on its way from the caller to the collector.
//!
//! An event is a pointer to its static [`Callsite`], a raw clock reading, the values of its
//! fields (in the order of the callsite's field names), and the formatted message when the
//! message had format arguments. It is built on the caller's stack without touching the heap
//! for up to [`INLINE_FIELDS`] ordinary fields, then moved into the caller's ring.

use std::fmt;
use std::mem::MaybeUninit;
use std::time::SystemTime;

use crate::callsite::Callsite;
use crate::clock;
use crate::field::FieldValue;
use crate::level::Level;

/// How many field values an event stores inline; more spill to the heap.
pub const INLINE_FIELDS: usize = 8;

/// The field values of one event, in the order of its callsite's field names: up to
/// [`INLINE_FIELDS`] stored inline, more on the heap.
///
/// Unused inline slots are left uninitialised, so building a `Values` from a macro's array is
/// one copy of the values, and dropping one touches only the slots in use.
///
/// ```
/// use ttlog_core::{event::Values, FieldValue};
/// let mut values: Values = [FieldValue::from(1), FieldValue::from("a")].into_iter().collect();
/// values.push(FieldValue::from(true));
/// assert_eq!(values.len(), 3);
/// assert_eq!(values[2], FieldValue::from(true));
/// let many: Values = (0..20).map(FieldValue::from).collect();
/// assert_eq!(many.len(), 20);
/// assert_eq!(many[19], FieldValue::from(19));
/// assert_eq!(many.clone()[..], many[..]);
/// ```
pub struct Values {
    /// How many inline slots are initialised (`0` once the values have spilled to the heap).
    len: u8,
    /// `inline[..len]` are initialised; the rest are not.
    inline: [MaybeUninit<FieldValue>; INLINE_FIELDS],
    /// All the values, once there are more than fit inline (boxed so that the common case
    /// costs one null pointer). When this is `Some`, `len` is `0`.
    #[allow(clippy::box_collection)] // one pointer instead of three in every event
    spilled: Option<Box<Vec<FieldValue>>>,
}

impl Values {
    /// No values.
    pub const fn new() -> Values {
        Values {
            len: 0,
            inline: [const { MaybeUninit::uninit() }; INLINE_FIELDS],
            spilled: None,
        }
    }

    /// Moves an array of values in, without a heap allocation when it fits inline.
    #[inline(always)]
    pub fn from_array<const N: usize>(values: [FieldValue; N]) -> Values {
        let mut out = Values::new();
        if N <= INLINE_FIELDS {
            for (slot, value) in out.inline.iter_mut().zip(values) {
                slot.write(value);
            }
            out.len = N as u8;
        } else {
            out.spilled = Some(Box::new(Vec::from(values)));
        }
        out
    }

    /// Moves `n` values out of `src` (a record in a ring).
    ///
    /// # Safety
    ///
    /// `src` must point at `n` initialised values that the caller gives up.
    #[allow(unsafe_code)]
    #[inline]
    pub(crate) unsafe fn from_raw(src: *const FieldValue, n: usize) -> Values {
        let mut out = Values::new();
        if n <= INLINE_FIELDS {
            // SAFETY: `n` values are read once from `src` into the first `n` inline slots.
            unsafe {
                std::ptr::copy_nonoverlapping(src, out.inline.as_mut_ptr().cast::<FieldValue>(), n)
            };
            out.len = n as u8;
        } else {
            let mut spilled = Vec::with_capacity(n);
            // SAFETY: as above, into the vector's spare capacity, which then holds `n`.
            unsafe {
                std::ptr::copy_nonoverlapping(src, spilled.as_mut_ptr(), n);
                spilled.set_len(n);
            }
            out.spilled = Some(Box::new(spilled));
        }
        out
    }

    /// Moves every value out, in order, into `f` (with its index).
    pub(crate) fn drain_into(mut self, mut f: impl FnMut(usize, FieldValue)) {
        match self.spilled.take() {
            Some(spilled) => {
                for (i, v) in spilled.into_iter().enumerate() {
                    f(i, v);
                }
            }
            None => {
                let len = self.len as usize;
                // The values now belong to this loop: `Drop` must not see them.
                self.len = 0;
                for i in 0..len {
                    // SAFETY: slots below the old `len` are initialised and read once.
                    #[allow(unsafe_code)]
                    let v = unsafe { self.inline[i].assume_init_read() };
                    f(i, v);
                }
            }
        }
    }

    /// Appends a value.
    pub fn push(&mut self, value: FieldValue) {
        let len = self.len as usize;
        match &mut self.spilled {
            Some(spilled) => spilled.push(value),
            None if len < INLINE_FIELDS => {
                self.inline[len].write(value);
                self.len += 1;
            }
            None => {
                let mut spilled = Vec::with_capacity(INLINE_FIELDS * 2);
                // Ownership of the inline values moves to the vector: forget them here first.
                self.len = 0;
                spilled.extend(self.inline[..len].iter().map(|v| {
                    // SAFETY: slots below the old `len` are initialised, each is read once,
                    // and `len` is already 0 so they are never read or dropped again.
                    #[allow(unsafe_code)]
                    unsafe {
                        v.assume_init_read()
                    }
                }));
                spilled.push(value);
                self.spilled = Some(Box::new(spilled));
            }
        }
    }
}

#[allow(unsafe_code)]
impl std::ops::DerefMut for Values {
    #[inline]
    fn deref_mut(&mut self) -> &mut [FieldValue] {
        match &mut self.spilled {
            // SAFETY: as in `deref`, and `&mut self` makes the access exclusive.
            None => unsafe {
                std::slice::from_raw_parts_mut(
                    self.inline.as_mut_ptr().cast::<FieldValue>(),
                    self.len as usize,
                )
            },
            Some(spilled) => spilled,
        }
    }
}

#[allow(unsafe_code)]
impl std::ops::Deref for Values {
    type Target = [FieldValue];

    #[inline]
    fn deref(&self) -> &[FieldValue] {
        match &self.spilled {
            // SAFETY: `inline[..len]` are initialised (type invariant), and
            // `MaybeUninit<T>` has the layout of `T`.
            None => unsafe {
                std::slice::from_raw_parts(
                    self.inline.as_ptr().cast::<FieldValue>(),
                    self.len as usize,
                )
            },
            Some(spilled) => spilled,
        }
    }
}

#[allow(unsafe_code)]
impl Drop for Values {
    fn drop(&mut self) {
        let len = self.len as usize;
        debug_assert!(len <= INLINE_FIELDS);
        // SAFETY: `inline[..len]` are initialised and dropped once, here; `spilled` drops
        // itself.
        unsafe {
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(
                self.inline.as_mut_ptr().cast::<FieldValue>(),
                len,
            ));
        }
    }
}

impl Clone for Values {
    fn clone(&self) -> Values {
        self.iter().cloned().collect()
    }
}

impl Default for Values {
    fn default() -> Values {
        Values::new()
    }
}

impl FromIterator<FieldValue> for Values {
    fn from_iter<I: IntoIterator<Item = FieldValue>>(iter: I) -> Values {
        let mut values = Values::new();
        for v in iter {
            values.push(v);
        }
        values
    }
}

impl fmt::Debug for Values {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// One event: static callsite, timestamp, thread, span and field values.
///
/// # Examples
///
/// ```
/// use ttlog_core::{Callsite, FieldValue, Level, LogEvent};
/// static CS: Callsite = Callsite::new(Level::Warn, "app", "app", "src/main.rs", 3, "slow", &["ms"]);
/// let event = LogEvent::new(&CS, [FieldValue::from(250u64)].into_iter().collect());
/// assert_eq!(event.level(), Level::Warn);
/// assert_eq!(event.message(), "slow");
/// assert_eq!(event.field("ms"), Some(&FieldValue::from(250)));
/// ```
pub struct LogEvent {
    callsite: &'static Callsite,
    timestamp: u64,
    thread: u32,
    span: u64,
    message: Option<FieldValue>,
    values: Values,
}

impl LogEvent {
    /// An event whose message is the callsite's literal message, stamped now.
    #[inline(always)]
    pub fn new(callsite: &'static Callsite, values: Values) -> LogEvent {
        LogEvent {
            callsite,
            timestamp: clock::now(),
            thread: 0,
            span: 0,
            message: None,
            values,
        }
    }

    /// An event with a formatted message, stamped now.
    #[inline(always)]
    pub fn with_message(
        callsite: &'static Callsite,
        message: FieldValue,
        values: Values,
    ) -> LogEvent {
        LogEvent {
            callsite,
            timestamp: clock::now(),
            thread: 0,
            span: 0,
            message: Some(message),
            values,
        }
    }

    /// An event with every part given (the ring logger builds events in place with it).
    #[inline(always)]
    pub(crate) fn from_parts(
        callsite: &'static Callsite,
        timestamp: u64,
        thread: u32,
        message: Option<FieldValue>,
        values: Values,
    ) -> LogEvent {
        LogEvent {
            callsite,
            timestamp,
            thread,
            span: 0,
            message,
            values,
        }
    }

    /// Takes the event apart: callsite, timestamp, thread, span, message, values.
    #[inline]
    pub(crate) fn into_parts(
        self,
    ) -> (&'static Callsite, u64, u32, u64, Option<FieldValue>, Values) {
        (
            self.callsite,
            self.timestamp,
            self.thread,
            self.span,
            self.message,
            self.values,
        )
    }

    /// The message slot and the values, for the collector's redaction to rewrite.
    #[inline]
    pub(crate) fn redaction_parts(&mut self) -> (&mut Option<FieldValue>, &mut [FieldValue]) {
        (&mut self.message, &mut self.values)
    }

    /// The event's callsite.
    #[inline]
    pub fn callsite(&self) -> &'static Callsite {
        self.callsite
    }

    /// The event's level.
    #[inline]
    pub fn level(&self) -> Level {
        self.callsite.level()
    }

    /// The event's target.
    #[inline]
    pub fn target(&self) -> &'static str {
        self.callsite.target()
    }

    /// The message: the formatted one, or the callsite's literal message.
    pub fn message(&self) -> &str {
        match &self.message {
            Some(m) => m.as_str().unwrap_or(""),
            None => self.callsite.message(),
        }
    }

    /// The formatted message, when the message had arguments.
    pub fn formatted_message(&self) -> Option<&FieldValue> {
        self.message.as_ref()
    }

    /// The field values, in the order of [`Callsite::field_names`].
    #[inline]
    pub fn values(&self) -> &[FieldValue] {
        &self.values
    }

    /// The value of the field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        let idx = self
            .callsite
            .field_names()
            .iter()
            .position(|n| *n == name)?;
        self.values.get(idx)
    }

    /// The raw clock reading taken when the event was built (see [`crate::clock`]).
    #[inline]
    pub fn raw_timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The wall-clock time the event was built.
    pub fn timestamp(&self) -> SystemTime {
        clock::to_system_time(self.timestamp)
    }

    /// The index of the thread that logged the event (see [`crate::thread`]); `0` until the
    /// logger stamps it.
    #[inline]
    pub fn thread_index(&self) -> u32 {
        self.thread
    }

    /// Stamps the thread the event came from.
    #[inline]
    pub fn set_thread_index(&mut self, index: u32) {
        self.thread = index;
    }

    /// The id of the span the event happened in, `0` for none.
    #[inline]
    pub fn span_id(&self) -> u64 {
        self.span
    }

    /// Sets the span the event happened in.
    #[inline]
    pub fn set_span_id(&mut self, span: u64) {
        self.span = span;
    }

    /// Overrides the timestamp (raw clock ticks), e.g. for events replayed from elsewhere.
    #[inline]
    pub fn set_raw_timestamp(&mut self, ticks: u64) {
        self.timestamp = ticks;
    }
}

impl fmt::Debug for LogEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("LogEvent");
        s.field("level", &self.level())
            .field("target", &self.target())
            .field("message", &self.message());
        for (name, value) in self.callsite.field_names().iter().zip(self.values.iter()) {
            s.field(name, value);
        }
        s.field("thread", &self.thread)
            .field("span", &self.span)
            .finish()
    }
}

/// Builds a [`LogEvent`] step by step, for code that is not a macro expansion (adapters,
/// tests).
///
/// ```
/// use ttlog_core::{Callsite, EventBuilder, Level};
/// static CS: Callsite = Callsite::new(Level::Info, "db", "db", "src/db.rs", 1, "query {}", &["rows", "table"]);
/// let event = EventBuilder::new(&CS)
///     .message(format_args!("query {}", 7))
///     .value(12u64)
///     .value("users")
///     .build();
/// assert_eq!(event.message(), "query 7");
/// assert_eq!(event.field("table").and_then(|v| v.as_str()), Some("users"));
/// ```
#[derive(Debug)]
pub struct EventBuilder {
    callsite: &'static Callsite,
    message: Option<FieldValue>,
    values: Values,
}

impl EventBuilder {
    /// Starts an event for `callsite`.
    pub fn new(callsite: &'static Callsite) -> EventBuilder {
        EventBuilder {
            callsite,
            message: None,
            values: Values::new(),
        }
    }

    /// Sets a formatted message (instead of the callsite's literal one).
    pub fn message(mut self, args: fmt::Arguments<'_>) -> EventBuilder {
        self.message = Some(FieldValue::from_args(args));
        self
    }

    /// Appends the value of the next field, in callsite order.
    pub fn value(mut self, value: impl Into<FieldValue>) -> EventBuilder {
        self.values.push(value.into());
        self
    }

    /// Finishes the event, stamping it now. Missing trailing values are recorded as empty.
    pub fn build(mut self) -> LogEvent {
        while self.values.len() < self.callsite.field_names().len() {
            self.values.push(FieldValue::EMPTY);
        }
        match self.message {
            Some(m) => LogEvent::with_message(self.callsite, m, self.values),
            None => LogEvent::new(self.callsite, self.values),
        }
    }
}
