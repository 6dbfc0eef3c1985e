//! Behaviour of `Filter`: matching and precedence, layering, resolution from the environment,
//! errors, lenient parsing, Display round trips, and the parser never panicking.
//!
//! Nothing here touches process-global state; `install` is tested in filter_install.rs.

use ttlog_core::filter::{self, Filter, ParseError};
use ttlog_core::{Level, LevelFilter};

fn parse(spec: &str) -> Filter {
    Filter::parse(spec).unwrap_or_else(|err| panic!("{spec:?}: {err}"))
}

#[test]
fn smoke() {
    let f = parse("warn,my_app=debug,my_app::db=trace,hyper=off");
    assert_eq!(f.level_for("my_app"), LevelFilter::Debug);
    assert_eq!(f.level_for("my_app::http"), LevelFilter::Debug);
    assert_eq!(f.level_for("my_app::db"), LevelFilter::Trace);
    assert_eq!(f.level_for("my_app::db::pool"), LevelFilter::Trace);
    assert_eq!(f.level_for("hyper"), LevelFilter::Off);
    assert_eq!(f.level_for("hyper::client::conn"), LevelFilter::Off);
    assert_eq!(f.level_for("tokio"), LevelFilter::Warn);
    assert_eq!(f.default_level(), Some(LevelFilter::Warn));
    assert_eq!(f.max_level(), LevelFilter::Trace);
    assert!(f.enables(Level::Trace, "my_app::db"));
    assert!(!f.enables(Level::Trace, "my_app"));
    assert!(!f.enables(Level::Error, "hyper"));
    assert!(f.enables(Level::Warn, "tokio"));
    assert!(!f.enables(Level::Info, "tokio"));
}

#[test]
fn longest_prefix_wins_regardless_of_order() {
    let a = parse("my_app::db::pool=off,my_app=info,my_app::db=trace");
    let b = parse("my_app::db=trace,my_app::db::pool=off,my_app=info");
    assert_eq!(a, b);
    for f in [&a, &b] {
        assert_eq!(f.level_for("my_app::db::pool::conn"), LevelFilter::Off);
        assert_eq!(f.level_for("my_app::db::query"), LevelFilter::Trace);
        assert_eq!(f.level_for("my_app::dbx"), LevelFilter::Info);
        assert_eq!(f.level_for("my_app"), LevelFilter::Info);
    }
}

#[test]
fn prefix_only_on_path_boundaries() {
    let f = parse("off,my_app=trace");
    assert!(f.enables(Level::Trace, "my_app"));
    assert!(f.enables(Level::Trace, "my_app::x"));
    assert!(!f.enables(Level::Error, "my_apple"));
    assert!(!f.enables(Level::Error, "my_ap"));
    assert!(!f.enables(Level::Error, "my_app.x"));
    assert!(!f.enables(Level::Error, "x::my_app"));
    assert!(!f.enables(Level::Error, ""));
}

#[test]
fn later_same_target_wins() {
    let f = parse("a=trace,b=info,a=warn");
    assert_eq!(f.level_for("a"), LevelFilter::Warn);
    assert_eq!(f, parse("b=info,a=warn"));
    let f = parse("info,debug");
    assert_eq!(f.default_level(), Some(LevelFilter::Debug));
    assert_eq!(f.level_for("x"), LevelFilter::Debug);
}

#[test]
fn off() {
    let f = parse("off");
    for level in Level::ALL {
        assert!(!f.enables(level, "any"));
    }
    assert_eq!(f.max_level(), LevelFilter::Off);
    let f = parse("trace,noisy=off");
    assert!(!f.enables(Level::Error, "noisy::x"));
    assert!(f.enables(Level::Trace, "quiet"));
    assert_eq!(f.max_level(), LevelFilter::Trace);
}

#[test]
fn default_when_unspecified_is_error() {
    for f in [parse(""), parse("   "), parse(",,"), parse("a=trace")] {
        assert_eq!(f.default_level(), None);
        assert_eq!(f.level_for("unrelated"), LevelFilter::Error);
        assert!(f.enables(Level::Error, "unrelated"));
        assert!(!f.enables(Level::Warn, "unrelated"));
    }
    assert_eq!(parse("").max_level(), LevelFilter::Error);
    assert_eq!(parse("a=off").max_level(), LevelFilter::Error);
}

#[test]
fn bare_target_means_trace() {
    let f = parse("info,my_app");
    assert_eq!(f.level_for("my_app::x"), LevelFilter::Trace);
    assert_eq!(f, parse("info,my_app=trace"));
}

#[test]
fn whitespace_and_empty_directives_ignored() {
    assert_eq!(
        parse("  warn ,\tmy_app = debug,, ,\n"),
        parse("warn,my_app=debug")
    );
    assert_eq!(parse("a=info,,"), parse("a=info"));
    assert_eq!(parse("WARNING,A=Trace,b=4"), parse("warn,A=trace,b=debug"));
}

#[test]
fn new_is_default_only() {
    let f = Filter::new(LevelFilter::Debug);
    assert_eq!(f, parse("debug"));
    assert_eq!(f.max_level(), LevelFilter::Debug);
    assert_eq!(f.to_string(), "debug");
}

#[test]
fn overridden_by() {
    let base = parse("info,db=debug,http=warn");
    assert_eq!(
        base.clone().overridden_by(&parse("db=trace,tls=off")),
        parse("info,db=trace,http=warn,tls=off")
    );
    // other's default replaces ours only when it has one.
    assert_eq!(
        base.clone().overridden_by(&parse("error")),
        parse("error,db=debug,http=warn")
    );
    assert_eq!(
        base.clone().overridden_by(&parse("")).default_level(),
        Some(LevelFilter::Info)
    );
    // A more specific directive in other still loses to a more specific one in self.
    let f = parse("db::pool=off").overridden_by(&parse("db=trace"));
    assert_eq!(f.level_for("db::pool"), LevelFilter::Off);
    assert_eq!(f.level_for("db::query"), LevelFilter::Trace);
    // Identity.
    assert_eq!(base.clone().overridden_by(&base), base);
}

#[test]
fn resolve_precedence() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let none = env(&[]);
    let r = |e: &dyn Fn(&str) -> Option<String>, explicit| {
        filter::resolve_with_env(LevelFilter::Info, e, explicit).unwrap()
    };

    // The builder level alone.
    assert_eq!(r(&none, None), Filter::new(LevelFilter::Info));
    // RUST_LOG over the level.
    let rust_log = env(&[("RUST_LOG", "debug,a=trace")]);
    assert_eq!(r(&rust_log, None), parse("debug,a=trace"));
    // RUST_LOG without a default keeps the builder level as the default.
    let rust_log_target = env(&[("RUST_LOG", "a=trace")]);
    assert_eq!(r(&rust_log_target, None), parse("info,a=trace"));
    // TTLOG beats RUST_LOG: RUST_LOG is not read at all.
    let both = env(&[("TTLOG", "warn"), ("RUST_LOG", "trace,b=off")]);
    assert_eq!(r(&both, None), parse("warn"));
    // An empty or blank TTLOG is ignored, so RUST_LOG applies.
    let empty_ttlog = env(&[("TTLOG", ""), ("RUST_LOG", "debug")]);
    assert_eq!(r(&empty_ttlog, None), parse("debug"));
    let blank_ttlog = env(&[("TTLOG", "  "), ("RUST_LOG", "debug")]);
    assert_eq!(r(&blank_ttlog, None), parse("debug"));
    let empty_both = env(&[("TTLOG", ""), ("RUST_LOG", "")]);
    assert_eq!(r(&empty_both, None), Filter::new(LevelFilter::Info));
    // Explicit beats both, target by target and for the default.
    assert_eq!(
        r(&both, Some("error,c=debug")),
        parse("error,c=debug"),
        "explicit default replaces TTLOG's"
    );
    assert_eq!(r(&rust_log, Some("a=off")), parse("debug,a=off"));
    assert_eq!(r(&none, Some("")), Filter::new(LevelFilter::Info));
    // The level argument is the lowest layer.
    assert_eq!(
        filter::resolve_with_env(LevelFilter::Off, &none, Some("a=info")).unwrap(),
        parse("off,a=info")
    );
}

#[test]
fn resolve_errors_name_the_variable() {
    let bad_ttlog = |name: &str| (name == "TTLOG").then(|| "info,orders=verbose".to_owned());
    let err = filter::resolve_with_env(LevelFilter::Info, &bad_ttlog, None).unwrap_err();
    assert_eq!(err.source_name(), Some("TTLOG"));
    assert_eq!(err.directive(), "orders=verbose");
    assert_eq!(
        err.to_string(),
        "invalid filter directive `orders=verbose` in TTLOG: invalid level `verbose` \
         (expected one of off, error, warn, info, debug, trace)"
    );

    let bad_rust_log = |name: &str| (name == "RUST_LOG").then(|| "a b".to_owned());
    let err = filter::resolve_with_env(LevelFilter::Info, &bad_rust_log, None).unwrap_err();
    assert_eq!(err.source_name(), Some("RUST_LOG"));
    assert!(err.to_string().contains("RUST_LOG"), "{err}");
    assert!(err.to_string().contains("`a b`"), "{err}");

    // An error in the explicit string has no source name.
    let none = |_: &str| None;
    let err = filter::resolve_with_env(LevelFilter::Info, &none, Some("=info")).unwrap_err();
    assert_eq!(err.source_name(), None);
    assert_eq!(err.directive(), "=info");

    // Strict: the environment is reported before the explicit string.
    let err =
        filter::resolve_with_env(LevelFilter::Info, &bad_rust_log, Some("=info")).unwrap_err();
    assert_eq!(err.source_name(), Some("RUST_LOG"));
}

#[test]
fn resolve_lenient_keeps_good_directives() {
    let env = |name: &str| (name == "RUST_LOG").then(|| "debug,a=loud,b=trace".to_owned());
    let (f, errors) =
        filter::resolve_lenient_with_env(LevelFilter::Info, &env, Some("c=off,x=y=z,b=warn"));
    assert_eq!(f, parse("debug,b=warn,c=off"));
    let got: Vec<(&str, Option<&str>)> = errors
        .iter()
        .map(|e| (e.directive(), e.source_name()))
        .collect();
    assert_eq!(got, [("a=loud", Some("RUST_LOG")), ("x=y=z", None)]);

    // With nothing wrong, lenient and strict agree.
    let env = |name: &str| (name == "TTLOG").then(|| "warn,a=debug".to_owned());
    let (f, errors) = filter::resolve_lenient_with_env(LevelFilter::Info, &env, Some("b"));
    assert!(errors.is_empty());
    assert_eq!(
        f,
        filter::resolve_with_env(LevelFilter::Info, &env, Some("b")).unwrap()
    );
}

/// Bad directives, each with a fragment its message must contain.
const BAD: &[(&str, &str)] = &[
    ("orders=verbose", "invalid level `verbose`"),
    ("a=6", "invalid level `6`"),
    ("a=", "missing level"),
    ("=info", "missing target"),
    ("=", "missing target"),
    ("a=b=c", "more than one `=`"),
    ("my app=info", "whitespace"),
    ("my app", "whitespace"),
    ("a*=info", "invalid character `*`"),
    ("a/b", "regex"),
    ("a:b=debug", "single `:`"),
    ("::a=debug", "empty path segment"),
    ("a::=debug", "empty path segment"),
    ("a::::b", "empty path segment"),
    ("app[request]=debug", "span filters"),
    ("app[request{id=1}]=debug", "span filters"),
    ("[{user=ann}]=trace", "span filters"),
    ("a{b}", "span filters"),
    ("\"quoted\"=info", "invalid character `\"`"),
    ("a\u{7}=info", "invalid character `\\u{7}`"),
    ("a;b=info", "invalid character `;`"),
];

#[test]
fn invalid_directives_are_named() {
    for &(directive, fragment) in BAD {
        // Alone, and in the middle of good directives.
        for spec in [directive.to_owned(), format!("warn, {directive} ,b=debug")] {
            let err = Filter::parse(&spec).unwrap_err();
            // Everything from the first `/` on is one (unsupported) regex.
            let expected = match spec.find('/') {
                Some(at) => spec[at..].trim(),
                None => directive,
            };
            assert_eq!(err.directive(), expected, "{spec:?}");
            let msg = err.to_string();
            assert!(
                msg.starts_with(&format!("invalid filter directive `{expected}`: ")),
                "{msg}"
            );
            assert!(msg.contains(fragment), "{spec:?}: {msg}");
            assert_eq!(err.source_name(), None);
        }
    }
}

#[test]
fn strict_reports_the_first_bad_directive() {
    let err = Filter::parse("a=loud,b=c=d,e f").unwrap_err();
    assert_eq!(err.directive(), "a=loud");
}

#[test]
fn regex_part_is_one_error() {
    let (f, errors) = Filter::parse_lenient("info,a=debug/foo,b=trace");
    assert_eq!(f, parse("info,a=debug"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].directive(), "/foo,b=trace");
    assert!(errors[0].to_string().contains("regex"));
}

#[test]
fn span_filter_with_commas_is_one_directive() {
    let (f, errors) = Filter::parse_lenient("info,app[req{a=1,b=2}]=debug,db=trace");
    assert_eq!(f, parse("info,db=trace"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].directive(), "app[req{a=1,b=2}]=debug");
}

#[test]
fn lenient_keeps_good_directives() {
    let (f, errors) = Filter::parse_lenient("warn, a=loud ,b=debug,,c d, e::=info ,trace");
    assert_eq!(f, parse("trace,b=debug"));
    let bad: Vec<&str> = errors.iter().map(ParseError::directive).collect();
    assert_eq!(bad, ["a=loud", "c d", "e::=info"]);

    let (f, errors) = Filter::parse_lenient("");
    assert_eq!(f, parse(""));
    assert!(errors.is_empty());

    for &(directive, _) in BAD {
        let (f, errors) = Filter::parse_lenient(&format!("warn,{directive},z=debug"));
        assert_eq!(errors.len(), 1, "{directive:?}");
        if !directive.contains('/') {
            assert_eq!(f, parse("warn,z=debug"), "{directive:?}");
        }
    }
}

#[test]
fn errors_are_std_errors() {
    fn takes(_: &(dyn std::error::Error + Send + Sync + 'static)) {}
    let err = Filter::parse("=").unwrap_err();
    takes(&err);
    let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
    assert_eq!(boxed.to_string(), err.to_string());
}

#[test]
fn display_round_trips() {
    for spec in [
        "",
        "off",
        "warn,my_app=debug,my_app::db=trace,hyper=off",
        "a",
        "a=0,b=1,c=2,d=3,e=4,f=5",
        " WARNING , été::ß-x.y = Trace ",
        "info=debug,debug",
        "3=info",
        "my_app::db=trace,my_app=info,my_app::db::pool=off,error",
    ] {
        let f = parse(spec);
        let shown = f.to_string();
        assert_eq!(parse(&shown), f, "{spec:?} -> {shown:?}");
        assert_eq!(parse(&shown).to_string(), shown, "Display is normalized");
    }
    assert_eq!(
        parse(" trace ,b=WARN, a , b = info ").to_string(),
        "trace,a=trace,b=info"
    );
    assert_eq!(parse("a=off").to_string(), "a=off");
    assert_eq!(
        "warn,x=debug".parse::<Filter>().unwrap(),
        parse("warn,x=debug")
    );
}

/// A tiny xorshift64* generator: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const COUNT: usize = 5_000;

/// Pieces that make up plausible and implausible specs.
const ALPHABET: &[&str] = &[
    "a",
    "my_app",
    "db",
    "::",
    ":",
    "=",
    "=",
    ",",
    ",",
    " ",
    "\t",
    "info",
    "WARN",
    "off",
    "trace",
    "5",
    "9",
    "-",
    ".",
    "_",
    "[",
    "]",
    "{",
    "}",
    "/",
    "*",
    "\"",
    "é",
    "ß",
    "\u{0}",
    "\u{200b}",
    "\u{1F600}",
    "\n",
    "warning",
    "debug",
    "error",
];

fn check(spec: &str) {
    let strict = Filter::parse(spec);
    let (lenient, errors) = Filter::parse_lenient(spec);
    match &strict {
        Ok(f) => {
            assert!(errors.is_empty(), "{spec:?}");
            assert_eq!(f, &lenient, "{spec:?}");
            let shown = f.to_string();
            assert_eq!(
                Filter::parse(&shown).as_ref(),
                Ok(f),
                "{spec:?} -> {shown:?}"
            );
        }
        Err(err) => {
            assert_eq!(errors.first(), Some(err), "{spec:?}");
            assert!(!err.to_string().is_empty());
            let shown = lenient.to_string();
            assert_eq!(Filter::parse(&shown).as_ref(), Ok(&lenient), "{spec:?}");
        }
    }
    for target in ["", "a", "my_app::db", spec] {
        let level = lenient.level_for(target);
        assert!(level <= lenient.max_level());
    }
}

#[test]
fn never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..COUNT {
        // Specs built from meaningful pieces...
        let mut spec = String::new();
        for _ in 0..rng.below(12) {
            spec.push_str(ALPHABET[rng.below(ALPHABET.len())]);
        }
        check(&spec);
        // ...and from raw bytes.
        let bytes: Vec<u8> = (0..rng.below(24)).map(|_| rng.next() as u8).collect();
        check(&String::from_utf8_lossy(&bytes));
    }
}
