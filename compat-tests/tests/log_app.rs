//! A small service written against `log`, the way `log` users write one: modules that log
//! with `log::info!` and friends (targets, key-values, format arguments), a worker pool, a
//! module that has already moved to ttlog's macros, and a `main` that used to call
//! `env_logger::init()`. The only change for ttlog is in `main`: `ttlog::init().with_log()`.
//!
//! The JSON that ttlog writes is captured and checked line by line: every field with its
//! JSON type, target, level, message, file and line, nothing duplicated, nothing lost,
//! filtered levels absent, and `log::max_level()` following `guard.set_filter(..)`.
//! Its own process: it installs the global loggers.

use std::io;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

// ===== the application =====

mod app {
    pub mod db {
        use log::{debug, info, trace, warn};

        pub struct Pool {
            pub size: u32,
        }

        impl Pool {
            pub fn connect(url: &str, size: u32) -> Pool {
                info!(url, size; "connecting to the database");
                debug!("pool of {} connections", size);
                Pool { size }
            }

            pub fn query(&self, table: &str, id: u64) -> Option<String> {
                trace!(table, id; "query");
                if id % 10 == 9 {
                    warn!(table = table, id = id, slow = true, latency_ms = 12.5; "slow query");
                }
                Some(format!("{table}#{id}"))
            }
        }
    }

    pub mod http {
        use log::{error, info, log_enabled, Level};

        use super::db::Pool;

        pub fn handle(pool: &Pool, id: u64, method: char) -> u16 {
            if log_enabled!(Level::Debug) {
                log::debug!("handling {id}");
            }
            let row = pool.query("users", id);
            let status: u16 = if row.is_some() { 200 } else { 404 };
            info!(
                target: "access",
                id = id,
                method:% = method,
                status = status,
                ok = status == 200,
                user:? = row;
                "request"
            );
            if id == 13 {
                error!(code = -13i64; "unlucky request {}", id);
            }
            status
        }
    }

    /// This module has moved to ttlog's own macros already: its span wraps `log` records too.
    pub mod jobs {
        pub fn nightly(pool: &super::db::Pool) {
            let span = ttlog::info_span!("nightly", pool = pool.size);
            let _enter = span.enter();
            ttlog::info!("job started", kind = "vacuum");
            log::info!(step = 1u8; "still logging through log inside the span");
        }
    }

    pub fn run(workers: u64, requests_per_worker: u64) {
        let pool = std::sync::Arc::new(db::Pool::connect("postgres://db/app", 4));
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let pool = pool.clone();
                std::thread::Builder::new()
                    .name(format!("worker-{w}"))
                    .spawn(move || {
                        for i in 0..requests_per_worker {
                            http::handle(&pool, w * 1000 + i, 'G');
                        }
                        log::info!(target: "pool", worker = w; "worker done");
                    })
                    .unwrap()
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        jobs::nightly(&pool);
        log::logger().flush();
    }
}

// ===== the harness =====

/// A writer whose output the test can read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// The JSON lines written so far, parsed, and forgotten.
    fn take(&self) -> Vec<(String, Map<String, Value>)> {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap());
        let text = String::from_utf8(bytes).unwrap();
        text.lines()
            .map(|line| {
                let value: Value =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
                let Value::Object(map) = value else {
                    panic!("not an object: {line}")
                };
                assert_no_duplicate_keys(line, &map);
                (line.to_owned(), map)
            })
            .collect()
    }
}

/// serde_json keeps one of two equal keys; the raw line must have each key once.
fn assert_no_duplicate_keys(line: &str, map: &Map<String, Value>) {
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    if let Some(Value::Object(fields)) = map.get("fields") {
        keys.extend(fields.keys().map(String::as_str));
    }
    for key in keys {
        let quoted = format!("\"{key}\":");
        assert_eq!(
            line.matches(&quoted).count(),
            1,
            "{key} duplicated in {line}"
        );
    }
}

fn fields(event: &Map<String, Value>) -> &Map<String, Value> {
    event["fields"].as_object().unwrap()
}

fn message(event: &Map<String, Value>) -> &str {
    fields(event)["message"].as_str().unwrap()
}

fn with_message<'a>(
    events: &'a [(String, Map<String, Value>)],
    msg: &str,
) -> Vec<&'a Map<String, Value>> {
    events
        .iter()
        .map(|(_, e)| e)
        .filter(|e| message(e) == msg)
        .collect()
}

const WORKERS: u64 = 4;
const REQUESTS: u64 = 60;

#[test]
fn log_app_runs_on_ttlog() {
    let out = Captured::default();
    // Before: `env_logger::Builder::new().parse_filters("info,...").init();`
    let guard = ttlog::init()
        .with_log()
        .service("log-app")
        .snapshot_dir(env!("CARGO_TARGET_TMPDIR")) // a failing assertion leaves a panic snapshot
        .filter("info,log_app::app::db=debug,access=info")
        .no_console()
        .writer(out.clone(), ttlog::Format::Json)
        .try_init()
        .expect("ttlog starts and installs the log adapter");
    assert_eq!(log::max_level(), log::LevelFilter::Debug);

    app::run(WORKERS, REQUESTS);
    let events = out.take();
    assert_eq!(guard.dropped(), 0);

    // Nothing lost, nothing extra: every record the filter lets through, once.
    let requests = WORKERS * REQUESTS;
    let slow = (0..WORKERS)
        .map(|w| (0..REQUESTS).filter(|i| (w * 1000 + i) % 10 == 9).count())
        .sum::<usize>();
    let count = |m| with_message(&events, m).len();
    assert_eq!(count("connecting to the database"), 1);
    assert_eq!(count("pool of 4 connections"), 1);
    assert_eq!(count("request"), requests as usize);
    assert_eq!(count("slow query"), slow);
    assert_eq!(count("worker done"), WORKERS as usize);
    assert_eq!(count("unlucky request 13"), 1);
    assert_eq!(count("job started"), 1);
    assert_eq!(count("still logging through log inside the span"), 1);
    // Filtered out: trace in db (max debug there), debug elsewhere (info).
    assert_eq!(count("query"), 0);
    assert!(events
        .iter()
        .all(|(_, e)| !message(e).starts_with("handling")));
    assert_eq!(
        events.len(),
        1 + 1 + requests as usize + slow + 1 + WORKERS as usize + 2
    );

    // Every request once per id.
    let mut ids: Vec<u64> = with_message(&events, "request")
        .iter()
        .map(|e| fields(e)["id"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), requests as usize);

    // Levels, targets, messages, types.
    let connect = with_message(&events, "connecting to the database")[0];
    assert_eq!(connect["level"], "INFO");
    assert_eq!(connect["target"], "log_app::app::db");
    assert_eq!(fields(connect)["url"], "postgres://db/app");
    assert!(fields(connect)["size"].is_u64());
    assert_eq!(fields(connect)["size"], 4);
    assert_eq!(connect["filename"], file!());
    assert!(connect["line_number"].as_u64().unwrap() > 0);
    assert_eq!(
        connect["threadName"],
        std::thread::current().name().unwrap()
    );

    let debug = with_message(&events, "pool of 4 connections")[0];
    assert_eq!(debug["level"], "DEBUG");
    assert_eq!(fields(debug).len(), 1, "only the message");

    let slow_event = with_message(&events, "slow query")[0];
    assert_eq!(slow_event["level"], "WARN");
    let f = fields(slow_event);
    assert_eq!(f["table"], "users");
    assert!(f["id"].is_u64());
    assert_eq!(f["slow"], Value::Bool(true));
    assert!(f["latency_ms"].is_f64());
    assert_eq!(f["latency_ms"], 12.5);

    let (raw, request) = events
        .iter()
        .find(|(_, e)| message(e) == "request")
        .unwrap();
    assert_eq!(request["target"], "access");
    let f = fields(request);
    // The key-values, all of them, in the order they were written.
    let order = ["message", "id", "method", "status", "ok", "user"];
    assert_eq!(f.len(), order.len());
    let at: Vec<usize> = order
        .iter()
        .map(|k| raw.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{raw}");
    assert!(f["id"].is_u64());
    assert_eq!(f["method"], "G");
    assert_eq!(f["status"], 200);
    assert_eq!(f["ok"], true);
    assert!(f["user"].as_str().unwrap().starts_with("Some(\"users#"));
    assert!(request["threadName"]
        .as_str()
        .unwrap()
        .starts_with("worker-"));
    assert_eq!(request["filename"], file!());

    // A formatted message with arguments, and a signed key-value.
    let unlucky = with_message(&events, "unlucky request 13")[0];
    assert_eq!(unlucky["level"], "ERROR");
    assert!(fields(unlucky)["code"].is_i64());
    assert_eq!(fields(unlucky)["code"], -13);

    let worker = with_message(&events, "worker done")[0];
    assert_eq!(worker["target"], "pool");
    assert!(fields(worker)["worker"].is_u64());

    // The `log` record inside a ttlog span carries the span, as ttlog's own events do.
    let inside = with_message(&events, "still logging through log inside the span")[0];
    assert_eq!(inside["span"]["name"], "nightly");
    assert_eq!(inside["span"]["pool"], 4);
    assert_eq!(fields(inside)["step"], 1);
    assert!(with_message(&events, "job started")[0]["span"].is_object());

    // Reloading the filter moves `log::max_level()`, so `log` stops or starts formatting.
    guard.set_filter("warn").unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Warn);
    assert!(!log::log_enabled!(log::Level::Info));
    app::run(1, 10);
    let events = out.take();
    let levels: Vec<&str> = events
        .iter()
        .map(|(_, e)| e["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["WARN"], "only the slow query of id 9");

    guard.set_filter("trace").unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
    app::run(1, 2);
    let events = out.take();
    assert_eq!(with_message(&events, "query").len(), 2);
    assert_eq!(with_message(&events, "handling 0").len(), 1);
    assert!(fields(with_message(&events, "query")[0])["id"].is_u64());

    guard.set_filter("off").unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Off);
    app::run(1, 2);
    assert!(out.take().is_empty());

    // Dropping the guard flushes; `log` records after it go nowhere.
    guard.set_filter("info").unwrap();
    log::info!("last words");
    drop(guard);
    assert_eq!(with_message(&out.take(), "last words").len(), 1);
    assert_eq!(log::max_level(), log::LevelFilter::Off);
}
