//! Events inside an entered trace context, through the real runtime: every format carries
//! `trace_id`, `span_id` (the W3C id of the event's innermost span, the same one
//! `current_trace_context()` gives the caller there) and `correlation_id`; the context's own
//! span is left out of scopes; events outside carry none; an event's own `correlation_id`
//! field wins; the snapshot keeps the ids as event fields and the context span in its tree.
//! (Init is once per process, so this file has one test.)

use std::sync::{Arc, Mutex};

use ttlog::sink::{format_record, Format};
use ttlog::{current_trace_context, info, info_span, FieldValue, Record, TraceContext};

#[derive(Debug, Clone)]
struct Line {
    compact: String,
    logfmt: String,
    json: serde_json::Value,
}

#[test]
fn events_in_a_context_carry_its_ids_everywhere() {
    let lines: Arc<Mutex<Vec<Line>>> = Arc::default();
    let keep = lines.clone();
    let dir = std::env::temp_dir().join(format!("ttlog-tracectx-{}", std::process::id()));
    let guard = ttlog::init()
        // A rule that masks the trace id's digits wherever they appear: the context's own
        // span is exempt, so events are still attributed to their trace.
        .redact_pattern(ttlog::redact::Pattern::matcher(|text| {
            text.find("4bf92f3577b34da6a3ce929d0e0e4736")
                .map(|i| i..i + 32)
                .into_iter()
                .collect()
        }))
        .no_console()
        .span_events(ttlog::SpanEvents::CLOSE)
        .snapshot_dir(&dir)
        .sink(move |r: &Record<'_>| {
            let text = |format| {
                let mut out = Vec::new();
                format_record(format, r, &mut out);
                String::from_utf8(out).unwrap().trim_end().to_owned()
            };
            let json = serde_json::from_str(&text(Format::Json)).unwrap();
            keep.lock().unwrap().push(Line {
                compact: text(Format::Compact),
                logfmt: text(Format::Logfmt),
                json,
            });
        })
        .init();

    info!("before");
    info!(copied = "4bf92f3577b34da6a3ce929d0e0e4736", "masked copy");
    let incoming = TraceContext::parse(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        None,
    )
    .unwrap()
    .with_correlation_id("order-7")
    .unwrap();
    let (outer_id, inner_id) = {
        let _ctx = incoming.enter();
        let outer_id = current_trace_context().unwrap().parent_id;
        info!(n = 1, "in the context");
        let db = info_span!("db", table = "users");
        let inner_id = db.in_scope(|| {
            info!("in a child span");
            info!(correlation_id = "mine", "own correlation id");
            current_trace_context().unwrap().parent_id
        });
        (outer_id, inner_id)
    };
    info!("after");
    let fresh = TraceContext::new_root();
    fresh.in_scope(|| info!("fresh trace"));
    let path = guard.snapshot("trace").unwrap();
    assert!(guard.flush());

    let lines = lines.lock().unwrap().clone();
    let find = |message: &str| -> Line {
        lines
            .iter()
            .find(|l| l.json["fields"]["message"] == message)
            .unwrap_or_else(|| panic!("no `{message}` in {lines:#?}"))
            .clone()
    };
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";

    assert!(
        find("masked copy").compact.ends_with("copied=[REDACTED]"),
        "the custom rule works: {lines:#?}"
    );
    for outside in ["before", "after"] {
        let line = find(outside);
        assert!(!line.compact.contains("trace_id"), "{line:?}");
        assert!(line.json.get("trace_id").is_none(), "{line:?}");
    }

    let line = find("in the context");
    let ids = format!("trace_id={trace} span_id={outer_id} correlation_id=order-7");
    // The context's span is not in the scope: the ids say it.
    assert!(
        line.compact.ends_with(&format!(
            "INFO trace_context_runtime: in the context n=1 {ids}"
        )),
        "{line:?}"
    );
    assert!(line.logfmt.ends_with(&format!("n=1 {ids}")), "{line:?}");
    assert_eq!(line.json["trace_id"], trace);
    assert_eq!(line.json["span_id"], outer_id.to_string());
    assert_eq!(line.json["correlation_id"], "order-7");
    assert!(line.json.get("span").is_none(), "{line:?}");

    let line = find("in a child span");
    assert_ne!(inner_id, outer_id);
    assert!(
        line.compact.ends_with(&format!(
            "INFO db{{table=users}}: trace_context_runtime: in a child span \
             trace_id={trace} span_id={inner_id} correlation_id=order-7"
        )),
        "{line:?}"
    );
    assert_eq!(line.json["span_id"], inner_id.to_string());
    assert_eq!(line.json["span"]["name"], "db");
    assert_eq!(line.json["spans"].as_array().unwrap().len(), 1);

    // An event's own field of the same name is kept, not repeated.
    let line = find("own correlation id");
    assert!(line.compact.contains("correlation_id=mine"), "{line:?}");
    assert!(!line.compact.contains("correlation_id=order-7"), "{line:?}");
    assert_eq!(line.json["fields"]["correlation_id"], "mine");
    assert_eq!(line.json["correlation_id"], "order-7");

    // Spans in the context carry its ids too: the `db` span's close line has its own W3C id.
    let close = lines
        .iter()
        .find(|l| l.json["fields"]["message"] == "close" && l.json["span"]["name"] == "db")
        .unwrap_or_else(|| panic!("no close line for db in {lines:#?}"));
    assert_eq!(close.json["trace_id"], trace);
    assert_eq!(close.json["span_id"], inner_id.to_string());
    assert_eq!(close.json["correlation_id"], "order-7");
    assert!(
        close.compact.contains(&format!("span_id={inner_id}")),
        "{close:?}"
    );

    // A context without a correlation id uses the trace id.
    let line = find("fresh trace");
    let fresh_hex = fresh.trace_id.to_string();
    assert_eq!(line.json["trace_id"], fresh_hex.as_str());
    assert_eq!(line.json["correlation_id"], fresh_hex.as_str());

    // The snapshot keeps the ids as fields, and the context's span in its tree.
    let snap = ttlog::snapshot::read(&path).unwrap();
    let event = |message: &str| {
        snap.events
            .iter()
            .find(|e| e.message() == message)
            .unwrap_or_else(|| panic!("no `{message}` in the snapshot"))
    };
    let e = event("in a child span");
    assert_eq!(e.field("trace_id"), Some(&FieldValue::from(trace)));
    assert_eq!(
        e.field("span_id"),
        Some(&FieldValue::from(inner_id.to_string()))
    );
    assert_eq!(
        e.field("correlation_id"),
        Some(&FieldValue::from("order-7"))
    );
    assert_eq!(event("before").field("trace_id"), None);
    let ctx_span = snap.spans.iter().find(|s| s.name() == "trace").unwrap();
    assert_eq!(ctx_span.field("trace_id"), Some(&FieldValue::from(trace)));
    assert_eq!(
        ctx_span.field("parent_id"),
        Some(&FieldValue::from("00f067aa0ba902b7"))
    );
    let db = snap.spans.iter().find(|s| s.name() == "db").unwrap();
    assert_eq!(db.parent(), ctx_span.id());
    // Spans in the context keep its ids too (the context's own span says them already)…
    assert_eq!(db.field("trace_id"), Some(&FieldValue::from(trace)));
    assert_eq!(
        db.field("span_id"),
        Some(&FieldValue::from(inner_id.to_string()))
    );
    assert_eq!(
        db.field("correlation_id"),
        Some(&FieldValue::from("order-7"))
    );
    assert_eq!(ctx_span.field("span_id"), None);
    // … which a scope read back leaves out, as the live one does.
    let names: Vec<&str> = db.recorded_fields().map(|f| f.name).collect();
    assert_eq!(names, ["table"]);
    let mut shown = Vec::new();
    format_record(Format::Compact, &snap.record(e), &mut shown);
    let shown = String::from_utf8(shown).unwrap();
    assert!(
        shown.contains(&format!(
            "db{{table=users}}: trace_context_runtime: in a child span \
             trace_id={trace} span_id={inner_id} correlation_id=order-7"
        )),
        "{shown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
