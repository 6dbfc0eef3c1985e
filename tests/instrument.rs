//! `#[instrument]` and `#[trace_fn]`, end to end: the spans and events they produce, as a
//! custom logger receives them.
//!
//! The logger is process-wide, so one capturing logger is installed once and every test runs
//! under one lock (see [`capture`]).

use std::fmt::{self, Debug};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use ttlog::span::{SpanOp, SpanOpKind};
use ttlog::{FieldValue, Level, LevelFilter, LogEvent, Logger, Span, SpanId, ValueRef};

// ===== capture =====

/// A span as created.
#[derive(Debug, Clone)]
struct NewSpan {
    id: u64,
    name: &'static str,
    level: Level,
    target: &'static str,
    parent: Option<u64>,
    fields: Vec<(&'static str, FieldValue)>,
}

impl NewSpan {
    fn names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|(n, _)| *n).collect()
    }

    fn value(&self, name: &str) -> ValueRef<'_> {
        field(&self.fields, name)
    }
}

/// An event, with the id of the span it was logged in (0 for none).
#[derive(Debug, Clone)]
struct Event {
    level: Level,
    target: &'static str,
    message: String,
    fields: Vec<(&'static str, FieldValue)>,
    span: u64,
}

impl Event {
    fn value(&self, name: &str) -> ValueRef<'_> {
        field(&self.fields, name)
    }

    fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|(n, _)| *n == name)
    }
}

fn field<'a>(fields: &'a [(&'static str, FieldValue)], name: &str) -> ValueRef<'a> {
    fields
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no field `{name}` in {fields:?}"))
        .1
        .as_ref()
}

#[derive(Debug, Clone)]
enum Op {
    Event(Event),
    New(NewSpan),
    Enter(u64),
    Exit(u64),
    Record(u64, usize, FieldValue),
    Follows(u64, u64),
    Error(u64),
    Close(u64),
}

#[derive(Default)]
struct Capture(Mutex<Vec<Op>>);

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        let names = event.callsite().field_names();
        let op = Op::Event(Event {
            level: event.level(),
            target: event.target(),
            message: event.message().to_owned(),
            fields: names.iter().copied().zip(event.values().to_vec()).collect(),
            span: event.span_id(),
        });
        self.0.lock().unwrap().push(op);
    }

    fn span(&self, op: SpanOp) {
        let id = op.id.into_u64();
        let op = match op.kind {
            SpanOpKind::New {
                callsite,
                parent,
                values,
            } => Op::New(NewSpan {
                id,
                name: callsite.message(),
                level: callsite.level(),
                target: callsite.target(),
                parent: parent.map(SpanId::into_u64),
                fields: callsite
                    .field_names()
                    .iter()
                    .copied()
                    .zip(values.to_vec())
                    .collect(),
            }),
            SpanOpKind::Enter => Op::Enter(id),
            SpanOpKind::Exit => Op::Exit(id),
            SpanOpKind::Record { field, value } => Op::Record(id, field, value),
            SpanOpKind::FollowsFrom(from) => Op::Follows(id, from.into_u64()),
            SpanOpKind::Error => Op::Error(id),
            SpanOpKind::Close => Op::Close(id),
            other => panic!("unexpected span op {other:?}"),
        };
        self.0.lock().unwrap().push(op);
    }
}

/// Installs the capture once; returns it, emptied, with the lock that serialises the tests.
fn capture() -> (MutexGuard<'static, ()>, &'static Capture) {
    static LOCK: Mutex<()> = Mutex::new(());
    static CAPTURE: OnceLock<Arc<Capture>> = OnceLock::new();
    let guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let capture = CAPTURE.get_or_init(|| {
        let c = Arc::new(Capture::default());
        ttlog::set_logger(c.clone());
        c
    });
    ttlog::set_max_level(LevelFilter::Trace);
    capture.0.lock().unwrap().clear();
    (guard, capture)
}

impl Capture {
    fn take(&self) -> Vec<Op> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The spans created, in order.
fn spans(ops: &[Op]) -> Vec<NewSpan> {
    ops.iter()
        .filter_map(|op| match op {
            Op::New(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// The only span named `name`.
fn span_named(ops: &[Op], name: &str) -> NewSpan {
    let found: Vec<NewSpan> = spans(ops).into_iter().filter(|s| s.name == name).collect();
    assert_eq!(found.len(), 1, "spans named {name}: {ops:#?}");
    found.into_iter().next().unwrap()
}

/// The events, in order.
fn events(ops: &[Op]) -> Vec<Event> {
    ops.iter()
        .filter_map(|op| match op {
            Op::Event(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

fn errors_of(ops: &[Op], id: u64) -> usize {
    ops.iter()
        .filter(|op| matches!(op, Op::Error(i) if *i == id))
        .count()
}

/// Whether the span was closed, after everything logged in it.
fn closed_last(ops: &[Op], id: u64) -> bool {
    let close = ops
        .iter()
        .position(|op| matches!(op, Op::Close(i) if *i == id));
    let last_use = ops.iter().rposition(|op| match op {
        Op::Event(e) => e.span == id,
        Op::Enter(i) | Op::Exit(i) | Op::Error(i) => *i == id,
        _ => false,
    });
    matches!((close, last_use), (Some(c), Some(u)) if c > u)
}

// ===== instrumented functions =====

#[derive(Debug)]
#[allow(dead_code)] // read through Debug
struct User {
    id: u32,
}

/// Not `Debug`: only compiles because it is skipped.
struct Conn;

#[ttlog::instrument]
#[allow(clippy::too_many_arguments)]
fn typed(
    a: u64,
    b: i32,
    name: &str,
    owned: String,
    flag: bool,
    c: char,
    ratio: f64,
    maybe: Option<u8>,
    user: User,
    (x, y): (u8, &str),
) -> usize {
    let _ = (a, b, flag, c, ratio, maybe, user, x);
    name.len() + owned.len() + y.len()
}

#[ttlog::instrument(skip(conn))]
#[allow(non_snake_case)]
fn login(
    user: &str,
    password: &str,
    db_password: String,
    auth_token: u64,
    API_KEY: &str,
    conn: Conn,
) -> bool {
    let _ = (password, db_password, auth_token, API_KEY, conn);
    !user.is_empty()
}

#[ttlog::instrument(fields(auth_token, shard = user.len() % 4))]
fn refresh(user: &str, auth_token: u64) {
    let _ = (user, auth_token);
}

#[ttlog::instrument(skip_all, name = "renamed", target = "app::audit", level = "warn", ret)]
fn options(secret_sauce: u8, visible: u8) -> u8 {
    ttlog::info!("inside");
    secret_sauce + visible
}

#[ttlog::instrument(fields(rows = ttlog::field::Empty, kind = "select"))]
fn query() {
    Span::current().record("rows", &3u64);
}

#[ttlog::instrument(ret, err)]
fn parse(s: &str) -> Result<u32, std::num::ParseIntError> {
    let n: u32 = s.parse()?;
    ttlog::info!("parsed", n);
    if n == 0 {
        return Ok(100);
    }
    Ok(n * 2)
}

#[derive(Debug)]
struct Oops(i32);

impl fmt::Display for Oops {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "oops {}", self.0)
    }
}

#[ttlog::instrument(level = "debug", ret(Display), err(Debug, level = "warn"))]
fn check(n: i32) -> Result<String, Oops> {
    if n < 0 {
        Err(Oops(n))
    } else {
        Ok(format!("n={n}"))
    }
}

#[ttlog::instrument(ret)]
fn early(n: u8) -> u8 {
    if n > 10 {
        return 10;
    }
    n
}

#[derive(Debug)]
struct Counter {
    n: u64,
}

impl Counter {
    #[ttlog::instrument(ret)]
    fn new(n: u64) -> Self {
        Counter { n }
    }

    #[ttlog::instrument]
    fn get(&self) -> u64 {
        self.n
    }

    #[ttlog::instrument(ret)]
    fn bump(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }

    #[ttlog::instrument(ret)]
    fn into_inner(self) -> u64 {
        self.n
    }
}

#[ttlog::instrument(ret)]
fn largest<T: PartialOrd + Debug + Copy>(items: &[T]) -> T {
    let mut best = items[0];
    for &item in items {
        if item > best {
            best = item;
        }
    }
    best
}

#[ttlog::instrument(ret)]
fn first<'a>(items: &'a [String]) -> &'a str {
    &items[0]
}

#[ttlog::instrument(ret)]
fn describe(thing: impl Debug) -> impl Debug {
    format!("<{thing:?}>")
}

#[ttlog::instrument]
fn evens(limit: u32) -> impl Iterator<Item = u32> {
    (0..limit).filter(|n| n % 2 == 0)
}

#[ttlog::instrument]
fn outer() -> Span {
    let me = Span::current();
    inner();
    detached(&me, 1);
    child_of(&me);
    me
}

#[ttlog::instrument]
fn inner() {}

#[ttlog::instrument(skip(cause), parent = None, follows_from = [cause])]
fn detached(cause: &Span, n: u8) {
    let _ = (cause, n);
}

#[ttlog::instrument(skip(parent), parent = parent)]
fn child_of(parent: &Span) {
    let _ = parent;
}

#[ttlog::trace_fn]
fn halve(n: u32) -> Result<u32, String> {
    if n % 2 == 1 {
        return Err(format!("{n} is odd"));
    }
    Ok(n / 2)
}

mod db {
    #[ttlog::trace_fn]
    pub fn ping() {
        ttlog::trace!("pong");
    }
}

#[ttlog::instrument(ret, err)]
async fn fetch(id: u64) -> Result<u64, String> {
    ttlog::info!("before");
    tokio::time::sleep(Duration::from_millis(5)).await;
    ttlog::info!("after sleep");
    tokio::task::yield_now().await;
    if id == 0 {
        return Err("no such id".to_owned());
    }
    Ok(id + 1)
}

#[ttlog::trace_fn]
async fn settle(n: u32) -> u32 {
    tokio::task::yield_now().await;
    n
}

// ===== tests =====

#[test]
fn span_name_level_target_and_typed_fields() {
    let (_lock, capture) = capture();
    assert_eq!(
        typed(
            1,
            -2,
            "n",
            "o".into(),
            true,
            'c',
            0.5,
            Some(7),
            User { id: 3 },
            (4, "y")
        ),
        3
    );
    let ops = capture.take();
    let span = span_named(&ops, "typed");
    assert_eq!(span.level, Level::Info);
    assert_eq!(span.target, module_path!());
    assert_eq!(
        span.names(),
        ["a", "b", "name", "owned", "flag", "c", "ratio", "maybe", "user", "x", "y"]
    );
    assert_eq!(span.value("a"), ValueRef::U64(1));
    assert_eq!(span.value("b"), ValueRef::I64(-2));
    assert_eq!(span.value("name"), ValueRef::Str("n"));
    assert_eq!(span.value("owned"), ValueRef::Str("o"));
    assert_eq!(span.value("flag"), ValueRef::Bool(true));
    assert_eq!(span.value("c"), ValueRef::Char('c'));
    assert_eq!(span.value("ratio"), ValueRef::F64(0.5));
    assert_eq!(span.value("maybe"), ValueRef::U64(7));
    assert_eq!(span.value("user"), ValueRef::Str("User { id: 3 }"));
    assert_eq!(span.value("x"), ValueRef::U64(4));
    assert_eq!(span.value("y"), ValueRef::Str("y"));
    assert!(matches!(ops[1], Op::Enter(id) if id == span.id), "{ops:#?}");
    assert!(closed_last(&ops, span.id), "{ops:#?}");
}

#[test]
fn skipped_and_secret_arguments_are_not_recorded() {
    let (_lock, capture) = capture();
    assert!(login("ann", "hunter2", "pw".into(), 99, "k", Conn));
    refresh("bob", 5);
    assert_eq!(options(1, 2), 3);
    let ops = capture.take();

    let login = span_named(&ops, "login");
    assert_eq!(login.names(), ["user"]);
    assert_eq!(login.value("user"), ValueRef::Str("ann"));
    // Nothing anywhere carries a secret's value.
    let debug = format!("{ops:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("\"pw\""),
        "{debug}"
    );

    // Named in fields(..): recorded after all.
    let refresh = span_named(&ops, "refresh");
    assert_eq!(refresh.names(), ["user", "auth_token", "shard"]);
    assert_eq!(refresh.value("auth_token"), ValueRef::U64(5));
    assert_eq!(refresh.value("shard"), ValueRef::U64(3));

    let renamed = span_named(&ops, "renamed");
    assert!(renamed.names().is_empty());
    assert_eq!(renamed.target, "app::audit");
    assert_eq!(renamed.level, Level::Warn);
    let evs = events(&ops);
    assert_eq!(evs[0].message, "inside");
    assert_eq!(evs[0].span, renamed.id);
    assert_eq!(evs[0].target, module_path!());
    // The events of `ret` and `err` use the span's target.
    assert_eq!(evs[1].value("return"), ValueRef::Str("3"));
    assert_eq!(evs[1].target, "app::audit");
    assert_eq!(evs[1].level, Level::Warn);
    assert_eq!(evs[1].span, renamed.id);
}

#[test]
fn fields_declared_empty_are_recorded_later() {
    let (_lock, capture) = capture();
    query();
    let ops = capture.take();
    let span = span_named(&ops, "query");
    assert_eq!(span.names(), ["rows", "kind"]);
    assert_eq!(span.value("rows"), ValueRef::Empty);
    assert_eq!(span.value("kind"), ValueRef::Str("select"));
    let recorded: Vec<(usize, ValueRef<'_>)> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Record(id, field, value) if *id == span.id => Some((*field, value.as_ref())),
            _ => None,
        })
        .collect();
    assert_eq!(recorded, [(0, ValueRef::U64(3))]);
}

#[test]
fn ret_and_err_events_are_inside_the_span() {
    let (_lock, capture) = capture();

    assert_eq!(parse("21"), Ok(42));
    let ops = capture.take();
    let span = span_named(&ops, "parse");
    let evs = events(&ops);
    assert_eq!(evs.len(), 2, "{evs:#?}");
    assert_eq!(evs[0].message, "parsed");
    assert_eq!(evs[1].level, Level::Info);
    assert_eq!(evs[1].value("return"), ValueRef::Str("42"));
    assert!(evs.iter().all(|e| e.span == span.id), "{evs:#?}");
    assert_eq!(errors_of(&ops, span.id), 0);
    assert!(closed_last(&ops, span.id), "{ops:#?}");

    // `?` leaves early with the error.
    assert!(parse("x").is_err());
    let ops = capture.take();
    let span = span_named(&ops, "parse");
    let evs = events(&ops);
    assert_eq!(evs.len(), 1, "{evs:#?}");
    assert_eq!(evs[0].level, Level::Error);
    assert_eq!(
        evs[0].value("error"),
        ValueRef::Str("invalid digit found in string")
    );
    assert!(!evs[0].has("return"));
    assert_eq!(evs[0].span, span.id);
    assert_eq!(errors_of(&ops, span.id), 1);
    assert!(closed_last(&ops, span.id), "{ops:#?}");

    // `return` leaves early with a value.
    assert_eq!(parse("0"), Ok(100));
    let ops = capture.take();
    let evs = events(&ops);
    assert_eq!(evs.last().unwrap().value("return"), ValueRef::Str("100"));
    assert_eq!(early(50), 10);
    assert_eq!(early(5), 5);
    let evs = events(&capture.take());
    let returned: Vec<_> = evs.iter().map(|e| e.value("return")).collect();
    assert_eq!(returned, [ValueRef::Str("10"), ValueRef::Str("5")]);
}

#[test]
fn ret_and_err_modes_and_levels() {
    let (_lock, capture) = capture();
    assert_eq!(check(3).unwrap(), "n=3");
    assert!(check(-1).is_err());
    let ops = capture.take();
    let spans = spans(&ops);
    assert!(spans.iter().all(|s| s.level == Level::Debug));
    let evs = events(&ops);
    assert_eq!(evs.len(), 2, "{evs:#?}");
    // ret(Display) at the span's level: the string's Display, without quotes.
    assert_eq!(evs[0].level, Level::Debug);
    assert_eq!(evs[0].value("return"), ValueRef::Str("n=3"));
    assert_eq!(evs[0].span, spans[0].id);
    // err(Debug, level = "warn").
    assert_eq!(evs[1].level, Level::Warn);
    assert_eq!(evs[1].value("error"), ValueRef::Str("Oops(-1)"));
    assert_eq!(evs[1].span, spans[1].id);
    assert_eq!(errors_of(&ops, spans[0].id), 0);
    assert_eq!(errors_of(&ops, spans[1].id), 1);
}

#[test]
fn methods_generics_and_impl_trait() {
    let (_lock, capture) = capture();
    let mut counter = Counter::new(1);
    assert_eq!(counter.get(), 1);
    assert_eq!(counter.bump(2), 3);
    assert_eq!(counter.into_inner(), 3);
    assert_eq!(largest(&[3, 9, 2]), 9);
    assert_eq!(largest(&[0.5, -1.0]), 0.5);
    assert_eq!(first(&["a".to_owned()]), "a");
    assert_eq!(format!("{:?}", describe([1, 2])), "\"<[1, 2]>\"");
    assert_eq!(evens(5).collect::<Vec<_>>(), [0, 2, 4]);
    let ops = capture.take();

    let names: Vec<_> = spans(&ops).iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            "new",
            "get",
            "bump",
            "into_inner",
            "largest",
            "largest",
            "first",
            "describe",
            "evens"
        ]
    );
    assert_eq!(span_named(&ops, "new").names(), ["n"]);
    assert!(
        span_named(&ops, "get").names().is_empty(),
        "self is not recorded"
    );
    assert_eq!(span_named(&ops, "bump").names(), ["by"]);
    assert_eq!(
        span_named(&ops, "describe").value("thing"),
        ValueRef::Str("[1, 2]")
    );
    let returned: Vec<String> = events(&ops)
        .iter()
        .map(|e| format!("{:?}", e.value("return")))
        .collect();
    assert_eq!(
        returned,
        [
            "Str(\"Counter { n: 1 }\")",
            "Str(\"3\")",
            "Str(\"3\")",
            "Str(\"9\")",
            "Str(\"0.5\")",
            "Str(\"\\\"a\\\"\")",
            "Str(\"\\\"<[1, 2]>\\\"\")"
        ]
    );
}

#[test]
fn parent_and_follows_from() {
    let (_lock, capture) = capture();
    let outer_span = outer();
    let outer_id = outer_span.id().unwrap().into_u64();
    drop(outer_span);
    let ops = capture.take();
    assert_eq!(span_named(&ops, "outer").id, outer_id);
    assert_eq!(span_named(&ops, "outer").parent, None);
    assert_eq!(span_named(&ops, "inner").parent, Some(outer_id));
    assert_eq!(span_named(&ops, "child_of").parent, Some(outer_id));
    let detached = span_named(&ops, "detached");
    assert_eq!(detached.parent, None, "parent = None makes a root");
    assert_eq!(detached.names(), ["n"]);
    assert!(
        ops.iter().any(
            |op| matches!(op, Op::Follows(id, from) if *id == detached.id && *from == outer_id)
        ),
        "{ops:#?}"
    );
}

#[test]
fn trace_fn_logs_start_result_and_completion() {
    let (_lock, capture) = capture();
    assert_eq!(halve(8), Ok(4));
    let ops = capture.take();
    let span = span_named(&ops, "halve");
    assert_eq!(span.level, Level::Trace);
    assert_eq!(span.value("n"), ValueRef::U64(8));
    let evs = events(&ops);
    let seen: Vec<(Level, &str)> = evs.iter().map(|e| (e.level, e.message.as_str())).collect();
    assert_eq!(
        seen,
        [
            (Level::Trace, "halve started"),
            (Level::Trace, ""),
            (Level::Trace, "halve completed")
        ]
    );
    assert_eq!(evs[1].value("return"), ValueRef::Str("4"));
    // The test crate's root module: the actor is the crate's name.
    assert_eq!(evs[0].value("actor"), ValueRef::Str("instrument"));
    assert_eq!(evs[2].value("actor"), ValueRef::Str("instrument"));
    assert!(evs.iter().all(|e| e.span == span.id));

    assert_eq!(halve(3), Err("3 is odd".to_owned()));
    let ops = capture.take();
    let span = span_named(&ops, "halve");
    let evs = events(&ops);
    let seen: Vec<(Level, &str)> = evs.iter().map(|e| (e.level, e.message.as_str())).collect();
    assert_eq!(
        seen,
        [
            (Level::Trace, "halve started"),
            (Level::Error, ""),
            (Level::Trace, "halve completed")
        ]
    );
    assert_eq!(evs[1].value("error"), ValueRef::Str("3 is odd"));
    assert_eq!(errors_of(&ops, span.id), 1);
    assert!(closed_last(&ops, span.id), "{ops:#?}");

    // No return type: no return event; the actor is the module's name.
    db::ping();
    let ops = capture.take();
    let span = span_named(&ops, "ping");
    assert_eq!(span.target, concat!(module_path!(), "::db"));
    let evs = events(&ops);
    let seen: Vec<&str> = evs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(seen, ["ping started", "pong", "ping completed"]);
    assert_eq!(evs[0].value("actor"), ValueRef::Str("db"));
    assert!(evs.iter().all(|e| e.span == span.id));
}

#[test]
fn a_level_disabled_at_run_time_creates_no_span() {
    let (_lock, capture) = capture();
    ttlog::set_max_level(LevelFilter::Info);
    assert_eq!(halve(2), Ok(1));
    assert_eq!(check(1).unwrap(), "n=1");
    assert_eq!(parse("1"), Ok(2));
    let ops = capture.take();
    let names: Vec<_> = spans(&ops).iter().map(|s| s.name).collect();
    assert_eq!(names, ["parse"]);
    assert_eq!(events(&ops).len(), 2);
}

#[test]
fn async_fn_events_after_await_carry_the_span() {
    let (_lock, capture) = capture();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    // Spawned, so the future may move between worker threads at each await.
    let ok = rt.block_on(rt.spawn(fetch(1))).unwrap();
    assert_eq!(ok, Ok(2));
    let ops = capture.take();
    let span = span_named(&ops, "fetch");
    assert_eq!(span.value("id"), ValueRef::U64(1));
    let evs = events(&ops);
    let seen: Vec<&str> = evs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(seen, ["before", "after sleep", ""], "{evs:#?}");
    assert_eq!(evs[2].value("return"), ValueRef::Str("2"));
    assert!(evs.iter().all(|e| e.span == span.id), "{evs:#?}");
    // Entered on every poll: at least before and after the sleep and the yield.
    let enters = ops
        .iter()
        .filter(|op| matches!(op, Op::Enter(id) if *id == span.id))
        .count();
    assert!(enters >= 3, "{ops:#?}");
    assert!(closed_last(&ops, span.id), "{ops:#?}");

    let err = rt.block_on(fetch(0));
    assert_eq!(err, Err("no such id".to_owned()));
    let ops = capture.take();
    let span = span_named(&ops, "fetch");
    let evs = events(&ops);
    assert_eq!(evs.last().unwrap().level, Level::Error);
    assert_eq!(
        evs.last().unwrap().value("error"),
        ValueRef::Str("no such id")
    );
    assert!(evs.iter().all(|e| e.span == span.id), "{evs:#?}");
    assert_eq!(errors_of(&ops, span.id), 1);

    assert_eq!(rt.block_on(settle(4)), 4);
    let ops = capture.take();
    let span = span_named(&ops, "settle");
    let evs = events(&ops);
    let seen: Vec<&str> = evs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(seen, ["settle started", "", "settle completed"]);
    assert!(evs.iter().all(|e| e.span == span.id), "{evs:#?}");
}
