//! `#[derive(ttlog::Fields)]` and `..value` in the event macros, captured by a custom logger:
//! names and typed values, the field options, generic structs and generic callsites, mixing
//! with ordinary fields and format arguments, evaluation, and the event's span.
//!
//! The logger and the max level are process-wide, so one capturing logger is installed once
//! and every test runs under one lock (see [`capture`]).

use std::cell::Cell;
use std::fmt;
use std::sync::Mutex;

use ttlog::event::Values;
use ttlog::{FieldValue, Level, LevelFilter, LogEvent, StructFields, ValueRef};

mod common;

use common::capture::{field, Addr, Observe, Session};

/// The shared capturing logger, keeping [`Captured`] events.
fn capture() -> Session<Captured> {
    common::capture::capture()
}

/// One captured event, with its callsite's metadata copied out.
#[derive(Debug)]
struct Captured {
    level: Level,
    target: &'static str,
    line: u32,
    message: String,
    names: &'static [&'static str],
    values: Vec<FieldValue>,
    span: u64,
    callsite: usize,
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
            line: cs.line(),
            message: event.message().to_owned(),
            names: cs.field_names(),
            values: event.values().to_vec(),
            span: event.span_id(),
            callsite: cs as *const _ as usize,
        }
    }
}

#[derive(Debug)]
enum Method {
    Password,
}

#[derive(ttlog::Fields)]
struct Attempt<'a> {
    user: &'a str,
    tries: u32,
    delta: i8,
    ratio: f64,
    ok: bool,
    grade: char,
    nick: Option<String>,
    #[fields(display)]
    addr: Addr,
    #[fields(debug)]
    method: Method,
    #[fields(rename = "client.version")]
    version: &'static str,
    #[fields(display, rename = "peer")]
    peer_addr: Addr,
    #[fields(skip)]
    #[allow(dead_code)] // the point: never read, never recorded
    password: String,
}

fn attempt() -> Attempt<'static> {
    Attempt {
        user: "alice",
        tries: 3,
        delta: -2,
        ratio: 0.5,
        ok: false,
        grade: 'b',
        nick: None,
        addr: Addr,
        method: Method::Password,
        version: "1.2",
        peer_addr: Addr,
        password: "hunter2".into(),
    }
}

#[test]
fn names_and_typed_values() {
    let s = capture();
    let attempt = attempt();
    let line = line!() + 1;
    ttlog::info!(..attempt, "login attempt");
    let e = s.one();
    assert_eq!(e.level, Level::Info);
    assert_eq!(e.message, "login attempt");
    assert_eq!(e.target, module_path!());
    assert_eq!(e.line, line);
    assert_eq!(
        e.names,
        [
            "user",
            "tries",
            "delta",
            "ratio",
            "ok",
            "grade",
            "nick",
            "addr",
            "method",
            "client.version",
            "peer"
        ]
    );
    assert_eq!(e.value("user"), ValueRef::Str("alice"));
    assert_eq!(e.value("tries"), ValueRef::U64(3));
    assert_eq!(e.value("delta"), ValueRef::I64(-2));
    assert_eq!(e.value("ratio"), ValueRef::F64(0.5));
    assert_eq!(e.value("ok"), ValueRef::Bool(false));
    assert_eq!(e.value("grade"), ValueRef::Char('b'));
    assert_eq!(e.value("nick"), ValueRef::Empty);
    assert_eq!(e.value("addr"), ValueRef::Str("10.0.0.1"));
    assert_eq!(e.value("method"), ValueRef::Str("Password"));
    assert_eq!(e.value("client.version"), ValueRef::Str("1.2"));
    assert_eq!(e.value("peer"), ValueRef::Str("10.0.0.1"));
    assert!(!e.names.contains(&"password"));
    assert!(e.values.iter().all(|v| v.as_str() != Some("hunter2")));
    assert_eq!(Attempt::NAMES, e.names);
}

#[derive(ttlog::Fields)]
struct Request {
    id: u64,
    #[fields(rename = "r#type")]
    kind: &'static str,
}

#[derive(ttlog::Fields)]
struct Session2 {
    r#type: &'static str,
}

#[test]
fn mixed_with_fields_in_the_order_written() {
    let s = capture();
    let req = Request { id: 9, kind: "get" };
    let sess = Session2 { r#type: "admin" };
    let (n, max) = (1, 3);
    ttlog::warn!(a = 1, ..req, "retry {} of {}", n, max, b = %Addr, ..&sess, c = "lit");
    let e = s.one();
    assert_eq!(e.level, Level::Warn);
    assert_eq!(e.message, "retry 1 of 3");
    assert_eq!(e.names, ["a", "id", "r#type", "b", "type", "c"]);
    assert_eq!(e.value("a"), ValueRef::I64(1));
    assert_eq!(e.value("id"), ValueRef::U64(9));
    assert_eq!(e.value("r#type"), ValueRef::Str("get"));
    assert_eq!(e.value("b"), ValueRef::Str("10.0.0.1"));
    assert_eq!(e.value("type"), ValueRef::Str("admin"));
    assert_eq!(e.value("c"), ValueRef::Str("lit"));

    // A reference works as well as a value, and a struct alone needs no message.
    let by_ref = &req;
    ttlog::error!(target: "audit", ..by_ref);
    let e = s.one();
    assert_eq!(e.target, "audit");
    assert_eq!(e.message, "");
    assert_eq!(e.names, ["id", "r#type"]);
}

#[derive(ttlog::Fields)]
struct Page<T, M: fmt::Debug> {
    items: T,
    #[fields(debug)]
    meta: M,
    total: usize,
}

#[test]
fn generic_structs() {
    let s = capture();
    let numbers = Page {
        items: 7u32,
        meta: vec![1, 2],
        total: 2,
    };
    let words = Page {
        items: "w",
        meta: ('x', 1),
        total: 1,
    };
    ttlog::info!(..numbers, "numbers");
    ttlog::info!(..words, "words");
    let events = s.take();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].names, ["items", "meta", "total"]);
    assert_eq!(events[0].value("items"), ValueRef::U64(7));
    assert_eq!(events[0].value("meta"), ValueRef::Str("[1, 2]"));
    assert_eq!(events[1].value("items"), ValueRef::Str("w"));
    assert_eq!(events[1].value("meta"), ValueRef::Str("('x', 1)"));
    assert_eq!(events[1].value("total"), ValueRef::U64(1));
}

/// One callsite reached with structs of different types: each event gets its own names.
fn log_any<T: StructFields>(value: &T) {
    ttlog::info!(..value, "any", extra = true);
}

#[test]
fn generic_callsite_keeps_each_types_names() {
    let s = capture();
    for _ in 0..2 {
        log_any(&Request { id: 1, kind: "k" });
        log_any(&Session2 { r#type: "t" });
        log_any(&Page {
            items: 1u8,
            meta: (),
            total: 0,
        });
    }
    let events = s.take();
    assert_eq!(events.len(), 6);
    assert_eq!(events[0].line, events[1].line, "one source location");
    for e in events.iter().step_by(3) {
        assert_eq!(e.names, ["id", "r#type", "extra"]);
        assert_eq!(e.value("id"), ValueRef::U64(1));
    }
    for e in events.iter().skip(1).step_by(3) {
        assert_eq!(e.names, ["type", "extra"]);
        assert_eq!(e.value("type"), ValueRef::Str("t"));
    }
    for e in events.iter().skip(2).step_by(3) {
        assert_eq!(e.names, ["items", "meta", "total", "extra"]);
        assert_eq!(e.value("meta"), ValueRef::Str("()"));
        assert_eq!(e.value("extra"), ValueRef::Bool(true));
    }
    // Each list of names has one callsite, built once and then reused.
    assert_eq!(events[0].callsite, events[3].callsite);
    assert_eq!(events[1].callsite, events[4].callsite);
    assert_eq!(events[2].callsite, events[5].callsite);
    assert_ne!(events[0].callsite, events[1].callsite);
    assert_ne!(events[1].callsite, events[2].callsite);
}

#[test]
fn evaluated_once_in_order_and_not_when_disabled() {
    let s = capture();
    let seen = Mutex::new(Vec::new());
    let f = |tag: &'static str| {
        seen.lock().unwrap().push(tag);
        Request { id: 2, kind: tag }
    };
    let g = |tag: &'static str| {
        seen.lock().unwrap().push(tag);
        tag.len()
    };
    ttlog::info!(a = g("a"), ..f("b"), "{}", g("c"));
    assert_eq!(*seen.lock().unwrap(), ["a", "b", "c"]);
    let e = s.one();
    assert_eq!(e.message, "1");
    assert_eq!(e.value("r#type"), ValueRef::Str("b"));

    let calls = Cell::new(0);
    let touch = || {
        calls.set(calls.get() + 1);
        Request { id: 3, kind: "x" }
    };
    ttlog::set_max_level(LevelFilter::Info);
    ttlog::debug!(..touch(), "skipped");
    ttlog::info!(..touch(), "kept");
    ttlog::set_max_level(LevelFilter::Trace);
    assert_eq!(
        calls.get(),
        1,
        "only the enabled event evaluates its struct"
    );
    let events = s.take();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].message, "kept");
}

#[test]
fn event_belongs_to_the_current_span() {
    let s = capture();
    let span = ttlog::info_span!("request");
    let id = span.id().expect("enabled").into_u64();
    span.in_scope(|| ttlog::info!(..Request { id: 4, kind: "k" }, "inside"));
    ttlog::info!(..Request { id: 5, kind: "k" }, "outside");
    let events = s.take();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].span, id);
    assert_eq!(events[1].span, 0);
}

/// A hand-written impl that pushes the wrong number of values.
struct Short;

impl StructFields for Short {
    const NAMES: &'static [&'static str] = &["x", "y"];
    fn push_values(&self, out: &mut Values) {
        out.push(FieldValue::from(1));
    }
}

struct Long;

impl StructFields for Long {
    const NAMES: &'static [&'static str] = &["p"];
    fn push_values(&self, out: &mut Values) {
        out.push(FieldValue::from(1));
        out.push(FieldValue::from(2));
    }
}

#[test]
fn wrong_value_counts_do_not_shift_other_fields() {
    let s = capture();
    ttlog::info!(..Short, after = 9);
    let e = s.one();
    assert_eq!(e.names, ["x", "y", "after"]);
    assert_eq!(e.values.len(), 3);
    assert_eq!(e.value("y"), ValueRef::Empty);
    assert_eq!(e.value("after"), ValueRef::I64(9));

    ttlog::info!(..Long, after = 9);
    let e = s.one();
    assert_eq!(e.names, ["p", "after"]);
    assert_eq!(e.values.len(), 2);
    assert_eq!(e.value("p"), ValueRef::I64(1));
    assert_eq!(e.value("after"), ValueRef::I64(9));
}

#[test]
fn many_values_spill_but_work() {
    let s = capture();
    let attempt = attempt();
    ttlog::info!(a = 1, ..attempt, ..Request { id: 6, kind: "k" }, z = 2);
    let e = s.one();
    assert_eq!(e.names.len(), 15);
    assert_eq!(e.values.len(), 15);
    assert_eq!(e.value("id"), ValueRef::U64(6));
    assert_eq!(e.value("z"), ValueRef::I64(2));
}

#[test]
fn ranges_are_still_format_arguments() {
    let s = capture();
    let end = 3;
    ttlog::info!("{:?} {:?}", ..end, .., x = 1);
    let e = s.one();
    assert_eq!(e.message, "..3 ..");
    assert_eq!(e.names, ["x"]);
}
