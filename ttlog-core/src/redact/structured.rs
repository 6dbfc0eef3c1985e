//! Secrets written as a key and a value inside text: query strings, `key=value` logs, INI,
//! YAML, HTTP headers, JSON, Python dicts and Rust `Debug` output.
//!
//! The scan stops at each `=` and `:` (see [`patterns`](super::patterns)). From there it reads
//! the key backwards (letters, digits, `_ . -`, at most [`MAX_KEY`] bytes, optionally inside
//! quotes and followed by spaces), asks the key rule ([`keys`](super::keys)) whether and how it
//! names a secret, then reads the value forwards: after optional spaces, an optional `>`
//! (`=>`) and an optional `Some(`, either a quoted string (`"…"` or `'…'`, backslash escapes
//! skipped, on one line) or a bare value up to a delimiter. What is masked depends on the key:
//!
//! - most keys: the whole value (inside its quotes);
//! - `Authorization` and `Proxy-Authorization`: the credential after a known scheme
//!   (`Basic`, `Bearer`, `Digest`, `Token`, `Negotiate`, `NTLM`…), which is kept;
//! - `Cookie`: the value of each `name=value` pair of the `;`-separated list;
//! - `Set-Cookie`: the value of the first pair, the attributes (`Path=/`) kept;
//! - `pwd`: the value unless it is a path (`PWD=/home/ann` is a working directory).
//!
//! Comparisons (`==`, `!=`, `<=`, `>=`), Rust paths (`a::b`), Go's `:=`, and a `:` between
//! digits (`10:00:00`, `db:5432`) are not values.

use std::ops::Range;

use super::bytes::{key_char, run, value_end};
use super::keys::{self, Kind, MASK};

/// The longest key looked at; a longer run of key characters is not a key.
const MAX_KEY: usize = 64;

/// Auth schemes whose credential follows them in an `Authorization` header.
const SCHEMES: &[&str] = &[
    "basic",
    "bearer",
    "digest",
    "token",
    "negotiate",
    "ntlm",
    "dpop",
    "hawk",
    "mac",
    "oauth",
    "apikey",
    "sso-key",
    "aws4-hmac-sha256",
];

#[inline]
fn blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Pushes the secret of the key and value anchored at `sep` (an `=` or `:`) onto `out`.
pub(super) fn key_value(b: &[u8], sep: usize, custom: &[String], out: &mut Vec<Range<usize>>) {
    let next = b.get(sep + 1).copied();
    let prev = sep.checked_sub(1).map(|p| b[p]);
    let not_a_value = match b[sep] {
        b'=' => next == Some(b'=') || matches!(prev, Some(b'=' | b'!' | b'<' | b'>' | b':')),
        // `10:00:00`, `db:5432`: times and ports.
        _ => {
            matches!(next, Some(b':' | b'='))
                || prev == Some(b':')
                || (prev.is_some_and(|c| c.is_ascii_digit())
                    && next.is_some_and(|c| c.is_ascii_digit()))
        }
    };
    if not_a_value {
        return;
    }
    let Some(key) = key_before(b, sep) else {
        return;
    };
    // `arn:aws:secretsmanager:…:secret:name`, `urn:token:x`: a path of names, not a key.
    if b[sep] == b':' && key.start > 0 && b[key.start - 1] == b':' {
        return;
    }
    let Some(kind) = keys::classify(&b[key.clone()], custom) else {
        return;
    };
    let mut v = sep + 1;
    if b[sep] == b'=' && next == Some(b'>') {
        v += 1;
    }
    let spaced = b.get(v).copied().is_some_and(blank);
    v = run(b, v, blank);
    // A YAML or INI line (`password: open sesame`, `passphrase = two words`): the value is
    // the rest of the line.
    let line_start = b[..key.start]
        .iter()
        .rev()
        .find(|&&c| !blank(c))
        .is_none_or(|&c| c == b'\n' || c == b'\r');
    let to_line_end = spaced && line_start;
    if b[v..].starts_with(b"Some(") {
        v += 5;
    }
    let Some(&first) = b.get(v) else { return };
    let quoted = (first == b'"' || first == b'\'')
        .then(|| quoted_body(b, v))
        .flatten();
    let (start, limit) = match &quoted {
        Some(body) => (body.start, body.end),
        // An unclosed quote: the value starts after it.
        None if first == b'"' || first == b'\'' => (v + 1, b.len()),
        None => (v, b.len()),
    };
    let bare = |from: usize| from..run(b, from, |c| !value_end(c)).min(limit);
    let push = |out: &mut Vec<Range<usize>>, r: Range<usize>| {
        if r.start < r.end && &b[r.clone()] != MASK.as_bytes() {
            out.push(r);
        }
    };
    let whole = |out: &mut Vec<Range<usize>>, from: usize| match quoted.is_some() {
        true => push(out, from..limit),
        false if to_line_end => push(out, rest_of_line(b, from)),
        false => push(out, bare(from)),
    };
    match kind {
        Kind::Plain => whole(out, start),
        Kind::Pwd => {
            if !matches!(b.get(start), Some(b'/' | b'~')) {
                whole(out, start);
            }
        }
        Kind::Authorization => {
            let word = run(b, start, |c| c.is_ascii_alphanumeric() || c == b'-').min(limit);
            let scheme = &b[start..word];
            let is_scheme = SCHEMES
                .iter()
                .any(|s| s.as_bytes().eq_ignore_ascii_case(scheme));
            if is_scheme && word < limit && blank(b[word]) {
                whole(out, run(b, word, blank).min(limit));
            } else {
                whole(out, start);
            }
        }
        Kind::Cookie | Kind::SetCookie => {
            let mut p = start;
            loop {
                let name = run(b, p, |c| c != b'=' && !value_end(c)).min(limit);
                if name == p || b.get(name) != Some(&b'=') || name >= limit {
                    break;
                }
                let value = bare(name + 1);
                push(out, value.clone());
                if kind == Kind::SetCookie || b.get(value.end) != Some(&b';') {
                    break;
                }
                p = run(b, value.end + 1, blank);
                if p >= limit {
                    break;
                }
            }
        }
    }
}

/// The key that ends before `sep` (spaces and a closing quote between them allowed).
fn key_before(b: &[u8], sep: usize) -> Option<Range<usize>> {
    let mut end = sep;
    while end > 0 && blank(b[end - 1]) && sep - end < 8 {
        end -= 1;
    }
    if end > 0 && (b[end - 1] == b'"' || b[end - 1] == b'\'') {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && key_char(b[start - 1]) {
        if end - start == MAX_KEY {
            return None;
        }
        start -= 1;
    }
    (start < end).then_some(start..end)
}

/// The line from `from`, without a ` #` comment and trailing blanks (stopping at a `[`, so
/// that a masked line is not masked again).
fn rest_of_line(b: &[u8], from: usize) -> Range<usize> {
    let mut end = run(b, from, |c| c != b'\n' && c != b'\r' && c != b'[');
    if let Some(p) = b[from..end].windows(2).position(|w| w == b" #") {
        end = from + p;
    }
    while end > from && blank(b[end - 1]) {
        end -= 1;
    }
    from..end
}

/// The text inside the quote that opens at `open`, up to the matching quote on the same
/// line (backslash escapes skipped); `None` when it is not closed.
fn quoted_body(b: &[u8], open: usize) -> Option<Range<usize>> {
    let quote = b[open];
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' | b'\r' => return None,
            c if c == quote => return Some(open + 1..i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::redact::Redactor;

    #[track_caller]
    fn check(input: &str, expected: &str) {
        let r = Redactor::new();
        assert_eq!(r.redact_str(input), expected, "input: {input:?}");
        assert_eq!(r.redact_str(expected), expected, "again: {expected:?}");
    }

    #[test]
    fn forms() {
        check(r#"{"password":"x"}"#, r#"{"password":"[REDACTED]"}"#);
        check(r#"{"password": "x y"}"#, r#"{"password": "[REDACTED]"}"#);
        check(
            r#"{"token": "a\"b", "n": 1}"#,
            r#"{"token": "[REDACTED]", "n": 1}"#,
        );
        check("{'api_key': 'x'}", "{'api_key': '[REDACTED]'}");
        check("password: x\nuser: y", "password: [REDACTED]\nuser: y");
        check(
            "  passphrase = open sesame # old\nx",
            "  passphrase = [REDACTED] # old\nx",
        );
        check("login password: x y", "login password: [REDACTED] y");
        check("password = x", "password = [REDACTED]");
        check(":password => \"x\"", ":password => \"[REDACTED]\"");
        check(
            r#"Config { user: "bob", password: "hunter2" }"#,
            r#"Config { user: "bob", password: "[REDACTED]" }"#,
        );
        check(
            "Opts { token: Some(\"abc\") }",
            "Opts { token: Some(\"[REDACTED]\") }",
        );
        check("token: \"unclosed", "token: \"[REDACTED]");
    }

    #[test]
    fn headers() {
        check(
            "Authorization: Basic dXNlcjpwYXNz",
            "Authorization: Basic [REDACTED]",
        );
        check(
            "sent authorization: s3cr3t x",
            "sent authorization: [REDACTED] x",
        );
        check(
            r#"{"Authorization": "Digest abc, def"}"#,
            r#"{"Authorization": "Digest [REDACTED]"}"#,
        );
        check(
            "Cookie: session=abc; theme=dark\nHost: x",
            "Cookie: session=[REDACTED]; theme=[REDACTED]\nHost: x",
        );
        check(
            "Set-Cookie: sid=abc; Path=/; HttpOnly",
            "Set-Cookie: sid=[REDACTED]; Path=/; HttpOnly",
        );
        check("X-Api-Key: abc", "X-Api-Key: [REDACTED]");
    }

    #[test]
    fn not_values() {
        for text in [
            "if token == x",
            "password != y",
            "a::token::b",
            "token := x",
            "PWD=/home/ann",
            "pwd: ~/src",
            "at 10:00:00",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db",
        ] {
            check(text, text);
        }
    }
}
