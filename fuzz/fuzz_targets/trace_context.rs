//! Feeds arbitrary bytes to the W3C Trace Context parsers, as a `traceparent`, as a
//! `tracestate`, and split at the first newline into both. They must never panic, and whatever
//! they accept must format to headers that parse back to the same value, and format the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ttlog_core::{TraceContext, TraceState};

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 becomes U+FFFD, so multi-byte characters land everywhere.
    let text = String::from_utf8_lossy(data);
    let (traceparent, tracestate) = text.split_once('\n').unwrap_or((&text, ""));

    check_context(&text, None);
    check_context(traceparent, None);
    check_context(traceparent, Some(tracestate));
    check_state(&text);
    check_state(tracestate);
});

fn check_context(traceparent: &str, tracestate: Option<&str>) {
    let ctx = match TraceContext::parse(traceparent, tracestate) {
        Ok(ctx) => ctx,
        Err(err) => {
            let _ = err.to_string();
            let _ = err.kind();
            return;
        }
    };
    let tp = ctx.to_traceparent();
    assert_eq!(tp.len(), 55);
    if traceparent.starts_with("00") {
        assert_eq!(tp, traceparent, "version 00 is only accepted in canonical form");
    } else {
        assert_eq!(tp[3..], traceparent[3..55]);
    }
    let ts = ctx.state.to_header();
    let again = TraceContext::parse(&tp, Some(&ts)).expect("formatted context parses");
    assert_eq!(again, ctx);
    assert_eq!(again.to_traceparent(), tp);
    assert_eq!(again.state.to_header(), ts);
}

fn check_state(header: &str) {
    let state = match TraceState::parse(header) {
        Ok(state) => state,
        Err(err) => {
            let _ = err.to_string();
            return;
        }
    };
    let formatted = state.to_header();
    let again = TraceState::parse(&formatted).expect("formatted tracestate parses");
    assert_eq!(again, state);
    assert_eq!(again.to_header(), formatted);
    for (key, value) in state.iter() {
        assert_eq!(state.get(key), Some(value));
    }
}
