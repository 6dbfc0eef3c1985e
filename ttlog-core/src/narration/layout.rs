//! The process-wide narration settings ([`Narration`] mode, `emitted_by`), and the
//! [`Layout`] of a narration's fields that the formats read.

use std::sync::OnceLock;

use crate::record::Record;
use crate::sync::global::{AtomicU8, Ordering};

/// The most characters a `human` text may have.
pub const MAX_HUMAN_CHARS: usize = 100;

/// Which narration text the text formats show as the message.
///
/// ```
/// use ttlog_core::Narration;
/// assert_eq!(Narration::default(), Narration::Human);
/// assert_eq!(Narration::Cute.field_name(), "cute");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Narration {
    /// The plain `human` text (the default).
    #[default]
    Human,
    /// The `cute` text, or `human` when a narration has none.
    Cute,
    /// The `story` text, or `human` when a narration has none.
    Story,
}

impl Narration {
    /// The field that holds this mode's text: `"human"`, `"cute"` or `"story"`.
    pub fn field_name(self) -> &'static str {
        match self {
            Narration::Human => "human",
            Narration::Cute => "cute",
            Narration::Story => "story",
        }
    }

    fn from_u8(v: u8) -> Narration {
        match v {
            1 => Narration::Cute,
            2 => Narration::Story,
            _ => Narration::Human,
        }
    }
}

/// The mode, as `Narration as u8`; written at init.
static MODE: AtomicU8 = AtomicU8::new(0);

/// `emitted_by` as configured at init.
static EMITTED_BY: OnceLock<&'static str> = OnceLock::new();

/// The output mode chosen at init ([`Narration::Human`] before init).
///
/// ```
/// assert_eq!(ttlog_core::narration::mode(), ttlog_core::Narration::Human);
/// ```
pub fn mode() -> Narration {
    // Relaxed: the mode is one independent value; a sink that reads the old mode for an
    // event formatted while init runs is harmless.
    Narration::from_u8(MODE.load(Ordering::Relaxed))
}

/// Sets the mode and `emitted_by` (called by `Builder::init`). `emitted_by` is kept from the
/// first successful init of the process, as the logger itself is.
pub(crate) fn configure(mode: Narration, service: &str, version: Option<&str>) {
    MODE.store(mode as u8, Ordering::Relaxed);
    EMITTED_BY.get_or_init(|| {
        let text = match version {
            Some(v) if !v.is_empty() => format!("{service}@{v}"),
            _ => service.to_owned(),
        };
        // Once per process: the value is recorded, without a copy, in every narration.
        Box::leak(text.into_boxed_str())
    });
}

/// What narrations record as `emitted_by`: `service@version` from init, or before init the
/// binary's name.
///
/// ```
/// assert!(!ttlog_core::narration::emitted_by().is_empty());
/// ```
pub fn emitted_by() -> &'static str {
    if let Some(by) = EMITTED_BY.get() {
        return by;
    }
    static BEFORE_INIT: OnceLock<&'static str> = OnceLock::new();
    BEFORE_INIT.get_or_init(|| Box::leak(crate::process::default_service().into_boxed_str()))
}

/// The shape of a narration's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// How many text fields lead the list: `human`, then `cute` and `story` when present.
    pub texts: usize,
}

/// The layout of an event with the field `names`, if it is a narration: `human`, optionally
/// `cute`, optionally `story`, then `actor`, `action` and `target`.
///
/// ```
/// use ttlog_core::narration::layout;
/// let names = ["human", "story", "actor", "action", "target", "emitted_by"];
/// assert_eq!(layout(names).map(|l| l.texts), Some(2));
/// assert_eq!(layout(["human", "actor"]), None);
/// assert_eq!(layout(["user_id"]), None);
/// ```
pub fn layout<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Layout> {
    let mut names = names.into_iter();
    if names.next()? != "human" {
        return None;
    }
    let mut texts = 1;
    let mut next = names.next()?;
    for optional in ["cute", "story"] {
        if next == optional {
            texts += 1;
            next = names.next()?;
        }
    }
    (next == "actor" && names.next()? == "action" && names.next()? == "target")
        .then_some(Layout { texts })
}

/// What the text formats print for `record`: for a narration, the record with the mode's text
/// as its message and without its text fields; `None` for any other event (print it as it
/// is).
///
/// ```
/// use ttlog_core::narration::text_record;
/// use ttlog_core::{FieldValue, Fields, Level, Record};
///
/// let names = ["human", "cute", "actor", "action", "target"];
/// let values = ["Job queued", "Job hops in line!", "queue", "accept", "job-7"].map(FieldValue::from);
/// let record = Record { level: Level::Info, timestamp: std::time::UNIX_EPOCH, target: "app",
///     module_path: "app", file: "", line: 0, message: "Job queued", thread_name: "main",
///     thread_id: 1, span_id: 0, spans: None, fields: Fields::split(&names, &values) };
/// let shown = text_record(&record).unwrap(); // the mode is Human: the message stays
/// assert_eq!(shown.message, "Job queued");
/// assert_eq!(shown.fields.iter().map(|f| f.name).collect::<Vec<_>>(), ["actor", "action", "target"]);
/// ```
pub fn text_record<'a>(record: &Record<'a>) -> Option<Record<'a>> {
    let layout = layout(record.fields.iter().map(|f| f.name))?;
    let mut shown = *record;
    let mode = mode();
    if mode != Narration::Human {
        let chosen = record
            .fields
            .iter()
            .take(layout.texts)
            .find(|f| f.name == mode.field_name())
            .and_then(|f| f.value.as_str())
            .filter(|text| !text.is_empty());
        if let Some(text) = chosen {
            shown.message = text;
        }
    }
    shown.fields = record.fields.skip_first(layout.texts);
    Some(shown)
}
