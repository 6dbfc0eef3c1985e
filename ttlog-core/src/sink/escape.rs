//! Escaping: how text from an event is written so that one event is always one line.
//!
//! Everything in an event that is not a number can come from outside the program: a message
//! built from a request, a thread name, a header value. Written as is, a value holding
//! `"\n2026-11-23T10:00:00.000000Z ERROR admin: granted"` forges a second log line, and one
//! holding `"\x1b[2J"` clears the reader's terminal. So every text format passes every piece of
//! text through one of the writers here, and they escape:
//!
//! - every control character (`char::is_control`: C0, DEL and C1, which includes the 8-bit CSI
//!   that starts ANSI sequences), as `\n`, `\r`, `\t` or `\u{1b}`;
//! - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR, which some viewers and JavaScript
//!   treat as line breaks;
//! - the bidirectional embedding, override and isolate controls (U+202A..=U+202E,
//!   U+2066..=U+2069) and the bidi marks (U+061C ARABIC LETTER MARK, U+200E LEFT-TO-RIGHT
//!   MARK, U+200F RIGHT-TO-LEFT MARK), which can make a line display in an order other than
//!   the one it has.
//!
//! Other invisible format characters (zero-width joiners, which emoji sequences and some
//! scripts need) are copied.
//!
//! Text contexts come in three kinds:
//!
//! - *bare* text (a message, a target, a thread name in the compact and full formats): only the
//!   characters above are escaped; a backslash stays a backslash, so a Windows path reads as
//!   itself. (A literal `\n` in a message therefore looks like an escaped newline; the
//!   quoted and JSON forms are the unambiguous ones.)
//! - *values* (fields everywhere, and every logfmt value): printed bare when non-empty and free
//!   of whitespace, `=`, `"` and the characters above; otherwise quoted, with `\"` and `\\`
//!   escaped as well, as logfmt readers expect.
//! - *JSON strings*: full JSON escaping (`\"`, `\\`, `\n`, `\r`, `\t`, `\u00XX` for other
//!   controls, `\u2028` and friends), so the output is valid JSON that is also safe to embed in
//!   JavaScript.
//!
//! Field names are usually static identifiers, but adapters (`log`'s key-values, slog) can
//! hand over any string, so they are written with [`write_key`], which escapes whitespace, `=`
//! and `"` too, so that a name can never end its `name=value` pair early.
//!
//! The same writers serve `ttlog-cli`, which prints text read from snapshot files (which may
//! be damaged or crafted) and so must escape it the same way.
//!
//! ```
//! use ttlog_core::sink::escape;
//! let mut out = Vec::new();
//! escape::write_bare(&mut out, "ok\n2026-01-01 ERROR forged \x1b]52;c;aGk=\x07\u{202e}");
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     r"ok\n2026-01-01 ERROR forged \u{1b}]52;c;aGk=\u{7}\u{202e}"
//! );
//! ```

/// Whether `c` must never appear unescaped in text output: a control character, a line or
/// paragraph separator, or a bidi control or mark (see the [module docs](self)).
///
/// ```
/// use ttlog_core::sink::escape::needs_escape;
/// assert!(needs_escape('\x1b') && needs_escape('\u{9b}') && needs_escape('\u{202e}'));
/// assert!(!needs_escape('a') && !needs_escape('é') && !needs_escape('\u{200d}'));
/// ```
#[inline]
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Whether `s` is plain printable ASCII (space to `~`), the common case that needs no escape.
/// Byte classes for the fast paths: `NOT_PLAIN` for bytes that are not printable ASCII
/// (controls, DEL, and every byte of a multi-byte character), `SEPARATOR` for the printable
/// bytes that cannot appear in a bare value or key (space, `=`, `"`).
const NOT_PLAIN: u8 = 1;
const SEPARATOR: u8 = 2;
/// `"` and `\`, which JSON strings escape.
const JSON_SPECIAL: u8 = 4;

static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if b < 0x20 || b >= 0x7f {
            NOT_PLAIN
        } else if b == b'"' as usize {
            SEPARATOR | JSON_SPECIAL
        } else if b == b' ' as usize || b == b'=' as usize {
            SEPARATOR
        } else if b == b'\\' as usize {
            JSON_SPECIAL
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Whether no byte of `s` is in any of the classes in `mask` (one table lookup per byte).
#[inline]
fn none_in(s: &str, mask: u8) -> bool {
    let mut seen = 0;
    for &b in s.as_bytes() {
        seen |= CLASS[b as usize];
    }
    seen & mask == 0
}

#[inline]
fn is_plain_ascii(s: &str) -> bool {
    none_in(s, NOT_PLAIN)
}

/// Appends `\u{XX}` (lower-case hex, no leading zeros, like Rust's `char::escape_unicode`).
fn write_unicode_escape(out: &mut Vec<u8>, c: char) {
    out.extend_from_slice(b"\\u{");
    let v = c as u32;
    let digits = if v == 0 {
        1
    } else {
        (32 - v.leading_zeros()).div_ceil(4)
    };
    for i in (0..digits).rev() {
        out.push(HEX[((v >> (i * 4)) & 0xf) as usize]);
    }
    out.push(b'}');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends the escape for a character that [`needs_escape`].
#[inline]
fn write_char_escape(out: &mut Vec<u8>, c: char) {
    match c {
        '\n' => out.extend_from_slice(b"\\n"),
        '\r' => out.extend_from_slice(b"\\r"),
        '\t' => out.extend_from_slice(b"\\t"),
        _ => write_unicode_escape(out, c),
    }
}

/// Appends `s`, escaping `extra` characters and those that [`needs_escape`], in runs so that
/// unescaped stretches are copied whole.
#[inline]
fn write_escaped_with(out: &mut Vec<u8>, s: &str, extra: impl Fn(char) -> bool) {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if needs_escape(c) || extra(c) {
            out.extend_from_slice(&s.as_bytes()[start..i]);
            write_char_escape(out, c);
            start = i + c.len_utf8();
        }
    }
    out.extend_from_slice(&s.as_bytes()[start..]);
}

/// Appends bare text (a message, target, thread name or file): control characters, line
/// separators and bidi controls are escaped, everything else is copied.
///
/// ```
/// let mut out = Vec::new();
/// ttlog_core::sink::escape::write_bare(&mut out, "a\tb\x07 C:\\dir");
/// assert_eq!(out, br"a\tb\u{7} C:\dir");
/// ```
pub fn write_bare(out: &mut Vec<u8>, s: &str) {
    if is_plain_ascii(s) {
        out.extend_from_slice(s.as_bytes());
    } else {
        write_escaped_with(out, s, |_| false);
    }
}

/// Whether a value can be printed without quotes.
#[inline]
pub(crate) fn is_bare_value(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    if none_in(s, NOT_PLAIN | SEPARATOR) {
        return true;
    }
    if is_plain_ascii(s) {
        return false;
    }
    !s.chars()
        .any(|c| c.is_whitespace() || c == '=' || c == '"' || needs_escape(c))
}

/// Appends `s` between double quotes, escaping `"` and `\` as well as the characters that
/// [`needs_escape`].
///
/// ```
/// let mut out = Vec::new();
/// ttlog_core::sink::escape::write_quoted(&mut out, "a{b}\n");
/// assert_eq!(out, br#""a{b}\n""#);
/// ```
pub fn write_quoted(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == '"' || c == '\\' || needs_escape(c) {
            out.extend_from_slice(&s.as_bytes()[start..i]);
            if c == '"' || c == '\\' {
                out.push(b'\\');
                out.push(c as u8);
            } else {
                write_char_escape(out, c);
            }
            start = i + c.len_utf8();
        }
    }
    out.extend_from_slice(&s.as_bytes()[start..]);
    out.push(b'"');
}

/// Appends a text value: bare when non-empty and free of whitespace, `=`, `"` and the
/// characters that [`needs_escape`], quoted otherwise (with `\"` and `\\` escaped too).
///
/// ```
/// use ttlog_core::sink::escape::write_value;
/// let mut out = Vec::new();
/// write_value(&mut out, "alice");
/// out.push(b' ');
/// write_value(&mut out, "a \"b\"\n");
/// assert_eq!(out, br#"alice "a \"b\"\n""#);
/// ```
pub fn write_value(out: &mut Vec<u8>, s: &str) {
    if is_bare_value(s) {
        out.extend_from_slice(s.as_bytes());
    } else {
        write_quoted(out, s);
    }
}

/// Appends a field name for `name=value` output: whitespace, `=` and `"` are escaped as
/// `\u{..}` along with everything [`needs_escape`]; an empty name is written as `_`.
///
/// ```
/// use ttlog_core::sink::escape::write_key;
/// let mut out = Vec::new();
/// write_key(&mut out, "user id=");
/// assert_eq!(out, br"user\u{20}id\u{3d}");
/// ```
pub fn write_key(out: &mut Vec<u8>, s: &str) {
    if s.is_empty() {
        out.push(b'_');
    } else if none_in(s, NOT_PLAIN | SEPARATOR) {
        out.extend_from_slice(s.as_bytes());
    } else {
        // Only `\n`, `\r`, `\t` get short escapes; spaces, `=` and `"` become `\u{..}`.
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if needs_escape(c) || c.is_whitespace() || c == '=' || c == '"' {
                out.extend_from_slice(&s.as_bytes()[start..i]);
                if needs_escape(c) {
                    write_char_escape(out, c);
                } else {
                    write_unicode_escape(out, c);
                }
                start = i + c.len_utf8();
            }
        }
        out.extend_from_slice(&s.as_bytes()[start..]);
    }
}

/// Appends `s` as a JSON string literal, quotes included: `\"`, `\\`, `\n`, `\r`, `\t`, and
/// `\u` with four hex digits (`\u001b`) for every other character that [`needs_escape`].
///
/// ```
/// use ttlog_core::sink::escape::write_json_str;
/// let mut out = Vec::new();
/// write_json_str(&mut out, "say \"hi\"\x1b\u{202e}");
/// assert_eq!(out, br#""say \"hi\"\u001b\u202e""#);
/// ```
pub fn write_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    if none_in(s, NOT_PLAIN | JSON_SPECIAL) {
        // Printable ASCII without `"` or `\\` (most strings): nothing to escape.
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let short: &[u8] = match c {
            '"' => b"\\\"",
            '\\' => b"\\\\",
            '\n' => b"\\n",
            '\r' => b"\\r",
            '\t' => b"\\t",
            c if needs_escape(c) => b"",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[start..i]);
        if short.is_empty() {
            // Every character `needs_escape` accepts is in the Basic Multilingual Plane.
            let v = c as u32;
            out.extend_from_slice(b"\\u");
            for shift in [12, 8, 4, 0] {
                out.push(HEX[((v >> shift) & 0xf) as usize]);
            }
        } else {
            out.extend_from_slice(short);
        }
        start = i + c.len_utf8();
    }
    out.extend_from_slice(&s.as_bytes()[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: fn(&mut Vec<u8>, &str), s: &str) -> String {
        let mut out = Vec::new();
        f(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn bare() {
        assert_eq!(run(write_bare, "plain text"), "plain text");
        assert_eq!(run(write_bare, "a\nb\rc\td"), "a\\nb\\rc\\td");
        assert_eq!(
            run(write_bare, "\x1b[31mred\x1b[0m"),
            "\\u{1b}[31mred\\u{1b}[0m"
        );
        assert_eq!(run(write_bare, "nul\0"), "nul\\u{0}");
        assert_eq!(run(write_bare, "del\x7f"), "del\\u{7f}");
        assert_eq!(run(write_bare, "c1\u{9b}"), "c1\\u{9b}");
        assert_eq!(
            run(write_bare, "a\u{2028}b\u{2029}"),
            "a\\u{2028}b\\u{2029}"
        );
        assert_eq!(run(write_bare, "\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(
            run(write_bare, "\u{61c}\u{200e}\u{200f}\u{200d}"),
            "\\u{61c}\\u{200e}\\u{200f}\u{200d}"
        );
        assert_eq!(run(write_bare, r#"C:\dir "q""#), r#"C:\dir "q""#);
        assert_eq!(run(write_bare, "héllo 日本"), "héllo 日本");
        assert_eq!(run(write_bare, ""), "");
    }

    #[test]
    fn values() {
        assert_eq!(run(write_value, "10.0.0.1"), "10.0.0.1");
        assert_eq!(run(write_value, "héllo"), "héllo");
        assert_eq!(run(write_value, ""), "\"\"");
        assert_eq!(run(write_value, "a b"), "\"a b\"");
        assert_eq!(run(write_value, "a=b"), "\"a=b\"");
        assert_eq!(run(write_value, "say \"hi\""), r#""say \"hi\"""#);
        assert_eq!(run(write_value, r"back\slash"), r"back\slash");
        assert_eq!(run(write_value, r"back\ slash"), r#""back\\ slash""#);
        assert_eq!(run(write_value, "x\ny"), r#""x\ny""#);
        assert_eq!(run(write_value, "\u{a0}nbsp"), "\"\u{a0}nbsp\"");
        assert_eq!(run(write_value, "ls\u{2028}"), r#""ls\u{2028}""#);
        assert_eq!(run(write_value, "\x1b"), r#""\u{1b}""#);
    }

    #[test]
    fn keys() {
        assert_eq!(run(write_key, "user_id"), "user_id");
        assert_eq!(run(write_key, "http.status"), "http.status");
        assert_eq!(run(write_key, ""), "_");
        assert_eq!(run(write_key, "a b=c\"d"), "a\\u{20}b\\u{3d}c\\u{22}d");
        assert_eq!(run(write_key, "x\ny"), "x\\ny");
    }

    #[test]
    fn json() {
        assert_eq!(run(write_json_str, "plain"), "\"plain\"");
        assert_eq!(run(write_json_str, "q\"b\\"), r#""q\"b\\""#);
        assert_eq!(run(write_json_str, "\n\r\t"), r#""\n\r\t""#);
        assert_eq!(
            run(write_json_str, "\0\x08\x0c\x1b\x7f"),
            r#""\u0000\u0008\u000c\u001b\u007f""#
        );
        assert_eq!(run(write_json_str, "\u{2028}\u{202e}"), r#""\u2028\u202e""#);
        assert_eq!(run(write_json_str, "日本 ✓"), "\"日本 ✓\"");
    }

    #[test]
    fn unicode_escape_digits() {
        let mut out = Vec::new();
        write_unicode_escape(&mut out, '\u{1}');
        write_unicode_escape(&mut out, '\u{10}');
        write_unicode_escape(&mut out, '\u{2066}');
        assert_eq!(out, b"\\u{1}\\u{10}\\u{2066}");
    }

    #[test]
    fn never_a_newline() {
        let hostile = "a\n\r\u{b}\u{c}\u{85}\u{2028}\u{2029}b\"\\= \0\x1b";
        for f in [
            write_bare,
            write_value,
            write_quoted,
            write_key,
            write_json_str,
        ] {
            let s = run(f, hostile);
            assert!(!s.chars().any(needs_escape), "{s:?}");
        }
    }
}
