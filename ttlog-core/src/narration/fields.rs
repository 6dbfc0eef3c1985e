//! The struct form: [`NarrationFields`] and [`narrate`], for narrations whose parts are only
//! known at run time (a table of messages, an adapter, a plugin).

use std::fmt::Write as _;
use std::panic::Location;

use super::emit::{emit_checked, Text};
use crate::callsite::{self, Callsite, CallsiteKey};
use crate::event::Values;
use crate::field::FieldValue;
use crate::level::{max_level, Level, STATIC_MAX_LEVEL};

/// The target of narrations emitted with [`narrate`] (filter them with `narration=warn`, for
/// example). The macro's narrations have the module they are written in as their target, like
/// every other event.
pub const STRUCT_TARGET: &str = "narration";

/// A narration built at run time; emit it with [`narrate`].
///
/// `human`, `cute` and `story` are run-time templates: `{name}` is replaced by the field
/// `name` (`actor`, `action`, `target`, `correlation_id` or one of `fields`); see
/// [`interpolate`](super::interpolate) for the exact rules.
///
/// ```
/// use ttlog_core::{narrate, Level, NarrationFields};
///
/// narrate(NarrationFields {
///     level: Level::Warn,
///     actor: "auth",
///     action: "lockout",
///     target: "user-42".into(),
///     human: "Locked {target} out after {attempts} failed logins".into(),
///     fields: vec![("attempts", 5.into())],
///     ..Default::default()
/// });
/// ```
#[derive(Clone, Debug)]
pub struct NarrationFields {
    /// The level (default `Info`).
    pub level: Level,
    /// Who acted: a component, a service, a role. Must not be empty.
    pub actor: &'static str,
    /// What it did, as a verb. Must not be empty.
    pub action: &'static str,
    /// What it acted on: an id, a name.
    pub target: String,
    /// The plain text, for the people on call: at most
    /// [`MAX_HUMAN_CHARS`](super::MAX_HUMAN_CHARS) characters.
    pub human: String,
    /// A friendlier text, shown in [`Narration::Cute`](super::Narration::Cute) mode.
    pub cute: Option<String>,
    /// A text that tells the step as part of a story, shown in
    /// [`Narration::Story`](super::Narration::Story) mode.
    pub story: Option<String>,
    /// The id that ties this narration to others of the same request or job.
    pub correlation_id: Option<String>,
    /// Extra structured fields, in order.
    pub fields: Vec<(&'static str, FieldValue)>,
}

impl Default for NarrationFields {
    /// An `Info` narration with every text and name empty: set at least `actor`, `action`,
    /// `target` and `human`.
    fn default() -> Self {
        NarrationFields {
            level: Level::Info,
            actor: "",
            action: "",
            target: String::new(),
            human: String::new(),
            cute: None,
            story: None,
            correlation_id: None,
            fields: Vec::new(),
        }
    }
}

/// The names every narration has, in a set that extra fields may not reuse.
const BUILT_IN: [&str; 11] = [
    "human",
    "cute",
    "story",
    "actor",
    "action",
    "target",
    "correlation_id",
    "emitted_by",
    "emitted_at_ms",
    "source_location",
    "narration_violation",
];

/// Emits a narration built at run time, through the global logger, if its level is enabled
/// (the level gates and the filter, for the target [`STRUCT_TARGET`]).
///
/// The event has the same layout as the macro's (see [`crate::narration`]); its
/// `source_location`, in builds with debug assertions, is where `narrate` was called.
///
/// Nothing here panics. A broken editorial rule (an empty `actor` or `action`, a `human`
/// text longer than 100 characters once filled in) is reported in the field
/// `narration_violation`; so is an extra field that is dropped because its name is empty or
/// already taken (by a built-in field or an earlier extra). When the process has used up its
/// table of run-time callsites (see [`callsite::intern`]), the extras are written as one text
/// field, `fields`, of `name=value` pairs.
///
/// ```
/// use ttlog_core::{narrate, NarrationFields};
///
/// let user_id = 42;
/// narrate(NarrationFields {
///     actor: "auth",
///     action: "authenticate",
///     target: user_id.to_string(),
///     human: "User authenticated".into(),
///     ..Default::default()
/// });
/// ```
#[track_caller]
pub fn narrate(fields: NarrationFields) {
    let level = fields.level;
    if !(STATIC_MAX_LEVEL.enables(level) && max_level().enables(level)) {
        return;
    }
    narrate_at(fields, Location::caller());
}

fn narrate_at(fields: NarrationFields, location: &'static Location<'static>) {
    let NarrationFields {
        level,
        actor,
        action,
        target,
        human,
        cute,
        story,
        correlation_id,
        fields: extras,
    } = fields;

    let mut dropped = Vec::new();
    let mut extra_names: Vec<&'static str> = Vec::with_capacity(extras.len());
    let mut extra_values = Vec::with_capacity(extras.len());
    for (name, value) in extras {
        if name.is_empty() || BUILT_IN.contains(&name) || extra_names.contains(&name) {
            dropped.push(name);
        } else {
            extra_names.push(name);
            extra_values.push(value);
        }
    }
    let broken = (!dropped.is_empty()).then(|| {
        let list: Vec<String> = dropped.iter().map(|n| format!("`{n}`")).collect();
        format!(
            "extra field{} {} dropped: the name is empty or already used",
            if dropped.len() == 1 { "" } else { "s" },
            list.join(", ")
        )
    });

    let source_location = cfg!(debug_assertions)
        .then(|| FieldValue::from(format!("{}:{}", location.file(), location.line())));

    let mut names: Vec<&str> = vec!["human"];
    names.extend(cute.as_ref().map(|_| "cute"));
    names.extend(story.as_ref().map(|_| "story"));
    names.extend(["actor", "action", "target"]);
    names.extend(correlation_id.as_ref().map(|_| "correlation_id"));
    names.extend(&extra_names);
    names.extend(["emitted_by", "emitted_at_ms"]);
    names.extend(source_location.as_ref().map(|_| "source_location"));
    let key = CallsiteKey {
        level,
        target: STRUCT_TARGET,
        module_path: "",
        file: location.file(),
        line: location.line(),
        message: "",
        field_names: &names,
    };
    let texts = [Some(human), cute, story].map(|t| t.map(Text::Template));
    let mut rest = Values::new();
    rest.push(FieldValue::from_static(actor));
    rest.push(FieldValue::from_static(action));
    rest.push(FieldValue::from(target));

    let Some(cs) = callsite::intern(&key) else {
        return fallback(
            level,
            texts,
            rest,
            correlation_id,
            &extra_names,
            &extra_values,
            source_location,
            broken,
        );
    };
    if !cs.is_enabled() {
        return;
    }
    if let Some(id) = correlation_id {
        rest.push(FieldValue::from(id));
    }
    for value in extra_values {
        rest.push(value);
    }
    emit_checked(cs, texts, rest, source_location, broken);
}

/// The fixed callsites of the fallback, one per level (see [`narrate`]).
static FALLBACK: [Callsite; 5] = {
    const NAMES: &[&str] = &[
        "human",
        "cute",
        "story",
        "actor",
        "action",
        "target",
        "correlation_id",
        "fields",
        "emitted_by",
        "emitted_at_ms",
        "source_location",
    ];
    const fn at(level: Level) -> Callsite {
        Callsite::new(level, STRUCT_TARGET, "", "", 0, "", NAMES)
    }
    [
        at(Level::Error),
        at(Level::Warn),
        at(Level::Info),
        at(Level::Debug),
        at(Level::Trace),
    ]
};

/// A narration whose callsite could not be interned: through the fixed callsite of its
/// level, with the extras as one `fields` text.
#[cold]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn fallback(
    level: Level,
    texts: [Option<Text>; 3],
    mut rest: Values,
    correlation_id: Option<String>,
    names: &[&str],
    values: &[FieldValue],
    source_location: Option<FieldValue>,
    broken: Option<String>,
) {
    let cs = &FALLBACK[usize::from(level.as_u8() - 1)];
    if !cs.is_enabled() {
        return;
    }
    let mut text = String::new();
    for (name, value) in names.iter().zip(values) {
        if !text.is_empty() {
            text.push(' ');
        }
        // Writing to a String cannot fail.
        let _ = write!(text, "{name}={value}");
    }
    rest.push(correlation_id.map_or(FieldValue::EMPTY, FieldValue::from));
    rest.push(if text.is_empty() {
        FieldValue::EMPTY
    } else {
        FieldValue::from(text)
    });
    emit_checked(cs, texts, rest, source_location, broken);
}
