//! Passwords in URLs: `scheme://user:password@host`.
//!
//! Connection strings carry credentials in the URL's userinfo: `postgres://app:pw@db/app`,
//! `mongodb+srv://u:pw@cluster0.example.net`, `redis://:pw@cache:6379`,
//! `amqp://guest:pw@mq`, `https://x-access-token:pw@github.com/org/repo`. The scan stops at
//! each `:` followed by `//` (see [`patterns`](super::patterns)), reads the scheme backwards
//! (a letter, then letters, digits, `+ - .`), and the authority forwards up to `/`,
//! whitespace, a quote or one of `< > [ ] { } | \` and the backtick (not `?` or `#`, which
//! real passwords hold unencoded). Its userinfo runs to the authority's last `@` (so an
//! unencoded `@` in a password stays in the password too); the password
//! is what follows the userinfo's first `:`. Only the password is masked: the scheme, user
//! and host say where the connection went. A URL without a password (`https://bob@host`,
//! `ssh://git@host`) and `user@host` without a scheme are left alone.

use std::ops::Range;

use super::bytes::run;

/// The longest scheme looked at.
const MAX_SCHEME: usize = 32;

/// Whether `c` ends a URL's authority (see the module docs).
#[inline]
fn authority_end(c: u8) -> bool {
    c.is_ascii_whitespace()
        || matches!(
            c,
            b'/' | b'"' | b'\'' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'|' | b'`' | b'\\'
        )
}

/// The password of the URL whose scheme ends at `colon` (the `:` of `://`).
pub(super) fn password(b: &[u8], colon: usize) -> Option<Range<usize>> {
    if b.get(colon + 1..colon + 3)? != b"//" {
        return None;
    }
    let mut scheme = colon;
    while scheme > 0
        && colon - scheme < MAX_SCHEME
        && (b[scheme - 1].is_ascii_alphanumeric() || matches!(b[scheme - 1], b'+' | b'-' | b'.'))
    {
        scheme -= 1;
    }
    if scheme == colon || !b[scheme].is_ascii_alphabetic() {
        return None;
    }
    let start = colon + 3;
    let end = run(b, start, |c| !authority_end(c));
    let at = start + b[start..end].iter().rposition(|&c| c == b'@')?;
    let user_end = start + b[start..at].iter().position(|&c| c == b':')?;
    (user_end + 1 < at).then_some(user_end + 1..at)
}

#[cfg(test)]
mod tests {
    use crate::redact::Redactor;

    #[test]
    fn userinfo() {
        let r = Redactor::new();
        for (input, expected) in [
            ("postgres://u:PASS@h/db", "postgres://u:[REDACTED]@h/db"),
            ("redis://:pw@host:6379", "redis://:[REDACTED]@host:6379"),
            (
                "x mongodb+srv://a:p@ss@c0.example.net/db?w=1",
                "x mongodb+srv://a:[REDACTED]@c0.example.net/db?w=1",
            ),
            (
                "jdbc:mysql://root:r00t@db:3306/app",
                "jdbc:mysql://root:[REDACTED]@db:3306/app",
            ),
        ] {
            assert_eq!(r.redact_str(input), expected);
            assert_eq!(r.redact_str(expected), expected);
        }
        for input in [
            "https://bob@example.com/x",
            "ssh://git@github.com:22/org/repo",
            "https://host:8443/a@b",
            "http://[::1]:80/",
            "git@github.com:org/repo.git",
            "://u:p@h",
        ] {
            assert_eq!(r.redact_str(input), input);
        }
    }
}
