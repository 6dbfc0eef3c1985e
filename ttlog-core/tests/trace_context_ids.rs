//! W3C Trace Context: contexts round-trip, new roots and children, random and given ids,
//! generated inputs that must never panic, and correlation ids.

mod trace_context_support;
use trace_context_support::*;

use std::collections::HashSet;
use ttlog_core::trace_context::MAX_TRACESTATE_MEMBERS;
use ttlog_core::{
    ParentId, TraceContext, TraceContextErrorKind as Kind, TraceFlags, TraceId, TraceState,
};

#[test]
fn context_round_trip() {
    let ctx = TraceContext::parse(
        VALID,
        Some("rojo=00f067aa0ba902b7 ,, congo=t61rcWkgMzE,t@s=x y"),
    )
    .unwrap();
    assert_eq!(
        ctx.state.to_header(),
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,t@s=x y"
    );
    let again = TraceContext::parse(&ctx.to_traceparent(), Some(&ctx.state.to_header())).unwrap();
    assert_eq!(again, ctx);
}

#[test]
fn new_root_and_child() {
    let root = TraceContext::new_root();
    assert!(root.flags.is_sampled());
    assert!(root.state.is_empty());
    assert_ne!(root.trace_id.to_bytes(), [0; 16]);
    assert_ne!(root.parent_id.to_bytes(), [0; 8]);
    assert_eq!(
        TraceContext::parse(&root.to_traceparent(), None).unwrap(),
        root
    );

    let mut with_state = root.clone();
    with_state.state.insert("ttlog", "1").unwrap();
    with_state.flags = TraceFlags::from_bits(0x03);
    let child = with_state.child();
    assert_eq!(child.trace_id, root.trace_id);
    assert_ne!(child.parent_id, with_state.parent_id);
    assert_eq!(child.flags, with_state.flags);
    assert_eq!(child.state, with_state.state);
    let grandchild = child.child();
    assert_eq!(grandchild.trace_id, root.trace_id);
    assert_ne!(grandchild.parent_id, child.parent_id);
}

#[test]
fn random_ids_differ_across_calls_and_threads() {
    let per_thread = 2_000;
    let threads: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                (0..per_thread)
                    .map(|_| {
                        let ctx = TraceContext::new_root();
                        (ctx.trace_id, ctx.parent_id, ParentId::random())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut trace_ids = HashSet::new();
    let mut parent_ids = HashSet::new();
    for handle in threads {
        for (trace_id, parent_id, other) in handle.join().unwrap() {
            assert!(trace_ids.insert(trace_id), "repeated {trace_id:?}");
            assert!(parent_ids.insert(parent_id), "repeated {parent_id:?}");
            assert!(parent_ids.insert(other), "repeated {other:?}");
        }
    }
    assert_eq!(trace_ids.len(), 8 * per_thread);
    // Spread over the whole id, not just some bytes.
    let first_bytes: HashSet<u8> = trace_ids.iter().map(|id| id.to_bytes()[0]).collect();
    let last_bytes: HashSet<u8> = trace_ids.iter().map(|id| id.to_bytes()[15]).collect();
    assert!(first_bytes.len() > 200 && last_bytes.len() > 200);
}

#[test]
fn ids_from_bytes() {
    assert_eq!(TraceId::from_bytes([0; 16]), None);
    assert_eq!(ParentId::from_bytes([0; 8]), None);
    let id = TraceId::from_bytes([0xab; 16]).unwrap();
    assert_eq!(
        format!("{id:?}"),
        "TraceId(abababababababababababababababab)"
    );
    let id = ParentId::from_bytes([1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    assert_eq!(format!("{id:?}"), "ParentId(0102030405060708)");
    assert_eq!(id.to_string(), "0102030405060708");
}

#[test]
fn generated_inputs_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let tp_seeds = [
        VALID,
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    ];
    let ts_seeds = [
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        " a=1 ,, b=hello world ,\tc@d=x",
        "fw529a3039@dt=d7cc1b7b",
        "",
    ];
    let mut accepted = (0, 0);
    for _ in 0..if cfg!(miri) { 200 } else { 50_000 } {
        let seed = rng.pick(&tp_seeds);
        let tp = mutate(&mut rng, seed);
        let seed = rng.pick(&ts_seeds);
        let ts = mutate(&mut rng, seed);
        // Error messages must format too.
        if let Err(err) = TraceContext::parse(&tp, None) {
            assert!(err.to_string().starts_with("traceparent: "));
            assert!(err.to_string().len() < 400);
        } else {
            accepted.0 += 1;
        }
        match TraceState::parse(&ts) {
            Err(err) => {
                assert!(err.to_string().starts_with("tracestate: "));
                assert!(err.to_string().len() < 600);
            }
            Ok(state) => {
                accepted.1 += 1;
                assert_eq!(TraceState::parse(&state.to_header()).unwrap(), state);
            }
        }
        check_accepted(&tp, None);
        check_accepted(&tp, Some(&ts));
        // Each as the other header.
        check_accepted(&ts, Some(&tp));
    }
    // The mutations leave a fair share of valid headers, so round trips were exercised.
    assert!(accepted.0 > 1_000 && accepted.1 > 1_000, "{accepted:?}");
}

/// Random valid contexts, built from the grammar, format and parse back to themselves.
#[test]
fn generated_contexts_round_trip() {
    const KEY_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for _ in 0..if cfg!(miri) { 50 } else { 5_000 } {
        let mut trace = [0u8; 16];
        trace.iter_mut().for_each(|b| *b = rng.next() as u8);
        trace[rng.below(16)] |= 1;
        let mut parent = [0u8; 8];
        parent.iter_mut().for_each(|b| *b = rng.next() as u8);
        parent[rng.below(8)] |= 1;
        let mut members = Vec::new();
        let mut keys = HashSet::new();
        for _ in 0..rng.below(MAX_TRACESTATE_MEMBERS + 1) {
            let mut key = String::new();
            key.push((b'a' + rng.below(26) as u8) as char);
            for _ in 0..rng.below(12) {
                key.push(rng.pick(KEY_CHARS) as char);
            }
            if rng.below(3) == 0 {
                key = format!("{}@{key}", rng.pick(&["0", "t", "9tenant"]));
            }
            let max = if rng.below(10) == 0 { 256 } else { 16 };
            let len = 1 + rng.below(max);
            let mut value: String = (0..len)
                .map(|_| loop {
                    let c = (0x20 + rng.below(0x5f)) as u8 as char;
                    if c != ',' && c != '=' {
                        break c;
                    }
                })
                .collect();
            if value.ends_with(' ') {
                value.pop();
                value.push('.');
            }
            if keys.insert(key.clone()) {
                let ows = |rng: &mut Rng| rng.pick(&["", " ", "\t", " \t "]);
                members.push(format!("{}{key}={value}{}", ows(&mut rng), ows(&mut rng)));
                if rng.below(4) == 0 {
                    members.push(ows(&mut rng).to_owned());
                }
            }
        }
        let tracestate = members.join(",");
        let traceparent = format!(
            "00-{}-{}-{:02x}",
            TraceId::from_bytes(trace).unwrap(),
            ParentId::from_bytes(parent).unwrap(),
            rng.next() as u8
        );
        let ctx = TraceContext::parse(&traceparent, Some(&tracestate))
            .unwrap_or_else(|e| panic!("{traceparent} / {tracestate:?}: {e}"));
        assert_eq!(ctx.trace_id.to_bytes(), trace);
        assert_eq!(ctx.parent_id.to_bytes(), parent);
        assert_eq!(ctx.state.len(), keys.len());
        check_accepted(&traceparent, Some(&tracestate));
    }
}

#[test]
fn correlation_ids() {
    use ttlog_core::CorrelationId;
    for ok in [
        "a",
        "req-42",
        "0af7651916cd43dd8448eb211c80319c",
        "~!#$%&'*+.^_`|",
        &"x".repeat(128),
    ] {
        let id = CorrelationId::new(ok).unwrap_or_else(|e| panic!("{ok:?}: {e}"));
        assert_eq!(id.as_str(), ok);
        assert_eq!(id.to_string(), ok);
    }
    let cases: &[(&str, &str)] = &[
        ("", "correlation id: empty"),
        ("two words", "correlation id: `two words` has ` ` at character 4 (expected visible ASCII, `!` to `~`)"),
        ("tab\there", "correlation id: `tab\\there` has `\\t` at character 4 (expected visible ASCII, `!` to `~`)"),
        ("café", "correlation id: `café` has `é` at character 4 (expected visible ASCII, `!` to `~`)"),
        ("new\nline", "correlation id: `new\\nline` has `\\n` at character 4 (expected visible ASCII, `!` to `~`)"),
    ];
    for (bad, message) in cases {
        let err = CorrelationId::new(bad).unwrap_err();
        assert_eq!(err.kind(), Kind::CorrelationId, "{bad:?}");
        assert_eq!(err.to_string(), *message);
        assert!(!err.is_tracestate());
    }
    let long = "y".repeat(129);
    let err = CorrelationId::new(&long).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("is 129 characters, at most 128 are allowed"),
        "{err}"
    );
    // Quoted input is cut, whatever its length.
    assert!(err.to_string().len() < 200, "{err}");
    let huge = "z".repeat(1 << 20);
    assert!(CorrelationId::new(&huge).unwrap_err().to_string().len() < 200);

    // On a context: kept by `child`, not by `parse`, and compared.
    let ctx = TraceContext::new_root()
        .with_correlation_id("order-7")
        .unwrap();
    assert_eq!(ctx.child().correlation_id(), Some("order-7"));
    let reparsed = TraceContext::parse(&ctx.to_traceparent(), None).unwrap();
    assert_eq!(reparsed.correlation_id(), None);
    assert_ne!(reparsed, ctx);
}
