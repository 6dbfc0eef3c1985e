//! `extract_from_headers`, `inject_into_headers` and `inject_context`: what each header
//! combination gives, following the W3C processing rules, and what goes out.

use http::{HeaderMap, HeaderValue};
use ttlog_core::{TraceContext, TraceContextErrorKind};
use ttlog_integrations::http::{
    extract_from_headers, inject_context, inject_into_headers, Extracted, Remote,
};

const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";

fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    map
}

fn valid(extracted: &Extracted) -> &TraceContext {
    match extracted.remote() {
        Remote::Valid(ctx) => ctx,
        other => panic!("expected a valid context, got {other:?}"),
    }
}

fn invalid_reason(extracted: &Extracted) -> String {
    match extracted.remote() {
        Remote::Invalid(err) => {
            assert_eq!(err.header(), "traceparent");
            err.to_string()
        }
        other => panic!("expected an invalid traceparent, got {other:?}"),
    }
}

// ===== valid =====

#[test]
fn valid_headers() {
    let extracted = extract_from_headers(&headers(&[
        ("traceparent", TP.as_bytes()),
        ("tracestate", b"congo=t61rcWkgMzE, rojo=00f067aa0ba902b7"),
        ("x-correlation-id", b"order-7"),
    ]));
    let ctx = valid(&extracted);
    assert_eq!(ctx.trace_id.to_string(), TRACE_ID);
    assert_eq!(ctx.parent_id.to_string(), PARENT_ID);
    assert!(ctx.flags.is_sampled());
    assert_eq!(ctx.state.get("rojo"), Some("00f067aa0ba902b7"));
    assert_eq!(ctx.correlation_id(), Some("order-7"));
    assert_eq!(extracted.correlation_id(), Some("order-7"));
    assert_eq!(extracted.tracestate_error(), None);
    assert_eq!(extracted.correlation_id_error(), None);

    let entered = extracted.into_context();
    assert_eq!(entered.to_traceparent(), TP);
    assert_eq!(entered.correlation_id(), Some("order-7"));
}

#[test]
fn later_version_is_read() {
    let tp = format!("cc-{TRACE_ID}-{PARENT_ID}-00-more-fields");
    let extracted = extract_from_headers(&headers(&[("traceparent", tp.as_bytes())]));
    let ctx = valid(&extracted);
    assert_eq!(ctx.trace_id.to_string(), TRACE_ID);
    assert!(!ctx.flags.is_sampled());
}

// ===== absent =====

#[test]
fn absent_starts_a_new_trace() {
    let extracted = extract_from_headers(&HeaderMap::new());
    assert_eq!(*extracted.remote(), Remote::Absent);
    assert_eq!(extracted.correlation_id(), None);
    let a = extracted.into_context();
    let b = extract_from_headers(&HeaderMap::new()).into_context();
    assert_ne!(a.trace_id, b.trace_id);
    assert_eq!(a.correlation_id(), None);
    assert!(a.state.is_empty());
}

#[test]
fn absent_traceparent_keeps_correlation_id() {
    // A tracestate without traceparent means nothing and is not read.
    let extracted = extract_from_headers(&headers(&[
        ("x-correlation-id", b"checkout-42"),
        ("tracestate", b"a=1"),
    ]));
    assert_eq!(*extracted.remote(), Remote::Absent);
    assert_eq!(extracted.correlation_id(), Some("checkout-42"));
    assert_eq!(extracted.tracestate_error(), None);
    let ctx = extracted.into_context();
    assert_eq!(ctx.correlation_id(), Some("checkout-42"));
    assert!(ctx.state.is_empty());
}

// ===== invalid traceparent =====

#[test]
fn invalid_traceparent_starts_a_new_trace() {
    let cases: &[(&str, &str)] = &[
        (
            "00-not-a-trace",
            "traceparent: too short: 14 characters, expected 55",
        ),
        (
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "traceparent: trace-id has `B` at character 5 \
             (expected lowercase hex; uppercase is not allowed)",
        ),
        (
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "traceparent: trace-id is all zeros",
        ),
        (
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "traceparent: version `ff` is invalid",
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "traceparent: version 00 must be exactly 55 characters, found 61",
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736\t00f067aa0ba902b7-01",
            "traceparent: expected `-` after the trace-id at character 36, found `\\t`",
        ),
        ("", "traceparent: empty, expected 55 characters"),
    ];
    for (tp, reason) in cases {
        let extracted = extract_from_headers(&headers(&[
            ("traceparent", tp.as_bytes()),
            // Not read once the traceparent is invalid, so never reported.
            ("tracestate", b"Bad=1"),
            ("x-correlation-id", b"kept-anyway"),
        ]));
        assert_eq!(invalid_reason(&extracted), *reason, "for {tp:?}");
        assert_eq!(extracted.tracestate_error(), None, "for {tp:?}");
        assert_eq!(extracted.correlation_id(), Some("kept-anyway"));
        let ctx = extracted.into_context();
        assert_ne!(ctx.trace_id.to_string(), TRACE_ID, "for {tp:?}");
        assert_eq!(ctx.correlation_id(), Some("kept-anyway"));
    }
}

#[test]
fn invalid_traceparent_has_its_kind() {
    let extracted = extract_from_headers(&headers(&[(
        "traceparent",
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
    )]));
    let Remote::Invalid(err) = extracted.remote() else {
        panic!("invalid")
    };
    assert_eq!(
        err.trace_context_error().map(|e| e.kind()),
        Some(TraceContextErrorKind::ZeroParentId)
    );
    assert!(std::error::Error::source(err).is_some());
}

#[test]
fn repeated_traceparent_is_invalid() {
    let extracted = extract_from_headers(&headers(&[
        ("traceparent", TP.as_bytes()),
        ("traceparent", TP.as_bytes()),
    ]));
    assert_eq!(
        invalid_reason(&extracted),
        "traceparent: 2 header lines, expected one"
    );
    let Remote::Invalid(err) = extracted.remote() else {
        unreachable!()
    };
    assert!(err.trace_context_error().is_none());
}

// ===== invalid tracestate =====

#[test]
fn invalid_tracestate_keeps_the_parent() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"a=1,a=2",
            "tracestate: member 2 repeats key `a` (first in member 1)",
        ),
        (
            b"Congo=1",
            "tracestate: member 1 has an invalid key `Congo`",
        ),
        (
            b"novalue",
            "tracestate: member 1 `novalue` is not `key=value`",
        ),
    ];
    for (state, reason) in cases {
        let extracted = extract_from_headers(&headers(&[
            ("traceparent", TP.as_bytes()),
            ("tracestate", state),
        ]));
        let ctx = valid(&extracted);
        assert_eq!(ctx.to_traceparent(), TP);
        assert!(ctx.state.is_empty());
        let err = extracted.tracestate_error().expect("tracestate error");
        assert_eq!(err.header(), "tracestate");
        assert!(
            err.to_string().starts_with(reason),
            "{err} does not start with {reason}"
        );
        assert!(err.trace_context_error().unwrap().is_tracestate());
    }
}

#[test]
fn tracestate_lines_are_one_list() {
    let extracted = extract_from_headers(&headers(&[
        ("traceparent", TP.as_bytes()),
        ("tracestate", b"congo=t61rcWkgMzE"),
        ("tracestate", b"rojo=00f067aa0ba902b7, "),
        ("tracestate", b""),
        ("tracestate", b"x@y=1"),
    ]));
    let ctx = valid(&extracted);
    assert_eq!(
        ctx.state.to_header(),
        "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,x@y=1"
    );
    assert_eq!(extracted.tracestate_error(), None);
}

#[test]
fn tracestate_keys_are_unique_across_lines() {
    let extracted = extract_from_headers(&headers(&[
        ("traceparent", TP.as_bytes()),
        ("tracestate", b"a=1"),
        ("tracestate", b"a=2"),
    ]));
    assert!(valid(&extracted).state.is_empty());
    assert_eq!(
        extracted.tracestate_error().unwrap().to_string(),
        "tracestate: member 2 repeats key `a` (first in member 1)"
    );
}

// ===== not ASCII =====

#[test]
fn non_ascii_traceparent_is_invalid() {
    let mut tp = TP.as_bytes().to_vec();
    tp[10] = 0xe9; // `é` in Latin-1
    let extracted = extract_from_headers(&headers(&[("traceparent", &tp)]));
    assert_eq!(
        invalid_reason(&extracted),
        "traceparent: byte 0xe9 at position 11 is not visible ASCII"
    );
}

#[test]
fn non_ascii_tracestate_is_dropped() {
    let extracted = extract_from_headers(&headers(&[
        ("traceparent", TP.as_bytes()),
        ("tracestate", b"a=1"),
        ("tracestate", "b=\u{e9}".as_bytes()),
    ]));
    assert!(valid(&extracted).state.is_empty());
    assert_eq!(
        extracted.tracestate_error().unwrap().to_string(),
        "tracestate: byte 0xc3 at position 3 is not visible ASCII"
    );
}

// ===== x-correlation-id =====

#[test]
fn correlation_id_limits() {
    let longest = "x".repeat(128);
    let extracted = extract_from_headers(&headers(&[("x-correlation-id", longest.as_bytes())]));
    assert_eq!(extracted.correlation_id(), Some(longest.as_str()));
    assert_eq!(extracted.correlation_id_error(), None);
    let edges = "!~09azAZ";
    let extracted = extract_from_headers(&headers(&[
        ("traceparent", TP.as_bytes()),
        ("x-correlation-id", edges.as_bytes()),
    ]));
    assert_eq!(valid(&extracted).correlation_id(), Some(edges));
}

#[test]
fn bad_correlation_id_is_ignored() {
    let too_long = "x".repeat(129);
    let cases: &[&[u8]] = &[
        b"",
        b"two words",
        b"tab\there",
        too_long.as_bytes(),
        "caf\u{e9}".as_bytes(),
    ];
    for bad in cases {
        for tp in [None, Some(TP)] {
            let mut map = headers(&[("x-correlation-id", bad)]);
            if let Some(tp) = tp {
                map.insert("traceparent", HeaderValue::from_static(tp));
            }
            let extracted = extract_from_headers(&map);
            assert_eq!(extracted.correlation_id(), None, "for {bad:?}");
            let err = extracted.correlation_id_error().expect("an error");
            assert_eq!(err.header(), "x-correlation-id");
            assert!(err.to_string().starts_with("x-correlation-id: "), "{err}");
            // The rest of the request is served as if the header were absent.
            let ctx = extracted.into_context();
            assert_eq!(ctx.correlation_id(), None);
            assert_eq!(tp.is_some(), ctx.to_traceparent() == TP);
        }
    }
}

#[test]
fn correlation_id_reasons() {
    let reason = |id: &[u8]| {
        let extracted = extract_from_headers(&headers(&[("x-correlation-id", id)]));
        extracted.correlation_id_error().unwrap().to_string()
    };
    assert_eq!(reason(b""), "x-correlation-id: empty");
    assert_eq!(
        reason(b"two words"),
        "x-correlation-id: `two words` has ` ` at character 4 (expected visible ASCII, `!` to `~`)"
    );
    assert_eq!(
        reason("caf\u{e9}".as_bytes()),
        "x-correlation-id: byte 0xc3 at position 4 is not visible ASCII"
    );
}

#[test]
fn repeated_correlation_id_is_ignored() {
    let extracted = extract_from_headers(&headers(&[
        ("x-correlation-id", b"a"),
        ("x-correlation-id", b"b"),
    ]));
    assert_eq!(extracted.correlation_id(), None);
    assert_eq!(
        extracted.correlation_id_error().unwrap().to_string(),
        "x-correlation-id: 2 header lines, expected one"
    );
}

// ===== inject =====

#[test]
fn inject_context_writes_all_three() {
    let ctx = TraceContext::parse(TP, Some("congo=t61rcWkgMzE"))
        .unwrap()
        .with_correlation_id("order-7")
        .unwrap();
    let mut map = HeaderMap::new();
    inject_context(&ctx, &mut map);
    assert_eq!(map["traceparent"], TP);
    assert_eq!(map["tracestate"], "congo=t61rcWkgMzE");
    assert_eq!(map["x-correlation-id"], "order-7");
    assert_eq!(map.len(), 3);

    // Injected headers read back to the same context.
    let back = extract_from_headers(&map).into_context();
    assert_eq!(back, ctx);
}

#[test]
fn inject_context_replaces_stale_headers() {
    let mut map = headers(&[
        ("traceparent", b"00-stale"),
        ("traceparent", b"00-stale-too"),
        ("tracestate", b"old=1"),
        ("x-correlation-id", b"old"),
        ("accept", b"*/*"),
    ]);
    let ctx = TraceContext::parse(TP, None).unwrap();
    inject_context(&ctx, &mut map);
    assert_eq!(map.get_all("traceparent").iter().count(), 1);
    assert_eq!(map["traceparent"], TP);
    assert!(!map.contains_key("tracestate"));
    // Without a correlation id of its own, a context's correlation id is its trace id.
    assert_eq!(map["x-correlation-id"], TRACE_ID);
    assert_eq!(map["accept"], "*/*");
}

#[test]
fn inject_into_headers_writes_the_current_span() {
    // `info_span!` makes a span only while something logs (a context's span needs nothing):
    // a capture turns every level on, without the runtime (init is once per process).
    let _logs = ttlog::testing::capture();
    let mut map = HeaderMap::new();
    assert!(!inject_into_headers(&mut map)); // outside every context
    assert!(map.is_empty());

    let remote = TraceContext::parse(TP, Some("congo=t61rcWkgMzE"))
        .unwrap()
        .with_correlation_id("c-1")
        .unwrap();
    let entered = remote.enter();
    assert!(inject_into_headers(&mut map));
    let here = ttlog::current_trace_context().expect("inside a context");
    assert_eq!(map["traceparent"], here.to_traceparent().as_str());
    assert_eq!(here.trace_id.to_string(), TRACE_ID);
    // The parent sent on is this process's span, not the caller's.
    assert_ne!(here.parent_id.to_string(), PARENT_ID);
    assert_eq!(map["tracestate"], "congo=t61rcWkgMzE");
    assert_eq!(map["x-correlation-id"], "c-1");

    // Inside a child span, the child is the parent sent on.
    let outer_parent = here.parent_id;
    {
        let child = ttlog::info_span!("child").entered();
        let mut inner = HeaderMap::new();
        assert!(inject_into_headers(&mut inner));
        let sent = extract_from_headers(&inner).into_context();
        assert_eq!(sent.trace_id, here.trace_id);
        assert_ne!(sent.parent_id, outer_parent);
        assert_eq!(sent.parent_id, child.span().id().unwrap().w3c_id());
        assert_eq!(sent.correlation_id(), Some("c-1"));
    }
    drop(entered);

    // Outside again: nothing is written, what was there stays.
    let before = map.clone();
    assert!(!inject_into_headers(&mut map));
    assert_eq!(map, before);
}
