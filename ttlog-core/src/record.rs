//! [`Record`]: a decoded event as sinks and formatters see it.
//!
//! The collector turns each [`LogEvent`](crate::LogEvent) into a `Record` that borrows from it
//! (no copies, no allocation): wall-clock time instead of clock ticks, the thread's name instead
//! of its index. Events read back from a snapshot produce the same view, so one set of
//! formatters serves live sinks and the snapshot reader alike.

use std::time::SystemTime;

use crate::field::{Field, FieldValue};
use crate::level::Level;

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
    /// The fields.
    pub fields: Fields<'a>,
}

impl<'a> Record<'a> {
    /// The value of the field called `name`.
    pub fn field(&self, name: &str) -> Option<&'a FieldValue> {
        self.fields.iter().find(|f| f.name == name).map(|f| f.value)
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
    Pairs(&'a [(String, FieldValue)]),
}

impl<'a> Fields<'a> {
    /// Fields from parallel slices of names and values (extra entries on either side are
    /// ignored).
    pub fn split(names: &'a [&'a str], values: &'a [FieldValue]) -> Fields<'a> {
        Fields(FieldsRepr::Split { names, values })
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
        match self.0 {
            FieldsRepr::Split { names, values } => names.len().min(values.len()),
            FieldsRepr::Pairs(p) => p.len(),
        }
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = Field<'a>> + 'a {
        let (split, pairs) = match self.0 {
            FieldsRepr::Split { names, values } => (Some((names, values)), None),
            FieldsRepr::Pairs(p) => (None, Some(p)),
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
