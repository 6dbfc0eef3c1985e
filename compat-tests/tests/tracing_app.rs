//! A small service written against `tracing` as users write it (nested spans, `in_scope`,
//! `Span::record`, `?`/`%` values, fields of every type, `#[tracing::instrument]` on sync and
//! async functions, explicit parents), run through ttlog with the JSON format. The captured
//! lines are checked one by one: every field present with its JSON type, the span scope as
//! tracing-subscriber writes it (`span`, `spans`), nothing duplicated, nothing lost; the
//! snapshot holds the spans with their parents and durations. (Global install: one test.)

use std::collections::HashMap;
use std::io::Write;
use std::net::Ipv4Addr;
use std::num::ParseIntError;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tracing::{debug, error, info, info_span, warn};

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// ----- the application -----

#[derive(Debug)]
struct Order {
    id: u64,
    items: Vec<&'static str>,
}

struct Db;

#[tracing::instrument(skip(_db), fields(shard = 3), ret)]
fn load_user(_db: &Db, user_id: u64) -> String {
    debug!("loading");
    format!("user{user_id}")
}

#[tracing::instrument(err)]
fn parse_qty(raw: &str) -> Result<u32, ParseIntError> {
    raw.parse()
}

#[tracing::instrument(skip_all, fields(order_id = order.id), ret, err)]
async fn place_order(order: Order) -> Result<u64, String> {
    tokio::task::yield_now().await;
    info!(items = order.items.len(), order = ?order, "placed");
    Ok(order.id)
}

#[derive(Debug)]
struct Timeout;

impl std::fmt::Display for Timeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("upstream timed out")
    }
}

impl std::error::Error for Timeout {}

fn handle_request(id: u64) {
    let request = info_span!("request", id, user = tracing::field::Empty);
    let _entered = request.enter();
    request.record("user", "alice");
    let user = load_user(&Db, 7);
    let db = tracing::debug_span!("db", table = "users");
    db.in_scope(|| {
        info!(rows = 3u64, elapsed_ms = 1.5, cached = false, user = %user, "query done");
        info!(parent: &request, "explicit parent");
    });
    let addr = Ipv4Addr::new(10, 0, 0, 1);
    let err = Timeout;
    warn!(
        signed = -5i64,
        big = i128::MIN,
        ubig = u128::MAX,
        ch = %'x',
        ip = %addr,
        dbg = ?("a", 1),
        error = &err as &(dyn std::error::Error + 'static),
        "every type"
    );
    let _ = parse_qty("seven");
}

// ----- the test -----

fn lines(buf: &Buf) -> Vec<(String, Value)> {
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    out.lines()
        .map(|l| (l.to_owned(), serde_json::from_str(l).unwrap()))
        .collect()
}

#[test]
fn tracing_app_on_ttlog() {
    let buf = Buf::default();
    let dir = std::env::temp_dir().join(format!("ttlog-compat-tracing-{}", std::process::id()));
    let guard = ttlog::init()
        .no_console()
        .signals(false)
        .level(ttlog::Level::Debug)
        .snapshot_dir(&dir)
        .writer(buf.clone(), ttlog::Format::Json)
        .with_tracing()
        .init();

    handle_request(42);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let placed = rt.block_on(async {
        let order = Order {
            id: 9,
            items: vec!["a", "b"],
        };
        tokio::spawn(place_order(order)).await.unwrap()
    });
    drop(rt);
    assert_eq!(placed, Ok(9));
    error!(code = 500u16, "outside every span");

    let path = guard.snapshot("compat").unwrap();
    assert!(guard.flush());
    let lines = lines(&buf);

    // Nothing lost, nothing duplicated: exactly these messages, once each.
    let messages: Vec<&str> = lines
        .iter()
        .map(|(_, v)| v["fields"]["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "loading",
            "",
            "query done",
            "explicit parent",
            "every type",
            "",
            "placed",
            "",
            "outside every span",
        ],
        "{lines:#?}"
    );
    let by_message: HashMap<&str, &Value> = lines
        .iter()
        .map(|(_, v)| (v["fields"]["message"].as_str().unwrap(), v))
        .collect();
    let request = json!({"id": 42, "user": "alice", "name": "request"});
    let load_user = json!({"user_id": 7, "shard": 3, "name": "load_user"});
    let db = json!({"table": "users", "name": "db"});

    // Nested spans, with the field recorded after creation.
    let e = by_message["loading"];
    assert_eq!(e["level"], "DEBUG");
    assert_eq!(e["target"], "tracing_app");
    assert_eq!(e["span"], load_user);
    assert_eq!(e["spans"], json!([request, load_user]));
    let ret = &lines[1].1;
    assert_eq!(ret["level"], "INFO");
    assert_eq!(ret["fields"], json!({"message": "", "return": "\"user7\""}));
    assert_eq!(ret["span"], load_user);

    // Typed fields, `%` values and the span scope, as tracing-subscriber's JSON has them.
    let e = by_message["query done"];
    assert_eq!(
        e["fields"],
        json!({"message": "query done", "rows": 3, "elapsed_ms": 1.5, "cached": false, "user": "user7"})
    );
    assert!(e["fields"]["rows"].is_u64() && e["fields"]["elapsed_ms"].is_f64());
    assert_eq!(e["span"], db);
    assert_eq!(e["spans"], json!([request, db]));
    assert!(e["filename"].as_str().unwrap().ends_with("tracing_app.rs"));
    assert!(e["line_number"].as_u64().unwrap() > 0);

    // An explicit parent wins over the entered span.
    let e = by_message["explicit parent"];
    assert_eq!(e["span"], request);
    assert_eq!(e["spans"], json!([request]));

    // Every field type; 128-bit integers keep all their digits.
    let (raw, e) = lines
        .iter()
        .find(|(_, v)| v["fields"]["message"] == "every type")
        .unwrap();
    assert_eq!(e["level"], "WARN");
    let f = &e["fields"];
    assert_eq!(f["signed"], -5);
    assert_eq!(f["ch"], "x");
    assert_eq!(f["ip"], "10.0.0.1");
    assert_eq!(f["dbg"], "(\"a\", 1)");
    assert_eq!(f["error"], "upstream timed out");
    assert!(raw.contains(&format!("\"big\":{}", i128::MIN)), "{raw}");
    assert!(raw.contains(&format!("\"ubig\":{}", u128::MAX)), "{raw}");
    assert_eq!(f.as_object().unwrap().len(), 8);
    assert_eq!(e["spans"], json!([request]));

    // `#[instrument(err)]`: an ERROR event with the error, inside the function's span.
    let e = &lines[5].1;
    assert_eq!(e["level"], "ERROR");
    assert_eq!(
        e["fields"],
        json!({"message": "", "error": "invalid digit found in string"})
    );
    assert_eq!(e["span"], json!({"raw": "seven", "name": "parse_qty"}));
    assert_eq!(
        e["spans"],
        json!([request, {"raw": "seven", "name": "parse_qty"}])
    );

    // The async function, polled on a worker thread: its span is a root there.
    let place = json!({"order_id": 9, "name": "place_order"});
    let e = by_message["placed"];
    assert_eq!(e["fields"]["items"], 2);
    assert_eq!(
        e["fields"]["order"],
        "Order { id: 9, items: [\"a\", \"b\"] }"
    );
    assert_eq!(e["spans"], json!([place]));
    let e = &lines[7].1;
    assert_eq!(e["fields"], json!({"message": "", "return": "9"}));
    assert_eq!(e["span"], place);

    let e = by_message["outside every span"];
    assert_eq!(e["fields"]["code"], 500);
    assert!(e.get("span").is_none() && e.get("spans").is_none());

    // The snapshot holds the tracing spans, with parents and durations.
    let snap = ttlog::snapshot::read(&path).unwrap();
    let span = |name: &str| {
        let found: Vec<_> = snap.spans.iter().filter(|s| s.name() == name).collect();
        assert_eq!(found.len(), 1, "{name}: {:?}", snap.spans);
        found[0]
    };
    let (request, load_user, db, parse, place) = (
        span("request"),
        span("load_user"),
        span("db"),
        span("parse_qty"),
        span("place_order"),
    );
    assert_eq!(request.parent(), 0);
    assert_eq!(load_user.parent(), request.id());
    assert_eq!(db.parent(), request.id());
    assert_eq!(parse.parent(), request.id());
    assert_eq!(place.parent(), 0);
    assert_eq!(
        request.field("user").and_then(|v| v.as_str()),
        Some("alice")
    );
    assert_eq!(place.field("order_id").and_then(|v| v.as_u64()), Some(9));
    for s in [request, load_user, db, parse, place] {
        assert!(!s.is_open(), "{s:?}");
        let duration = s.duration().unwrap();
        assert!(s.busy() <= duration, "{s:?}");
    }
    assert!(request.duration().unwrap() >= load_user.duration().unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}
