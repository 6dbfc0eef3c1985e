//! A narration inside an entered trace context carries the context's `trace_id` and
//! `span_id` (added by the collector, as for every event) next to its own fields. With its own
//! `correlation_id`, JSON has both (the context's as the top-level key, the narration's in
//! `fields`) and the text formats print only the narration's. (Init is once per process: one
//! test.)

#[path = "common/all_levels.rs"]
mod all_levels;

use std::sync::{Arc, Mutex};

use ttlog::sink::{format_record, Format};
use ttlog::{current_trace_context, Record, TraceContext};

#[test]
fn narration_in_a_trace_context_carries_its_ids() {
    all_levels::assert_every_level_kept();
    let lines: Arc<Mutex<Vec<(String, serde_json::Value)>>> = Arc::default();
    let keep = lines.clone();
    let guard = ttlog::init()
        .no_console()
        .signals(false)
        .panic_hook(false)
        .sink(move |r: &Record<'_>| {
            let text = |format| {
                let mut out = Vec::new();
                format_record(format, r, &mut out);
                String::from_utf8(out).unwrap().trim_end().to_owned()
            };
            let json = serde_json::from_str(&text(Format::Json)).unwrap();
            keep.lock().unwrap().push((text(Format::Compact), json));
        })
        .init();

    let ctx = TraceContext::new_root();
    let trace_id = ctx.trace_id.to_string();
    let span_id = {
        let _entered = ctx.enter();
        ttlog::narrate!(Info, actor: "gateway", action: "route", target: "order-7",
            human: "Routed {target}");
        ttlog::narrate!(Info, actor: "gateway", action: "route", target: "order-8",
            human: "Routed {target}", correlation_id: "mine");
        current_trace_context().unwrap().parent_id.to_string()
    };
    ttlog::narrate!(Info, actor: "gateway", action: "idle", target: "-", human: "Idle");
    guard.flush();
    drop(guard);

    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let (compact, json) = &lines[0];
    assert_eq!(json["trace_id"], trace_id.as_str(), "{json}");
    assert_eq!(json["span_id"], span_id.as_str(), "{json}");
    assert_eq!(json["correlation_id"], trace_id.as_str(), "{json}");
    assert_eq!(json["fields"]["message"], "Routed order-7");
    assert_eq!(json["fields"]["actor"], "gateway");
    assert!(
        compact.contains(&format!("trace_id={trace_id} span_id={span_id}")),
        "{compact}"
    );
    let (compact, json) = &lines[1];
    assert_eq!(json["trace_id"], trace_id.as_str(), "{json}");
    // JSON: the top-level key is always the context's; the narration's own is a field.
    assert_eq!(json["correlation_id"], trace_id.as_str(), "{json}");
    assert_eq!(json["fields"]["correlation_id"], "mine", "{json}");
    // Text formats print only the narration's own.
    assert_eq!(compact.matches("correlation_id=").count(), 1, "{compact}");
    assert!(compact.contains("correlation_id=mine"), "{compact}");
    assert!(
        compact.contains(&format!("trace_id={trace_id} span_id={span_id}")),
        "{compact}"
    );
    let (compact, json) = &lines[2];
    assert!(json.get("trace_id").is_none(), "{json}");
    assert!(!compact.contains("trace_id="), "{compact}");
}
