//! Byte classes and runs shared by the scanners (a leaf module: the scanners import it, it
//! imports none of them).

use std::ops::Range;

#[inline]
pub(crate) fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

#[inline]
pub(crate) fn b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

#[inline]
pub(crate) fn key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Whether `b` ends an unquoted value (in `key=value` and after a custom prefix).
#[inline]
pub(crate) fn value_end(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'&' | b';'
                | b','
                | b'"'
                | b'\''
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'|'
                | b'`'
        )
}

/// The end of the run starting at `i` of bytes for which `f` holds.
#[inline]
pub(crate) fn run(b: &[u8], mut i: usize, f: impl Fn(u8) -> bool) -> usize {
    while i < b.len() && f(b[i]) {
        i += 1;
    }
    i
}

/// The unquoted value starting at `start` (up to a delimiter), or the quoted one.
pub(crate) fn value_at(b: &[u8], start: usize) -> Option<Range<usize>> {
    let quote = *b.get(start)?;
    if quote == b'"' || quote == b'\'' {
        let body = start + 1;
        let end = b[body..]
            .iter()
            .position(|&c| c == quote || c == b'\n' || c == b'\r')
            .map(|p| body + p);
        if let Some(end) = end {
            if b[end] == quote {
                return (end > body).then_some(body..end);
            }
        }
        let end = run(b, body, |c| !value_end(c));
        return (end > body).then_some(body..end);
    }
    let end = run(b, start, |c| !value_end(c));
    (end > start).then_some(start..end)
}
