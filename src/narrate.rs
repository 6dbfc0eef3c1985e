//! Narration: what the system did, told in a sentence for the people reading the logs, with
//! structured fields for the machines.
//!
//! ```
//! let (job_id, pos, eta_ms, cid) = ("job-7", 3, 120, "req-1");
//! ttlog::narrate!(Info, actor: "orchestrator", action: "accept", target: job_id,
//!     human: "Accepted request; queued at position {pos} (ETA {eta_ms} ms)",
//!     cute: "Orchestrator welcomes {job_id} to the queue! You're #{pos} in line!",
//!     correlation_id: cid, queue_position = pos, predicted_start_ms = eta_ms);
//!
//! let user_id = 42;
//! ttlog::narrate(ttlog::NarrationFields { actor: "auth", action: "authenticate",
//!     target: user_id.to_string(), human: "User authenticated".into(), ..Default::default() });
//! ```
//!
//! # Why
//!
//! Ad-hoc log lines (`println!("queued {job}")`, `info!("done")`) say something to the person
//! who wrote them. A narration answers the questions everyone else asks, always in the same
//! places: **who** acted (`actor`), **what** it did (`action`), to **what** (`target`), and
//! what that means, in one short sentence (`human`, at most 100 characters). Optional texts
//! tell the same step in a friendlier voice (`cute`) or as part of a longer story (`story`).
//!
//! # What a narration is
//!
//! An ordinary ttlog event, so the level gates, filters, sinks, redaction, spans, the flight
//! recorder and snapshots all apply. Its message is the `human` text; its fields, in this
//! order, are
//!
//! | field | |
//! |---|---|
//! | `human`, `cute`, `story` | the texts (`cute` and `story` only when given) |
//! | `actor`, `action`, `target` | who did what to what |
//! | `correlation_id` | when given |
//! | the extra fields | `queue_position = pos`, `%addr`, `?req`, as in [`info!`](crate::info) |
//! | `emitted_by` | `service@version`, from [`Builder::service`](crate::Builder::service) and [`Builder::version`](crate::Builder::version) |
//! | `emitted_at_ms` | the event's time, in milliseconds since the Unix epoch |
//! | `source_location` | `file:line`, only when the narrating crate is built with debug assertions |
//! | `narration_violation` | only when a rule was broken at run time (see below) |
//!
//! Inside an entered [`TraceContext`](crate::TraceContext), the collector adds the context's
//! `trace_id`, `span_id` and `correlation_id`, as it does for every event. A narration with its
//! own `correlation_id` keeps it as a field, so the two may differ: JSON writes both, the
//! context's as the top-level `correlation_id` key and the narration's as
//! `fields.correlation_id`; the compact, full and logfmt formats print only the narration's.
//!
//! `emitted_by` has no version unless one is configured: `init` is a function, so it cannot
//! read the version of the program that calls it. Write
//! `ttlog::init().service("orders").version(env!("CARGO_PKG_VERSION"))`. Before `init` (or
//! under another logger set with [`set_logger`](crate::set_logger)), narrations go through
//! whatever logger is installed, and `emitted_by` is the binary's name.
//!
//! # Output modes
//!
//! [`Builder::narration`](crate::Builder::narration) picks the text people read:
//! [`Narration::Human`] (the default), [`Narration::Cute`] or [`Narration::Story`]. The
//! compact, full and logfmt formats print that text as the message (`human` when a narration
//! has none in that mode) and leave the three text fields out of the line. JSON always keeps
//! `message` = `human` and carries every text as a field, so machines see the same thing
//! whatever the mode. Custom sinks receive the record as logged (message = `human`);
//! [`text_record`] gives them the text formats' view.
//!
//! # Templates
//!
//! In the macro, a literal text is a format string checked at compile time. `{name}` formats
//! the call's field `name` (`{target}`, `{actor}`, `{correlation_id}`, `{queue_position}`)
//! when there is one, and otherwise captures the variable `name`, as `format!` does
//! (`{pos}`); an unknown name is a compile error.
//!
//! A text that is not a literal (`human: msg`), and every text of the struct form, is a
//! run-time template: `{name}` is replaced by the narration's field `name`; `{{` and `}}` are
//! braces; anything else in braces (an unknown name, a format spec, `{}`) and an unmatched
//! brace stay as written, so that the mistake shows in the output. Filling takes time linear
//! in the text and stops at the length a text value keeps (64 KiB), cutting and marking the
//! text as any longer value is. See [`interpolate`].
//!
//! # Editorial rules
//!
//! `actor` and `action` must not be empty, and `human` must be at most
//! [`MAX_HUMAN_CHARS`] (100) characters. The macro rejects, as compile errors, what it can
//! see: empty `actor`/`action` literals, a `human` literal that is too long (counted as
//! written, placeholders included) or empty, a missing required argument. The rest is
//! checked when the narration is emitted: an empty `actor` or `action` computed at run time,
//! a `human` text that is too long once filled in, an extra field of the struct form whose
//! name is empty or taken. A narration that breaks a rule is still logged, unchanged, with a
//! `narration_violation` field saying what is wrong; nothing panics.
//!
//! # The struct form
//!
//! [`narrate()`](fn@narrate) takes a [`NarrationFields`], for narrations assembled at run
//! time. Its events have the target [`STRUCT_TARGET`] (`"narration"`), and its
//! `source_location` is the caller of `narrate` (with `#[track_caller]`), recorded when ttlog
//! itself is built with debug assertions.

pub use ttlog_core::narration::{
    emitted_by, interpolate, layout, mode, text_record, Layout, MAX_HUMAN_CHARS, STRUCT_TARGET,
};
pub use ttlog_core::{narrate, Narration, NarrationFields};
