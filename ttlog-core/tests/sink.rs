//! Sinks and formats: exact lines, JSON validity, escaping of hostile input, batching, files.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ttlog_core::sink::{console, format_record, FileSink, Format, Sink, WriterSink, BATCH_BYTES};
use ttlog_core::{FieldValue, Fields, Level, Record};

/// 2026-11-18T11:06:40.123456789Z
fn ts() -> SystemTime {
    UNIX_EPOCH + Duration::new(1_795_000_000, 123_456_789)
}

fn record<'a>(names: &'a [&'a str], values: &'a [FieldValue]) -> Record<'a> {
    Record {
        level: Level::Info,
        timestamp: ts(),
        target: "orders::api",
        module_path: "orders::api",
        file: "src/main.rs",
        line: 12,
        message: "user logged in",
        thread_name: "main",
        thread_id: 1,
        span_id: 0,
        spans: None,
        fields: Fields::split(names, values),
    }
}

fn line(format: Format, record: &Record<'_>) -> String {
    let mut out = Vec::new();
    format_record(format, record, &mut out);
    let s = String::from_utf8(out).expect("output is UTF-8");
    assert!(s.ends_with('\n'), "{s:?}");
    assert_eq!(s.matches('\n').count(), 1, "{s:?}");
    s
}

const NAMES: &[&str] = &["user_id", "ip"];

fn values() -> [FieldValue; 2] {
    [FieldValue::from(42), FieldValue::from("10.0.0.1")]
}

#[test]
fn compact() {
    let v = values();
    assert_eq!(
        line(Format::Compact, &record(NAMES, &v)),
        "2026-11-18T11:06:40.123456Z  INFO orders::api: user logged in user_id=42 ip=10.0.0.1\n"
    );
}

#[test]
fn compact_levels() {
    let v = values();
    let mut r = record(NAMES, &v);
    r.fields = Fields::empty();
    let want = [
        ("ERROR", Level::Error),
        (" WARN", Level::Warn),
        (" INFO", Level::Info),
        ("DEBUG", Level::Debug),
        ("TRACE", Level::Trace),
    ];
    for (text, level) in want {
        r.level = level;
        assert_eq!(
            line(Format::Compact, &r),
            format!("2026-11-18T11:06:40.123456Z {text} orders::api: user logged in\n")
        );
    }
}

#[test]
fn full() {
    let v = values();
    let mut r = record(NAMES, &v);
    assert_eq!(
        line(Format::Full, &r),
        "2026-11-18T11:06:40.123456Z  INFO main ThreadId(1) orders::api: src/main.rs:12: \
         user logged in user_id=42 ip=10.0.0.1\n"
    );
    r.file = "";
    r.line = 0;
    r.thread_name = "worker-7";
    r.thread_id = 7;
    r.level = Level::Error;
    assert_eq!(
        line(Format::Full, &r),
        "2026-11-18T11:06:40.123456Z ERROR worker-7 ThreadId(7) orders::api: \
         user logged in user_id=42 ip=10.0.0.1\n"
    );
    r.file = "lib.rs";
    assert_eq!(
        line(Format::Full, &r),
        "2026-11-18T11:06:40.123456Z ERROR worker-7 ThreadId(7) orders::api: lib.rs: \
         user logged in user_id=42 ip=10.0.0.1\n"
    );
}

#[test]
fn json() {
    let v = values();
    let mut r = record(NAMES, &v);
    assert_eq!(
        line(Format::Json, &r),
        "{\"timestamp\":\"2026-11-18T11:06:40.123456Z\",\"level\":\"INFO\",\
         \"fields\":{\"message\":\"user logged in\",\"user_id\":42,\"ip\":\"10.0.0.1\"},\
         \"target\":\"orders::api\",\"filename\":\"src/main.rs\",\"line_number\":12,\
         \"threadName\":\"main\",\"threadId\":\"ThreadId(1)\"}\n"
    );
    r.file = "";
    r.line = 0;
    r.fields = Fields::empty();
    assert_eq!(
        line(Format::Json, &r),
        "{\"timestamp\":\"2026-11-18T11:06:40.123456Z\",\"level\":\"INFO\",\
         \"fields\":{\"message\":\"user logged in\"},\"target\":\"orders::api\",\
         \"threadName\":\"main\",\"threadId\":\"ThreadId(1)\"}\n"
    );
}

#[test]
fn logfmt() {
    let v = values();
    let mut r = record(NAMES, &v);
    assert_eq!(
        line(Format::Logfmt, &r),
        "ts=2026-11-18T11:06:40.123456Z level=info target=orders::api msg=\"user logged in\" \
         user_id=42 ip=10.0.0.1\n"
    );
    r.message = "";
    r.level = Level::Debug;
    assert_eq!(
        line(Format::Logfmt, &r),
        "ts=2026-11-18T11:06:40.123456Z level=debug target=orders::api msg=\"\" \
         user_id=42 ip=10.0.0.1\n"
    );
}

/// Every kind of value, in every format.
#[test]
fn value_types() {
    let names = [
        "i", "u", "big", "neg_big", "f", "whole", "nan", "inf", "ninf", "t", "c", "empty", "s",
        "sp", "blank",
    ];
    let values = [
        FieldValue::from(-7),
        FieldValue::from(u64::MAX),
        FieldValue::from(u128::MAX),
        FieldValue::from(i128::MIN),
        FieldValue::from(1.5),
        FieldValue::from(2.0),
        FieldValue::from(f64::NAN),
        FieldValue::from(f64::INFINITY),
        FieldValue::from(f64::NEG_INFINITY),
        FieldValue::from(true),
        FieldValue::from('x'),
        FieldValue::EMPTY,
        FieldValue::from("ok"),
        FieldValue::from("a b"),
        FieldValue::from(""),
    ];
    let mut r = record(&names, &values);
    r.message = "m";
    let tail = " i=-7 u=18446744073709551615 big=340282366920938463463374607431768211455 \
                neg_big=-170141183460469231731687303715884105728 f=1.5 whole=2 nan=NaN inf=inf \
                ninf=-inf t=true c=x s=ok sp=\"a b\" blank=\"\"\n";
    assert_eq!(
        line(Format::Compact, &r),
        format!("2026-11-18T11:06:40.123456Z  INFO orders::api: m{tail}")
    );
    assert_eq!(
        line(Format::Logfmt, &r),
        format!("ts=2026-11-18T11:06:40.123456Z level=info target=orders::api msg=m{tail}")
    );
    let json = line(Format::Json, &r);
    assert!(
        json.contains(
            "\"fields\":{\"message\":\"m\",\"i\":-7,\"u\":18446744073709551615,\
             \"big\":340282366920938463463374607431768211455,\
             \"neg_big\":-170141183460469231731687303715884105728,\"f\":1.5,\"whole\":2.0,\
             \"nan\":\"NaN\",\"inf\":\"inf\",\"ninf\":\"-inf\",\"t\":true,\"c\":\"x\",\
             \"empty\":null,\"s\":\"ok\",\"sp\":\"a b\",\"blank\":\"\"}"
        ),
        "{json}"
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let f = &v["fields"];
    assert_eq!(f["i"], -7);
    assert_eq!(f["u"], u64::MAX);
    assert!(f["whole"].is_f64());
    assert_eq!(f["f"], 1.5);
    assert_eq!(f["t"], true);
    assert!(f["empty"].is_null());
    assert_eq!(f["nan"], "NaN");
}

#[test]
fn json_parses_with_expected_keys() {
    let v = values();
    let r = record(NAMES, &v);
    let json = line(Format::Json, &r);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let obj = v.as_object().unwrap();
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut want = vec![
        "fields",
        "filename",
        "level",
        "line_number",
        "target",
        "threadId",
        "threadName",
        "timestamp",
    ];
    want.sort_unstable();
    assert_eq!(keys, want); // serde_json's map is sorted without preserve_order
    assert_eq!(v["timestamp"], "2026-11-18T11:06:40.123456Z");
    assert_eq!(v["level"], "INFO");
    assert_eq!(v["fields"]["message"], "user logged in");
    assert_eq!(v["fields"]["user_id"], 42);
    assert_eq!(v["fields"]["ip"], "10.0.0.1");
    assert_eq!(v["target"], "orders::api");
    assert_eq!(v["filename"], "src/main.rs");
    assert_eq!(v["line_number"], 12);
    assert_eq!(v["threadName"], "main");
    assert_eq!(v["threadId"], "ThreadId(1)");
}

#[test]
fn json_message_field_does_not_clobber() {
    let names = ["message", "other"];
    let values = [FieldValue::from("user's"), FieldValue::from(1)];
    let r = record(&names, &values);
    let json = line(Format::Json, &r);
    assert_eq!(json.matches("\"message\"").count(), 1, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["fields"]["message"], "user logged in");
    assert_eq!(v["fields"]["fields.message"], "user's");
}

#[test]
fn json_floats_are_valid_numbers() {
    let floats = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        1e300,
        -1e-300,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        1e16,
        1e-7,
        123456.789,
        std::f64::consts::PI,
    ];
    for x in floats {
        let values = [FieldValue::from(x)];
        let r = record(&["x"], &values);
        let json = line(Format::Json, &r);
        let v: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{x}: {e}: {json}"));
        assert!(v["fields"]["x"].is_f64(), "{json}");
        assert_eq!(v["fields"]["x"].as_f64().unwrap(), x, "{json}");
    }
}

/// Strings that try to forge lines, move the cursor or break out of quotes.
const HOSTILE: &[&str] = &[
    "ok\n2026-11-18T11:06:40.123456Z ERROR admin: FAKE LINE",
    "cr\rreturn",
    "\r\n",
    "\x1b[2J\x1b[31mred\x1b[0m",
    "nul\0byte",
    "quote\" and \\ backslash",
    "\"",
    "\\",
    "ls\u{2028}ps\u{2029}",
    "nel\u{85}csi\u{9b}",
    "\u{202e}reversed\u{2066}",
    "tab\tvt\u{b}ff\u{c}",
    "key=value x=\"y\"",
    "",
    " ",
];

fn assert_one_clean_line(s: &str) {
    assert!(s.ends_with('\n'), "{s:?}");
    let body = &s[..s.len() - 1];
    for c in body.chars() {
        assert!(
            !(c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "unescaped {c:?} in {s:?}"
        );
    }
}

#[test]
fn hostile_text_is_one_line() {
    for &h in HOSTILE {
        let names = ["evil", h];
        let values = [FieldValue::from(h), FieldValue::from(h)];
        let mut r = record(&names, &values);
        r.message = h;
        r.target = h;
        r.thread_name = h;
        r.file = h;
        for format in [Format::Compact, Format::Full, Format::Json, Format::Logfmt] {
            let s = line(format, &r);
            assert_one_clean_line(&s);
            if format == Format::Json {
                let v: serde_json::Value =
                    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {s}"));
                assert_eq!(v["fields"]["message"], h);
                assert_eq!(v["fields"]["evil"], h);
                assert_eq!(v["target"], h);
                assert_eq!(v["threadName"], h);
            }
        }
        let c = FieldValue::from(h.chars().next().unwrap_or('\n'));
        let cv = [c];
        let r = record(&["c"], &cv);
        for format in [Format::Compact, Format::Full, Format::Json, Format::Logfmt] {
            assert_one_clean_line(&line(format, &r));
        }
    }
}

#[test]
fn hostile_escapes_exact() {
    let names = ["v"];
    let values = [FieldValue::from("a\nb \"c\" \\d\x1b")];
    let mut r = record(&names, &values);
    r.message = "x\n2026 FAKE\t\u{2028}";
    r.fields = Fields::split(&names, &values);
    assert_eq!(
        line(Format::Compact, &r),
        "2026-11-18T11:06:40.123456Z  INFO orders::api: x\\n2026 FAKE\\t\\u{2028} \
         v=\"a\\nb \\\"c\\\" \\\\d\\u{1b}\"\n"
    );
    assert_eq!(
        line(Format::Logfmt, &r),
        "ts=2026-11-18T11:06:40.123456Z level=info target=orders::api \
         msg=\"x\\n2026 FAKE\\t\\u{2028}\" v=\"a\\nb \\\"c\\\" \\\\d\\u{1b}\"\n"
    );
}

#[test]
fn hostile_field_names() {
    let names = ["a b", "x=y", "q\"", "nl\nx", ""];
    let values = [1, 2, 3, 4, 5].map(FieldValue::from);
    let mut r = record(&names, &values);
    r.message = "m";
    assert_eq!(
        line(Format::Compact, &r),
        "2026-11-18T11:06:40.123456Z  INFO orders::api: m a\\u{20}b=1 x\\u{3d}y=2 q\\u{22}=3 \
         nl\\nx=4 _=5\n"
    );
}

#[test]
fn empty_message_and_fields() {
    let values = [FieldValue::EMPTY, FieldValue::from(1)];
    let mut r = record(&["gone", "n"], &values);
    r.message = "";
    assert_eq!(
        line(Format::Compact, &r),
        "2026-11-18T11:06:40.123456Z  INFO orders::api: n=1\n"
    );
    r.fields = Fields::empty();
    assert_eq!(
        line(Format::Compact, &r),
        "2026-11-18T11:06:40.123456Z  INFO orders::api:\n"
    );
}

#[test]
fn pairs_fields() {
    let pairs = vec![
        ("k".to_owned(), FieldValue::from("v")),
        ("n".to_owned(), FieldValue::from(3u8)),
    ];
    let mut r = record(&[], &[]);
    r.fields = Fields::pairs(&pairs);
    assert!(line(Format::Compact, &r).ends_with("user logged in k=v n=3\n"));
}

#[test]
fn appends_without_clearing() {
    let v = values();
    let r = record(NAMES, &v);
    let mut out = b"prefix\n".to_vec();
    format_record(Format::Compact, &r, &mut out);
    format_record(Format::Json, &r, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(text.starts_with("prefix\n2026-11-18T11:06:40.123456Z  INFO"));
}

#[test]
fn pre_epoch_and_far_future_do_not_panic() {
    let v = values();
    let mut r = record(NAMES, &v);
    for (t, want) in [
        (
            UNIX_EPOCH - Duration::from_secs(1),
            "1969-12-31T23:59:59.000000Z",
        ),
        (
            UNIX_EPOCH - Duration::from_secs(1 << 40),
            "0000-01-01T00:00:00.000000Z",
        ),
        (
            UNIX_EPOCH + Duration::from_secs(1 << 40),
            "9999-12-31T23:59:59.999999Z",
        ),
    ] {
        r.timestamp = t;
        assert!(line(Format::Compact, &r).starts_with(want));
        assert!(line(Format::Logfmt, &r).starts_with(&format!("ts={want} ")));
    }
}

// ===== sinks =====

/// A writer that records every `write` call into a shared buffer.
#[derive(Clone, Default)]
struct Shared {
    data: Arc<Mutex<Vec<u8>>>,
    writes: Arc<AtomicUsize>,
    flushes: Arc<AtomicUsize>,
}

impl io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.data.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.flushes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

#[test]
fn writer_sink_batches() {
    let shared = Shared::default();
    let mut sink = WriterSink::new(shared.clone(), Format::Compact);
    let v = values();
    let r = record(NAMES, &v);
    for _ in 0..10 {
        sink.write(&r).unwrap();
    }
    assert!(shared.data.lock().unwrap().is_empty());
    assert_eq!(shared.writes.load(Ordering::Relaxed), 0);
    assert_eq!(sink.buffered(), 10 * line(Format::Compact, &r).len());
    sink.flush().unwrap();
    assert_eq!(shared.writes.load(Ordering::Relaxed), 1);
    assert_eq!(shared.flushes.load(Ordering::Relaxed), 1);
    assert_eq!(sink.buffered(), 0);
    let text = String::from_utf8(shared.data.lock().unwrap().clone()).unwrap();
    assert_eq!(text, line(Format::Compact, &r).repeat(10));
}

#[test]
fn writer_sink_writes_when_batch_is_full() {
    let shared = Shared::default();
    let mut sink = WriterSink::new(shared.clone(), Format::Json);
    let v = values();
    let r = record(NAMES, &v);
    let one = line(Format::Json, &r).len();
    let n = BATCH_BYTES / one + 1;
    for _ in 0..n {
        sink.write(&r).unwrap();
    }
    assert_eq!(shared.writes.load(Ordering::Relaxed), 1);
    assert_eq!(shared.data.lock().unwrap().len(), n * one);
    assert_eq!(shared.flushes.load(Ordering::Relaxed), 0);
    sink.write(&r).unwrap();
    sink.flush().unwrap();
    assert_eq!(shared.data.lock().unwrap().len(), (n + 1) * one);
}

#[test]
fn writer_sink_flushes_on_drop() {
    let shared = Shared::default();
    let v = values();
    let r = record(NAMES, &v);
    {
        let mut sink = WriterSink::new(shared.clone(), Format::Logfmt);
        sink.write(&r).unwrap();
    }
    let text = String::from_utf8(shared.data.lock().unwrap().clone()).unwrap();
    assert_eq!(text, line(Format::Logfmt, &r));
}

/// Fails every write until `healthy` is set, then takes at most 10 bytes per call.
struct Flaky {
    healthy: bool,
    data: Vec<u8>,
}

impl io::Write for Flaky {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.healthy {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf.len().min(10);
        self.data.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn writer_sink_retries_after_error() {
    let mut sink = WriterSink::new(
        Flaky {
            healthy: false,
            data: Vec::new(),
        },
        Format::Compact,
    );
    let v = values();
    let r = record(NAMES, &v);
    sink.write(&r).unwrap();
    assert_eq!(sink.flush().unwrap_err().to_string(), "disk on fire");
    sink.get_mut().healthy = true;
    sink.write(&r).unwrap();
    sink.flush().unwrap();
    let text = String::from_utf8(sink.get_ref().data.clone()).unwrap();
    assert_eq!(text, line(Format::Compact, &r).repeat(2));
}

fn unique_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!(
        "ttlog-test-{name}-{}-{nanos}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

#[test]
fn file_sink_creates_dirs_and_appends() {
    let dir = unique_dir("file");
    let path = dir.join("nested/deeper/app.log");
    let v = values();
    let mut r = record(NAMES, &v);

    let mut sink = FileSink::open(&path, Format::Compact).unwrap();
    assert_eq!(sink.path(), path);
    sink.write(&r).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap().len(),
        0,
        "buffered until flush"
    );
    sink.flush().unwrap();
    drop(sink);

    r.message = "second run";
    let mut sink = FileSink::open(&path, Format::Compact).unwrap();
    sink.write(&r).unwrap();
    sink.flush().unwrap();
    drop(sink);

    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "2026-11-18T11:06:40.123456Z  INFO orders::api: user logged in user_id=42 ip=10.0.0.1\n\
         2026-11-18T11:06:40.123456Z  INFO orders::api: second run user_id=42 ip=10.0.0.1\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn file_sink_reports_open_errors() {
    let dir = unique_dir("err");
    std::fs::create_dir_all(&dir).unwrap();
    let blocker = dir.join("file");
    std::fs::write(&blocker, b"").unwrap();
    // A parent that is a regular file cannot be created as a directory.
    assert!(FileSink::open(blocker.join("x.log"), Format::Json).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn closures_are_sinks() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = Arc::clone(&seen);
    let mut sinks: Vec<Box<dyn Sink>> = vec![
        Box::new(move |r: &Record<'_>| seen2.lock().unwrap().push(r.message.to_owned())),
        Box::new(WriterSink::new(io::sink(), Format::Full)),
    ];
    let v = values();
    let r = record(NAMES, &v);
    for sink in &mut sinks {
        sink.write(&r).unwrap();
        sink.flush().unwrap();
    }
    assert_eq!(*seen.lock().unwrap(), ["user logged in"]);
}

/// The console sink writes its lines to stderr (not stdout), in batches: nothing before a
/// flush. Checked in a child process (this test binary again) whose output is read here.
#[test]
fn console_writes_batches_to_stderr() {
    const CHILD: &str = "TTLOG_SINK_CONSOLE_CHILD";
    let v = values();
    let r = record(NAMES, &v);
    if std::env::var_os(CHILD).is_some() {
        use std::io::Write;
        let mut compact: Box<dyn Sink> = Box::new(console(Format::Compact));
        let mut json: Box<dyn Sink> = Box::new(console(Format::Json));
        compact.write(&r).unwrap();
        json.write(&r).unwrap();
        json.write(&r).unwrap();
        io::stderr().write_all(b"before flush\n").unwrap();
        compact.flush().unwrap();
        json.flush().unwrap();
        // Flushing an empty buffer writes nothing.
        compact.flush().unwrap();
        return;
    }
    let out = ttlog_test_support::output_within(
        std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "console_writes_batches_to_stderr",
                "--test-threads=1",
            ])
            .env(CHILD, "1"),
        ttlog_test_support::CHILD_TIMEOUT,
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    let json = line(Format::Json, &r);
    assert_eq!(
        stderr,
        format!("before flush\n{}{json}{json}", line(Format::Compact, &r))
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("user logged in"), "{stdout}");
}

// ===== allocation =====

/// Counts allocations made by the current thread while `COUNTING` is set on it.
struct CountingAlloc;

thread_local! {
    static COUNTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static ALLOCS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; the counter only touches
// const-initialised thread-locals, which never allocate.
unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if COUNTING.try_with(|c| c.get()).unwrap_or(false) {
            let _ = ALLOCS.try_with(|a| a.set(a.get() + 1));
        }
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        if COUNTING.try_with(|c| c.get()).unwrap_or(false) {
            let _ = ALLOCS.try_with(|a| a.set(a.get() + 1));
        }
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract, which we pass on.
        unsafe { std::alloc::System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

#[test]
fn formatting_into_a_warm_buffer_does_not_allocate() {
    let names = ["i", "u", "f", "b", "c", "s", "q", "e"];
    let values = [
        FieldValue::from(-42),
        FieldValue::from(7u64),
        FieldValue::from(0.25),
        FieldValue::from(false),
        FieldValue::from('λ'),
        FieldValue::from("text"),
        FieldValue::from("needs \"quotes\"\n"),
        FieldValue::EMPTY,
    ];
    let mut r = record(&names, &values);
    r.message = "hostile\n\x1b[0m message";
    let mut out = Vec::with_capacity(4096);
    COUNTING.with(|c| c.set(true));
    drop(std::hint::black_box(Box::new(1u64)));
    assert_eq!(ALLOCS.with(|a| a.replace(0)), 1, "the counter counts");
    for _ in 0..100 {
        for format in [Format::Compact, Format::Full, Format::Json, Format::Logfmt] {
            out.clear();
            format_record(format, &r, &mut out);
        }
    }
    COUNTING.with(|c| c.set(false));
    assert_eq!(ALLOCS.with(|a| a.get()), 0);
}
