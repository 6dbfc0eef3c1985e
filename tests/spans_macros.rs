//! The span macros, end to end through a custom logger: `span!` and `trace_span!` …
//! `error_span!` with every argument form (target, parent, fields), the level gates, the
//! evaluation of their arguments, and the events and records they lead to.
//!
//! The logger and the max level are process-wide, so one capturing logger is installed once
//! and every test runs under one lock (see [`capture`]).

use std::cell::Cell;
use std::fmt;
use std::sync::Mutex;

use ttlog::span::{SpanOp, SpanOpKind};
use ttlog::{Callsite, FieldValue, Level, LevelFilter, LogEvent, Span, SpanId, ValueRef};

mod common;

use common::capture::{field, Addr, Observe, Req, Session};

/// The shared capturing logger, keeping what it [`Seen`].
fn capture() -> Session<Seen> {
    common::capture::capture()
}

/// A span as created, with its callsite's metadata copied out.
#[derive(Debug)]
struct Created {
    id: u64,
    parent: u64,
    name: &'static str,
    level: Level,
    target: &'static str,
    module_path: &'static str,
    file: &'static str,
    line: u32,
    callsite: &'static Callsite,
    names: &'static [&'static str],
    values: Vec<FieldValue>,
}

impl Created {
    fn value(&self, name: &str) -> ValueRef<'_> {
        field(self.names, &self.values, name)
    }
}

/// What the logger saw, in order.
#[derive(Debug)]
enum Seen {
    New(Created),
    Event {
        message: String,
        span: u64,
    },
    Record {
        id: u64,
        field: usize,
        value: FieldValue,
    },
    Enter(u64),
    Exit(u64),
    Close(u64),
    Other,
}

impl Observe for Seen {
    fn event(event: LogEvent) -> Seen {
        Seen::Event {
            message: event.message().to_owned(),
            span: event.span_id(),
        }
    }

    fn span(op: SpanOp) -> Option<Seen> {
        let id = op.id.into_u64();
        Some(match op.kind {
            SpanOpKind::New {
                callsite,
                parent,
                values,
            } => Seen::New(Created {
                id,
                parent: parent.map_or(0, SpanId::into_u64),
                name: callsite.message(),
                level: callsite.level(),
                target: callsite.target(),
                module_path: callsite.module_path(),
                file: callsite.file(),
                line: callsite.line(),
                callsite,
                names: callsite.field_names(),
                values: values.to_vec(),
            }),
            SpanOpKind::Record { field, value } => Seen::Record { id, field, value },
            SpanOpKind::Enter => Seen::Enter(id),
            SpanOpKind::Exit => Seen::Exit(id),
            SpanOpKind::Close => Seen::Close(id),
            _ => Seen::Other,
        })
    }
}

/// The spans created since the last call (other operations are dropped).
fn created(s: &Session<Seen>) -> Vec<Created> {
    s.take()
        .into_iter()
        .filter_map(|s| match s {
            Seen::New(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// The one span created since the last call.
fn one(s: &Session<Seen>) -> Created {
    let mut created = created(s);
    assert_eq!(created.len(), 1, "expected one span, got {created:?}");
    created.remove(0)
}

#[test]
fn name_fields_and_callsite() {
    let s = capture();
    let addr = Addr;
    let req = Req { id: 9 };
    let empty = ttlog::field::Empty;
    let line = line!() + 1;
    let span = ttlog::info_span!("request", id = 7u64, ip = %addr, req = ?req, user = empty);
    let c = one(&s);
    assert_eq!(span.id().map(SpanId::into_u64), Some(c.id));
    assert_eq!(c.name, "request");
    assert_eq!(span.name(), Some("request"));
    assert_eq!(c.level, Level::Info);
    assert_eq!(c.target, module_path!());
    assert_eq!(c.module_path, module_path!());
    assert_eq!(c.file, file!());
    assert_eq!(c.line, line);
    assert_eq!(c.parent, 0, "no current span: a root");
    assert_eq!(c.names, ["id", "ip", "req", "user"]);
    assert_eq!(c.value("id"), ValueRef::U64(7));
    assert_eq!(c.value("ip"), ValueRef::Str("10.0.0.1"));
    assert_eq!(c.value("req"), ValueRef::Str("Req { id: 9 }"));
    assert_eq!(c.value("user"), ValueRef::Empty);

    // A field declared `Empty` is recorded later, by its index.
    span.record("user", "alice");
    let seen = s.take();
    assert!(
        matches!(&seen[..], [Seen::Record { id, field: 3, value }]
            if *id == c.id && value.as_str() == Some("alice")),
        "{seen:?}"
    );
    drop(span);
    assert!(matches!(&s.take()[..], [Seen::Close(id)] if *id == c.id));
}

#[test]
fn every_level_and_span_with_a_level_expression() {
    let s = capture();
    let _t = ttlog::trace_span!("t");
    let _d = ttlog::debug_span!("d");
    let _i = ttlog::info_span!("i");
    let _w = ttlog::warn_span!("w");
    let _e = ttlog::error_span!("e");
    const LEVEL: Level = Level::Warn;
    let _s1 = ttlog::span!(Level::Debug, "s1", n = 1);
    let _s2 = ttlog::span!(LEVEL, "s2");
    let _s3 = ttlog::span!(target: "a::b", ttlog::Level::Error, "s3");
    let levels: Vec<_> = created(&s)
        .iter()
        .map(|c| (c.level, c.name, c.target))
        .collect();
    let here = module_path!();
    assert_eq!(
        levels,
        [
            (Level::Trace, "t", here),
            (Level::Debug, "d", here),
            (Level::Info, "i", here),
            (Level::Warn, "w", here),
            (Level::Error, "e", here),
            (Level::Debug, "s1", here),
            (Level::Warn, "s2", here),
            (Level::Error, "s3", "a::b"),
        ]
    );
}

#[test]
fn target_and_field_forms() {
    let s = capture();
    const TARGET: &str = "from::const";
    let user_id = 11u64;
    let addr = Addr;
    let req = Req { id: 1 };
    let r#type = "admin";
    let _a = ttlog::debug_span!(target: TARGET, "forms", user_id, %addr, ?req, ?req.id, r#type,
        http.status = 200, "user-id" = 5, lit = "static", "trailing" = 1,);
    let c = one(&s);
    assert_eq!(c.target, "from::const");
    assert_eq!(c.level, Level::Debug);
    assert_eq!(
        c.names,
        [
            "user_id",
            "addr",
            "req",
            "req.id",
            "type",
            "http.status",
            "user-id",
            "lit",
            "trailing"
        ]
    );
    assert_eq!(c.value("user_id"), ValueRef::U64(11));
    assert_eq!(c.value("addr"), ValueRef::Str("10.0.0.1"));
    assert_eq!(c.value("req.id"), ValueRef::Str("1"));
    assert_eq!(c.value("type"), ValueRef::Str("admin"));
    assert_eq!(c.value("http.status"), ValueRef::I64(200));
    assert_eq!(c.value("lit"), ValueRef::Str("static"));

    let _b = ttlog::info_span!("set {{a}}");
    assert_eq!(
        one(&s).name,
        "set {a}",
        "escaped braces, as in event messages"
    );
}

#[test]
fn parents() {
    let s = capture();
    let outer = ttlog::info_span!("outer");
    let outer_id = outer.id().unwrap().into_u64();
    let other = ttlog::info_span!("other");
    let other_id = other.id().unwrap().into_u64();
    s.take();

    let _entered = outer.enter();
    let current = ttlog::info_span!("current");
    let by_ref = ttlog::info_span!(parent: &other, "by_ref");
    let by_id = ttlog::info_span!(parent: other.id().unwrap(), "by_id");
    let by_option = ttlog::info_span!(parent: other.id(), "by_option");
    let root = ttlog::info_span!(parent: None, "root");
    let none_parent = ttlog::info_span!(parent: &Span::none(), "none_parent");
    let with_target =
        ttlog::span!(target: "t", parent: &current, Level::Info, "with_target", n = 1);
    let created = created(&s);
    let parents: Vec<_> = created.iter().map(|c| (c.name, c.parent)).collect();
    let current_id = current.id().unwrap().into_u64();
    assert_eq!(
        parents,
        [
            ("current", outer_id),
            ("by_ref", other_id),
            ("by_id", other_id),
            ("by_option", other_id),
            ("root", 0),
            ("none_parent", 0),
            ("with_target", current_id),
        ]
    );
    assert_eq!(created[6].target, "t");
    drop((by_ref, by_id, by_option, root, none_parent, with_target));
}

#[test]
fn events_inside_an_entered_span() {
    let s = capture();
    let span = ttlog::info_span!("request", id = 1);
    let id = span.id().unwrap().into_u64();
    {
        let _entered = span.enter();
        ttlog::info!("inside");
    }
    ttlog::info!("outside");
    let seen = s.take();
    let interesting: Vec<String> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Enter(i) => Some(format!("enter {}", *i == id)),
            Seen::Exit(i) => Some(format!("exit {}", *i == id)),
            Seen::Event { message, span } => Some(format!("{message} {}", *span == id)),
            _ => None,
        })
        .collect();
    assert_eq!(
        interesting,
        ["enter true", "inside true", "exit true", "outside false"]
    );
}

#[test]
fn events_with_an_explicit_parent() {
    #[derive(ttlog::Fields)]
    struct Row {
        n: u8,
    }
    let s = capture();
    let current = ttlog::info_span!("current");
    let other = ttlog::info_span!("other");
    let (current_id, other_id) = (
        current.id().unwrap().into_u64(),
        other.id().unwrap().into_u64(),
    );
    let _entered = current.enter();
    s.take();
    let calls = Cell::new(0);
    let parent_of = |span| {
        calls.set(calls.get() + 1);
        span
    };
    ttlog::info!("current span");
    ttlog::info!(parent: &other, "by ref");
    ttlog::info!(target: "t", parent: other.id(), "by id {}", 1);
    ttlog::info!(parent: None, "no span");
    ttlog::info!(parent: parent_of(&other), ..Row { n: 1 }, "struct by ref");
    ttlog::info!(parent: None, ..Row { n: 2 }, "struct no span");
    ttlog::info!(..Row { n: 3 }, "struct current");
    ttlog::set_max_level(LevelFilter::Warn);
    ttlog::info!(parent: parent_of(&other), "disabled");
    ttlog::set_max_level(LevelFilter::Trace);
    assert_eq!(
        calls.get(),
        1,
        "a disabled event does not evaluate its parent"
    );
    let events: Vec<_> = s
        .take()
        .into_iter()
        .filter_map(|s| match s {
            Seen::Event { message, span } => Some((message, span)),
            _ => None,
        })
        .collect();
    assert_eq!(
        events,
        [
            ("current span".to_owned(), current_id),
            ("by ref".to_owned(), other_id),
            ("by id 1".to_owned(), other_id),
            ("no span".to_owned(), 0),
            ("struct by ref".to_owned(), other_id),
            ("struct no span".to_owned(), 0),
            ("struct current".to_owned(), current_id),
        ]
    );
}

#[test]
fn disabled_spans_evaluate_nothing() {
    let s = capture();
    let calls = Cell::new(0);
    let touch = || {
        calls.set(calls.get() + 1);
        1
    };
    let parent = ttlog::warn_span!("parent");
    s.take();
    let parent_of = || {
        calls.set(calls.get() + 1);
        &parent
    };
    ttlog::set_max_level(LevelFilter::Info);
    let debug = ttlog::debug_span!(parent: parent_of(), "debug", n = touch(), d = %touch());
    let by_expr = ttlog::span!(Level::Trace, "trace", n = touch());
    let info = ttlog::info_span!(parent: parent_of(), "info", n = touch());
    ttlog::set_max_level(LevelFilter::Trace);
    assert!(debug.is_none() && debug.id().is_none());
    assert!(by_expr.is_none());
    assert!(!info.is_none());
    assert_eq!(
        calls.get(),
        2,
        "only the enabled span evaluates its arguments"
    );
    let created = created(&s);
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].name, "info");

    // Every method of a disabled span is a no-op.
    debug.record("n", &5);
    debug.in_scope(|| ttlog::info!("in a disabled span"));
    assert!(matches!(&s.take()[..], [Seen::Event { span: 0, .. }]));
}

#[test]
fn evaluated_exactly_once_in_order() {
    let s = capture();
    let parent = ttlog::info_span!("p");
    s.take();
    let seen = Mutex::new(Vec::new());
    let f = |tag: &'static str| {
        seen.lock().unwrap().push(tag);
        tag.len()
    };
    let p = |tag: &'static str| {
        seen.lock().unwrap().push(tag);
        &parent
    };
    let _span = ttlog::info_span!(parent: p("p"), "s", a = f("a"), b = %f("bb"), c = ?f("ccc"));
    assert_eq!(*seen.lock().unwrap(), ["p", "a", "bb", "ccc"]);
    let c = one(&s);
    assert_eq!(c.value("a"), ValueRef::U64(1));
    assert_eq!(c.value("b"), ValueRef::Str("2"));
    assert_eq!(c.value("c"), ValueRef::Str("3"));
}

#[test]
fn usable_in_generic_code_and_temporaries_live() {
    fn generic<T: fmt::Debug>(value: T) -> Span {
        ttlog::debug_span!("generic", value = ?value)
    }
    let s = capture();
    let _a = generic(3u8);
    let _b = generic("x");
    let _c = ttlog::info_span!(
        parent: &ttlog::info_span!("temporary parent"),
        "temps",
        len = String::from("abc").as_str().len(),
        text = String::from("borrowed").as_str(),
    );
    let created = created(&s);
    assert_eq!(created.len(), 4);
    assert_eq!(created[0].value("value"), ValueRef::Str("3"));
    assert_eq!(created[1].value("value"), ValueRef::Str("\"x\""));
    assert!(
        std::ptr::eq(created[0].callsite, created[1].callsite),
        "one callsite for every instance"
    );
    assert!(!std::ptr::eq(created[1].callsite, created[2].callsite));
    assert_eq!(created[3].parent, created[2].id);
    assert_eq!(created[3].value("len"), ValueRef::U64(3));
    assert_eq!(created[3].value("text"), ValueRef::Str("borrowed"));
}

#[test]
fn many_fields() {
    let s = capture();
    let _span = ttlog::info_span!(
        "many",
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
    let c = one(&s);
    assert_eq!(c.names.len(), 10);
    assert_eq!(c.value("j"), ValueRef::I64(10));
}
