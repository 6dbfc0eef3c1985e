//! What one printed line may hold: long text cut, deep span paths abbreviated.
//!
//! A snapshot may be damaged or crafted, and even a real one can hold 64 KiB field values and
//! events 64 spans deep, each of whose lines repeats the whole span path. Printed as is, a
//! 4 MB file can print gigabytes. So, unless `--full` is given:
//!
//! - every piece of text from the file (messages, names, values, the header) is cut after
//!   [`MAX_TEXT_BYTES`] bytes, ending in `…[N more bytes]`;
//! - a span path deeper than [`MAX_SCOPE_SPANS`] spans shows the [`SCOPE_HEAD`] outermost and
//!   the [`SCOPE_TAIL`] innermost spans with a span named `…N more…` between them.
//!
//! The cut copies are made here and handed to the ordinary formatters
//! (`ttlog_core::sink::format_record`), which escape them as they escape everything.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;

use ttlog_core::record::{SpanLookup, SpanView, MAX_SCOPE_DEPTH};
use ttlog_core::sink::escape;
use ttlog_core::snapshot::{Event, Snapshot};
use ttlog_core::{FieldValue, Fields, Record, ValueRef};

/// The most bytes of one piece of text printed (4 KiB): messages, names, field values.
pub(crate) const MAX_TEXT_BYTES: usize = 4096;

/// The deepest span path printed whole; deeper ones are abbreviated.
pub(crate) const MAX_SCOPE_SPANS: usize = 7;

/// How many of the outermost spans an abbreviated path keeps.
pub(crate) const SCOPE_HEAD: usize = 2;

/// How many of the innermost spans an abbreviated path keeps.
pub(crate) const SCOPE_TAIL: usize = 4;

/// Whether output is cut (the default) or printed whole (`--full`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cuts {
    /// Text and span paths are cut as the module docs say.
    On,
    /// Everything is printed whole.
    Off,
}

/// `s`, cut after [`MAX_TEXT_BYTES`] (on a character boundary) with `…[N more bytes]`.
pub(crate) fn clip(s: &str, cuts: Cuts) -> Cow<'_, str> {
    if cuts == Cuts::Off || s.len() <= MAX_TEXT_BYTES {
        return Cow::Borrowed(s);
    }
    let mut end = MAX_TEXT_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…[{} more bytes]", &s[..end], s.len() - end))
}

/// Whether a name or value needs [`clip`].
fn too_long(s: &str) -> bool {
    s.len() > MAX_TEXT_BYTES
}

fn clip_value(value: &FieldValue, cuts: Cuts) -> FieldValue {
    match value.as_ref() {
        ValueRef::Str(s) if cuts == Cuts::On && too_long(s) => {
            FieldValue::from(clip(s, cuts).into_owned())
        }
        _ => value.clone(),
    }
}

fn needs_clipping<'a>(mut fields: impl Iterator<Item = (&'a str, ValueRef<'a>)>) -> bool {
    fields.any(|(name, value)| too_long(name) || matches!(value, ValueRef::Str(s) if too_long(s)))
}

/// Clipped copies of fields.
fn clip_fields<'a>(
    fields: impl Iterator<Item = (&'a str, &'a FieldValue)>,
    cuts: Cuts,
) -> Vec<(String, FieldValue)> {
    fields
        .map(|(name, value)| (clip(name, cuts).into_owned(), clip_value(value, cuts)))
        .collect()
}

/// An event's texts, clipped; lent out as a [`Record`] by [`Line::record`].
pub(crate) struct Line<'e> {
    event: &'e Event,
    target: Cow<'e, str>,
    module_path: Cow<'e, str>,
    file: Cow<'e, str>,
    message: Cow<'e, str>,
    thread: Cow<'e, str>,
    fields: Option<Vec<(String, FieldValue)>>,
}

impl<'e> Line<'e> {
    pub(crate) fn new(event: &'e Event, cuts: Cuts) -> Line<'e> {
        let clipped =
            cuts == Cuts::On && needs_clipping(event.fields().map(|f| (f.name, f.value.as_ref())));
        Line {
            event,
            target: clip(event.target(), cuts),
            module_path: clip(event.module_path(), cuts),
            file: clip(event.file(), cuts),
            message: clip(event.message(), cuts),
            thread: clip(event.thread(), cuts),
            fields: clipped.then(|| clip_fields(event.fields().map(|f| (f.name, f.value)), cuts)),
        }
    }

    /// The event as a record whose spans are looked up in `spans`.
    pub(crate) fn record<'a>(&'a self, spans: &'a dyn SpanLookup) -> Record<'a> {
        let record = self.event.as_record();
        Record {
            target: &self.target,
            module_path: &self.module_path,
            file: &self.file,
            message: &self.message,
            thread_name: &self.thread,
            fields: match &self.fields {
                Some(fields) => Fields::pairs(fields),
                None => record.fields,
            },
            spans: Some(spans),
            ..record
        }
    }
}

/// A span's name and fields, clipped.
struct ClippedSpan {
    name: String,
    fields: Vec<(String, FieldValue)>,
}

/// The spans of a snapshot as the formatters see them: clipped, and, for the event last
/// [`focus`](Scopes::focus)ed on, with its span path abbreviated.
pub(crate) struct Scopes<'s> {
    snap: &'s Snapshot,
    cuts: Cuts,
    /// The spans that have text to clip (most have none).
    clipped: HashMap<u64, ClippedSpan>,
    /// Parents changed for the focused event's path: `(span, new parent)`.
    rewired: Vec<(u64, u64)>,
    /// The `…N more…` span standing for the middle of an abbreviated path.
    gap: Option<Gap>,
    /// An id no span of the snapshot has, for the gap.
    gap_id: u64,
}

struct Gap {
    id: u64,
    parent: u64,
    name: String,
}

impl<'s> Scopes<'s> {
    pub(crate) fn new(snap: &'s Snapshot, cuts: Cuts) -> Scopes<'s> {
        let mut clipped = HashMap::new();
        if cuts == Cuts::On {
            for span in &snap.spans {
                let Some(view) = snap.span_view(span.id()) else {
                    continue;
                };
                let fields = || view.fields.iter().map(|f| (f.name, f.value));
                if too_long(view.name) || needs_clipping(fields().map(|(n, v)| (n, v.as_ref()))) {
                    clipped.insert(
                        span.id(),
                        ClippedSpan {
                            name: clip(view.name, cuts).into_owned(),
                            fields: clip_fields(fields(), cuts),
                        },
                    );
                }
            }
        }
        // Ids are distinct, so one of the `len + 1` highest ids is free.
        let gap_id = (1..=u64::MAX)
            .rev()
            .find(|&id| snap.span(id).is_none())
            .unwrap_or(u64::MAX);
        Scopes {
            snap,
            cuts,
            clipped,
            rewired: Vec::new(),
            gap: None,
            gap_id,
        }
    }

    /// Abbreviates the span path of an event in span `leaf` (when cuts are on): the path
    /// the formatters print is then exactly the spans chosen here.
    pub(crate) fn focus(&mut self, leaf: u64) {
        self.rewired.clear();
        self.gap = None;
        if self.cuts == Cuts::Off {
            return;
        }
        // The path, innermost first, as the formatters walk it: at most MAX_SCOPE_DEPTH
        // spans, stopping at a span not in the file and at a span seen before (a cycle).
        let mut path: Vec<u64> = Vec::new();
        let mut id = leaf;
        for _ in 0..MAX_SCOPE_DEPTH {
            if id == 0 || path.contains(&id) {
                break;
            }
            let Some(span) = self.snap.span_view(id) else {
                break;
            };
            if !span.is_trace_context() {
                path.push(id);
            }
            id = span.parent;
        }
        let Some(&outermost) = path.last() else {
            return;
        };
        // The outermost span shown is the root: nothing above it is printed.
        self.rewired.push((outermost, 0));
        if path.len() > MAX_SCOPE_SPANS {
            let more = path.len() - SCOPE_HEAD - SCOPE_TAIL;
            let gap = self.gap_id;
            // `path` is innermost first: the tail is its start, the head its end.
            self.rewired.push((path[SCOPE_TAIL - 1], gap));
            self.gap = Some(Gap {
                id: gap,
                parent: path[path.len() - SCOPE_HEAD],
                name: format!("…{more} more…"),
            });
        }
    }
}

impl SpanLookup for Scopes<'_> {
    fn span(&self, id: u64) -> Option<SpanView<'_>> {
        if let Some(gap) = self.gap.as_ref().filter(|g| g.id == id) {
            return Some(SpanView {
                id,
                parent: gap.parent,
                name: &gap.name,
                target: "",
                level: ttlog_core::Level::Trace,
                fields: Fields::empty(),
            });
        }
        let mut view = self.snap.span_view(id)?;
        if let Some(&(_, parent)) = self.rewired.iter().find(|(span, _)| *span == id) {
            view.parent = parent;
        }
        if let Some(clipped) = self.clipped.get(&id) {
            view.name = &clipped.name;
            view.fields = Fields::pairs(&clipped.fields);
        }
        Some(view)
    }
}

/// The snapshot's own view of a span (its `SpanLookup` impl, named apart from the inherent
/// `Snapshot::span`).
trait SpanViews {
    fn span_view(&self, id: u64) -> Option<SpanView<'_>>;
}

impl SpanViews for Snapshot {
    fn span_view(&self, id: u64) -> Option<SpanView<'_>> {
        SpanLookup::span(self, id)
    }
}

/// Prints `ttlog: message` on stderr, escaped and cut like any text from a file (messages
/// quote paths, and errors quote what they found in the file).
pub(crate) fn say(message: &str) {
    let mut line = b"ttlog: ".to_vec();
    escape::write_bare(&mut line, &clip(message, Cuts::On));
    line.push(b'\n');
    let _ = std::io::stderr().write_all(&line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping() {
        assert_eq!(clip("short", Cuts::On), "short");
        let long = "é".repeat(MAX_TEXT_BYTES);
        let cut = clip(&long, Cuts::On);
        assert!(cut.starts_with(&"é".repeat(MAX_TEXT_BYTES / 2)));
        assert!(cut.ends_with(&format!("…[{} more bytes]", MAX_TEXT_BYTES)));
        assert_eq!(clip(&long, Cuts::Off), long);
    }
}
