//! Vendor tokens: API keys recognisable by their prefix, wherever they appear in text.
//!
//! Most vendors prefix their secrets so that scanners can find them. Each prefix below needs
//! a minimum number of token characters after it, so that prose and identifiers that merely
//! start the same way (`sk-learn`, `risk-free`, `npm_config`) are left alone, and no letter
//! or digit (nor `_`) may come right before it. The prefix is kept and the rest masked, so a
//! reader still sees which kind of credential was there.
//!
//! | Vendor | Prefix | After the prefix |
//! |---|---|---|
//! | GitHub | `ghp_ gho_ ghu_ ghs_ ghr_` | 30+ letters or digits |
//! | GitHub | `github_pat_` | 40+ letters, digits or `_` |
//! | Stripe | `sk_live_ sk_test_ rk_live_ rk_test_ whsec_` | 16+ (24+ for `whsec_`) letters or digits |
//! | Slack | `xoxb- xoxp- xoxa- xoxr- xoxs- xoxe- xapp-` | 20+ letters, digits or `-` |
//! | Google | `AIza` | exactly 35 base64url characters |
//! | GitLab | `glpat-` | 20+ base64url characters |
//! | npm | `npm_` | 30+ letters or digits |
//! | OpenAI, Anthropic | `sk-` (`sk-proj-`, `sk-ant-`) | 32+ base64url characters, with a digit, an upper- and a lower-case letter |
//! | SendGrid | `SG.` | 16+ base64url, `.`, 16+ base64url |
//! | Twilio | `SK` | exactly 32 lower-case hex digits (an API key SID) |
//! | PyPI | `pypi-` | `AgE` and 50+ base64url characters |
//! | Shopify | `shpat_ shpss_ shpca_ shppa_` | 32+ hex digits |
//! | DigitalOcean | `dop_v1_` | 64+ hex digits |
//!
//! Stripe's publishable keys (`pk_live_`, `pk_test_`) are public by design (they ship in web
//! pages) and are left alone. The scan stops at `_` and `-` (and at `A` and `S` for the
//! prefixes without one; see [`patterns`](super::patterns)) and looks back at most a few
//! bytes for the prefix, so identifiers cost little.

use std::ops::Range;

use super::bytes::{alnum, b64url, run};

/// Which bytes a token is made of.
#[derive(Clone, Copy)]
enum Body {
    Alnum,
    AlnumUnderscore,
    AlnumDash,
    B64url,
    Hex,
}

impl Body {
    #[inline]
    fn accepts(self, c: u8) -> bool {
        match self {
            Body::Alnum => alnum(c),
            Body::AlnumUnderscore => alnum(c) || c == b'_',
            Body::AlnumDash => alnum(c) || c == b'-',
            Body::B64url => b64url(c),
            Body::Hex => c.is_ascii_hexdigit(),
        }
    }
}

/// A prefixed token: the prefix, how many letters come before its first `_` or `-`, the
/// token's bytes and its minimum length, and whether it must mix digits and both cases.
struct Vendor {
    prefix: &'static str,
    word: usize,
    body: Body,
    min: usize,
    mixed: bool,
    starts: &'static str,
}

const fn v(prefix: &'static str, word: usize, body: Body, min: usize) -> Vendor {
    Vendor {
        prefix,
        word,
        body,
        min,
        mixed: false,
        starts: "",
    }
}

static VENDORS: &[Vendor] = &[
    v("ghp_", 3, Body::Alnum, 30),
    v("gho_", 3, Body::Alnum, 30),
    v("ghu_", 3, Body::Alnum, 30),
    v("ghs_", 3, Body::Alnum, 30),
    v("ghr_", 3, Body::Alnum, 30),
    v("npm_", 3, Body::Alnum, 30),
    v("dop_v1_", 3, Body::Hex, 64),
    v("github_pat_", 6, Body::AlnumUnderscore, 40),
    v("sk_live_", 2, Body::Alnum, 16),
    v("sk_test_", 2, Body::Alnum, 16),
    v("rk_live_", 2, Body::Alnum, 16),
    v("rk_test_", 2, Body::Alnum, 16),
    v("whsec_", 5, Body::Alnum, 24),
    v("shpat_", 5, Body::Hex, 32),
    v("shpss_", 5, Body::Hex, 32),
    v("shpca_", 5, Body::Hex, 32),
    v("shppa_", 5, Body::Hex, 32),
    v("xoxb-", 4, Body::AlnumDash, 20),
    v("xoxp-", 4, Body::AlnumDash, 20),
    v("xoxa-", 4, Body::AlnumDash, 20),
    v("xoxr-", 4, Body::AlnumDash, 20),
    v("xoxs-", 4, Body::AlnumDash, 20),
    v("xoxe-", 4, Body::AlnumDash, 20),
    v("xapp-", 4, Body::AlnumDash, 20),
    v("glpat-", 5, Body::B64url, 20),
    Vendor {
        mixed: true,
        ..v("sk-", 2, Body::B64url, 32)
    },
    Vendor {
        starts: "AgE",
        ..v("pypi-", 4, Body::B64url, 53)
    },
];

/// The longest run of letters before a prefix's first separator.
const MAX_WORD: usize = 6;

/// Whether a prefix may start at `i`: no letter, digit or `_` right before it.
#[inline]
fn starts_word(b: &[u8], i: usize) -> bool {
    i == 0 || !(alnum(b[i - 1]) || b[i - 1] == b'_')
}

/// The token after a vendor prefix whose first `_` or `-` is at `sep`, and where to go on
/// scanning.
pub(super) fn after_separator(b: &[u8], sep: usize) -> Option<(Range<usize>, usize)> {
    let mut word = sep;
    while word > 0 && sep - word <= MAX_WORD && b[word - 1].is_ascii_alphabetic() {
        word -= 1;
    }
    // Every prefix starts with one of these letters.
    if word == sep
        || sep - word > MAX_WORD
        || !matches!(
            b[word],
            b'g' | b'n' | b'd' | b's' | b'r' | b'w' | b'x' | b'p'
        )
        || !starts_word(b, word)
    {
        return None;
    }
    let vendor = VENDORS
        .iter()
        .find(|v| v.word == sep - word && b[word..].starts_with(v.prefix.as_bytes()))?;
    let start = word + vendor.prefix.len();
    let end = run(b, start, |c| vendor.body.accepts(c));
    let token = &b[start..end];
    let mixed = || {
        token.iter().any(u8::is_ascii_digit)
            && token.iter().any(u8::is_ascii_uppercase)
            && token.iter().any(u8::is_ascii_lowercase)
    };
    let ok = token.len() >= vendor.min
        && token.starts_with(vendor.starts.as_bytes())
        && (!vendor.mixed || mixed());
    ok.then_some((start..end, end))
}

/// `AIza` and 35 base64url characters at `i` (a Google API key).
pub(super) fn google(b: &[u8], i: usize) -> Option<Range<usize>> {
    if !b[i..].starts_with(b"AIza") || !starts_word(b, i) {
        return None;
    }
    let end = run(b, i + 4, b64url);
    (end - (i + 4) == 35).then_some(i + 4..end)
}

/// `SG.`, base64url, `.`, base64url at `i` (a SendGrid API key).
pub(super) fn sendgrid(b: &[u8], i: usize) -> Option<Range<usize>> {
    if !b[i..].starts_with(b"SG.") || !starts_word(b, i) {
        return None;
    }
    let id = run(b, i + 3, b64url);
    if id - (i + 3) < 16 || b.get(id) != Some(&b'.') {
        return None;
    }
    let end = run(b, id + 1, b64url);
    (end - (id + 1) >= 16).then_some(i + 3..end)
}

/// `SK` and 32 lower-case hex digits at `i` (a Twilio API key SID).
pub(super) fn twilio(b: &[u8], i: usize) -> Option<Range<usize>> {
    if !b[i..].starts_with(b"SK") || !starts_word(b, i) {
        return None;
    }
    let end = run(b, i + 2, |c| {
        c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
    });
    let len = end - (i + 2);
    (len == 32 && b.get(end).is_none_or(|&c| !alnum(c))).then_some(i + 2..end)
}

#[cfg(test)]
mod tests {
    use crate::redact::Redactor;

    #[test]
    fn prefixes_kept() {
        let r = Redactor::new();
        let gh = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
        assert_eq!(r.redact_str(gh), "ghp_[REDACTED]");
        assert_eq!(r.redact_str("ghp_[REDACTED]"), "ghp_[REDACTED]");
        assert_eq!(
            r.redact_str("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z done"),
            "key sk-[REDACTED] done"
        );
        for text in [
            "risk-free",
            "sk-learn",
            "npm_config_cache",
            "xoxb-short",
            "my_ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        ] {
            assert_eq!(r.redact_str(text), text);
        }
    }
}
