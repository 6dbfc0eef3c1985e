//! Run-time templates: the `human`, `cute` and `story` texts of the struct form, and of macro
//! calls whose text is not a literal.
//!
//! The macro formats a literal template with `format_args!`, so a mistake in it is a compile
//! error. A template that only exists at run time cannot be checked that way, so it gets the
//! forgiving subset below, which never fails: `{name}` is replaced by the value of the
//! narration's field `name` (`actor`, `action`, `target`, `correlation_id` or an extra field),
//! written as the text formats write it; `{{` and `}}` are braces; anything else in braces
//! (an unknown name, a format spec such as `{pos:>3}`, a positional `{}`) and an unmatched
//! brace are kept as written, so the mistake is visible in the output.
//!
//! Templates often carry request data, and they are filled on the caller's thread, so filling
//! takes time linear in the template (after a `{`, only as many bytes as the longest field name
//! are looked at) and stops at [`MAX_TEXT_LEN`]: the filled text is cut and marked exactly as a
//! [`FieldValue`] cuts longer text, so `{target}` repeated cannot multiply a large value.

use std::fmt::{self, Write as _};

use crate::field::{FieldValue, MAX_TEXT_LEN, TRUNCATION_MARKER};

/// Fills the `{name}` placeholders of `template` from the fields `names` and `values` (see the
/// module docs).
///
/// A filled text longer than [`MAX_TEXT_LEN`] bytes is cut there (on a char boundary) and ends
/// with [`TRUNCATION_MARKER`], as a [`FieldValue`] made from the whole text would be.
///
/// ```
/// use ttlog_core::narration::interpolate;
/// use ttlog_core::field::{MAX_TEXT_LEN, TRUNCATION_MARKER};
/// use ttlog_core::FieldValue;
///
/// let names = ["target", "pos"];
/// let values = [FieldValue::from("job-7"), FieldValue::from(3)];
/// assert_eq!(interpolate("{target} is #{pos} {{in line}}", &names, &values), "job-7 is #3 {in line}");
/// assert_eq!(interpolate("{nope} {pos:>3} {", &names, &values), "{nope} {pos:>3} {");
///
/// let long = "{target}".repeat(MAX_TEXT_LEN);
/// let filled = interpolate(&long, &names, &values);
/// assert_eq!(filled.len(), MAX_TEXT_LEN + TRUNCATION_MARKER.len());
/// assert!(filled.ends_with(TRUNCATION_MARKER));
/// ```
pub fn interpolate(template: &str, names: &[&str], values: &[FieldValue]) -> String {
    let mut out = Capped::new(template.len());
    let _ = fill(&mut out, template, names, values);
    out.finish()
}

/// Writes the filled `template` to `out`, stopping with an error when `out` is full.
fn fill(out: &mut Capped, template: &str, names: &[&str], values: &[FieldValue]) -> fmt::Result {
    // A placeholder longer than every name cannot match, so after a `{` no more than this many
    // bytes are searched for its `}`: that keeps filling linear in the template.
    let longest = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.write_str(&rest[..i])?;
        let after = &rest[i + 1..];
        if rest.as_bytes()[i] == b'}' {
            out.write_char('}')?;
            rest = after.strip_prefix('}').unwrap_or(after);
            continue;
        }
        if let Some(after) = after.strip_prefix('{') {
            out.write_char('{')?;
            rest = after;
            continue;
        }
        // `}` is ASCII, so a byte search cannot stop inside a multi-byte char.
        let window = &after.as_bytes()[..after.len().min(longest + 1)];
        let value = window.iter().position(|&b| b == b'}').and_then(|end| {
            let name = &after[..end];
            let i = names.iter().position(|n| *n == name)?;
            Some((values.get(i)?, end))
        });
        match value {
            Some((value, end)) => {
                write!(out, "{value}")?;
                rest = &after[end + 1..];
            }
            None => {
                out.write_char('{')?;
                rest = after;
            }
        }
    }
    out.write_str(rest)
}

/// A `String` that keeps at most [`MAX_TEXT_LEN`] bytes, cut on a char boundary, and refuses
/// further writes (with an error, which stops formatting) once something did not fit.
struct Capped {
    out: String,
    cut: bool,
}

impl Capped {
    fn new(hint: usize) -> Capped {
        Capped {
            out: String::with_capacity(hint.saturating_add(16).min(MAX_TEXT_LEN)),
            cut: false,
        }
    }

    /// The text, with [`TRUNCATION_MARKER`] when it was cut.
    fn finish(mut self) -> String {
        if self.cut {
            self.out.push_str(TRUNCATION_MARKER);
        }
        self.out
    }
}

impl fmt::Write for Capped {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.cut {
            return Err(fmt::Error);
        }
        let room = MAX_TEXT_LEN - self.out.len();
        if s.len() <= room {
            self.out.push_str(s);
            return Ok(());
        }
        let mut end = room;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        self.out.push_str(&s[..end]);
        self.cut = true;
        Err(fmt::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::interpolate;
    use crate::field::{FieldValue, MAX_TEXT_LEN, TRUNCATION_MARKER};

    /// What a `FieldValue` keeps of `full`: what filling must produce without building `full`.
    fn kept(full: &str) -> String {
        FieldValue::from(full).as_str().unwrap().to_owned()
    }

    fn fill(template: &str) -> String {
        let names = ["actor", "n", "ratio", "empty"];
        let values = [
            FieldValue::from("auth"),
            FieldValue::from(-4),
            FieldValue::from(0.5),
            FieldValue::EMPTY,
        ];
        interpolate(template, &names, &values)
    }

    #[test]
    fn names() {
        assert_eq!(fill("{actor} saw {n} at {ratio}"), "auth saw -4 at 0.5");
        assert_eq!(fill("{actor}{actor}"), "authauth");
        assert_eq!(fill("[{empty}]"), "[]");
        assert_eq!(fill("no placeholders"), "no placeholders");
        assert_eq!(fill(""), "");
        assert_eq!(fill("ünïcödé {actor} ✓"), "ünïcödé auth ✓");
    }

    #[test]
    fn escapes_and_mistakes_are_kept() {
        assert_eq!(fill("{{actor}}"), "{actor}");
        assert_eq!(fill("a } b }} c"), "a } b } c");
        assert_eq!(fill("{} {0} {x} {actor:?}"), "{} {0} {x} {actor:?}");
        assert_eq!(fill("open { {actor}"), "open { auth");
        assert_eq!(fill("{actor"), "{actor");
        assert_eq!(fill("{"), "{");
        assert_eq!(fill("}"), "}");
    }

    #[test]
    fn names_that_are_not_identifiers() {
        let names = ["http.method", "user-id", "a b"];
        let values = ["GET", "u-7", "x"].map(FieldValue::from);
        assert_eq!(
            interpolate("{http.method} {user-id} {a b} {a b }", &names, &values),
            "GET u-7 x {a b }"
        );
        // A `}` further away than the longest name is not looked for.
        assert_eq!(
            interpolate("{http.method_and_more}", &names, &values),
            "{http.method_and_more}"
        );
        assert_eq!(interpolate("{x}", &[], &[]), "{x}");
    }

    #[test]
    fn a_megabyte_of_open_braces_is_kept_and_cut() {
        let text = "{".repeat(1 << 20);
        let filled = fill(&text);
        assert_eq!(filled, kept(&text));
        assert_eq!(filled.len(), MAX_TEXT_LEN + TRUNCATION_MARKER.len());
        assert!(filled
            .strip_suffix(TRUNCATION_MARKER)
            .unwrap()
            .bytes()
            .all(|b| b == b'{'));
    }

    #[test]
    fn a_megabyte_of_unclosed_names_is_kept_and_cut() {
        for unit in ["{x", "{actor", "{actor{actor}"] {
            let text = unit.repeat((1 << 20) / unit.len());
            let full = text.replace("{actor}", "auth");
            let filled = fill(&text);
            assert_eq!(filled, kept(&full), "{unit}");
            assert_eq!(filled.len(), MAX_TEXT_LEN + TRUNCATION_MARKER.len());
        }
    }

    #[test]
    fn repeated_large_values_stop_at_the_limit() {
        let names = ["target"];
        let values = [FieldValue::from("t".repeat(MAX_TEXT_LEN))];
        // Filled in full, this would be 16 KiB × 64 KiB = 1 GiB.
        let text = "{target}".repeat(2 * 1024);
        let filled = interpolate(&text, &names, &values);
        assert_eq!(filled.len(), MAX_TEXT_LEN + TRUNCATION_MARKER.len());
        assert_eq!(filled, kept(&"t".repeat(3 * MAX_TEXT_LEN)));

        // Cut on a char boundary, as a `FieldValue` cuts: 1 + 4 × 16383 bytes fit.
        let wide = "😀".repeat(MAX_TEXT_LEN / 4);
        let values = [FieldValue::from(wide.as_str())];
        let filled = interpolate("x{target}{target}{target}", &names, &values);
        assert_eq!(filled, kept(&format!("x{wide}{wide}")));
        assert_eq!(
            filled.strip_suffix(TRUNCATION_MARKER).unwrap().len(),
            MAX_TEXT_LEN - 3
        );
    }

    #[test]
    fn text_of_exactly_the_limit_is_not_cut() {
        let names = ["target"];
        let values = [FieldValue::from("t".repeat(MAX_TEXT_LEN - 2))];
        let filled = interpolate("[{target}]", &names, &values);
        assert_eq!(filled.len(), MAX_TEXT_LEN);
        assert!(!filled.ends_with(TRUNCATION_MARKER));
        assert_eq!(filled, kept(&filled));
        let filled = interpolate("[{target}]!", &names, &values);
        let full = format!("[{}]!", "t".repeat(MAX_TEXT_LEN - 2));
        assert_eq!(filled, kept(&full));
        assert!(filled.ends_with(TRUNCATION_MARKER));
    }
}
