//! [`TraceState`]: the vendor list of a `tracestate` header.

use std::fmt;
use std::str::FromStr;

use super::error::*;
use super::grammar::*;

// ===== impl TraceState =====

/// The `tracestate` header: an ordered list of up to 32 `key=value` members, keys unique.
///
/// Keys are either simple (`congo`: a lowercase letter, then up to 255 of `a-z 0-9 _ - * /`)
/// or multi-tenant (`tenant@system`: up to 241 characters, then `@`, then up to 14, the system
/// part starting with a letter). Values are 1 to 256 printable ASCII characters other than
/// `,` and `=`, not ending with a space. The list is always valid: [`parse`](TraceState::parse)
/// and [`insert`](TraceState::insert) check what they are given.
///
/// Order matters to the recommendation: a vendor that adds or updates its entry moves it to
/// the front (left), which is what [`insert`](TraceState::insert) does.
///
/// # Examples
///
/// ```
/// use ttlog_core::TraceState;
///
/// let mut state = TraceState::parse("rojo=00f067aa0ba902b7, ,congo=t61rcWkgMzE").unwrap();
/// assert_eq!(state.len(), 2);
/// state.insert("congo", "ucfJifl5GOE").unwrap();
/// assert_eq!(state.to_header(), "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
/// assert_eq!(state.remove("rojo").as_deref(), Some("00f067aa0ba902b7"));
/// assert_eq!(state.to_string(), "congo=ucfJifl5GOE");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TraceState {
    entries: Vec<(String, String)>,
}

impl TraceState {
    /// An empty list.
    ///
    /// ```
    /// assert!(ttlog_core::TraceState::new().is_empty());
    /// ```
    pub const fn new() -> TraceState {
        TraceState {
            entries: Vec::new(),
        }
    }

    /// Parses a `tracestate` header (several headers joined with `,` count as one).
    ///
    /// Members are separated by `,` with optional spaces and tabs around it; empty and
    /// whitespace-only members are skipped, and the 32-member limit counts the others. An
    /// empty header is an empty list. Errors number members from 1, counting the empty ones,
    /// so the number points into the header as received.
    ///
    /// # Examples
    ///
    /// ```
    /// use ttlog_core::{TraceState, TraceContextErrorKind};
    ///
    /// let state = TraceState::parse("fw529a3039@dt=d7cc1b7b, congo=t61rcWkgMzE").unwrap();
    /// assert_eq!(state.get("fw529a3039@dt"), Some("d7cc1b7b"));
    ///
    /// let err = TraceState::parse("a=1,b=2,Foo=3").unwrap_err();
    /// assert_eq!(err.kind(), TraceContextErrorKind::TracestateKey);
    /// assert_eq!(
    ///     err.to_string(),
    ///     "tracestate: member 3 has an invalid key `Foo` \
    ///      (`F` is not allowed; keys use a-z, 0-9, `_`, `-`, `*`, `/` and one `@`)",
    /// );
    /// ```
    pub fn parse(header: &str) -> Result<TraceState, TraceContextError> {
        let mut entries: Vec<(String, String)> = Vec::new();
        // The member number (1-based, counting empty members) of each entry, for errors.
        let mut numbers: Vec<usize> = Vec::new();
        for (index, raw) in header.split(',').enumerate() {
            let number = index + 1;
            let member = raw.trim_matches(is_ows);
            if member.is_empty() {
                continue;
            }
            if entries.len() == MAX_TRACESTATE_MEMBERS {
                let found = header
                    .split(',')
                    .filter(|m| !m.trim_matches(is_ows).is_empty())
                    .count();
                return Err(Repr::TooManyMembers { found }.into());
            }
            let Some((key, value)) = member.split_once('=') else {
                return Err(Repr::MissingEquals {
                    member: number,
                    text: Quote::new(member),
                }
                .into());
            };
            check_key(key, Some(number))?;
            check_value(key, value, Some(number))?;
            if let Some(first) = entries.iter().position(|(k, _)| k == key) {
                return Err(Repr::DuplicateKey {
                    member: number,
                    first: numbers[first],
                    key: Quote::new(key),
                }
                .into());
            }
            entries.push((key.to_owned(), value.to_owned()));
            numbers.push(number);
        }
        Ok(TraceState { entries })
    }

    /// The value for `key`, if present.
    ///
    /// ```
    /// let state = ttlog_core::TraceState::parse("congo=t61rcWkgMzE").unwrap();
    /// assert_eq!(state.get("congo"), Some("t61rcWkgMzE"));
    /// assert_eq!(state.get("rojo"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Adds or updates `key`, putting it first, as the recommendation requires of a vendor
    /// that changes its entry. If the list then holds more than 32 members, the last one is
    /// dropped (the recommendation's advice). An invalid key or value is refused and the list
    /// left unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use ttlog_core::{TraceState, TraceContextErrorKind};
    ///
    /// let mut state = TraceState::parse("rojo=1,congo=2").unwrap();
    /// state.insert("congo", "3").unwrap();
    /// state.insert("ttlog", "4").unwrap();
    /// assert_eq!(state.to_header(), "ttlog=4,congo=3,rojo=1");
    ///
    /// let err = state.insert("ttlog", "a,b").unwrap_err();
    /// assert_eq!(err.kind(), TraceContextErrorKind::TracestateValue);
    /// assert_eq!(state.get("ttlog"), Some("4"));
    /// ```
    pub fn insert(&mut self, key: &str, value: &str) -> Result<(), TraceContextError> {
        check_key(key, None)?;
        check_value(key, value, None)?;
        self.entries.retain(|(k, _)| k != key);
        self.entries.insert(0, (key.to_owned(), value.to_owned()));
        self.entries.truncate(MAX_TRACESTATE_MEMBERS);
        Ok(())
    }

    /// Removes `key`, returning its value if it was present.
    ///
    /// ```
    /// let mut state = ttlog_core::TraceState::parse("rojo=1,congo=2").unwrap();
    /// assert_eq!(state.remove("rojo").as_deref(), Some("1"));
    /// assert_eq!(state.remove("rojo"), None);
    /// assert_eq!(state.to_header(), "congo=2");
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let index = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(index).1)
    }

    /// The number of members.
    ///
    /// ```
    /// assert_eq!(ttlog_core::TraceState::parse("a=1,,b=2").unwrap().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list has no members.
    ///
    /// ```
    /// assert!(ttlog_core::TraceState::parse(" , ").unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The members in order, as `(key, value)`.
    ///
    /// ```
    /// let state = ttlog_core::TraceState::parse("rojo=1,congo=2").unwrap();
    /// let keys: Vec<&str> = state.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["rojo", "congo"]);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The `tracestate` header: the members joined by `,`, with no whitespace. An empty list
    /// gives an empty string (which the recommendation says not to send).
    ///
    /// ```
    /// let state = ttlog_core::TraceState::parse(" rojo=1 ,\t,congo=2").unwrap();
    /// assert_eq!(state.to_header(), "rojo=1,congo=2");
    /// ```
    pub fn to_header(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for TraceState {
    /// Writes the `tracestate` header (see [`TraceState::to_header`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (key, value)) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{key}={value}")?;
        }
        Ok(())
    }
}

impl FromStr for TraceState {
    type Err = TraceContextError;

    /// Same as [`TraceState::parse`].
    fn from_str(s: &str) -> Result<TraceState, TraceContextError> {
        TraceState::parse(s)
    }
}

pub(super) fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

pub(super) fn is_key_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-' | b'*' | b'/')
}

pub(super) fn check_key(key: &str, member: Option<usize>) -> Result<(), TraceContextError> {
    match key_problem(key) {
        None => Ok(()),
        Some(problem) => Err(Repr::Key {
            member,
            key: Quote::new(key),
            problem,
        }
        .into()),
    }
}

pub(super) fn key_problem(key: &str) -> Option<KeyProblem> {
    let b = key.as_bytes();
    if b.is_empty() {
        return Some(KeyProblem::Empty);
    }
    if let Some(i) = b.iter().position(|&c| !is_key_char(c) && c != b'@') {
        return Some(KeyProblem::Char(char_at(key, i)));
    }
    // Only ASCII from here on.
    match key.split_once('@') {
        None => {
            if b.len() > MAX_TRACESTATE_KEY_LEN {
                Some(KeyProblem::TooLong(b.len()))
            } else if !b[0].is_ascii_lowercase() {
                Some(KeyProblem::Start)
            } else {
                None
            }
        }
        Some((tenant, system)) => {
            if system.contains('@') {
                Some(KeyProblem::TwoAts)
            } else if tenant.is_empty() {
                Some(KeyProblem::TenantEmpty)
            } else if tenant.len() > MAX_TENANT_LEN {
                Some(KeyProblem::TenantTooLong(tenant.len()))
            } else if system.is_empty() {
                Some(KeyProblem::SystemEmpty)
            } else if system.len() > MAX_SYSTEM_LEN {
                Some(KeyProblem::SystemTooLong(system.len()))
            } else if !system.as_bytes()[0].is_ascii_lowercase() {
                Some(KeyProblem::SystemStart)
            } else {
                // A tenant starts with a letter or digit: `_-*/` are the only other key chars.
                match tenant.as_bytes()[0] {
                    b'_' | b'-' | b'*' | b'/' => Some(KeyProblem::TenantStart),
                    _ => None,
                }
            }
        }
    }
}

pub(super) fn check_value(
    key: &str,
    value: &str,
    member: Option<usize>,
) -> Result<(), TraceContextError> {
    let b = value.as_bytes();
    let problem = if b.is_empty() {
        Some(ValueProblem::Empty)
    } else if let Some(i) = b
        .iter()
        .position(|&c| !(0x20..=0x7e).contains(&c) || c == b',' || c == b'=')
    {
        Some(ValueProblem::Char(char_at(value, i), i + 1))
    } else if b.len() > MAX_TRACESTATE_VALUE_LEN {
        Some(ValueProblem::TooLong(b.len()))
    } else if b[b.len() - 1] == b' ' {
        Some(ValueProblem::TrailingSpace)
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(Repr::Value {
            member,
            key: Quote::new(key),
            value: Quote::new(value),
            problem,
        }
        .into()),
    }
}
