//! The built-in patterns: hand-written scanners that find secrets inside text.
//!
//! One pass over the bytes stops only at bytes that can start (or anchor) a pattern (`=`,
//! `:`, `-`, `_`, `A`, `B`, `b`, `e`, `S`, looked up in a table); everything else costs one
//! table load per byte. Each scanner returns the byte range to mask, always between ASCII
//! bytes (so on `char` boundaries). The rules:
//!
//! - **Key and value** (`structured.rs`): a key that names a secret under
//!   the key rule (see [`keys`](super::keys)), then `=`, `:` or `=>`, then a value, as they appear in
//!   query strings and form bodies (`?token=..&`), `key=value` logs, INI (`password = x`),
//!   YAML and headers (`password: x`, `X-Api-Key: x`), JSON and Python dicts
//!   (`{"password": "x y"}`, `'api_key': 'x'`) and Rust `Debug` output
//!   (`Config { password: "x" }`, `Some("x")`). The value is masked: the text inside its
//!   quotes, or up to a delimiter (whitespace, `& ; , " ' < > ( ) [ ] { } |` or a backtick).
//!   `Authorization` keeps its scheme (`Basic [REDACTED]`), `Cookie` masks every cookie's
//!   value, `Set-Cookie` the cookie's value but not its attributes.
//! - **Passwords in URLs** (`urls.rs`): `scheme://user:password@host` (any
//!   scheme: `postgres`, `mongodb+srv`, `redis`, `amqp`, `https`…); the password is masked,
//!   the scheme, user and host kept.
//! - **Vendor tokens** (`tokens.rs`): GitHub, Stripe secret keys, Slack,
//!   Google API keys, GitLab, npm, OpenAI and Anthropic, SendGrid, Twilio, PyPI, Shopify and
//!   DigitalOcean tokens, by their prefix and a minimum length after it; the prefix is kept.
//! - **Bearer tokens**: `Bearer` (any case, not preceded by a letter or digit), spaces or
//!   tabs, then a token of RFC 6750 `b64token` characters (`A-Z a-z 0-9 - . _ ~ + /`, then
//!   `=` padding) at least 8 long that holds a digit, or at least 20 long. The token is masked.
//! - **JWTs**: three base64url runs joined by dots, the first starting with `eyJ` (a JSON
//!   object), at least 10 long, the second at least 2 (the third may be empty: unsecured
//!   JWTs), not preceded by a base64url character or a dot. The whole token is masked.
//! - **AWS access key ids**: `AKIA` or `ASIA` and 16 upper-case letters or digits, with no
//!   letter or digit on either side. Masked whole. (AWS secret keys are found by their key,
//!   `aws_secret_access_key`, like any other secret.)
//! - **PEM private keys**: `-----BEGIN <label>-----` whose label is upper-case letters,
//!   digits and spaces ending in `PRIVATE KEY`; the body up to the next `-----END ` is
//!   masked (to the end of the text when no end line follows: a cut key is still a key).
//!   `BEGIN PUBLIC KEY` and `BEGIN CERTIFICATE` are left alone.
//!
//! Every masked range ends before a byte the range's own scanner could not extend into, and
//! no scanner accepts `[` inside what it masks (or masks a quoted value that is already the
//! mask), so the mask `[REDACTED]` never becomes part of a new match: redacting redacted text
//! changes nothing (the `redact` fuzz target checks it).

use std::ops::Range;

use super::bytes::{alnum, b64url, run};
use super::{structured, tokens, urls};

/// Bytes that can start (or, for `=`, `:`, `-` and `_`, anchor) a built-in pattern.
static TRIGGER: [bool; 256] = {
    let mut t = [false; 256];
    t[b'=' as usize] = true;
    t[b':' as usize] = true;
    t[b'-' as usize] = true;
    t[b'_' as usize] = true;
    t[b'A' as usize] = true;
    t[b'B' as usize] = true;
    t[b'b' as usize] = true;
    t[b'e' as usize] = true;
    t[b'S' as usize] = true;
    t
};

/// The shortest text a built-in pattern can match (`pwd=x` is 5 bytes).
pub(crate) const MIN_LEN: usize = 5;

/// Pushes the range of every built-in secret in `text` onto `out`; `custom` are the
/// normalized custom secret key names for the key rule.
pub(crate) fn find(text: &str, custom: &[String], out: &mut Vec<Range<usize>>) {
    let b = text.as_bytes();
    if b.len() < MIN_LEN {
        return;
    }
    let mut i = 0;
    while i < b.len() {
        if !TRIGGER[b[i] as usize] {
            i += 1;
            continue;
        }
        match b[i] {
            b'=' => structured::key_value(b, i, custom, out),
            b':' => {
                if let Some(r) = urls::password(b, i) {
                    out.push(r);
                }
                structured::key_value(b, i, custom, out);
            }
            b'-' => {
                if let Some((body, end)) = pem(text, i) {
                    if !body.is_empty() {
                        out.push(body);
                    }
                    i = end;
                    continue;
                }
                if let Some((r, end)) = tokens::after_separator(b, i) {
                    out.push(r);
                    i = end;
                    continue;
                }
            }
            b'_' => {
                if let Some((r, end)) = tokens::after_separator(b, i) {
                    out.push(r);
                    i = end;
                    continue;
                }
            }
            b'B' | b'b' => {
                if let Some(r) = bearer(b, i) {
                    out.push(r);
                }
            }
            b'e' => {
                if let Some(r) = jwt(b, i) {
                    out.push(r);
                }
            }
            b'A' => {
                if let Some(r) = aws_access_key_id(b, i).or_else(|| tokens::google(b, i)) {
                    out.push(r);
                }
            }
            b'S' => {
                if let Some(r) = tokens::sendgrid(b, i).or_else(|| tokens::twilio(b, i)) {
                    out.push(r);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

#[inline]
fn b64token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}

/// `Bearer <token>` at `i`.
fn bearer(b: &[u8], i: usize) -> Option<Range<usize>> {
    const WORD: &[u8] = b"bearer";
    if i > 0 && alnum(b[i - 1]) {
        return None;
    }
    let word = b.get(i..i + WORD.len())?;
    if !word.eq_ignore_ascii_case(WORD) {
        return None;
    }
    let start = run(b, i + WORD.len(), |c| c == b' ' || c == b'\t');
    if start == i + WORD.len() {
        return None;
    }
    let mut end = run(b, start, b64token);
    let digits = b[start..end].iter().any(u8::is_ascii_digit);
    end = run(b, end, |c| c == b'=');
    let len = end - start;
    (len >= 20 || (len >= 8 && digits)).then_some(start..end)
}

/// A JWT starting at `i`.
fn jwt(b: &[u8], i: usize) -> Option<Range<usize>> {
    if !b[i..].starts_with(b"eyJ") || (i > 0 && (b64url(b[i - 1]) || b[i - 1] == b'.')) {
        return None;
    }
    let header = run(b, i, b64url);
    if header - i < 10 || b.get(header) != Some(&b'.') {
        return None;
    }
    let payload = run(b, header + 1, b64url);
    if payload - (header + 1) < 2 || b.get(payload) != Some(&b'.') {
        return None;
    }
    let signature = run(b, payload + 1, b64url);
    Some(i..signature)
}

/// `AKIA…` / `ASIA…` at `i`.
fn aws_access_key_id(b: &[u8], i: usize) -> Option<Range<usize>> {
    let id = b.get(i..i + 20)?;
    if !(id.starts_with(b"AKIA") || id.starts_with(b"ASIA")) || (i > 0 && alnum(b[i - 1])) {
        return None;
    }
    let ok = id[4..]
        .iter()
        .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit());
    (ok && b.get(i + 20).is_none_or(|&c| !alnum(c))).then_some(i..i + 20)
}

/// A PEM private-key block starting at `i`: the body's range and where to go on scanning.
fn pem(text: &str, i: usize) -> Option<(Range<usize>, usize)> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let rest = text.get(i..)?;
    if !rest.starts_with(BEGIN) {
        return None;
    }
    let label_start = i + BEGIN.len();
    let b = text.as_bytes();
    let label_end = run(b, label_start, |c| {
        c.is_ascii_uppercase() || c.is_ascii_digit() || c == b' '
    });
    let label = &text[label_start..label_end];
    if !label.ends_with("PRIVATE KEY") || !text[label_end..].starts_with(DASHES) {
        return None;
    }
    let body = label_end + DASHES.len();
    match text[body..].find("-----END ") {
        Some(p) => Some((body..body + p, body + p + 1)),
        None => Some((body..text.len(), text.len())),
    }
}
