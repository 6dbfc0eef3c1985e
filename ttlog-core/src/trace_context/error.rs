//! [`TraceContextError`]: why a header or a correlation id was refused, with the field and the
//! position at fault.

use std::fmt;

use super::grammar::*;

// ===== impl TraceContextError =====

/// What kind of problem a [`TraceContextError`] reports.
///
/// # Examples
///
/// ```
/// use ttlog_core::{TraceContext, TraceContextErrorKind};
///
/// let err = TraceContext::parse(
///     "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
///     None,
/// )
/// .unwrap_err();
/// assert_eq!(err.kind(), TraceContextErrorKind::Version);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceContextErrorKind {
    /// The `traceparent` is too short, or a version `00` one is longer than 55 characters.
    TraceparentLength,
    /// The version is not two lowercase hex digits, or is the forbidden `ff`.
    Version,
    /// A `-` is missing between fields, or a later version's header goes on after the
    /// trace-flags without one.
    Delimiter,
    /// The trace-id is not 32 lowercase hex digits.
    TraceId,
    /// The trace-id is all zeros.
    ZeroTraceId,
    /// The parent-id is not 16 lowercase hex digits.
    ParentId,
    /// The parent-id is all zeros.
    ZeroParentId,
    /// The trace-flags are not two lowercase hex digits.
    Flags,
    /// A `tracestate` member is not `key=value`.
    TracestateMember,
    /// A `tracestate` key breaks the key grammar.
    TracestateKey,
    /// A `tracestate` value breaks the value grammar.
    TracestateValue,
    /// A `tracestate` key appears twice.
    DuplicateKey,
    /// A `tracestate` has more than 32 members.
    TooManyMembers,
    /// A correlation id is empty, longer than [`MAX_CORRELATION_ID_LEN`] characters, or has
    /// a character that is not visible ASCII.
    CorrelationId,
}

/// A `traceparent` or `tracestate` header that could not be parsed, or a `tracestate` entry
/// that [`TraceState::insert`](crate::TraceState::insert) refused.
///
/// The message starts with the header's name and says what is wrong and where: the field and
/// character position in a `traceparent`, the member number (from 1) in a `tracestate`.
/// Quoted input is cut to 64 characters and control characters are escaped, so a message
/// stays one short line whatever was received.
///
/// # Examples
///
/// ```
/// use ttlog_core::{TraceContext, TraceContextErrorKind};
///
/// let err = TraceContext::parse(
///     "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
///     None,
/// )
/// .unwrap_err();
/// assert_eq!(err.kind(), TraceContextErrorKind::TraceId);
/// assert_eq!(
///     err.to_string(),
///     "traceparent: trace-id has `B` at character 5 \
///      (expected lowercase hex; uppercase is not allowed)",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceContextError {
    repr: Repr,
}

impl TraceContextError {
    /// What kind of problem this is.
    ///
    /// ```
    /// use ttlog_core::{TraceState, TraceContextErrorKind};
    /// let err = TraceState::parse("a=1,a=2").unwrap_err();
    /// assert_eq!(err.kind(), TraceContextErrorKind::DuplicateKey);
    /// ```
    pub fn kind(&self) -> TraceContextErrorKind {
        use TraceContextErrorKind as K;
        match &self.repr {
            Repr::TooShort { .. } | Repr::TooLong { .. } => K::TraceparentLength,
            Repr::VersionFf => K::Version,
            Repr::NotHex { field, .. } => match field {
                TpField::Version => K::Version,
                TpField::TraceId => K::TraceId,
                TpField::ParentId => K::ParentId,
                TpField::Flags => K::Flags,
            },
            Repr::Dash { .. } | Repr::FutureTail { .. } => K::Delimiter,
            Repr::ZeroTraceId => K::ZeroTraceId,
            Repr::ZeroParentId => K::ZeroParentId,
            Repr::MissingEquals { .. } => K::TracestateMember,
            Repr::Key { .. } => K::TracestateKey,
            Repr::Value { .. } => K::TracestateValue,
            Repr::DuplicateKey { .. } => K::DuplicateKey,
            Repr::TooManyMembers { .. } => K::TooManyMembers,
            Repr::Correlation { .. } => K::CorrelationId,
        }
    }

    /// Whether the error is in the `tracestate` header (or a `tracestate` entry) rather than
    /// the `traceparent`. A context whose only fault is its `tracestate` should still be used,
    /// without the state.
    ///
    /// ```
    /// use ttlog_core::TraceContext;
    /// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /// assert!(TraceContext::parse(tp, Some("a=1,a=2")).unwrap_err().is_tracestate());
    /// assert!(!TraceContext::parse("00", None).unwrap_err().is_tracestate());
    /// ```
    pub fn is_tracestate(&self) -> bool {
        matches!(
            self.repr,
            Repr::MissingEquals { .. }
                | Repr::Key { .. }
                | Repr::Value { .. }
                | Repr::DuplicateKey { .. }
                | Repr::TooManyMembers { .. }
        )
    }
}

impl From<Repr> for TraceContextError {
    fn from(repr: Repr) -> TraceContextError {
        TraceContextError { repr }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Repr {
    /// Fewer than 55 characters (or fewer than 2, before the version could be read).
    TooShort {
        found: usize,
    },
    /// A version `00` header longer than 55 characters.
    TooLong {
        found: usize,
    },
    VersionFf,
    /// A character other than lowercase hex in a field, at byte (= character) offset `at`.
    NotHex {
        field: TpField,
        found: char,
        at: usize,
    },
    /// No `-` after `after`, at offset `at`.
    Dash {
        after: TpField,
        found: char,
        at: usize,
    },
    /// A later version going on after its 55 characters without a `-`.
    FutureTail {
        version: u8,
        found: char,
    },
    ZeroTraceId,
    ZeroParentId,
    MissingEquals {
        member: usize,
        text: Quote,
    },
    Key {
        member: Option<usize>,
        key: Quote,
        problem: KeyProblem,
    },
    Value {
        member: Option<usize>,
        key: Quote,
        value: Quote,
        problem: ValueProblem,
    },
    DuplicateKey {
        member: usize,
        first: usize,
        key: Quote,
    },
    TooManyMembers {
        found: usize,
    },
    Correlation {
        id: Quote,
        problem: CorrelationProblem,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TpField {
    Version,
    TraceId,
    ParentId,
    Flags,
}

impl TpField {
    fn name(self) -> &'static str {
        match self {
            TpField::Version => "version",
            TpField::TraceId => "trace-id",
            TpField::ParentId => "parent-id",
            TpField::Flags => "trace-flags",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum KeyProblem {
    Empty,
    Char(char),
    TooLong(usize),
    Start,
    TwoAts,
    TenantEmpty,
    TenantTooLong(usize),
    TenantStart,
    SystemEmpty,
    SystemTooLong(usize),
    SystemStart,
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProblem::Empty => f.write_str("it is empty"),
            KeyProblem::Char(c) => write!(
                f,
                "`{}` is not allowed; keys use a-z, 0-9, `_`, `-`, `*`, `/` and one `@`",
                Escaped(*c)
            ),
            KeyProblem::TooLong(n) => write!(
                f,
                "{n} characters, at most {MAX_TRACESTATE_KEY_LEN} are allowed"
            ),
            KeyProblem::Start => f.write_str("it must start with a lowercase letter"),
            KeyProblem::TwoAts => f.write_str("more than one `@`"),
            KeyProblem::TenantEmpty => f.write_str("nothing before `@`"),
            KeyProblem::TenantTooLong(n) => write!(
                f,
                "the tenant before `@` has {n} characters, at most {MAX_TENANT_LEN} are allowed"
            ),
            KeyProblem::TenantStart => {
                f.write_str("the tenant before `@` must start with a lowercase letter or digit")
            }
            KeyProblem::SystemEmpty => f.write_str("nothing after `@`"),
            KeyProblem::SystemTooLong(n) => write!(
                f,
                "the system after `@` has {n} characters, at most {MAX_SYSTEM_LEN} are allowed"
            ),
            KeyProblem::SystemStart => {
                f.write_str("the system after `@` must start with a lowercase letter")
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ValueProblem {
    Empty,
    /// The character and its 1-based position in the value.
    Char(char, usize),
    TooLong(usize),
    TrailingSpace,
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::Empty => f.write_str("it is empty"),
            ValueProblem::Char(c, at) => write!(
                f,
                "`{}` at character {at} is not allowed; values are printable ASCII \
                 without `,` and `=`",
                Escaped(*c)
            ),
            ValueProblem::TooLong(n) => write!(
                f,
                "{n} characters, at most {MAX_TRACESTATE_VALUE_LEN} are allowed"
            ),
            ValueProblem::TrailingSpace => f.write_str("it ends with a space"),
        }
    }
}

/// Input quoted in an error: at most [`QUOTE_CHARS`] characters, and whether it was cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Quote {
    text: Box<str>,
    cut: bool,
}

impl Quote {
    pub(super) fn new(s: &str) -> Quote {
        let end = s
            .char_indices()
            .nth(QUOTE_CHARS)
            .map_or(s.len(), |(i, _)| i);
        Quote {
            text: s[..end].into(),
            cut: end < s.len(),
        }
    }
}

impl fmt::Display for Quote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.text.chars() {
            write!(f, "{}", Escaped(c))?;
        }
        if self.cut {
            f.write_str("…")?;
        }
        Ok(())
    }
}

/// A character as an error message shows it: control characters escaped.
pub(super) struct Escaped(char);

impl fmt::Display for Escaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_control() {
            write!(f, "{}", self.0.escape_debug())
        } else {
            write!(f, "{}", self.0)
        }
    }
}

pub(super) fn member_prefix(f: &mut fmt::Formatter<'_>, member: Option<usize>) -> fmt::Result {
    match member {
        Some(n) => write!(f, "tracestate: member {n} "),
        None => f.write_str("tracestate: "),
    }
}

impl fmt::Display for TraceContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::TooShort { found: 0 } => {
                write!(
                    f,
                    "traceparent: empty, expected {TRACEPARENT_LEN} characters"
                )
            }
            Repr::TooShort { found } => write!(
                f,
                "traceparent: too short: {found} characters, expected {TRACEPARENT_LEN}"
            ),
            Repr::TooLong { found } => write!(
                f,
                "traceparent: version 00 must be exactly {TRACEPARENT_LEN} characters, \
                 found {found}"
            ),
            Repr::VersionFf => f.write_str("traceparent: version `ff` is invalid"),
            Repr::NotHex { field, found, at } => {
                write!(
                    f,
                    "traceparent: {} has `{}` at character {} (expected lowercase hex",
                    field.name(),
                    Escaped(*found),
                    at + 1
                )?;
                if found.is_ascii_hexdigit() {
                    f.write_str("; uppercase is not allowed")?;
                }
                f.write_str(")")
            }
            Repr::Dash { after, found, at } => write!(
                f,
                "traceparent: expected `-` after the {} at character {}, found `{}`",
                after.name(),
                at + 1,
                Escaped(*found)
            ),
            Repr::FutureTail { version, found } => write!(
                f,
                "traceparent: version {version:02x} goes on after trace-flags without `-` \
                 (found `{}` at character {})",
                Escaped(*found),
                TRACEPARENT_LEN + 1
            ),
            Repr::ZeroTraceId => f.write_str("traceparent: trace-id is all zeros"),
            Repr::ZeroParentId => f.write_str("traceparent: parent-id is all zeros"),
            Repr::MissingEquals { member, text } => write!(
                f,
                "tracestate: member {member} `{text}` is not `key=value` (no `=`)"
            ),
            Repr::Key {
                member,
                key,
                problem,
            } => {
                member_prefix(f, *member)?;
                let verb = if member.is_some() { "has an " } else { "" };
                write!(f, "{verb}invalid key `{key}` ({problem})")
            }
            Repr::Value {
                member,
                key,
                value,
                problem,
            } => {
                member_prefix(f, *member)?;
                let verb = if member.is_some() { "has an " } else { "" };
                write!(
                    f,
                    "{verb}invalid value `{value}` for key `{key}` ({problem})"
                )
            }
            Repr::DuplicateKey { member, first, key } => write!(
                f,
                "tracestate: member {member} repeats key `{key}` (first in member {first})"
            ),
            Repr::TooManyMembers { found } => write!(
                f,
                "tracestate: {found} list-members, at most {MAX_TRACESTATE_MEMBERS} are allowed"
            ),
            Repr::Correlation { id, problem } => match problem {
                CorrelationProblem::Empty => f.write_str("correlation id: empty"),
                CorrelationProblem::TooLong(n) => write!(
                    f,
                    "correlation id: `{id}` is {n} characters, at most \
                     {MAX_CORRELATION_ID_LEN} are allowed"
                ),
                CorrelationProblem::Char(c, at) => write!(
                    f,
                    "correlation id: `{id}` has `{}` at character {} (expected visible \
                     ASCII, `!` to `~`)",
                    Escaped(*c),
                    at + 1
                ),
            },
        }
    }
}

impl std::error::Error for TraceContextError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CorrelationProblem {
    Empty,
    /// Its length in characters.
    TooLong(usize),
    /// A character that is not visible ASCII, and its position (from 0) in characters.
    Char(char, usize),
}
