//! Narration: events that tell a person what the system did, in a sentence.
//!
//! A narration is an ordinary event (filters, sinks, redaction, spans and snapshots all apply)
//! whose fields follow one layout, so that every tool can recognise it:
//!
//! ```text
//! human, [cute], [story], actor, action, target, [correlation_id], extras…,
//! emitted_by, emitted_at_ms, [source_location], [narration_violation]
//! ```
//!
//! Its message is the `human` text. The `ttlog::narrate!` macro and [`narrate`] (the struct
//! form, [`NarrationFields`]) both build that layout; [`layout`] recognises it from the field
//! names alone, so it costs ordinary events one comparison of their first field's name, and
//! works as well on events read back from a snapshot.
//!
//! # Output modes
//!
//! Which of the three texts people read is chosen once, at init, with
//! `Builder::narration` ([`Narration::Human`] by default): the text formats (compact, full,
//! logfmt) print the chosen text as the message, or `human` when the event has no text in
//! that mode, and leave the `human`, `cute` and `story` fields out, since the message already
//! says it. JSON keeps `message` = `human` and carries all the texts as fields. All of that
//! happens in [`text_record`], the one place the formats consult.
//!
//! # Provenance
//!
//! Every narration records `emitted_by` (`service@version`, from `Builder::service` and
//! `Builder::version`; the service alone when no version was given; before `init`, the
//! binary's name), `emitted_at_ms` (the event's own timestamp, in milliseconds since the Unix
//! epoch) and, in debug builds, `source_location` (`file:line`).
//!
//! # Editorial rules at run time
//!
//! The macro checks the rules (a `human` text of at most [`MAX_HUMAN_CHARS`] characters,
//! non-empty `actor` and `action`) at compile time where it can see them. What it cannot see
//! (the struct form, computed texts, interpolated values that make `human` longer) is checked
//! when the narration is emitted. A narration that breaks a rule is still logged, unchanged,
//! with one more field, `narration_violation`, that says which rules it broke (for example
//! `actor is empty; human is 142 characters, over the limit of 100`). Nothing panics.

//!
//! 1. `layout.rs` — the mode ([`Narration`]), `emitted_by`, and the field [`Layout`] the
//!    formats read.
//! 2. `template.rs` — filling `{name}` templates, linear and bounded.
//! 3. `emit.rs` — [`emit`]: a narration as an event, checked at run time.
//! 4. `fields.rs` — [`narrate`] and [`NarrationFields`]: the struct form.

mod emit;
mod fields;
pub(crate) mod layout;
mod template;

pub use emit::{emit, Text};
pub use fields::{narrate, NarrationFields, STRUCT_TARGET};
pub use layout::{emitted_by, layout, mode, text_record, Layout, Narration, MAX_HUMAN_CHARS};
pub use template::interpolate;
