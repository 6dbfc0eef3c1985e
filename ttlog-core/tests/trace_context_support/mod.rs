//! Helpers shared by trace_context.rs and trace_context_ids.rs.
#![allow(dead_code)]

use ttlog_core::trace_context::TRACEPARENT_LEN;
use ttlog_core::{TraceContext, TraceContextErrorKind as Kind, TraceState};

pub const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

pub const PARENT_ID: &str = "00f067aa0ba902b7";

pub const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// The start of a header, for failure messages.
pub fn short(header: &str) -> String {
    header.chars().take(120).collect()
}

pub fn tp_kind(header: &str) -> Kind {
    match TraceContext::parse(header, None) {
        Ok(ctx) => panic!("{:?} parsed as {ctx:?}", short(header)),
        Err(err) => err.kind(),
    }
}

pub fn ts_kind(header: &str) -> Kind {
    match TraceState::parse(header) {
        Ok(state) => panic!("{:?} parsed as {state:?}", short(header)),
        Err(err) => {
            assert!(err.is_tracestate(), "{err}");
            err.kind()
        }
    }
}

pub fn tp_err(header: &str) -> String {
    TraceContext::parse(header, None).unwrap_err().to_string()
}

pub fn ts_err(header: &str) -> String {
    TraceState::parse(header).unwrap_err().to_string()
}

/// xorshift64*: deterministic, so a failure repeats.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Characters that matter to the parsers, plus multi-byte ones.
pub const ALPHABET: &[char] = &[
    '0', '1', '9', 'a', 'f', 'g', 'z', 'A', 'F', 'Z', '-', '_', '*', '/', '@', '=', ',', ' ', '\t',
    '\n', '\0', '~', '\u{7f}', 'é', '€', '😀', '\u{fffd}',
];

/// Edits a valid header: replace, insert, delete or truncate, by characters.
pub fn mutate(rng: &mut Rng, header: &str) -> String {
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

pub fn check_accepted(traceparent: &str, tracestate: Option<&str>) {
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
