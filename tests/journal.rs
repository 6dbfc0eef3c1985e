//! The binary journal, written through a real `init()`: every event read back equals what
//! the sinks got (every field of every value type, escapes, formatted messages, spans and
//! their fields, trace ids, narrations, redacted values), `ttlog convert`'s formatting of it
//! equals each text sink's output byte for byte, no secret reaches the files, and rotation by
//! size gives several files that read back in order with nothing lost.

mod common;

use std::io;
use std::sync::{Arc, Mutex};

use common::sinks::Shared;
use ttlog::journal::{JournalOptions, JournalReader, Status};
use ttlog::sink::{format_record, Format};
use ttlog::{FieldValue, Record, Sink, TraceContext};

/// An event as a sink saw it, owned.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    level: ttlog::Level,
    timestamp: std::time::SystemTime,
    target: String,
    module_path: String,
    file: String,
    line: u32,
    message: String,
    thread: (String, u64),
    span_id: u64,
    fields: Vec<(String, FieldValue)>,
    scope: Vec<(String, Vec<(String, FieldValue)>)>,
    trace: Option<String>,
}

fn seen(r: &Record<'_>) -> Seen {
    Seen {
        level: r.level,
        timestamp: r.timestamp,
        target: r.target.into(),
        module_path: r.module_path.into(),
        file: r.file.into(),
        line: r.line,
        message: r.message.into(),
        thread: (r.thread_name.into(), r.thread_id),
        span_id: r.span_id,
        fields: r
            .fields
            .iter()
            .map(|f| (f.name.to_owned(), f.value.clone()))
            .collect(),
        scope: r
            .scope()
            .root_first()
            .iter()
            .map(|s| {
                let fields = s
                    .fields
                    .iter()
                    .map(|f| (f.name.to_owned(), f.value.clone()))
                    .collect();
                (s.name.to_owned(), fields)
            })
            .collect(),
        trace: r.trace().map(|t| {
            let mut s = String::new();
            t.for_each(|k, v| s.push_str(&format!("{k}={v} ")));
            s
        }),
    }
}

#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<Seen>>>);

impl Sink for Collect {
    fn write(&mut self, r: &Record<'_>) -> io::Result<()> {
        self.0.lock().unwrap().push(seen(r));
        Ok(())
    }
}

#[derive(Debug)]
struct Req {
    #[allow(dead_code)]
    id: u32,
}

fn log_corpus() {
    ttlog::info!(
        "every kind",
        i = -7i64,
        u = u64::MAX,
        f = 1.5f64,
        nan = f64::NAN,
        inf = f64::NEG_INFINITY,
        zero = -0.0f64,
        b = true,
        c = 'é',
        wide = i128::MIN,
        uwide = u128::MAX,
        none = Option::<u32>::None,
        some = Some(3u8),
        short = "tiny",
        long = "a text longer than twenty-two bytes, kept as words",
    );
    ttlog::warn!(
        "escapes \"quoted\"\n\ttab",
        ctl = "line\nbreak \u{1b}[31m red \u{202e} bidi",
        quote = "say \"hi\" = \\o/",
        empty = "",
    );
    let (n, max) = (2, 5);
    ttlog::error!("retry {} of {max}", n, attempt = n);
    ttlog::debug!(target: "orders::audit", "checked", ip = %std::net::Ipv4Addr::LOCALHOST, req = ?Req { id: 9 });
    ttlog::info!("big", text = "x".repeat(10_000));
    // Redacted: a secret key, a pattern in a value, in a formatted message, and in a literal.
    ttlog::info!("login", user = "ann", password = "hunter2-secret");
    ttlog::info!(
        "header",
        auth_header = "Authorization: Bearer abcdef0123456789abcdef"
    );
    let token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    ttlog::info!("pushing with {token}");
    ttlog::info!("connect postgres://app:s3cr3tpass@db/app");
    let span = ttlog::info_span!("request", id = 7, user = ttlog::field::Empty);
    {
        let _entered = span.enter();
        ttlog::info!("inside");
        span.record("user", "alice");
        let inner = ttlog::debug_span!("db", table = "orders", api_key = "k-12345678");
        let _e = inner.enter();
        ttlog::info!("query done", rows = 3u32);
    }
    drop(span);
    let ctx = TraceContext::new_root()
        .with_correlation_id("order-7f3a")
        .unwrap();
    {
        let _entered = ctx.enter();
        ttlog::info!("in a trace");
        let s = ttlog::info_span!("handler", n = 1);
        let _e = s.enter();
        ttlog::info!("in a span in a trace");
    }
    ttlog::narrate!(Info, actor: "orchestrator", action: "accept", target: "job-7",
        human: "Accepted job-7", cute: "Welcome job-7!", queue_position = 3);
    std::thread::Builder::new()
        .name("worker-1".into())
        .spawn(|| ttlog::info!("from a named thread", t = 1))
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn journal_round_trips_and_converts_like_the_text_sinks() {
    let dir = common::temp_dir("journal-roundtrip");
    let texts: Vec<(Format, Shared)> =
        [Format::Compact, Format::Full, Format::Json, Format::Logfmt]
            .into_iter()
            .map(|f| (f, Shared::default()))
            .collect();
    let collect = Collect::default();
    let mut builder = ttlog::init()
        .service("roundtrip")
        .level(ttlog::Level::Trace)
        .snapshot_dir(dir.join("snapshots"))
        .no_console()
        .sink(collect.clone())
        .journal(dir.join("journal"));
    for (format, shared) in &texts {
        builder = builder.writer(shared.clone(), *format);
    }
    let guard = builder.init();
    log_corpus();
    assert!(guard.flush());
    let stats = guard.handle().stats();
    let journal_stats = stats.sinks.last().unwrap();
    assert!(
        journal_stats.name.starts_with("journal "),
        "{journal_stats:?}"
    );
    drop(guard);

    let expected = collect.0.lock().unwrap().clone();
    assert!(expected.len() >= 15, "{}", expected.len());

    // Read back: the same events, field for field.
    let mut reader = JournalReader::open(&dir.join("journal")).unwrap();
    let mut got = Vec::new();
    let status = reader.read(&mut |r| got.push(seen(r))).unwrap();
    assert_eq!(status, Status::End);
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        // NaN is not equal to itself: compare its bits through Debug.
        assert_eq!(format!("{g:?}"), format!("{e:?}"));
    }
    let traced = got
        .iter()
        .find(|e| e.message == "in a span in a trace")
        .unwrap();
    assert!(traced
        .trace
        .as_deref()
        .unwrap()
        .contains("correlation_id=order-7f3a"));
    assert_eq!(traced.scope.last().unwrap().0, "handler");
    let query = got.iter().find(|e| e.message == "query done").unwrap();
    let names: Vec<&str> = query.scope.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, ["request", "db"]);
    assert_eq!(query.scope[1].1[1].1, FieldValue::from("[REDACTED]"));
    // Redaction: masked in what was read, and nowhere in the files.
    let login = got.iter().find(|e| e.message == "login").unwrap();
    assert_eq!(login.fields[1].1, FieldValue::from("[REDACTED]"));
    for file in ttlog::journal::journal_files(&dir.join("journal")) {
        let bytes = std::fs::read(&file).unwrap();
        for secret in [
            &b"hunter2-secret"[..],
            b"abcdef0123456789abcdef",
            b"ghp_abcdefghijklmnopqrstuvwxyz",
            b"s3cr3tpass",
            b"k-12345678",
        ] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{} in {}",
                String::from_utf8_lossy(secret),
                file.display()
            );
        }
    }
    // Cut at every byte: the whole records before the cut, then a partial one, never a
    // panic or an error.
    let first = ttlog::journal::journal_files(&dir.join("journal")).remove(0);
    let bytes = std::fs::read(&first).unwrap();
    let mut whole = 0;
    for cut in 0..=bytes.len() {
        let mut n = 0;
        let status = ttlog::journal::decode(&bytes[..cut], &mut |_| n += 1)
            .unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        assert!(n >= whole, "cut at {cut}: {n} events after {whole}");
        whole = n;
        match status {
            Status::End => assert!(cut == bytes.len() || cut % 8 == 0),
            Status::Partial { offset } => assert!(offset <= cut as u64),
        }
    }
    assert_eq!(whole, got.len());
    // Damaged anywhere (bytes flipped at random): events or an error, never a panic.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..2_000 {
        let mut damaged = bytes.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % damaged.len() as u64) as usize;
            damaged[at] ^= 1 << (next() % 8);
        }
        let mut line = Vec::new();
        let _ =
            ttlog::journal::decode(&damaged, &mut |r| format_record(Format::Json, r, &mut line));
    }
    // The spans, with their fields as last recorded.
    let spans = reader.spans();
    let request = spans.iter().find(|s| s.name() == "request").unwrap();
    assert_eq!(request.field("user"), Some(&FieldValue::from("alice")));
    assert!(!request.is_open());

    // Converted, each format equals what its text sink wrote.
    for (format, shared) in &texts {
        let mut reader = JournalReader::open(&dir.join("journal")).unwrap();
        let mut out = Vec::new();
        reader
            .read(&mut |r| format_record(*format, r, &mut out))
            .unwrap();
        let text = shared.0.lock().unwrap().clone();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(text).unwrap(),
            "{format:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rotation_by_size_keeps_everything_in_order() {
    // A second runtime cannot start in this process: this one reads files written by a
    // child process (the first test's runtime may be running).
    if !common::is_child("rotate") {
        let dir = common::temp_dir("journal-rotate");
        common::assert_child_ok(&mut common::child(
            "rotation_by_size_keeps_everything_in_order",
            "rotate",
            &dir,
        ));
        let journal = dir.join("journal");
        let files = ttlog::journal::journal_files(&journal);
        assert!(files.len() >= 4, "{files:?}");
        for f in &files {
            let len = std::fs::metadata(f).unwrap().len();
            assert!(len <= 64 * 1024, "{} is {len} bytes", f.display());
        }
        let mut reader = JournalReader::open(&journal).unwrap();
        let mut numbers = Vec::new();
        let status = reader
            .read(&mut |r| {
                if r.message == "numbered" {
                    numbers.push(r.field("i").and_then(|v| v.as_u64()).unwrap());
                }
            })
            .unwrap();
        assert_eq!(status, Status::End);
        assert_eq!(numbers, (0..5_000).collect::<Vec<u64>>());
        // Each file stands alone: read under a name that has no journal after it.
        let mut total = 0;
        for f in &files {
            let alone = dir.join("alone.ttj");
            std::fs::copy(f, &alone).unwrap();
            let mut n = 0;
            let status = JournalReader::open(&alone)
                .unwrap()
                .read(&mut |r| n += u64::from(r.message == "numbered"))
                .unwrap();
            assert_eq!(status, Status::End);
            assert!(n > 0, "{}", f.display());
            total += n;
        }
        assert_eq!(total, 5_000);
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let guard = ttlog::init()
        .service("rotate")
        .snapshot_dir(common::child_dir().join("snapshots"))
        .no_console()
        .journal(common::child_dir().join("journal"))
        .journal_options(JournalOptions::new().max_file_bytes(64 * 1024).retention(0))
        .init();
    for i in 0..5_000u64 {
        ttlog::info!("numbered", i, text = "some text to fill the files");
    }
    assert!(guard.flush());
    assert_eq!(guard.dropped(), 0);
    drop(guard);
    println!("child ok");
}
