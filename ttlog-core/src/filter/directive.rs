//! The directive parser: splits a filter spec into directives and turns each one into a
//! default level, a `target=level` [`Directive`], or a [`ParseError`] that names it.
//!
//! The grammar (see the [module docs](super) for its meaning):
//!
//! ```text
//! spec      = [ piece { "," piece } ] [ "/" anything ]     ; "/..." is rejected (regex filter)
//! piece     = ws* [ directive ] ws*                        ; empty pieces are skipped
//! directive = level | target | target ws* "=" ws* level
//! level     = off | error | warn | warning | info | debug | trace | 0..5   (any case)
//! target    = segment { "::" segment }
//! segment   = ( letter | digit | "_" | "-" | "." )+         ; letters and digits may be Unicode
//! ```
//!
//! Commas inside `[...]` or `{...}` do not split pieces, so an EnvFilter span directive such as
//! `app[req{id=1,user=2}]=debug` is reported as one unsupported directive rather than as two
//! confusing fragments.

use std::fmt;
use std::str::FromStr;

use crate::level::LevelFilter;

// ===== impl Directive =====

/// One `target=level` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Directive {
    pub(super) target: Box<str>,
    pub(super) level: LevelFilter,
}

impl Directive {
    /// Whether `target` is this directive's target or a module below it: `my_app` matches
    /// `my_app` and `my_app::db`, but not `my_apple`.
    #[inline]
    pub(super) fn matches(&self, target: &str) -> bool {
        match target.strip_prefix(&*self.target) {
            Some(rest) => rest.is_empty() || rest.starts_with("::"),
            None => false,
        }
    }
}

impl fmt::Display for Directive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.target, self.level)
    }
}

/// What one well-formed directive means.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Parsed {
    /// A bare level: the default for targets no directive matches.
    Default(LevelFilter),
    /// A level for one target and the modules below it.
    Target(Directive),
}

/// Parses every directive of `spec`, in order. Empty directives are skipped; a regex part
/// (`/...`, env_logger's message filter) comes last, as one error.
pub(super) fn parse_spec(spec: &str) -> Vec<Result<Parsed, ParseError>> {
    let (pieces, regex) = split(spec);
    let mut out: Vec<Result<Parsed, ParseError>> = pieces
        .into_iter()
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(parse_directive)
        .collect();
    if let Some(regex) = regex {
        out.push(Err(ParseError::new(regex.trim(), ErrorKind::Regex)));
    }
    out
}

/// Splits `spec` on the commas that are not inside `[...]` or `{...}`, and cuts off the part
/// from the first such `/` on.
fn split(spec: &str) -> (Vec<&str>, Option<&str>) {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in spec.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                pieces.push(&spec[start..i]);
                start = i + 1;
            }
            '/' if depth == 0 => {
                pieces.push(&spec[start..i]);
                return (pieces, Some(&spec[i..]));
            }
            _ => {}
        }
    }
    pieces.push(&spec[start..]);
    (pieces, None)
}

/// Parses one trimmed, non-empty directive.
fn parse_directive(directive: &str) -> Result<Parsed, ParseError> {
    let fail = |kind| Err(ParseError::new(directive, kind));
    if directive.contains(['[', ']', '{', '}']) {
        return fail(ErrorKind::SpanFilter);
    }
    let mut parts = directive.split('=');
    let first = parts.next().unwrap_or_default().trim();
    let level = parts.next().map(str::trim);
    if parts.next().is_some() {
        return fail(ErrorKind::TooManyEquals);
    }
    match level {
        None => {
            if let Ok(level) = LevelFilter::from_str(first) {
                return Ok(Parsed::Default(level));
            }
            if let Err(kind) = check_target(first) {
                return fail(kind);
            }
            Ok(Parsed::Target(Directive {
                target: first.into(),
                level: LevelFilter::Trace,
            }))
        }
        Some(level) => {
            if first.is_empty() {
                return fail(ErrorKind::MissingTarget);
            }
            if let Err(kind) = check_target(first) {
                return fail(kind);
            }
            if level.is_empty() {
                return fail(ErrorKind::MissingLevel);
            }
            match LevelFilter::from_str(level) {
                Ok(level) => Ok(Parsed::Target(Directive {
                    target: first.into(),
                    level,
                })),
                Err(_) => fail(ErrorKind::InvalidLevel(level.into())),
            }
        }
    }
}

/// Checks a non-empty target against `segment { "::" segment }`.
fn check_target(target: &str) -> Result<(), ErrorKind> {
    if let Some(c) = target.chars().find(|&c| !is_target_char(c)) {
        return Err(if c.is_whitespace() {
            ErrorKind::Whitespace
        } else {
            ErrorKind::InvalidChar(c)
        });
    }
    for segment in target.split("::") {
        if segment.is_empty() {
            return Err(ErrorKind::EmptySegment);
        }
        if segment.contains(':') {
            return Err(ErrorKind::StrayColon);
        }
    }
    Ok(())
}

fn is_target_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

// ===== impl ParseError =====

/// A filter directive that could not be parsed.
///
/// Its message names the directive and says what is wrong with it; when the directive came
/// from an environment variable, [`source_name`](ParseError::source_name) names the variable
/// and the message mentions it too.
///
/// # Examples
///
/// ```
/// use ttlog_core::filter::Filter;
///
/// let err = Filter::parse("warn,orders=verbose").unwrap_err();
/// assert_eq!(err.directive(), "orders=verbose");
/// assert_eq!(err.source_name(), None);
/// assert_eq!(
///     err.to_string(),
///     "invalid filter directive `orders=verbose`: invalid level `verbose` \
///      (expected one of off, error, warn, info, debug, trace)",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    directive: Box<str>,
    source_name: Option<Box<str>>,
    kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ErrorKind {
    /// `target=verbose`: the text after `=` is not a level.
    InvalidLevel(Box<str>),
    /// `=info`.
    MissingTarget,
    /// `target=`.
    MissingLevel,
    /// `a=b=c`.
    TooManyEquals,
    /// `target[span{field=value}]=level` (EnvFilter).
    SpanFilter,
    /// `/pattern` (env_logger's message regex).
    Regex,
    /// `my app=info`.
    Whitespace,
    /// `a*=info`, `"a"=info`.
    InvalidChar(char),
    /// `a:b=info`.
    StrayColon,
    /// `::a`, `a::`, `a::::b`.
    EmptySegment,
}

impl ParseError {
    fn new(directive: &str, kind: ErrorKind) -> ParseError {
        ParseError {
            directive: directive.into(),
            source_name: None,
            kind,
        }
    }

    /// Records where the directive came from (an environment variable's name).
    pub(super) fn with_source_name(mut self, name: &str) -> ParseError {
        self.source_name = Some(name.into());
        self
    }

    /// The offending directive, trimmed of surrounding whitespace.
    ///
    /// ```
    /// let err = ttlog_core::filter::Filter::parse("info, my app=debug").unwrap_err();
    /// assert_eq!(err.directive(), "my app=debug");
    /// ```
    pub fn directive(&self) -> &str {
        &self.directive
    }

    /// The environment variable the directive was read from (`"TTLOG"` or `"RUST_LOG"`), or
    /// `None` when it came from a string passed in code.
    ///
    /// ```
    /// use ttlog_core::{filter, LevelFilter};
    ///
    /// let env = |name: &str| (name == "RUST_LOG").then(|| "db=loud".to_owned());
    /// let err = filter::resolve_with_env(LevelFilter::Info, &env, None).unwrap_err();
    /// assert_eq!(err.source_name(), Some("RUST_LOG"));
    /// assert_eq!(err.directive(), "db=loud");
    /// ```
    pub fn source_name(&self) -> Option<&str> {
        self.source_name.as_deref()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid filter directive `{}`", self.directive)?;
        if let Some(name) = &self.source_name {
            write!(f, " in {name}")?;
        }
        f.write_str(": ")?;
        match &self.kind {
            ErrorKind::InvalidLevel(level) => write!(
                f,
                "invalid level `{level}` (expected one of off, error, warn, info, debug, trace)"
            ),
            ErrorKind::MissingTarget => f.write_str("missing target before `=`"),
            ErrorKind::MissingLevel => f.write_str("missing level after `=`"),
            ErrorKind::TooManyEquals => {
                f.write_str("expected `target=level`, found more than one `=`")
            }
            ErrorKind::SpanFilter => f.write_str(
                "span filters (`target[span{field=value}]=level`) are not supported; \
                 use `target=level`",
            ),
            ErrorKind::Regex => f.write_str("regex message filters (`/pattern`) are not supported"),
            ErrorKind::Whitespace => f.write_str("target contains whitespace"),
            ErrorKind::InvalidChar(c) => {
                f.write_str("invalid character `")?;
                if c.is_control() {
                    write!(f, "{}", c.escape_debug())?;
                } else {
                    write!(f, "{c}")?;
                }
                f.write_str("` in target (allowed: letters, digits, `_`, `-`, `.` and `::`)")
            }
            ErrorKind::StrayColon => {
                f.write_str("single `:` in target (path segments are separated by `::`)")
            }
            ErrorKind::EmptySegment => {
                f.write_str("empty path segment in target (`::` must join two names)")
            }
        }
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(t: &str, level: LevelFilter) -> Result<Parsed, ParseError> {
        Ok(Parsed::Target(Directive {
            target: t.into(),
            level,
        }))
    }

    fn kind(directive: &str) -> ErrorKind {
        parse_directive(directive).unwrap_err().kind
    }

    #[test]
    fn levels() {
        for (text, level) in [
            ("off", LevelFilter::Off),
            ("OFF", LevelFilter::Off),
            ("0", LevelFilter::Off),
            ("error", LevelFilter::Error),
            ("1", LevelFilter::Error),
            ("Warn", LevelFilter::Warn),
            ("warning", LevelFilter::Warn),
            ("WARNING", LevelFilter::Warn),
            ("2", LevelFilter::Warn),
            ("info", LevelFilter::Info),
            ("3", LevelFilter::Info),
            ("DeBuG", LevelFilter::Debug),
            ("4", LevelFilter::Debug),
            ("trace", LevelFilter::Trace),
            ("5", LevelFilter::Trace),
        ] {
            assert_eq!(parse_directive(text), Ok(Parsed::Default(level)), "{text}");
            assert_eq!(
                parse_directive(&format!("a={text}")),
                target("a", level),
                "{text}"
            );
        }
    }

    #[test]
    fn bare_target_is_trace() {
        assert_eq!(
            parse_directive("my_app"),
            target("my_app", LevelFilter::Trace)
        );
        assert_eq!(
            parse_directive("my_app::db"),
            target("my_app::db", LevelFilter::Trace)
        );
        // Not a level name, so it is a target (as in env_logger).
        assert_eq!(parse_directive("6"), target("6", LevelFilter::Trace));
    }

    #[test]
    fn whitespace_around_equals() {
        assert_eq!(
            parse_directive("a = debug"),
            target("a", LevelFilter::Debug)
        );
        assert_eq!(
            parse_directive("a\t=\tdebug"),
            target("a", LevelFilter::Debug)
        );
    }

    #[test]
    fn target_charset() {
        for ok in [
            "a",
            "A9",
            "_x",
            "my-crate",
            "http.request",
            "a::b::c",
            "été",
            "a-b.c::d_e",
        ] {
            assert_eq!(
                parse_directive(&format!("{ok}=info")),
                target(ok, LevelFilter::Info),
                "{ok}"
            );
        }
        assert_eq!(kind("my app=info"), ErrorKind::Whitespace);
        assert_eq!(kind("a*=info"), ErrorKind::InvalidChar('*'));
        assert_eq!(kind("\"a\"=info"), ErrorKind::InvalidChar('"'));
        assert_eq!(kind("a\0b"), ErrorKind::InvalidChar('\0'));
        assert_eq!(kind("a:b=info"), ErrorKind::StrayColon);
        assert_eq!(kind("a:::b=info"), ErrorKind::StrayColon);
        assert_eq!(kind("::a=info"), ErrorKind::EmptySegment);
        assert_eq!(kind("a::=info"), ErrorKind::EmptySegment);
        assert_eq!(kind("a::::b=info"), ErrorKind::EmptySegment);
        assert_eq!(kind(":"), ErrorKind::StrayColon);
        assert_eq!(kind("::"), ErrorKind::EmptySegment);
    }

    #[test]
    fn malformed() {
        assert_eq!(kind("=info"), ErrorKind::MissingTarget);
        assert_eq!(kind("="), ErrorKind::MissingTarget);
        assert_eq!(kind("a="), ErrorKind::MissingLevel);
        assert_eq!(kind("a=b=c"), ErrorKind::TooManyEquals);
        assert_eq!(kind("a=verbose"), ErrorKind::InvalidLevel("verbose".into()));
        assert_eq!(kind("a=6"), ErrorKind::InvalidLevel("6".into()));
        assert_eq!(kind("a[span]=info"), ErrorKind::SpanFilter);
        assert_eq!(kind("a[{x=1}]"), ErrorKind::SpanFilter);
        assert_eq!(kind("[]"), ErrorKind::SpanFilter);
    }

    #[test]
    fn split_pieces() {
        assert_eq!(split(""), (vec![""], None));
        assert_eq!(split("a,,b"), (vec!["a", "", "b"], None));
        assert_eq!(
            split("a[s{x=1,y=2}]=debug,b"),
            (vec!["a[s{x=1,y=2}]=debug", "b"], None)
        );
        assert_eq!(split("info,a/b,c"), (vec!["info", "a"], Some("/b,c")));
        // Unbalanced closers do not underflow.
        assert_eq!(split("]],a"), (vec!["]]", "a"], None));
    }

    #[test]
    fn spec_skips_empty_and_reports_regex_last() {
        let parsed = parse_spec(" , warn ,, a=debug , ");
        assert_eq!(
            parsed,
            vec![
                Ok(Parsed::Default(LevelFilter::Warn)),
                target("a", LevelFilter::Debug)
            ]
        );
        let parsed = parse_spec("info/foo.*bar");
        assert_eq!(parsed.len(), 2);
        let err = parsed[1].as_ref().unwrap_err();
        assert_eq!(err.directive(), "/foo.*bar");
        assert_eq!(err.kind, ErrorKind::Regex);
        assert!(parse_spec("").is_empty());
        assert!(parse_spec(" \t\n").is_empty());
    }

    #[test]
    fn matching_is_on_path_boundaries() {
        let d = Directive {
            target: "my_app".into(),
            level: LevelFilter::Info,
        };
        assert!(d.matches("my_app"));
        assert!(d.matches("my_app::db"));
        assert!(d.matches("my_app::db::pool"));
        assert!(!d.matches("my_apple"));
        assert!(!d.matches("my_ap"));
        assert!(!d.matches("my_app:x"));
        assert!(!d.matches("my_app.x"));
        assert!(!d.matches("other::my_app"));
    }

    #[test]
    fn messages() {
        let msg = |spec: &str| parse_spec(spec).remove(0).unwrap_err().to_string();
        assert_eq!(
            msg("orders=verbose"),
            "invalid filter directive `orders=verbose`: invalid level `verbose` \
             (expected one of off, error, warn, info, debug, trace)"
        );
        assert_eq!(
            msg("=info"),
            "invalid filter directive `=info`: missing target before `=`"
        );
        assert!(msg("a[b]=info").contains("span filters"));
        assert!(msg("a\u{1}").contains("`\\u{1}`"));
        let err = parse_spec("a=b=c")
            .remove(0)
            .unwrap_err()
            .with_source_name("RUST_LOG");
        assert_eq!(
            err.to_string(),
            "invalid filter directive `a=b=c` in RUST_LOG: \
             expected `target=level`, found more than one `=`"
        );
    }
}
