//! W3C Trace Context, continued: `tracestate` messages and edits, context round trips, ids,
//! generated inputs that must never panic, and correlation ids.

#![allow(dead_code, unused_imports)] // the helpers are shared with trace_context.rs

use std::collections::HashSet;

use ttlog_core::trace_context::{MAX_TRACESTATE_MEMBERS, TRACEPARENT_LEN};
use ttlog_core::{
    ParentId, TraceContext, TraceContextErrorKind as Kind, TraceFlags, TraceId, TraceState,
};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";
const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// The start of a header, for failure messages.
fn short(header: &str) -> String {
    header.chars().take(120).collect()
}

fn tp_kind(header: &str) -> Kind {
    match TraceContext::parse(header, None) {
        Ok(ctx) => panic!("{:?} parsed as {ctx:?}", short(header)),
        Err(err) => err.kind(),
    }
}

fn ts_kind(header: &str) -> Kind {
    match TraceState::parse(header) {
        Ok(state) => panic!("{:?} parsed as {state:?}", short(header)),
        Err(err) => {
            assert!(err.is_tracestate(), "{err}");
            err.kind()
        }
    }
}

fn tp_err(header: &str) -> String {
    TraceContext::parse(header, None).unwrap_err().to_string()
}

fn ts_err(header: &str) -> String {
    TraceState::parse(header).unwrap_err().to_string()
}

// ===== traceparent =====

#[test]
fn tracestate_messages() {
    assert_eq!(
        ts_err("a=1,b=2,Foo=3"),
        "tracestate: member 3 has an invalid key `Foo` \
         (`F` is not allowed; keys use a-z, 0-9, `_`, `-`, `*`, `/` and one `@`)"
    );
    assert_eq!(
        ts_err("1a=1"),
        "tracestate: member 1 has an invalid key `1a` (it must start with a lowercase letter)"
    );
    assert_eq!(
        ts_err("a=1,,b"),
        "tracestate: member 3 `b` is not `key=value` (no `=`)"
    );
    assert_eq!(
        ts_err("a=1, b=2 ,a=3"),
        "tracestate: member 3 repeats key `a` (first in member 1)"
    );
    assert_eq!(
        ts_err("k=a,b"),
        "tracestate: member 2 `b` is not `key=value` (no `=`)"
    );
    assert_eq!(
        ts_err("k=a=b"),
        "tracestate: member 1 has an invalid value `a=b` for key `k` \
         (`=` at character 2 is not allowed; values are printable ASCII without `,` and `=`)"
    );
    assert_eq!(
        ts_err("k="),
        "tracestate: member 1 has an invalid value `` for key `k` (it is empty)"
    );
    assert_eq!(
        ts_err(&format!("k={}", "x".repeat(300))),
        format!(
            "tracestate: member 1 has an invalid value `{}…` for key `k` \
             (300 characters, at most 256 are allowed)",
            "x".repeat(64)
        )
    );
    assert_eq!(
        ts_err("t@verylongsystemid=1"),
        "tracestate: member 1 has an invalid key `t@verylongsystemid` \
         (the system after `@` has 16 characters, at most 14 are allowed)"
    );
    let members_40 = (0..40)
        .map(|i| format!("k{i}=v"))
        .collect::<Vec<_>>()
        .join(",,");
    assert_eq!(
        ts_err(&members_40),
        "tracestate: 40 list-members, at most 32 are allowed"
    );
    let mut state = TraceState::new();
    assert_eq!(
        state.insert("Foo", "1").unwrap_err().to_string(),
        "tracestate: invalid key `Foo` \
         (`F` is not allowed; keys use a-z, 0-9, `_`, `-`, `*`, `/` and one `@`)"
    );
    assert_eq!(
        state.insert("foo", "1 ").unwrap_err().to_string(),
        "tracestate: invalid value `1 ` for key `foo` (it ends with a space)"
    );
    assert_eq!(
        state.insert("foo", "\u{1b}[31m").unwrap_err().to_string(),
        "tracestate: invalid value `\\u{1b}[31m` for key `foo` \
         (`\\u{1b}` at character 1 is not allowed; values are printable ASCII without `,` and `=`)"
    );
}

#[test]
fn tracestate_get_insert_remove() {
    let mut state = TraceState::parse("rojo=1,congo=2,blue=3").unwrap();
    // Updating moves the key to the front.
    state.insert("blue", "4").unwrap();
    assert_eq!(state.to_header(), "blue=4,rojo=1,congo=2");
    // Adding puts the key at the front.
    state.insert("ttlog", "5").unwrap();
    assert_eq!(state.to_header(), "ttlog=5,blue=4,rojo=1,congo=2");
    assert_eq!(state.get("blue"), Some("4"));
    assert_eq!(state.remove("rojo").as_deref(), Some("1"));
    assert_eq!(state.remove("rojo"), None);
    assert_eq!(state.to_header(), "ttlog=5,blue=4,congo=2");
    let pairs: Vec<(&str, &str)> = state.iter().collect();
    assert_eq!(pairs, [("ttlog", "5"), ("blue", "4"), ("congo", "2")]);
    assert_eq!(state.iter().len(), 3);

    // Refused entries leave the list unchanged.
    let before = state.clone();
    for (key, value) in [("Bad", "1"), ("ok", ""), ("ok", "a,b"), ("", "1")] {
        assert!(state.insert(key, value).is_err(), "{key:?}={value:?}");
        assert_eq!(state, before);
    }

    // A 33rd member pushes the last one out.
    let header = (0..32)
        .map(|i| format!("k{i}=v"))
        .collect::<Vec<_>>()
        .join(",");
    let mut full = TraceState::parse(&header).unwrap();
    full.insert("new", "x").unwrap();
    assert_eq!(full.len(), MAX_TRACESTATE_MEMBERS);
    assert_eq!(full.iter().next(), Some(("new", "x")));
    assert_eq!(full.get("k31"), None);
    assert_eq!(full.get("k30"), Some("v"));
    // Updating an existing key of a full list drops nothing.
    full.insert("k30", "y").unwrap();
    assert_eq!(full.len(), MAX_TRACESTATE_MEMBERS);
    assert_eq!(full.get("k0"), Some("v"));
    assert_eq!(TraceState::parse(&full.to_header()).unwrap(), full);
}

// ===== whole contexts =====

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

// ===== generated inputs =====

/// xorshift64*: deterministic, so a failure repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Characters that matter to the parsers, plus multi-byte ones.
const ALPHABET: &[char] = &[
    '0', '1', '9', 'a', 'f', 'g', 'z', 'A', 'F', 'Z', '-', '_', '*', '/', '@', '=', ',', ' ', '\t',
    '\n', '\0', '~', '\u{7f}', 'é', '€', '😀', '\u{fffd}',
];

/// Edits a valid header: replace, insert, delete or truncate, by characters.
fn mutate(rng: &mut Rng, header: &str) -> String {
    let mut chars: Vec<char> = header.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 if at < chars.len() => chars[at] = rng.pick(ALPHABET),
            1 => chars.insert(at, rng.pick(ALPHABET)),
            2 if at < chars.len() => {
                chars.remove(at);
            }
            3 => chars.truncate(at),
            _ => {
                let c = rng.pick(ALPHABET);
                chars.extend(std::iter::repeat_n(c, rng.below(300)));
            }
        }
    }
    chars.into_iter().collect()
}

fn check_accepted(traceparent: &str, tracestate: Option<&str>) {
    let Ok(ctx) = TraceContext::parse(traceparent, tracestate) else {
        return;
    };
    let tp = ctx.to_traceparent();
    assert_eq!(tp.len(), TRACEPARENT_LEN);
    if traceparent.starts_with("00") {
        // Version 00 is accepted only in canonical form.
        assert_eq!(tp, traceparent);
    }
    let ts = ctx.state.to_header();
    let again = TraceContext::parse(&tp, Some(&ts))
        .unwrap_or_else(|e| panic!("{tp:?} / {ts:?} does not parse back: {e}"));
    assert_eq!(again, ctx);
    assert_eq!(again.to_traceparent(), tp);
    assert_eq!(again.state.to_header(), ts);
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
