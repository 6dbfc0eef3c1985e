//! `ttlog spans` and the span scope in `ttlog show`, on real snapshot files.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ttlog_core::snapshot::{self, Header, Span, SpanStatus};
use ttlog_core::{FieldValue, Fields, Level, Record};

mod common;

use common::{temp_dir, ttlog};

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_000_000) + Duration::from_millis(ms)
}

/// request (closed) with children db (error, closed) and cache (open, started first), db
/// with a child retry; a worker root; a span whose parent is missing.
fn spans() -> Vec<Span> {
    vec![
        Span::new(3, "request", Level::Info, at(0))
            .with_target("orders::api")
            .with_thread("main", 1)
            .with_end(at(2500))
            .with_busy(Duration::from_millis(1000))
            .with_field("id", 7u64)
            .with_field("user", "alice smith"),
        Span::new(4, "db", Level::Info, at(100))
            .with_parent(3)
            .with_thread("main", 1)
            .with_end(at(1100))
            .with_busy(Duration::from_millis(900))
            .with_status(SpanStatus::Error)
            .with_field("table", "users"),
        Span::new(5, "cache", Level::Info, at(50))
            .with_parent(3)
            .with_thread("main", 1)
            .with_busy(Duration::from_micros(12)),
        Span::new(6, "retry", Level::Debug, at(200))
            .with_parent(4)
            .with_thread("worker-2", 2)
            .with_end(at(300))
            .with_follows_from([3]),
        Span::new(8, "job", Level::Info, at(10))
            .with_thread("worker-1", 3)
            .with_end(at(20)),
        Span::new(9, "late", Level::Info, at(5))
            .with_parent(2)
            .with_thread("main", 1)
            .with_end(at(6)),
    ]
}

fn write_sample(dir: &Path) -> PathBuf {
    let values = [FieldValue::from(3i64)];
    let record = |message, span_id, ms| Record {
        level: Level::Info,
        timestamp: at(ms),
        target: "orders::db",
        module_path: "orders::db",
        file: "src/db.rs",
        line: 10,
        message,
        thread_name: "main",
        thread_id: 1,
        span_id,
        spans: None,
        fields: Fields::split(&["rows"], &values),
    };
    let records = [
        record("query done", 6, 250),
        record("outside", 0, 3000),
        record("lost span", 77, 3001),
    ];
    let mut header = Header::new("orders", "manual");
    header.created = at(4000);
    snapshot::write_with_spans(dir, &header, &spans(), records).unwrap()
}

#[test]
fn spans_prints_the_tree() {
    let dir = temp_dir("spans-tree");
    let path = write_sample(&dir);
    let out = ttlog(&["spans", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("spans     6 (1 open)"), "{text}");
    let tree: Vec<&str> = text.lines().skip_while(|l| !l.is_empty()).skip(1).collect();
    assert_eq!(
        tree,
        [
            "request{id=7 user=\"alice smith\"}  2.500s  busy 1.000s  ok  thread main  #3",
            "  cache  open (3.950s at snapshot)  busy 12.000µs  ok  thread main  #5",
            "  db{table=users}  1.000s  busy 900.000ms  error  thread main  #4",
            "    retry  100.000ms  busy 0ns  ok  thread worker-2  #6  follows #3",
            "late  1.000ms  busy 0ns  ok  thread main  #9  (parent #2 not in snapshot)",
            "job  10.000ms  busy 0ns  ok  thread worker-1  #8",
        ],
        "{text}"
    );
}

#[test]
fn show_prints_each_events_scope() {
    let dir = temp_dir("spans-show");
    let path = write_sample(&dir);
    let out = ttlog(&["show", path.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let events: Vec<&str> = text.lines().filter(|l| l.starts_with("2026-")).collect();
    assert_eq!(events.len(), 3, "{text}");
    assert!(
        events[0].ends_with(
            " INFO request{id=7 user=\"alice smith\"}:db{table=users}:retry: orders::db: query done rows=3"
        ),
        "{}",
        events[0]
    );
    assert!(
        events[1].ends_with(" INFO orders::db: outside rows=3"),
        "{}",
        events[1]
    );
    // A span id the file does not have: no scope, no error.
    assert!(
        events[2].ends_with(" INFO orders::db: lost span rows=3"),
        "{}",
        events[2]
    );

    let out = ttlog(&["show", path.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].contains("\"events\":3,\"spans\":6}"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("\"span\":{\"name\":\"retry\"}")
            && lines[1]
                .contains("\"spans\":[{\"id\":7,\"user\":\"alice smith\",\"name\":\"request\"}"),
        "{}",
        lines[1]
    );
}

#[test]
fn spans_of_a_file_without_spans() {
    let dir = temp_dir("spans-none");
    let path = snapshot::write(&dir, &Header::new("orders", "manual"), []).unwrap();
    let out = ttlog(&["spans", path.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("spans     0 (0 open)"), "{text}");
    assert!(text.ends_with("\nno spans\n"), "{text}");
}

#[test]
fn spans_in_a_parent_cycle_are_shown_once() {
    let dir = temp_dir("spans-cycle");
    let t = at(0);
    let spans = [
        Span::new(1, "a", Level::Info, t).with_parent(2),
        Span::new(2, "b", Level::Info, at(1)).with_parent(1),
        Span::new(3, "self", Level::Info, at(2)).with_parent(3),
    ];
    let path = snapshot::write_with_spans(&dir, &Header::new("x", "y"), &spans, []).unwrap();
    let out = ttlog(&["spans", path.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let tree: Vec<&str> = text.lines().skip_while(|l| !l.is_empty()).skip(1).collect();
    assert_eq!(tree.len(), 3, "{text}");
    assert!(tree[0].starts_with("self  open"), "{text}");
    assert!(
        tree[1].starts_with("a  open") && tree[1].ends_with("(in a parent cycle)"),
        "{text}"
    );
    assert!(tree[2].starts_with("  b  open"), "{text}");
}

#[test]
fn deep_trees_are_indented_up_to_a_limit() {
    let dir = temp_dir("spans-deep");
    let spans: Vec<Span> = (1..=100u64)
        .map(|id| Span::new(id, "level", Level::Info, at(id)).with_parent(id - 1))
        .collect();
    let path = snapshot::write_with_spans(&dir, &Header::new("x", "y"), &spans, []).unwrap();
    let out = ttlog(&["spans", path.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with(&format!("{}[depth 99] level", "  ".repeat(32))),
        "{last}"
    );
    assert!(text.lines().all(|l| l.len() < 200));
}

#[test]
fn torn_files_show_the_spans_before_the_damage() {
    let dir = temp_dir("spans-torn");
    let path = write_sample(&dir);
    let bytes = std::fs::read(&path).unwrap();
    // Cut inside the events: every span is complete.
    let torn = dir.join("torn.snap");
    std::fs::write(&torn, &bytes[..bytes.len() - 20]).unwrap();
    let out = ttlog(&["spans", torn.to_str().unwrap()]);
    assert!(!out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("request{id=7"), "{text}");
    assert!(text.contains("#9"), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is damaged") && err.contains("the 6 spans and"),
        "{err}"
    );

    let garbage = dir.join("garbage.snap");
    std::fs::write(&garbage, b"not a snapshot at all").unwrap();
    let out = ttlog(&["spans", garbage.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a ttlog snapshot"));
}
