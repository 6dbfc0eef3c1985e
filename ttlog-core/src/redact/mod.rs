//! Redaction: secrets are masked before any sink, the flight recorder or a snapshot sees
//! them.
//!
//! Logs leak credentials: a `password` field, an `Authorization` header logged whole, a URL
//! with `?token=` in it, a key pasted into an error message. ttlog masks them by default, in
//! the collector thread, when an event is taken from its ring and before it is stored in the
//! flight recorder or handed to the sinks. So every sink and every snapshot gets the redacted
//! event, and the thread that logs pays nothing: its path (gates, ring write) is unchanged. A
//! custom [`Logger`](crate::Logger) installed in place of the ring logger receives events as
//! they were logged, unredacted; it can call [`Redactor`] itself.
//!
//! Two kinds of rule:
//!
//! - **Keys** ([`keys`]): a field whose name names a secret (`password`, `dbPassword`,
//!   `x-api-key`, `accessToken`, `Authorization`…; names are read as words, so `tokenizer`
//!   and `token_count` do not) has its whole value replaced by [`MASK`], whatever its type.
//!   Empty values (span fields not yet recorded) stay empty. When such a field holds text of
//!   at least 4 characters, that text is also masked wherever it appears in the event's
//!   message and other text values: a narration's `human`, `cute` and `story` texts (filled
//!   from its fields on the caller's thread) and messages formatted from the same value.
//! - **Patterns** ([`patterns`]): string values and messages are scanned for secrets as they
//!   appear in text: a secret key with its value (`key=value`, `key: value`, JSON, YAML,
//!   headers such as `Authorization: Basic …` and `Cookie: …`, Rust `Debug` output),
//!   passwords in URLs (`postgres://app:pw@db`), vendor tokens (`ghp_…`, `sk_live_…`,
//!   `xoxb-…`, `AIza…`…), bearer tokens, JWTs, AWS access key ids and PEM private-key
//!   blocks; each secret is replaced by [`MASK`] in place, keeping the text around it.
//!   Custom [`Pattern`]s add to them.
//!
//! Span fields are redacted the same way, when the span is created and when a field is
//! recorded. Literal messages (the callsite's own text) are scanned once per callsite.
//!
//! The cost: key rules are decided once per callsite and cached, so a field costs one load;
//! a string value or message is scanned once, stopping only at the few bytes that can start a
//! pattern; text with nothing to mask is not copied.
//!
//! ```
//! use ttlog_core::redact::Redactor;
//!
//! let r = Redactor::new();
//! assert!(r.is_secret_key("DB_PASSWORD"));
//! assert!(!r.is_secret_key("tokenizer"));
//! assert_eq!(
//!     r.redact_str("GET /cb?code=42&access_token=ya29.a0AfH6SM&x=1"),
//!     "GET /cb?code=42&access_token=[REDACTED]&x=1"
//! );
//! ```
//!
//! 1. `mod.rs` — [`Redactor`] (the rules) and how the collector applies them to events and
//!    span fields.
//! 2. `keys.rs` — which names name a secret ([`SECRET_KEYS`], [`MASK`]).
//! 3. `patterns.rs` — the scan over text, and the patterns that need no more than a few
//!    lines (bearer tokens, JWTs, AWS key ids, PEM blocks).
//! 4. `structured.rs` — a secret key and its value inside text (query strings, JSON, YAML,
//!    INI, headers, `Debug` output).
//! 5. `urls.rs` — passwords in URLs.
//! 6. `tokens.rs` — vendor tokens by prefix.
//! 7. `bytes.rs` — the byte classes and runs the scanners share.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crate::callsite::map::CallsiteMap;
use crate::callsite::Callsite;
use crate::event::LogEvent;
use crate::field::FieldValue;
use crate::span::op::SpanOpKind;

mod bytes;
pub mod keys;
pub mod patterns;
mod structured;
mod tokens;
mod urls;

pub use keys::{MASK, SECRET_KEYS};

/// A custom rule for [`Redactor::pattern`] and `Builder::redact_pattern`.
///
/// There is no regex engine in ttlog's core; a pattern is either a literal prefix whose
/// following token is masked, or a function that finds the ranges to mask.
///
/// ```
/// use ttlog_core::redact::{Pattern, Redactor};
///
/// let r = Redactor::new()
///     .pattern(Pattern::prefix("acme_live_"))
///     .pattern(Pattern::matcher(|text| {
///         // Mask every run of 12 or more digits (card-like numbers).
///         let mut out = Vec::new();
///         let mut start = None;
///         for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
///             match (c.is_ascii_digit(), start) {
///                 (true, None) => start = Some(i),
///                 (false, Some(s)) if i - s >= 12 => { out.push(s..i); start = None }
///                 (false, Some(_)) => start = None,
///                 _ => {}
///             }
///         }
///         out
///     }));
/// assert_eq!(r.redact_str("key acme_live_4eC39HqLyjWDarjtT1zdp7dc ok"), "key acme_live_[REDACTED] ok");
/// assert_eq!(r.redact_str("card 4111111111111111."), "card [REDACTED].");
/// ```
#[derive(Clone)]
pub struct Pattern(PatternKind);

#[derive(Clone)]
enum PatternKind {
    /// Lowercase prefix (matched ASCII-case-insensitively).
    Prefix(String),
    Matcher(fn(&str) -> Vec<Range<usize>>),
}

impl Pattern {
    /// Masks the token after each occurrence of `prefix` (matched ASCII-case-insensitively):
    /// the text up to whitespace or one of `& ; , " ' < > ( ) [ ] { } |` and the backtick, or
    /// the text inside quotes when the token starts with one. The prefix itself is kept.
    /// An empty prefix matches nothing.
    ///
    /// ```
    /// use ttlog_core::redact::{Pattern, Redactor};
    /// let r = Redactor::new().pattern(Pattern::prefix("session="));
    /// assert_eq!(r.redact_str("Session=abc123; path=/"), "Session=[REDACTED]; path=/");
    /// ```
    pub fn prefix(prefix: impl Into<String>) -> Pattern {
        Pattern(PatternKind::Prefix(prefix.into().to_ascii_lowercase()))
    }

    /// Masks the byte ranges `find` returns for a text. Ranges that are empty, reach past
    /// the text or do not fall on `char` boundaries are ignored; overlapping ranges are
    /// merged. `find` should not match its own output (the mask, [`MASK`]), or redacting
    /// twice would mask more than once.
    ///
    /// ```
    /// use ttlog_core::redact::{Pattern, Redactor};
    /// let r = Redactor::new().pattern(Pattern::matcher(|t| {
    ///     t.find("hunter2").map(|i| i..i + 7).into_iter().collect()
    /// }));
    /// assert_eq!(r.redact_str("pw is hunter2!"), "pw is [REDACTED]!");
    /// ```
    pub fn matcher(find: fn(&str) -> Vec<Range<usize>>) -> Pattern {
        Pattern(PatternKind::Matcher(find))
    }

    fn find(&self, text: &str, out: &mut Vec<Range<usize>>) {
        match &self.0 {
            PatternKind::Prefix(prefix) => {
                let (b, p) = (text.as_bytes(), prefix.as_bytes());
                if p.is_empty() || b.len() < p.len() {
                    return;
                }
                for i in 0..=b.len() - p.len() {
                    if b[i..i + p.len()].eq_ignore_ascii_case(p) {
                        if let Some(v) = bytes::value_at(b, i + p.len()) {
                            if text.is_char_boundary(v.start) && &b[v.clone()] != MASK.as_bytes() {
                                out.push(v);
                            }
                        }
                    }
                }
            }
            PatternKind::Matcher(find) => {
                out.extend(find(text).into_iter().filter(|r| {
                    r.start < r.end
                        && r.end <= text.len()
                        && text.is_char_boundary(r.start)
                        && text.is_char_boundary(r.end)
                }));
            }
        }
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            PatternKind::Prefix(p) => f.debug_tuple("Pattern::prefix").field(p).finish(),
            PatternKind::Matcher(_) => f.write_str("Pattern::matcher(..)"),
        }
    }
}

/// The redaction rules: secret key names and patterns.
///
/// [`Redactor::new`] has the built-in rules (see the [module docs](self)); add to them with
/// [`key`](Self::key) and [`pattern`](Self::pattern). The collector uses one, built from
/// `Builder::redact_key` and `Builder::redact_pattern`; it is public so that custom loggers,
/// sinks and tests can apply the same rules.
///
/// ```
/// use ttlog_core::redact::Redactor;
/// use ttlog_core::FieldValue;
///
/// let r = Redactor::new().key("ssn");
/// assert_eq!(r.redact_field("user_ssn", &FieldValue::from("078-05-1120")),
///            Some(FieldValue::from("[REDACTED]")));
/// assert_eq!(r.redact_field("user", &FieldValue::from("ann")), None);
/// ```
#[derive(Clone, Debug)]
pub struct Redactor {
    /// Normalized custom secret key names (see [`keys`]); the built-in ones are a rule.
    keys: Vec<String>,
    patterns: Vec<Pattern>,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new()
    }
}

impl Redactor {
    /// The built-in rules: [`SECRET_KEYS`] and the patterns of [`patterns`].
    pub fn new() -> Redactor {
        Redactor {
            keys: Vec::new(),
            patterns: Vec::new(),
        }
    }

    /// Adds a secret key name. Keys are read as words, as for the built-in names (see
    /// [`keys`]): the name matches a key whose last words are the name's words, in any case
    /// and with any separator or camelCase between them. It also applies to `name=value`,
    /// `name: value` and `"name": "value"` in text. An empty name is ignored.
    ///
    /// ```
    /// let r = ttlog_core::redact::Redactor::new().key("pin");
    /// assert!(r.is_secret_key("card.PIN"));
    /// assert!(r.is_secret_key("cardPin"));
    /// assert!(!r.is_secret_key("spin"));
    /// assert_eq!(r.redact_str("pin=1234 ok"), "pin=[REDACTED] ok");
    /// ```
    pub fn key(mut self, name: impl AsRef<str>) -> Redactor {
        let name = keys::normalize(name.as_ref());
        if !name.is_empty() && !self.keys.contains(&name) {
            self.keys.push(name);
        }
        self
    }

    /// Adds a custom pattern (see [`Pattern`]).
    pub fn pattern(mut self, pattern: Pattern) -> Redactor {
        self.patterns.push(pattern);
        self
    }

    /// Whether a field called `key` has its value masked (see [`keys`]).
    ///
    /// ```
    /// let r = ttlog_core::redact::Redactor::new();
    /// assert!(r.is_secret_key("x-api-key"));
    /// assert!(r.is_secret_key("accessToken"));
    /// assert!(!r.is_secret_key("passwordless"));
    /// assert!(!r.is_secret_key("max_tokens"));
    /// ```
    pub fn is_secret_key(&self, key: &str) -> bool {
        keys::is_secret(key.as_bytes(), &self.keys)
    }

    /// `text` with every secret the patterns find replaced by [`MASK`]; borrowed when there
    /// was nothing to mask.
    ///
    /// ```
    /// let r = ttlog_core::redact::Redactor::new();
    /// assert_eq!(r.redact_str("Authorization: Bearer 9f8e7d6c5b4a"), "Authorization: Bearer [REDACTED]");
    /// assert!(matches!(r.redact_str("nothing here"), std::borrow::Cow::Borrowed(_)));
    /// ```
    pub fn redact_str<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut ranges = Vec::new();
        self.find(text, &mut ranges);
        if ranges.is_empty() {
            return Cow::Borrowed(text);
        }
        Cow::Owned(mask(text, &mut ranges))
    }

    /// The value to log instead of `value` for a field called `key`, or `None` to keep it: the
    /// mask for a secret key (unless the value is empty), the masked text for a string in
    /// which a pattern matched.
    pub fn redact_field(&self, key: &str, value: &FieldValue) -> Option<FieldValue> {
        let kind = keys::classify(key.as_bytes(), &self.keys);
        if masks(kind, value) {
            return (!value.is_empty()).then_some(FieldValue::from_static(MASK));
        }
        self.redact_text_value(value)
    }

    /// The masked copy of a string value, `None` when it is not a string or has no secret.
    fn redact_text_value(&self, value: &FieldValue) -> Option<FieldValue> {
        let text = value.as_str()?;
        match self.redact_str(text) {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(FieldValue::from(s)),
        }
    }

    fn find(&self, text: &str, out: &mut Vec<Range<usize>>) {
        patterns::find(text, &self.keys, out);
        for p in &self.patterns {
            p.find(text, out);
        }
    }
}

/// `text` with `ranges` (sorted and merged here) replaced by the mask.
fn mask(text: &str, ranges: &mut [Range<usize>]) -> String {
    ranges.sort_unstable_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len() + MASK.len());
    let mut at = 0;
    let mut i = 0;
    while i < ranges.len() {
        let start = ranges[i].start.max(at);
        let mut end = ranges[i].end;
        i += 1;
        // Merge overlapping and touching ranges: one mask for one secret.
        while i < ranges.len() && ranges[i].start <= end {
            end = end.max(ranges[i].end);
            i += 1;
        }
        if end <= start {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(MASK);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

// ===== the collector's side =====

/// What the key rules say about one callsite, decided once.
struct CallsiteRules {
    /// Per field, whether (and how) its name is a secret key.
    secret: Box<[Option<keys::Kind>]>,
    /// Whether any field's name is a secret key.
    any_secret: bool,
    /// The literal message, redacted, when it holds a secret.
    literal: Option<FieldValue>,
}

/// The collector's redaction: the rules and a per-callsite cache of the key rules.
pub(crate) struct Redaction {
    rules: Redactor,
    callsites: CallsiteMap<CallsiteRules>,
}

impl Redaction {
    pub(crate) fn new(rules: Redactor) -> Redaction {
        Redaction {
            rules,
            callsites: HashMap::default(),
        }
    }

    fn rules_for<'a>(
        callsites: &'a mut CallsiteMap<CallsiteRules>,
        rules: &Redactor,
        cs: &'static Callsite,
    ) -> &'a CallsiteRules {
        callsites
            .entry(crate::callsite::map::key(cs))
            .or_insert_with(|| {
                let secret: Box<[Option<keys::Kind>]> = cs
                    .field_names()
                    .iter()
                    .map(|n| keys::classify(n.as_bytes(), &rules.keys))
                    .collect();
                CallsiteRules {
                    any_secret: secret.iter().any(Option::is_some),
                    secret,
                    literal: match rules.redact_str(cs.message()) {
                        Cow::Borrowed(_) => None,
                        Cow::Owned(s) => Some(FieldValue::from(s)),
                    },
                }
            })
    }

    /// Redacts an event's message and field values in place.
    pub(crate) fn event(&mut self, event: &mut LogEvent) {
        let cs = event.callsite();
        let cached = Self::rules_for(&mut self.callsites, &self.rules, cs);
        let (message, values) = event.redaction_parts();
        let echoes = match cached.any_secret {
            true => echoes(&cached.secret, values),
            false => Vec::new(),
        };
        match message {
            Some(m) => {
                if let Some(masked) = self.rules.redact_text_value(m) {
                    *m = masked;
                }
            }
            None => {
                if let Some(literal) = &cached.literal {
                    *message = Some(literal.clone());
                }
            }
        }
        redact_values(&self.rules, &cached.secret, values);
        if !echoes.is_empty() {
            if let Some(m) = message {
                mask_echoes(m, &echoes);
            }
            for (v, _) in values
                .iter_mut()
                .zip(cached.secret.iter())
                .filter(|(_, s)| s.is_none())
            {
                mask_echoes(v, &echoes);
            }
        }
    }

    /// Redacts the field values a span operation carries; `callsite` is the span's.
    pub(crate) fn span_op(&mut self, callsite: &'static Callsite, op: &mut SpanOpKind) {
        let cached = Self::rules_for(&mut self.callsites, &self.rules, callsite);
        match op {
            SpanOpKind::New { values, .. } => {
                let echoes = match cached.any_secret {
                    true => echoes(&cached.secret, values),
                    false => Vec::new(),
                };
                redact_values(&self.rules, &cached.secret, values);
                for (v, secret) in values.iter_mut().zip(cached.secret.iter()) {
                    if secret.is_none() && !echoes.is_empty() {
                        mask_echoes(v, &echoes);
                    }
                }
            }
            SpanOpKind::Record { field, value } => {
                let i = *field;
                redact_values(
                    &self.rules,
                    cached.secret.get(i..).unwrap_or(&[]),
                    std::slice::from_mut(value),
                );
            }
            _ => {}
        }
    }
}

/// The shortest secret value (in chars) that is also masked where it is echoed.
const MIN_ECHO: usize = 4;

/// The text values of the fields whose key names a secret (at least [`MIN_ECHO`] chars), to
/// be masked where the caller also wrote them into other text: a narration's `human`,
/// `cute` and `story` texts are filled from its fields on the caller's thread, as is a
/// message formatted from the same value, so masking the field alone would leave the
/// secret in the text.
fn echoes(secret: &[Option<keys::Kind>], values: &[FieldValue]) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .zip(secret)
        .filter(|(v, s)| masks(**s, v))
        .filter_map(|(v, _)| v.as_str())
        .filter(|s| s.chars().nth(MIN_ECHO - 1).is_some() && *s != MASK)
        .map(str::to_owned)
        .collect();
    // Longest first, so that a secret containing another is masked whole.
    out.sort_unstable_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

/// Masks every occurrence of one of `echoes` in a text `value`.
fn mask_echoes(value: &mut FieldValue, echoes: &[String]) {
    let Some(text) = value.as_str() else { return };
    let mut ranges: Vec<Range<usize>> = echoes
        .iter()
        .flat_map(|e| text.match_indices(e.as_str()).map(|(i, m)| i..i + m.len()))
        .collect();
    if !ranges.is_empty() {
        *value = FieldValue::from(mask(text, &mut ranges));
    }
}

/// Whether a field whose key is of `kind` has its `value` masked: a secret key masks any
/// value, except that `pwd` holding a path is the working directory.
fn masks(kind: Option<keys::Kind>, value: &FieldValue) -> bool {
    match kind {
        None => false,
        Some(keys::Kind::Pwd) => !value
            .as_str()
            .is_some_and(|s| s.starts_with('/') || s.starts_with('~')),
        Some(_) => true,
    }
}

fn redact_values(rules: &Redactor, secret: &[Option<keys::Kind>], values: &mut [FieldValue]) {
    for (i, v) in values.iter_mut().enumerate() {
        if masks(secret.get(i).copied().flatten(), v) {
            if !v.is_empty() {
                *v = FieldValue::from_static(MASK);
            }
        } else if let Some(masked) = rules.redact_text_value(v) {
            *v = masked;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge() {
        let mut r = vec![4..6, 0..2, 1..3, 3..4, 8..9];
        assert_eq!(mask("abcdefghij", &mut r), "[REDACTED]gh[REDACTED]j");
    }

    #[test]
    fn secret_values_are_masked_where_echoed() {
        use crate::level::Level;
        static CS: Callsite = Callsite::new(
            Level::Info,
            "app",
            "app",
            "src/auth.rs",
            1,
            "",
            &["human", "user", "password", "pwd", "pin"],
        );
        let human = "ann signed in with hunter22 from /srv (hunter22)";
        let values = [human, "ann", "hunter22", "/srv", "123"]
            .map(FieldValue::from)
            .into_iter()
            .collect();
        let mut event = LogEvent::from_parts(&CS, 0, 0, Some(human.into()), values);
        Redaction::new(Redactor::new()).event(&mut event);
        let masked = "ann signed in with [REDACTED] from /srv ([REDACTED])";
        assert_eq!(event.message(), masked);
        let values: Vec<String> = event.values().iter().map(|v| v.to_string()).collect();
        // `pwd` holds a path (kept); `pin` is not a secret key here.
        assert_eq!(values, [masked, "ann", MASK, "/srv", "123"]);
    }

    #[test]
    fn short_secret_values_are_not_echo_masked() {
        use crate::level::Level;
        static CS: Callsite = Callsite::new(
            Level::Info,
            "app",
            "app",
            "src/a.rs",
            1,
            "",
            &["human", "token"],
        );
        let values = ["a b c", "abc"].map(FieldValue::from).into_iter().collect();
        let mut event = LogEvent::from_parts(&CS, 0, 0, None, values);
        Redaction::new(Redactor::new()).event(&mut event);
        assert_eq!(event.values()[0], FieldValue::from("a b c"));
        assert_eq!(event.values()[1], FieldValue::from(MASK));
    }

    #[test]
    fn bad_custom_ranges_are_ignored() {
        let r = Redactor::new().pattern(Pattern::matcher(|_| {
            vec![
                #[allow(clippy::reversed_empty_ranges)]
                (5..2),
                0..100,
                1..2,
            ]
        }));
        assert_eq!(r.redact_str("é and more"), "é and more");
    }
}
