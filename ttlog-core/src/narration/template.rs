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

use std::fmt::Write as _;

use crate::field::FieldValue;

/// Fills the `{name}` placeholders of `template` from the fields `names` and `values` (see the
/// module docs).
///
/// ```
/// use ttlog_core::narration::interpolate;
/// use ttlog_core::FieldValue;
///
/// let names = ["target", "pos"];
/// let values = [FieldValue::from("job-7"), FieldValue::from(3)];
/// assert_eq!(interpolate("{target} is #{pos} {{in line}}", &names, &values), "job-7 is #3 {in line}");
/// assert_eq!(interpolate("{nope} {pos:>3} {", &names, &values), "{nope} {pos:>3} {");
/// ```
pub fn interpolate(template: &str, names: &[&str], values: &[FieldValue]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if rest.as_bytes()[i] == b'}' {
            out.push('}');
            rest = after.strip_prefix('}').unwrap_or(after);
            continue;
        }
        if let Some(after) = after.strip_prefix('{') {
            out.push('{');
            rest = after;
            continue;
        }
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            let i = names.iter().position(|n| *n == name)?;
            Some((values.get(i)?, end))
        });
        match value {
            Some((value, end)) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "{value}");
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::interpolate;
    use crate::field::FieldValue;

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
}
