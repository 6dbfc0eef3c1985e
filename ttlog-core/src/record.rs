//! [`Record`]: a decoded event as sinks and formatters see it.
//!
//! The collector turns each [`LogEvent`](crate::LogEvent) into a `Record` that borrows from it
//! (no copies, no allocation): wall-clock time instead of clock ticks, the thread's name instead
//! of its index. Events read back from a snapshot produce the same view, so one set of
//! formatters serves live sinks and the snapshot reader alike.

use std::fmt;
use std::time::SystemTime;

use crate::callsite::site::Callsite;
use crate::field::value::{Field, FieldValue};
use crate::level::Level;
pub use crate::trace_context::fields::{TraceFields, TRACE_FIELDS};
use crate::trace_context::root::TRACE_TARGET;

/// A decoded event, borrowed from wherever it is stored.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// The event's level.
    pub level: Level,
    /// When the event happened.
    pub timestamp: SystemTime,
    /// The event's target (`module_path!()` unless set with `target:`).
    pub target: &'a str,
    /// The module of the logging statement (may be empty when unknown).
    pub module_path: &'a str,
    /// The source file of the logging statement (may be empty when unknown).
    pub file: &'a str,
    /// The line of the logging statement (`0` when unknown).
    pub line: u32,
    /// The message.
    pub message: &'a str,
    /// The name of the thread that logged it (`"<unnamed>"` for unnamed threads).
    pub thread_name: &'a str,
    /// ttlog's index of the thread that logged it (stable for the life of the process).
    pub thread_id: u64,
    /// The span the event happened in, `0` for none.
    pub span_id: u64,
    /// Where to look up the event's span and its parents (the collector's span table, or a
    /// snapshot's spans); `None` when they are not known.
    pub spans: Option<&'a dyn SpanLookup>,
    /// The fields.
    pub fields: Fields<'a>,
}

impl<'a> Record<'a> {
    /// The value of the field called `name`.
    pub fn field(&self, name: &str) -> Option<&'a FieldValue> {
        self.fields.iter().find(|f| f.name == name).map(|f| f.value)
    }

    /// The spans the event happened in, from its own span up to the root.
    pub fn scope(&self) -> Scope<'a> {
        Scope {
            leaf: self.span_id,
            lookup: self.spans,
        }
    }

    /// The trace the event belongs to, when it happened inside an entered
    /// [`TraceContext`](crate::TraceContext) (see
    /// [`TraceContext::span`](crate::TraceContext::span)); formats write these as the
    /// `trace_id`, `span_id` and `correlation_id` fields.
    pub fn trace(&self) -> Option<TraceFields<'a>> {
        if self.span_id == 0 {
            return None;
        }
        self.spans?.trace(self.span_id)
    }

    /// The trace ids of [`trace`](Self::trace) as owned text fields, leaving out those the
    /// record has a field of its own for (for writers that store them as fields).
    pub(crate) fn missing_trace_fields(
        &self,
        ids: &TraceFields<'_>,
    ) -> Vec<(&'static str, String)> {
        let mut out = Vec::with_capacity(TRACE_FIELDS.len());
        ids.for_each(|name, value| {
            if self.field(name).is_none() {
                out.push((name, value.to_owned()));
            }
        });
        out
    }
}

impl fmt::Debug for dyn SpanLookup + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SpanLookup")
    }
}

/// A span as sinks and formatters see it.
#[derive(Clone, Copy, Debug)]
pub struct SpanView<'a> {
    /// The span's id.
    pub id: u64,
    /// Its parent's id, `0` for a root span.
    pub parent: u64,
    /// Its name.
    pub name: &'a str,
    /// Its target.
    pub target: &'a str,
    /// Its level.
    pub level: Level,
    /// Its fields as last recorded (fields declared `Empty` and never recorded are empty
    /// values; formatters skip them).
    pub fields: Fields<'a>,
}

impl<'a> SpanView<'a> {
    /// The view of span `id` made at `callsite` (its name is the callsite's message), with
    /// `values` in the order of the callsite's field names.
    pub(crate) fn of_callsite(
        id: u64,
        parent: u64,
        callsite: &'static Callsite,
        values: &'a [FieldValue],
    ) -> SpanView<'a> {
        SpanView {
            id,
            parent,
            name: callsite.message(),
            target: callsite.target(),
            level: callsite.level(),
            fields: Fields::split(callsite.field_names(), values),
        }
    }

    /// Whether this is the span of an entered trace context (target [`TRACE_TARGET`]), which
    /// scopes leave out: the events in it carry its ids as fields instead.
    pub fn is_trace_context(&self) -> bool {
        self.target == TRACE_TARGET
    }
}

/// Finds spans by id: the collector's span table for live records, a snapshot's spans for
/// records read back.
///
/// ```
/// use ttlog_core::{Fields, Level};
/// use ttlog_core::record::{SpanLookup, SpanView};
///
/// struct One;
/// impl SpanLookup for One {
///     fn span(&self, id: u64) -> Option<SpanView<'_>> {
///         (id == 1).then(|| SpanView {
///             id, parent: 0, name: "request", target: "app", level: Level::Info,
///             fields: Fields::empty(),
///         })
///     }
/// }
/// let scope = ttlog_core::record::Scope::new(1, Some(&One));
/// assert_eq!(scope.root_first().iter().map(|s| s.name).collect::<Vec<_>>(), ["request"]);
/// ```
pub trait SpanLookup {
    /// The span `id`, if known.
    fn span(&self, id: u64) -> Option<SpanView<'_>>;

    /// The trace context span `id` is in, if any. The default knows none (snapshots store
    /// these ids in the events' fields instead).
    fn trace(&self, id: u64) -> Option<TraceFields<'_>> {
        let _ = id;
        None
    }
}

/// The most spans a scope walks up (a guard against cycles in damaged snapshots).
pub const MAX_SCOPE_DEPTH: usize = 64;

/// The spans an event happened in: its own span and that span's ancestors.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    leaf: u64,
    lookup: Option<&'a dyn SpanLookup>,
}

impl<'a> Scope<'a> {
    /// The scope of span `leaf`, looked up in `lookup`.
    pub fn new(leaf: u64, lookup: Option<&'a dyn SpanLookup>) -> Scope<'a> {
        Scope { leaf, lookup }
    }

    /// The event's innermost known span, leaving out trace-context spans
    /// ([`SpanView::is_trace_context`]).
    pub fn leaf(&self) -> Option<SpanView<'a>> {
        let lookup = self.lookup?;
        let mut id = self.leaf;
        for _ in 0..MAX_SCOPE_DEPTH {
            let span = lookup.span(id)?;
            if !span.is_trace_context() {
                return Some(span);
            }
            id = span.parent;
        }
        None
    }

    /// Whether no span of the scope is known.
    pub fn is_empty(&self) -> bool {
        self.leaf == 0 || self.leaf().is_none()
    }

    /// Calls `f` with each known span, from the root down to the event's own span, without
    /// allocating. Stops at an unknown span (its ancestors are unknown too) and after
    /// [`MAX_SCOPE_DEPTH`] spans. Trace-context spans are left out
    /// ([`SpanView::is_trace_context`]).
    pub fn for_each_root_first(&self, mut f: impl FnMut(SpanView<'a>)) {
        let Some(lookup) = self.lookup else {
            return;
        };
        let mut ids = [0u64; MAX_SCOPE_DEPTH];
        let mut depth = 0;
        let mut id = self.leaf;
        while id != 0 && depth < MAX_SCOPE_DEPTH {
            let Some(span) = lookup.span(id) else {
                break;
            };
            ids[depth] = id;
            depth += 1;
            id = span.parent;
        }
        for &id in ids[..depth].iter().rev() {
            if let Some(span) = lookup.span(id).filter(|s| !s.is_trace_context()) {
                f(span);
            }
        }
    }

    /// The known spans, root first.
    pub fn root_first(&self) -> Vec<SpanView<'a>> {
        let mut out = Vec::new();
        self.for_each_root_first(|s| out.push(s));
        out
    }
}

/// The fields of a [`Record`]: names and values, in order.
///
/// ```
/// use ttlog_core::{Fields, FieldValue};
/// let values = [FieldValue::from(1), FieldValue::from("x")];
/// let fields = Fields::split(&["a", "b"], &values);
/// let names: Vec<_> = fields.iter().map(|f| f.name).collect();
/// assert_eq!(names, ["a", "b"]);
/// assert_eq!(fields.len(), 2);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a>(FieldsRepr<'a>);

#[derive(Clone, Copy, Debug)]
enum FieldsRepr<'a> {
    Split {
        names: &'a [&'a str],
        values: &'a [FieldValue],
    },
    /// An event's values with its callsite's names: formatters that keep per-callsite
    /// pre-rendered text find it by the callsite.
    Callsite {
        callsite: &'static Callsite,
        values: &'a [FieldValue],
    },
    Pairs(&'a [(String, FieldValue)]),
}

impl<'a> Fields<'a> {
    /// Fields from parallel slices of names and values (extra entries on either side are
    /// ignored).
    pub fn split(names: &'a [&'a str], values: &'a [FieldValue]) -> Fields<'a> {
        Fields(FieldsRepr::Split { names, values })
    }

    /// An event's values, named by its callsite's field names.
    #[inline]
    pub(crate) fn of_callsite(callsite: &'static Callsite, values: &'a [FieldValue]) -> Fields<'a> {
        Fields(FieldsRepr::Callsite { callsite, values })
    }

    /// The callsite whose field names these are, and the values, when the fields are an
    /// event's as the collector decoded it.
    #[inline]
    pub(crate) fn callsite(&self) -> Option<(&'static Callsite, &'a [FieldValue])> {
        match self.0 {
            FieldsRepr::Callsite { callsite, values } => Some((callsite, values)),
            _ => None,
        }
    }

    /// The names and values side by side, when there are no pairs.
    #[inline]
    fn names_values(&self) -> Option<(&'a [&'a str], &'a [FieldValue])> {
        match self.0 {
            FieldsRepr::Split { names, values } => Some((names, values)),
            FieldsRepr::Callsite { callsite, values } => Some((callsite.field_names(), values)),
            FieldsRepr::Pairs(_) => None,
        }
    }

    /// Fields from owned name–value pairs.
    pub fn pairs(pairs: &'a [(String, FieldValue)]) -> Fields<'a> {
        Fields(FieldsRepr::Pairs(pairs))
    }

    /// No fields.
    pub fn empty() -> Fields<'a> {
        Fields(FieldsRepr::Pairs(&[]))
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        match (self.names_values(), self.0) {
            (Some((names, values)), _) => names.len().min(values.len()),
            (None, FieldsRepr::Pairs(p)) => p.len(),
            (None, _) => 0,
        }
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The fields after the first `n` (none when there are fewer).
    ///
    /// ```
    /// use ttlog_core::{Fields, FieldValue};
    /// let values = [FieldValue::from(1), FieldValue::from(2)];
    /// let rest = Fields::split(&["a", "b"], &values).skip_first(1);
    /// assert_eq!(rest.iter().map(|f| f.name).collect::<Vec<_>>(), ["b"]);
    /// ```
    pub fn skip_first(self, n: usize) -> Fields<'a> {
        match (self.names_values(), self.0) {
            (Some((names, values)), _) => {
                let n = n.min(names.len()).min(values.len());
                Fields::split(&names[n..], &values[n..])
            }
            (None, FieldsRepr::Pairs(p)) => Fields::pairs(&p[n.min(p.len())..]),
            (None, _) => Fields::empty(),
        }
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = Field<'a>> + 'a {
        let (split, pairs) = match (self.names_values(), self.0) {
            (Some(split), _) => (Some(split), None),
            (None, FieldsRepr::Pairs(p)) => (None, Some(p)),
            (None, _) => (None, None),
        };
        let a = split.into_iter().flat_map(|(names, values)| {
            names
                .iter()
                .zip(values.iter())
                .map(|(name, value)| Field { name, value })
        });
        let b = pairs
            .into_iter()
            .flat_map(|p| p.iter().map(|(name, value)| Field { name, value }));
        a.chain(b)
    }
}
