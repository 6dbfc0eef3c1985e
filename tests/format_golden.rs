//! Golden files for the four text formats, end to end (macros, ring, collector, redaction,
//! spans, trace context, narration, sinks): a corpus of events is logged on a named thread,
//! the lines each format wrote are compared byte for byte with `tests/data/golden/FORMAT.txt`
//! (timestamps, the thread's number and the entered context's random span id replaced by
//! placeholders). The files were made before the collector's formatting was rewritten for
//! speed (issue 15), so they pin the output that rewrite must keep.
//!
//! `TTLOG_BLESS=1 cargo test --test format_golden` writes the files anew (review the diff).
//! Init is once per process: one test, which reruns itself in a child for format_threads(0).

#[path = "common/all_levels.rs"]
mod all_levels;
#[path = "common/sinks.rs"]
mod sinks;

use std::path::PathBuf;

use sinks::Shared;
use ttlog::{Format, TraceContext};

const FORMATS: [(Format, &str); 4] = [
    (Format::Compact, "compact"),
    (Format::Full, "full"),
    (Format::Json, "json"),
    (Format::Logfmt, "logfmt"),
];

#[derive(Debug)]
#[allow(dead_code)] // printed with `?`
enum Method {
    Get,
    Post { body: &'static str },
}

struct Shouty(&'static str);

impl std::fmt::Display for Shouty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}!", self.0.to_uppercase())
    }
}

/// Logs the corpus; returns the random span id of the entered trace context.
fn corpus() -> String {
    // The reference event.
    ttlog::info!(
        "request handled",
        user_id = 42u64,
        path = "/api/v1/items",
        latency_ms = 1.5,
        ok = true
    );
    // Every level.
    ttlog::error!("error level");
    ttlog::warn!("warn level");
    ttlog::debug!("debug level");
    ttlog::trace!("trace level");
    // Every value type.
    ttlog::info!(
        "integers",
        neg = -7i64,
        min = i64::MIN,
        max = u64::MAX,
        small = 0u8,
        big = i128::MIN,
        ubig = u128::MAX
    );
    ttlog::info!(
        "floats",
        a = 0.1,
        b = 1.0 / 3.0,
        c = 1e21,
        d = 1e-7,
        e = -0.0,
        f = f64::NAN,
        g = f64::INFINITY,
        h = f64::NEG_INFINITY,
        i = 123456.789,
        j = 2.0,
        k = 1e15,
        l = 4503599627370497.5,
        m = f32::MAX
    );
    ttlog::info!(
        "bools and chars",
        yes = true,
        no = false,
        c = 'x',
        q = '"',
        nl = '\n'
    );
    let none: Option<u32> = None;
    ttlog::info!(
        "options",
        some = Some(5u32),
        none = none,
        empty = ttlog::field::Empty
    );
    // Text that needs quoting or escaping.
    ttlog::info!(
        "text",
        plain = "word",
        spaced = "two words",
        empty = "",
        eq = "a=b",
        quote = "say \"hi\"",
        backslash = "C:\\path\\file",
        newline = "line1\nline2",
        cr_tab = "a\rb\tc",
        esc = "\u{1b}[31mred\u{1b}[0m",
        del = "x\u{7f}y",
        c1 = "x\u{85}y",
        ls = "a\u{2028}b\u{2029}c",
        bidi = "abc\u{202e}def\u{2066}",
        unicode = "héllo wörld ✓ 日本",
        long = "a string that is longer than twenty-two bytes, stored out of line"
    );
    ttlog::info!("message with\nnewline and \u{1b} escape", k = 1);
    ttlog::info!("message with \"quotes\" and back\\slash");
    // Formatted messages and formatted values.
    let n = 3;
    ttlog::info!("formatted {} of {}", n, "many", extra = n);
    ttlog::warn!(
        "display and debug",
        ip = %std::net::Ipv4Addr::new(10, 0, 0, 1),
        shout = %Shouty("hey"),
        method = ?Method::Get,
        post = ?Method::Post { body: "x=1 y" },
        list = ?vec![1, 2, 3],
        s = ?"quoted by debug"
    );
    // Targets.
    ttlog::info!(target: "custom::target", "explicit target", id = 1);
    ttlog::info!(target: "", "empty target");
    ttlog::info!(target: "weird target\nname", "escaped target");
    // Redaction: by key, by pattern in values and messages.
    ttlog::info!(
        "login",
        user = "alice",
        password = "hunter2",
        api_key = "sk_live_abcdefghijklmnopqrstuvwx",
        header = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        url = "https://bob:s3cret@example.com/x?token=abc123def456&q=1"
    );
    ttlog::info!("token in message Bearer abcdefghijklmnopqrstuvwxyz012345");
    // Spans: nested, with fields, a field recorded later, one without fields.
    let request = ttlog::info_span!("request", id = 7u64, user = ttlog::field::Empty);
    {
        let _r = request.enter();
        request.record("user", "alice");
        ttlog::info!("in request", step = 1);
        let db = ttlog::debug_span!(target: "orders::db", "db", table = "users", q = "a b");
        let _d = db.enter();
        ttlog::info!("in db", rows = 2);
        let bare = ttlog::info_span!("bare");
        let _b = bare.enter();
        ttlog::warn!("in bare");
    }
    // A trace context from a fixed traceparent, and narration inside it.
    let ctx = TraceContext::parse(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        None,
    )
    .unwrap();
    let span_id;
    {
        let _entered = ctx.enter();
        span_id = ttlog::current_trace_context()
            .unwrap()
            .parent_id
            .to_string();
        ttlog::info!("in trace", order = 9);
        ttlog::narrate!(Info, actor: "gateway", action: "route", target: "order-7",
            human: "Routed {target}", cute: "Sent {target} on its way");
        ttlog::narrate!(Warn, actor: "gateway", action: "reject", target: "order-8",
            human: "Rejected {target}", correlation_id: "mine");
    }
    ttlog::narrate!(Info, actor: "gateway", action: "idle", target: "-", human: "Idle");
    span_id
}

/// Replaces every RFC 3339 timestamp (`2026-12-02T16:00:17.123456Z`) with `TIMESTAMP`.
fn mask_timestamps(text: &str) -> String {
    const SHAPE: &[u8] = b"dddd-dd-ddTdd:dd:dd.ddddddZ";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let fits = bytes.len() - i >= SHAPE.len()
            && SHAPE.iter().zip(&bytes[i..]).all(|(&s, &b)| match s {
                b'd' => b.is_ascii_digit(),
                s => s == b,
            });
        if fits {
            out.push_str("TIMESTAMP");
            i += SHAPE.len();
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Replaces the number in `ThreadId(n)` and `"threadId":"ThreadId(n)"` with `N`.
fn mask_thread_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("ThreadId(") {
        let (head, tail) = rest.split_at(at + "ThreadId(".len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        out.push('N');
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// Replaces the value after each of `keys` (up to a space, quote, comma or brace) with `X`:
/// narration's `emitted_by` (names the test binary, with its build hash) and
/// `emitted_at_ms` (the wall clock).
fn mask_values(text: &str, keys: &[&str]) -> String {
    let mut text = text.to_owned();
    for key in keys {
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find(key) {
            let (head, tail) = rest.split_at(at + key.len());
            out.push_str(head);
            let len = tail.find([' ', '"', ',', '}']).unwrap_or(tail.len());
            out.push('X');
            rest = &tail[len..];
        }
        out.push_str(rest);
        text = out;
    }
    text
}

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(format!("{name}.txt"))
}

/// Set in the child that formats on the collector (`format_threads(0)`); the parent formats
/// with three formatting workers. Both compare with the same golden files.
const INLINE_CHILD: &str = "TTLOG_GOLDEN_INLINE";

#[test]
fn every_format_writes_the_golden_lines() {
    let inline = std::env::var_os(INLINE_CHILD).is_some();
    if !inline {
        // Init is once per process: the other mode runs in a child, a copy of this binary.
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "every_format_writes_the_golden_lines",
                "--exact",
                "--nocapture",
            ])
            .env(INLINE_CHILD, "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "format_threads(0):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    all_levels::assert_every_level_kept();
    let outputs: Vec<Shared> = FORMATS.iter().map(|_| Shared::default()).collect();
    let dir = std::env::temp_dir().join(format!("ttlog-golden-{}", std::process::id()));
    let mut builder = ttlog::init()
        .no_console()
        .signals(false)
        .level(ttlog::Level::Trace)
        .snapshot_dir(&dir)
        .redact_key("ssn")
        .format_threads(if inline { 0 } else { 3 });
    for ((format, _), out) in FORMATS.iter().zip(&outputs) {
        builder = builder.writer(out.clone(), *format);
    }
    let guard = builder.try_init().unwrap();
    let span_id = std::thread::Builder::new()
        .name("golden".into())
        .spawn(corpus)
        .unwrap()
        .join()
        .unwrap();
    assert!(guard.flush());
    drop(guard);
    let _ = std::fs::remove_dir_all(&dir);

    let bless = std::env::var_os("TTLOG_BLESS").is_some();
    let mut failures = Vec::new();
    for ((_, name), out) in FORMATS.iter().zip(&outputs) {
        let bytes = std::mem::take(&mut *out.0.lock().unwrap());
        let text = String::from_utf8(bytes).unwrap();
        let text = mask_thread_ids(&mask_timestamps(&text)).replace(&span_id, "SPAN_ID");
        let text = mask_values(
            &text,
            &[
                "emitted_by=",
                "emitted_by\":\"",
                "emitted_at_ms=",
                "emitted_at_ms\":",
            ],
        );
        let path = golden(name);
        if bless {
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (TTLOG_BLESS=1 writes it)", path.display()));
        if text != want {
            for (i, (got, want)) in text.lines().zip(want.lines()).enumerate() {
                if got != want {
                    failures.push(format!(
                        "{name} line {}:\n  got  {got}\n  want {want}",
                        i + 1
                    ));
                    break;
                }
            }
            if text.lines().count() != want.lines().count() {
                failures.push(format!(
                    "{name}: {} lines, golden has {}",
                    text.lines().count(),
                    want.lines().count()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
