//! Building and handing over one narration: the texts, the provenance fields, the run-time
//! rule check (see the module docs of [`crate::narration`]).

use std::time::UNIX_EPOCH;

use super::layout::{emitted_by, layout, MAX_HUMAN_CHARS};
use super::template::interpolate;
use crate::callsite::{self, Callsite, CallsiteKey};
use crate::event::{LogEvent, Values};
use crate::field::FieldValue;

/// One of a narration's texts: already formatted (a literal template in the macro), or a
/// run-time template to fill from the narration's fields (see [`interpolate`]).
///
/// ```
/// use ttlog_core::narration::Text;
/// let done = Text::Formatted("Accepted".into());
/// let later = Text::Template("Accepted {target}".to_owned());
/// # let _ = (done, later);
/// ```
#[derive(Clone, Debug)]
pub enum Text {
    /// The finished text.
    Formatted(FieldValue),
    /// A template, filled when the narration is emitted.
    Template(String),
}

/// The name of the field that lists broken editorial rules.
const VIOLATION: &str = "narration_violation";

/// Emits a narration through the global logger (the level and filter gates have been
/// checked by the caller).
///
/// `callsite`'s field names must have the narration [`layout`]: `rest` holds the values of the
/// names after the texts (`actor`, `action`, `target`, and so on), and the names after those
/// are the provenance fields, which this fills in: `emitted_by`, `emitted_at_ms` and
/// `source_location` (`source_location`, empty when `None`). A callsite without the layout is
/// emitted as an ordinary event with the texts first.
///
/// ```
/// use ttlog_core::narration::{emit, Text};
/// use ttlog_core::{event::Values, Callsite, FieldValue, Level};
///
/// static CS: Callsite = Callsite::new(Level::Info, "app", "app", "src/main.rs", 3, "", &[
///     "human", "actor", "action", "target", "emitted_by", "emitted_at_ms",
/// ]);
/// let rest: Values = ["worker", "start", "job-1"].map(FieldValue::from).into_iter().collect();
/// emit(&CS, Text::Template("{actor} started {target}".into()), None, None, rest, None);
/// ```
pub fn emit(
    callsite: &'static Callsite,
    human: Text,
    cute: Option<Text>,
    story: Option<Text>,
    rest: Values,
    source_location: Option<FieldValue>,
) {
    emit_checked(
        callsite,
        [Some(human), cute, story],
        rest,
        source_location,
        None,
    );
}

/// [`emit`] with the texts as `[human, cute, story]` and, in `broken`, rules the caller
/// already found broken.
pub(super) fn emit_checked(
    callsite: &'static Callsite,
    [human, cute, story]: [Option<Text>; 3],
    rest: Values,
    source_location: Option<FieldValue>,
    broken: Option<String>,
) {
    let ticks = crate::clock::now();
    let names = callsite.field_names();
    let texts = layout(names.iter().copied()).map_or(1, |l| l.texts);
    let rest_names = names.get(texts..texts + rest.len()).unwrap_or(&[]);
    let resolve = |text: Text| match text {
        Text::Formatted(value) => value,
        Text::Template(template) => {
            // Already cut and marked at `MAX_TEXT_LEN`, as `FieldValue` would.
            FieldValue::from_cut_string(interpolate(&template, rest_names, &rest))
        }
    };
    let human = human.map_or(FieldValue::EMPTY, resolve);
    let cute = cute.map(resolve);
    let story = story.map(resolve);

    let violation = match (broken, check(&human, rest.first(), rest.get(1))) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    };
    let callsite = match &violation {
        Some(_) => with_violation(callsite).unwrap_or(callsite),
        None => callsite,
    };
    let names = callsite.field_names();

    let mut values = Values::new();
    let (mut cute, mut story) = (cute, story);
    for name in &names[..texts.min(names.len())] {
        values.push(match *name {
            "cute" => cute.take().unwrap_or(FieldValue::EMPTY),
            "story" => story.take().unwrap_or(FieldValue::EMPTY),
            _ => human.clone(),
        });
    }
    let provenance_start = values.len() + rest.len();
    rest.drain_into(|_, v| values.push(v));
    let (mut violation, mut source_location) = (violation, source_location);
    for name in names.get(provenance_start..).unwrap_or(&[]) {
        values.push(match *name {
            "emitted_by" => FieldValue::from_static(emitted_by()),
            "emitted_at_ms" => FieldValue::from(epoch_ms(ticks)),
            "source_location" => source_location.take().unwrap_or(FieldValue::EMPTY),
            VIOLATION => violation.take().map_or(FieldValue::EMPTY, FieldValue::from),
            _ => FieldValue::EMPTY,
        });
    }
    let event = LogEvent::from_parts(callsite, ticks, 0, Some(human), values);
    crate::logger::dispatch(event);
}

/// Milliseconds since the Unix epoch at clock reading `ticks` (the event's own timestamp).
fn epoch_ms(ticks: u64) -> u64 {
    crate::clock::to_system_time(ticks)
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The editorial rules a narration breaks, as one sentence, or `None`.
fn check(
    human: &FieldValue,
    actor: Option<&FieldValue>,
    action: Option<&FieldValue>,
) -> Option<String> {
    let mut broken = Vec::new();
    let blank = |v: Option<&FieldValue>| v.is_none_or(|v| v.is_empty() || v.as_str() == Some(""));
    if blank(actor) {
        broken.push("actor is empty".to_owned());
    }
    if blank(action) {
        broken.push("action is empty".to_owned());
    }
    let text = human.as_str().unwrap_or("");
    // Bytes bound chars from above: most texts are decided without counting.
    if text.len() > MAX_HUMAN_CHARS {
        let chars = text.chars().count();
        if chars > MAX_HUMAN_CHARS {
            broken.push(format!(
                "human is {chars} characters, over the limit of {MAX_HUMAN_CHARS}"
            ));
        }
    }
    (!broken.is_empty()).then(|| broken.join("; "))
}

/// `callsite` with the field `narration_violation` added at the end (interned once per
/// callsite); `None` when the interning table refuses it (the narration is then emitted
/// without that field).
#[cold]
fn with_violation(callsite: &'static Callsite) -> Option<&'static Callsite> {
    let mut names: Vec<&str> = callsite.field_names().to_vec();
    if names.last() == Some(&VIOLATION) {
        return Some(callsite);
    }
    names.push(VIOLATION);
    callsite::intern(&CallsiteKey {
        level: callsite.level(),
        target: callsite.target(),
        module_path: callsite.module_path(),
        file: callsite.file(),
        line: callsite.line(),
        message: callsite.message(),
        field_names: &names,
    })
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::field::FieldValue;

    #[test]
    fn rules() {
        let ok = FieldValue::from("x");
        let human = FieldValue::from("fine");
        assert_eq!(check(&human, Some(&ok), Some(&ok)), None);
        assert_eq!(
            check(
                &human,
                Some(&FieldValue::from("")),
                Some(&FieldValue::EMPTY)
            )
            .as_deref(),
            Some("actor is empty; action is empty")
        );
        let long = FieldValue::from("é".repeat(100));
        assert_eq!(check(&long, Some(&ok), Some(&ok)), None);
        let longer = FieldValue::from("a".repeat(101));
        assert_eq!(
            check(&longer, Some(&ok), None).as_deref(),
            Some("action is empty; human is 101 characters, over the limit of 100")
        );
    }
}
