//! The event macros, end to end: every syntax form, captured by a custom logger.
//!
//! The logger and the max level are process-wide, so one capturing logger is installed once
//! and every test runs under one lock (see [`capture`]).

use std::cell::Cell;
use std::fmt;
use std::sync::Mutex;

use ttlog::{Callsite, FieldValue, Level, LevelFilter, LogEvent, ValueRef};

mod common;

use common::capture::{field, Addr, Observe, Req, Session};

/// The shared capturing logger, keeping [`Captured`] events.
fn capture() -> Session<Captured> {
    common::capture::capture()
}

/// One captured event, with its callsite's metadata copied out.
#[derive(Debug)]
struct Captured {
    level: Level,
    target: &'static str,
    module_path: &'static str,
    file: &'static str,
    line: u32,
    callsite: &'static Callsite,
    template: &'static str,
    message: String,
    formatted: bool,
    names: &'static [&'static str],
    values: Vec<FieldValue>,
}

impl Captured {
    fn value(&self, name: &str) -> ValueRef<'_> {
        field(self.names, &self.values, name)
    }
}

impl Observe for Captured {
    fn event(event: LogEvent) -> Captured {
        let cs = event.callsite();
        Captured {
            level: event.level(),
            target: event.target(),
            module_path: cs.module_path(),
            file: cs.file(),
            line: cs.line(),
            callsite: cs,
            template: cs.message(),
            message: event.message().to_owned(),
            formatted: event.formatted_message().is_some(),
            names: cs.field_names(),
            values: event.values().to_vec(),
        }
    }
}

#[test]
fn message_and_typed_fields() {
    let s = capture();
    let addr = Addr;
    let req = Req { id: 9 };
    ttlog::info!("user logged in", user_id = 42, ip = %addr, req = ?req);
    let e = s.one();
    assert_eq!(e.level, Level::Info);
    assert_eq!(e.message, "user logged in");
    assert_eq!(e.template, "user logged in");
    assert!(!e.formatted, "a literal message is not formatted");
    assert_eq!(e.names, ["user_id", "ip", "req"]);
    assert_eq!(e.value("user_id"), ValueRef::I64(42));
    assert_eq!(e.value("ip"), ValueRef::Str("10.0.0.1"));
    assert_eq!(e.value("req"), ValueRef::Str("Req { id: 9 }"));
}

#[test]
fn value_types() {
    let s = capture();
    let name = String::from("alice");
    let missing: Option<u8> = None;
    ttlog::info!(
        u = 7u64,
        i = -3i32,
        f = 1.5,
        b = true,
        c = 'x',
        lit = "static",
        owned = name,
        borrowed = name.as_str(),
        none = missing,
        some = Some(4u8),
        cast = 300u32 as u8,
    );
    let e = s.one();
    assert_eq!(e.message, "");
    assert_eq!(e.value("u"), ValueRef::U64(7));
    assert_eq!(e.value("i"), ValueRef::I64(-3));
    assert_eq!(e.value("f"), ValueRef::F64(1.5));
    assert_eq!(e.value("b"), ValueRef::Bool(true));
    assert_eq!(e.value("c"), ValueRef::Char('x'));
    assert_eq!(e.value("lit"), ValueRef::Str("static"));
    assert_eq!(e.value("owned"), ValueRef::Str("alice"));
    assert_eq!(e.value("borrowed"), ValueRef::Str("alice"));
    assert_eq!(e.value("none"), ValueRef::Empty);
    assert_eq!(e.value("some"), ValueRef::U64(4));
    assert_eq!(e.value("cast"), ValueRef::U64(44));
}

#[test]
fn every_level() {
    let s = capture();
    ttlog::trace!("t");
    ttlog::debug!("d");
    ttlog::info!("i");
    ttlog::warn!("w");
    ttlog::error!("e");
    let levels: Vec<_> = s
        .take()
        .iter()
        .map(|e| (e.level, e.message.clone()))
        .collect();
    assert_eq!(
        levels,
        [
            (Level::Trace, "t".into()),
            (Level::Debug, "d".into()),
            (Level::Info, "i".into()),
            (Level::Warn, "w".into()),
            (Level::Error, "e".into()),
        ]
    );
}

#[test]
fn fields_first_then_message() {
    let s = capture();
    ttlog::warn!(user_id = 7, "login failed");
    let e = s.one();
    assert_eq!(e.level, Level::Warn);
    assert_eq!(e.message, "login failed");
    assert_eq!(e.names, ["user_id"]);
    assert_eq!(e.value("user_id"), ValueRef::I64(7));
}

#[test]
fn message_between_fields() {
    let s = capture();
    ttlog::info!(a = 1, "middle", b = 2);
    let e = s.one();
    assert_eq!(e.message, "middle");
    assert_eq!(e.names, ["a", "b"]);
}

#[test]
fn inline_captures() {
    let s = capture();
    let err = "connection reset";
    ttlog::error!("db error: {err}", attempt = 3);
    let e = s.one();
    assert_eq!(e.level, Level::Error);
    assert_eq!(e.message, "db error: connection reset");
    assert_eq!(e.template, "db error: {err}");
    assert!(e.formatted);
    assert_eq!(e.names, ["attempt"]);
    assert_eq!(e.value("attempt"), ValueRef::I64(3));
}

#[test]
fn positional_format_args() {
    let s = capture();
    let (n, max) = (2, 5);
    ttlog::info!("retry {} of {}", n, max, backoff_ms = 20);
    let e = s.one();
    assert_eq!(e.message, "retry 2 of 5");
    assert_eq!(e.template, "retry {} of {}");
    assert_eq!(e.names, ["backoff_ms"]);

    // Explicit indexes, width and precision arguments, and a bare name after them is a field.
    let width = 6usize;
    ttlog::info!("[{0:>1$}] {0} {3:.2$}", "ab", width, 2, 1.23456, n);
    let e = s.one();
    assert_eq!(e.message, "[    ab] ab 1.23");
    assert_eq!(e.names, ["n"]);
    assert_eq!(e.value("n"), ValueRef::I64(2));
}

#[test]
fn fields_then_message_with_args() {
    let s = capture();
    ttlog::info!(target: "a::b", user = "x", "fields then message {}", 3);
    let e = s.one();
    assert_eq!(e.target, "a::b");
    assert_eq!(e.message, "fields then message 3");
    assert_eq!(e.names, ["user"]);
    assert_eq!(e.value("user"), ValueRef::Str("x"));
}

#[test]
fn shorthand() {
    let s = capture();
    let user_id = 11u64;
    let addr = Addr;
    let req = Req { id: 1 };
    ttlog::info!(user_id, %addr, ?req, "shorthand");
    let e = s.one();
    assert_eq!(e.message, "shorthand");
    assert_eq!(e.names, ["user_id", "addr", "req"]);
    assert_eq!(e.value("user_id"), ValueRef::U64(11));
    assert_eq!(e.value("addr"), ValueRef::Str("10.0.0.1"));
    assert_eq!(e.value("req"), ValueRef::Str("Req { id: 1 }"));

    // Dotted shorthand reads the field path.
    ttlog::info!(?req.id, "dotted shorthand");
    let e = s.one();
    assert_eq!(e.names, ["req.id"]);
    assert_eq!(e.value("req.id"), ValueRef::Str("1"));
}

#[test]
fn dotted_and_literal_keys() {
    let s = capture();
    let r#type = "admin";
    ttlog::info!(http.status = 200, http.method = "GET", "dotted keys");
    let e = s.one();
    assert_eq!(e.names, ["http.status", "http.method"]);
    assert_eq!(e.value("http.status"), ValueRef::I64(200));
    assert_eq!(e.value("http.method"), ValueRef::Str("GET"));

    ttlog::info!("user-id" = 5, r#type, "keys");
    let e = s.one();
    assert_eq!(e.names, ["user-id", "type"]);
    assert_eq!(e.value("type"), ValueRef::Str("admin"));
}

#[test]
fn named_placeholder_uses_field() {
    let s = capture();
    let calls = Cell::new(0);
    let next = || {
        calls.set(calls.get() + 1);
        5
    };
    ttlog::info!("msg {x}", x = next());
    let e = s.one();
    assert_eq!(e.message, "msg 5");
    assert_eq!(e.names, ["x"]);
    assert_eq!(e.value("x"), ValueRef::I64(5));
    assert_eq!(
        calls.get(),
        1,
        "the field is evaluated once for message and field"
    );

    ttlog::info!("path {path} (lit)", path = "/x");
    assert_eq!(s.one().message, "path /x (lit)");
}

#[test]
fn escaped_braces_are_not_placeholders() {
    let s = capture();
    ttlog::info!("set {{a}} = 1");
    let e = s.one();
    assert_eq!(e.message, "set {a} = 1");
    assert!(!e.formatted);
}

#[test]
fn target_override_and_default() {
    let s = capture();
    ttlog::debug!(target: "orders::audit", "checked");
    let e = s.one();
    assert_eq!(e.level, Level::Debug);
    assert_eq!(e.target, "orders::audit");
    assert_eq!(e.module_path, module_path!());

    const TARGET: &str = "from::const";
    ttlog::info!(target: TARGET, "checked");
    assert_eq!(s.one().target, "from::const");

    ttlog::info!("default");
    let e = s.one();
    assert_eq!(e.target, module_path!());
    assert_eq!(e.target, "macros");
}

#[test]
fn file_and_line() {
    let s = capture();
    let line = line!() + 1;
    ttlog::info!("here");
    let e = s.one();
    assert_eq!(e.file, file!());
    assert_eq!(e.line, line);
}

#[test]
fn evaluated_exactly_once_in_order() {
    let s = capture();
    let seen = Mutex::new(Vec::new());
    let f = |tag: &'static str| {
        seen.lock().unwrap().push(tag);
        tag.len()
    };
    ttlog::info!(a = f("a"), "{} {}", f("bb"), f("ccc"), d = %f("dddd"), e = ?f("eeeee"));
    let e = s.one();
    assert_eq!(*seen.lock().unwrap(), ["a", "bb", "ccc", "dddd", "eeeee"]);
    assert_eq!(e.message, "2 3");
    assert_eq!(e.value("a"), ValueRef::U64(1));
    assert_eq!(e.value("d"), ValueRef::Str("4"));
    assert_eq!(e.value("e"), ValueRef::Str("5"));
}

#[test]
fn not_evaluated_when_disabled() {
    let s = capture();
    let calls = Cell::new(0);
    let touch = || {
        calls.set(calls.get() + 1);
        1
    };
    ttlog::set_max_level(LevelFilter::Info);
    ttlog::debug!("skipped {}", touch(), value = touch(), shown = %touch());
    ttlog::trace!(value = touch());
    ttlog::info!(value = touch());
    ttlog::set_max_level(LevelFilter::Trace);
    assert_eq!(calls.get(), 1, "only the enabled event evaluates its value");
    let events = s.take();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].level, Level::Info);

    ttlog::set_max_level(LevelFilter::Off);
    ttlog::error!(value = touch());
    ttlog::set_max_level(LevelFilter::Trace);
    assert_eq!(calls.get(), 1);
    assert!(s.take().is_empty());
}

#[test]
fn temporaries_live_long_enough() {
    let s = capture();
    ttlog::info!(
        "{}",
        String::from("temp").as_str(),
        len = String::from("abc").as_str().len(),
        text = String::from("borrowed").as_str(),
    );
    let e = s.one();
    assert_eq!(e.message, "temp");
    assert_eq!(e.value("len"), ValueRef::U64(3));
    assert_eq!(e.value("text"), ValueRef::Str("borrowed"));
}

#[test]
fn usable_as_expression_and_in_generic_code() {
    fn generic<T: fmt::Debug>(value: T) {
        ttlog::info!(value = ?value, "generic");
    }
    let s = capture();
    #[allow(clippy::let_unit_value)] // the point: the call is an expression of type `()`
    let _unit: () = ttlog::info!("as expression");
    generic(3u8);
    generic("x");
    let events = s.take();
    assert_eq!(events.len(), 3);
    assert_eq!(events[1].value("value"), ValueRef::Str("3"));
    assert_eq!(events[2].value("value"), ValueRef::Str("\"x\""));
    assert!(
        std::ptr::eq(events[1].callsite, events[2].callsite),
        "one callsite for every instance"
    );
    assert!(!std::ptr::eq(events[0].callsite, events[1].callsite));
}

#[test]
fn many_fields_spill_but_work() {
    let s = capture();
    ttlog::info!(
        a = 1,
        b = 2,
        c = 3,
        d = 4,
        e = 5,
        f = 6,
        g = 7,
        h = 8,
        i = 9,
        j = 10
    );
    let e = s.one();
    assert_eq!(e.names.len(), 10);
    assert_eq!(e.value("j"), ValueRef::I64(10));
}
