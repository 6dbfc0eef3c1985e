//! `LogBridge`: ttlog events handed to the host application's `log` logger, with their
//! fields as typed key-values. Its own process: it sets both global loggers.

use std::sync::Mutex;

use log::kv::{self, Key, Value, VisitSource, VisitValue};
use ttlog_core::{Callsite, EventBuilder, FieldValue, Level, LogEvent, Span};
use ttlog_integrations::log::{LogAdapter, LogBridge};

/// What the host's logger saw of one record.
#[derive(Debug, Clone, PartialEq)]
struct Got {
    level: log::Level,
    target: String,
    message: String,
    module_path: Option<String>,
    file: Option<String>,
    line: Option<u32>,
    kvs: Vec<(String, Typed)>,
}

/// A key-value's type and contents, as a `log` visitor sees them.
#[derive(Debug, Clone, PartialEq)]
enum Typed {
    Null,
    U64(u64),
    I64(i64),
    U128(u128),
    I128(i128),
    F64(f64),
    Bool(bool),
    Char(char),
    Str(String),
    Other(String),
}

struct Host {
    records: Mutex<Vec<Got>>,
    flushes: Mutex<usize>,
    /// Whether to also hand each record to a `LogAdapter` (back into ttlog).
    echo: Mutex<bool>,
}

impl log::Log for Host {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() != "hidden"
    }

    fn log(&self, record: &log::Record<'_>) {
        struct Pairs(Vec<(String, Typed)>);
        impl<'kvs> VisitSource<'kvs> for Pairs {
            fn visit_pair(&mut self, key: Key<'kvs>, value: Value<'kvs>) -> Result<(), kv::Error> {
                let mut t = Type(None);
                value.visit(&mut t)?;
                self.0.push((key.as_str().to_owned(), t.0.unwrap()));
                Ok(())
            }
        }
        struct Type(Option<Typed>);
        impl<'v> VisitValue<'v> for Type {
            fn visit_any(&mut self, value: Value<'_>) -> Result<(), kv::Error> {
                self.0 = Some(Typed::Other(value.to_string()));
                Ok(())
            }
            fn visit_null(&mut self) -> Result<(), kv::Error> {
                self.0 = Some(Typed::Null);
                Ok(())
            }
            fn visit_u64(&mut self, v: u64) -> Result<(), kv::Error> {
                self.0 = Some(Typed::U64(v));
                Ok(())
            }
            fn visit_i64(&mut self, v: i64) -> Result<(), kv::Error> {
                self.0 = Some(Typed::I64(v));
                Ok(())
            }
            fn visit_u128(&mut self, v: u128) -> Result<(), kv::Error> {
                self.0 = Some(Typed::U128(v));
                Ok(())
            }
            fn visit_i128(&mut self, v: i128) -> Result<(), kv::Error> {
                self.0 = Some(Typed::I128(v));
                Ok(())
            }
            fn visit_f64(&mut self, v: f64) -> Result<(), kv::Error> {
                self.0 = Some(Typed::F64(v));
                Ok(())
            }
            fn visit_bool(&mut self, v: bool) -> Result<(), kv::Error> {
                self.0 = Some(Typed::Bool(v));
                Ok(())
            }
            fn visit_char(&mut self, v: char) -> Result<(), kv::Error> {
                self.0 = Some(Typed::Char(v));
                Ok(())
            }
            fn visit_str(&mut self, v: &str) -> Result<(), kv::Error> {
                self.0 = Some(Typed::Str(v.to_owned()));
                Ok(())
            }
        }
        let mut pairs = Pairs(Vec::new());
        record.key_values().visit(&mut pairs).unwrap();
        self.records.lock().unwrap().push(Got {
            level: record.level(),
            target: record.target().to_owned(),
            message: record.args().to_string(),
            module_path: record.module_path().map(str::to_owned),
            file: record.file().map(str::to_owned),
            line: record.line(),
            kvs: pairs.0,
        });
        if *self.echo.lock().unwrap() {
            log::Log::log(&LogAdapter::new(), record);
        }
    }

    fn flush(&self) {
        *self.flushes.lock().unwrap() += 1;
    }
}

static HOST: Host = Host {
    records: Mutex::new(Vec::new()),
    flushes: Mutex::new(0),
    echo: Mutex::new(false),
};

static TYPED: Callsite = Callsite::new(
    Level::Warn,
    "library::pool",
    "library::pool",
    "src/pool.rs",
    33,
    "pool {} exhausted",
    &[
        "size", "delta", "big", "neg", "load", "ok", "grade", "name", "empty",
    ],
);
static PLAIN: Callsite = Callsite::new(
    Level::Info,
    "library",
    "library",
    "src/lib.rs",
    7,
    "ready",
    &[],
);
static DEBUG: Callsite = Callsite::new(
    Level::Debug,
    "library",
    "library",
    "src/lib.rs",
    8,
    "verbose",
    &[],
);
static REQUEST: Callsite = Callsite::new(
    Level::Info,
    "library",
    "library",
    "src/lib.rs",
    20,
    "request",
    &["id", "user"],
);
static DB: Callsite = Callsite::new(
    Level::Debug,
    "library",
    "library",
    "src/lib.rs",
    21,
    "db",
    &["table"],
);
static HIDDEN: Callsite = Callsite::new(Level::Error, "hidden", "", "", 0, "hidden", &[]);

fn take() -> Vec<Got> {
    std::mem::take(&mut *HOST.records.lock().unwrap())
}

#[test]
fn bridge_forwards_ttlog_events_to_log() {
    log::set_logger(&HOST).unwrap();
    log::set_max_level(log::LevelFilter::Info);
    let _previous = LogBridge::install();
    assert_eq!(ttlog_core::max_level(), ttlog_core::LevelFilter::Trace);

    ttlog_core::logger::dispatch(
        EventBuilder::new(&TYPED)
            .message(format_args!("pool {} exhausted", "db"))
            .value(16u32)
            .value(-2i64)
            .value(u128::MAX)
            .value(i128::MIN)
            .value(0.75f64)
            .value(false)
            .value('Z')
            .value("primary")
            .build(),
    );
    ttlog_core::logger::dispatch(LogEvent::new(&PLAIN, Default::default()));
    // Filtered by `log`: below its max level, or refused by the host's `enabled`.
    ttlog_core::logger::dispatch(LogEvent::new(&DEBUG, Default::default()));
    ttlog_core::logger::dispatch(LogEvent::new(&HIDDEN, Default::default()));

    let got = take();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(
        got[0],
        Got {
            level: log::Level::Warn,
            target: "library::pool".into(),
            message: "pool db exhausted".into(),
            module_path: Some("library::pool".into()),
            file: Some("src/pool.rs".into()),
            line: Some(33),
            kvs: vec![
                ("size".into(), Typed::U64(16)),
                ("delta".into(), Typed::I64(-2)),
                ("big".into(), Typed::U128(u128::MAX)),
                ("neg".into(), Typed::I128(i128::MIN)),
                ("load".into(), Typed::F64(0.75)),
                ("ok".into(), Typed::Bool(false)),
                ("grade".into(), Typed::Char('Z')),
                ("name".into(), Typed::Str("primary".into())),
                ("empty".into(), Typed::Null),
            ],
        }
    );
    assert_eq!(got[1].message, "ready");
    assert_eq!(got[1].level, log::Level::Info);
    assert!(got[1].kvs.is_empty());

    // `log`'s max level is read per event.
    log::set_max_level(log::LevelFilter::Debug);
    ttlog_core::logger::dispatch(LogEvent::new(&DEBUG, Default::default()));
    assert_eq!(
        take()
            .iter()
            .map(|g| g.message.as_str())
            .collect::<Vec<_>>(),
        ["verbose"]
    );

    // Flushing ttlog flushes `log`.
    let before = *HOST.flushes.lock().unwrap();
    ttlog_core::logger().unwrap().flush();
    assert_eq!(*HOST.flushes.lock().unwrap(), before + 1);

    // A host that hands records back to ttlog (a LogAdapter) does not loop: the event comes
    // back to the bridge on the same thread and is dropped there, and counted. (A bridge of
    // our own for this part, to read its count; the installed one comes back after.)
    ttlog_core::filter::install(ttlog_core::filter::Filter::new(
        ttlog_core::LevelFilter::Trace,
    ));
    let echo_bridge = std::sync::Arc::new(LogBridge::new());
    let installed = ttlog_core::set_logger(echo_bridge.clone());
    *HOST.echo.lock().unwrap() = true;
    ttlog_core::logger::dispatch(LogEvent::new(&PLAIN, Default::default()));
    *HOST.echo.lock().unwrap() = false;
    assert_eq!(take().len(), 1);
    assert_eq!(echo_bridge.dropped(), 1);
    // Not re-entered: not counted.
    ttlog_core::logger::dispatch(LogEvent::new(&PLAIN, Default::default()));
    assert_eq!(take().len(), 1);
    assert_eq!(echo_bridge.dropped(), 1);
    ttlog_core::set_logger(installed);
    ttlog_core::filter::uninstall();
    ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);

    // Events inside ttlog spans carry the scope, with the fields recorded so far.
    let spans_of = |got: &Got| {
        got.kvs
            .iter()
            .find(|(k, _)| k == "spans")
            .map(|(_, v)| v.clone())
    };
    let request = Span::new(
        &REQUEST,
        None,
        [FieldValue::from(7u64), FieldValue::EMPTY]
            .into_iter()
            .collect(),
    );
    let request_id = request.id().unwrap().into_u64();
    {
        let _r = request.enter();
        ttlog_core::logger::dispatch(LogEvent::new(&PLAIN, Default::default()));
        request.record("user", "alice");
        let db = Span::new(
            &DB,
            request.id(),
            [FieldValue::from("users")].into_iter().collect(),
        );
        db.in_scope(|| ttlog_core::logger::dispatch(LogEvent::new(&PLAIN, Default::default())));
        drop(db);
        ttlog_core::logger::dispatch(LogEvent::new(&PLAIN, Default::default()));
    }
    drop(request);
    // A closed span is forgotten.
    let mut late = LogEvent::new(&PLAIN, Default::default());
    late.set_span_id(request_id);
    ttlog_core::logger::dispatch(late);
    ttlog_core::logger::dispatch(LogEvent::new(&PLAIN, Default::default()));
    let scopes: Vec<Option<Typed>> = take().iter().map(spans_of).collect();
    assert_eq!(
        scopes,
        [
            Some(Typed::Str("request{id=7}".into())),
            Some(Typed::Str(
                "request{id=7 user=alice}:db{table=users}".into()
            )),
            Some(Typed::Str("request{id=7 user=alice}".into())),
            None,
            None,
        ]
    );
}
