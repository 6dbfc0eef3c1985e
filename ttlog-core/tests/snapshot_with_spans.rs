//! Snapshots: header records, bounded expansion, and files with spans (round trips, order,
//! edge values, truncation, recovery, hostile input).

#![allow(dead_code, unused_imports)] // the helpers are shared with snapshot.rs

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ttlog_core::record::SpanLookup;
use ttlog_core::snapshot::{self, Header, Snapshot, SnapshotErrorKind, Span, SpanStatus};
use ttlog_core::{FieldValue, Fields, Level, Record, ValueRef};

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "ttlog-test-{name}-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn header() -> Header {
    let mut h = Header::new("test-svc", "unit test");
    h.capacity = 1024;
    h.dropped = 17;
    h
}

fn record<'a>(names: &'a [&'a str], values: &'a [FieldValue], i: u64) -> Record<'a> {
    Record {
        level: Level::ALL[(i % 5) as usize],
        timestamp: UNIX_EPOCH + Duration::new(1_700_000_000 + i, (i * 7919) as u32 % 1_000_000_000),
        target: if i % 2 == 0 { "app::db" } else { "app::http" },
        module_path: if i % 3 == 0 { "" } else { "app::module" },
        file: "src/lib.rs",
        line: i as u32,
        message: "something happened",
        thread_name: if i % 4 == 0 { "main" } else { "worker-é" },
        thread_id: i % 4,
        span_id: i * 1000,
        spans: None,
        fields: Fields::split(names, values),
    }
}

fn all_values() -> Vec<FieldValue> {
    vec![
        FieldValue::EMPTY,
        FieldValue::from(true),
        FieldValue::from(false),
        FieldValue::from(i64::MIN),
        FieldValue::from(-1),
        FieldValue::from(u64::MAX),
        FieldValue::from(i128::MIN),
        FieldValue::from(u128::MAX),
        FieldValue::from(1.5),
        FieldValue::from(f64::NAN),
        FieldValue::from(f64::INFINITY),
        FieldValue::from(f64::NEG_INFINITY),
        FieldValue::from(-0.0),
        FieldValue::from('é'),
        FieldValue::from("short"),
        FieldValue::from("x".repeat(1000)),
        FieldValue::from(""),
    ]
}

const NAMES: [&str; 17] = [
    "empty", "t", "f", "imin", "neg", "umax", "i128", "u128", "float", "nan", "inf", "ninf",
    "negzero", "char", "short", "long", "blank",
];

/// Same type and same bits (NaN-aware, -0.0-aware).
fn same(a: &FieldValue, b: &FieldValue) -> bool {
    match (a.as_ref(), b.as_ref()) {
        (ValueRef::F64(x), ValueRef::F64(y)) => x.to_bits() == y.to_bits(),
        (x, y) => std::mem::discriminant(&x) == std::mem::discriminant(&y) && a == b,
    }
}

fn small_snapshot() -> Vec<u8> {
    let values = [FieldValue::from(42), FieldValue::from("v")];
    let names = ["a", "b"];
    let mut out = Vec::new();
    snapshot::encode(
        &header(),
        [record(&names, &values, 1), record(&names, &values, 2)],
        &mut out,
    );
    out
}

#[test]
fn records_before_the_header_are_errors() {
    let mut bytes = Vec::from(&b"TTLOGSNP\x01\x00"[..]);
    push_record(&mut bytes, 0x04, &[0x00]);
    let err = snapshot::decode(&bytes).unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::Corrupt);
    assert!(err.to_string().contains("must be the header"), "{err}");
}

#[test]
fn long_field_names_cannot_expand_without_bound() {
    // One 1 MiB field name, used by many tiny fields.
    let mut bytes = preamble_and_header();
    let name = vec![b'n'; 1 << 20];
    let mut payload = vec![0x00];
    payload.extend_from_slice(&[0x80, 0x80, 0x40]); // 1 << 20
    payload.extend_from_slice(&name);
    push_record(&mut bytes, 0x02, &payload);
    let fields = 20_000u32;
    let mut payload = vec![0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x00];
    payload.extend_from_slice(&[0xA0, 0x9C, 0x01]); // 20_000
    for _ in 0..fields {
        payload.extend_from_slice(&[0x00, 0x00]);
    }
    push_record(&mut bytes, 0x03, &payload);
    push_record(&mut bytes, 0x04, &[0x01]);
    let err = snapshot::decode(&bytes).unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::Corrupt);
    assert!(err.to_string().contains("expand"), "{err}");
}

// ===== spans =====

fn t(secs: u64, nanos: u32) -> SystemTime {
    UNIX_EPOCH + Duration::new(1_700_000_000 + secs, nanos)
}

/// A root that closed, a child that failed and closed, an open grandchild with follows-from
/// links, and an open root on another thread whose parent is not in the file.
fn sample_spans() -> Vec<Span> {
    vec![
        Span::new(3, "request", Level::Info, t(0, 1))
            .with_target("app::http")
            .with_location("app::http", "src/http.rs", 40)
            .with_thread("main", 1)
            .with_end(t(2, 500_000_001))
            .with_busy(Duration::new(1, 250))
            .with_field("id", 7u64)
            .with_field("user", "alice"),
        Span::new(4, "db", Level::Debug, t(0, 1_000))
            .with_parent(3)
            .with_target("app::db")
            .with_location("app::db", "src/db.rs", 9)
            .with_thread("main", 1)
            .with_end(t(1, 0))
            .with_busy(Duration::from_millis(900))
            .with_status(SpanStatus::Error)
            .with_field("table", "users")
            .with_field("rows", -3i64),
        Span::new(9, "retry", Level::Trace, t(1, 5))
            .with_parent(4)
            .with_target("app::db")
            .with_thread("worker-é", 2)
            .with_busy(Duration::from_nanos(17))
            .with_follows_from([3, 1_000_000])
            .with_field("attempt", 2u64)
            .with_field("ratio", f64::NAN),
        Span::new(u64::MAX, "orphan", Level::Error, t(3, 0))
            .with_parent(u64::MAX - 1)
            .with_target("app")
            .with_location("", "", u32::MAX)
            .with_thread("<unnamed>", u64::MAX),
    ]
}

fn span_snapshot() -> Vec<u8> {
    let values = [FieldValue::from(42), FieldValue::from("v")];
    let names = ["a", "user"];
    let mut first = record(&names, &values, 1);
    first.span_id = 9;
    let mut second = record(&names, &values, 2);
    second.span_id = 3;
    let mut out = Vec::new();
    snapshot::encode_with_spans(&header(), &sample_spans(), [first, second], &mut out);
    out
}

#[test]
fn spans_round_trip() {
    let given = sample_spans();
    let bytes = span_snapshot();
    let snap = snapshot::decode(&bytes).unwrap();
    assert_eq!(snap.spans.len(), given.len());
    for (got, want) in snap.spans.iter().zip(&given) {
        assert_eq!(got.id(), want.id());
        assert_eq!(got.parent(), want.parent());
        assert_eq!(got.level, want.level);
        assert_eq!(got.name(), want.name());
        assert_eq!(got.target(), want.target());
        assert_eq!(got.module_path(), want.module_path());
        assert_eq!(got.file(), want.file());
        assert_eq!(got.line(), want.line());
        assert_eq!(got.thread(), want.thread());
        assert_eq!(got.thread_id(), want.thread_id());
        assert_eq!(got.start(), want.start());
        assert_eq!(got.end(), want.end());
        assert_eq!(got.is_open(), want.is_open());
        assert_eq!(got.duration(), want.duration());
        assert_eq!(got.busy(), want.busy());
        assert_eq!(got.status(), want.status());
        assert_eq!(got.follows_from(), want.follows_from());
        let recorded: Vec<_> = got.recorded_fields().collect();
        let wanted: Vec<_> = want.fields().collect();
        assert_eq!(recorded.len(), wanted.len(), "{}", got.name());
        for (a, b) in recorded.iter().zip(&wanted) {
            assert_eq!(a.name, b.name);
            assert!(same(a.value, b.value), "{}: {:?}", a.name, a.value);
        }
    }

    // Closed spans carry their duration as fields; open ones do not.
    let request = &snap.spans[0];
    assert_eq!(request.duration(), Some(Duration::new(2, 500_000_000)));
    let names: Vec<_> = request.fields().map(|f| f.name).collect();
    assert_eq!(names, ["id", "user", "elapsed_us", "elapsed_ms"]);
    assert_eq!(
        request.field("elapsed_us"),
        Some(&FieldValue::from(2_500_000u64))
    );
    assert_eq!(request.field("elapsed_ms"), Some(&FieldValue::from(2500.0)));
    let db = &snap.spans[1];
    assert_eq!(
        db.field("elapsed_us").and_then(|v| v.as_u64()),
        Some(999_999)
    );
    assert!(snap.spans[2].field("elapsed_us").is_none());
    assert!(snap.spans[3].field("elapsed_ms").is_none());

    // The parent chain, looked up through the snapshot.
    assert_eq!(snap.span(9).map(Span::parent), Some(4));
    assert!(snap.span(5).is_none());
    let event = &snap.events[0];
    let scope = snap.record(event).scope();
    let chain: Vec<_> = scope.root_first().iter().map(|s| (s.id, s.name)).collect();
    assert_eq!(chain, [(3, "request"), (4, "db"), (9, "retry")]);
    let leaf = scope.leaf().unwrap();
    assert_eq!((leaf.target, leaf.level), ("app::db", Level::Trace));
    // Scopes show what the span recorded, not the appended duration.
    let root_fields: Vec<_> = scope.root_first()[0]
        .fields
        .iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(root_fields, ["id", "user"]);
    assert!(event.as_record().scope().is_empty());
    let lookup: &dyn SpanLookup = &snap;
    assert_eq!(lookup.span(u64::MAX).map(|s| s.parent), Some(u64::MAX - 1));

    // Decoding then encoding again gives the same bytes (no second pair of elapsed fields).
    let mut again = Vec::new();
    snapshot::encode_with_spans(
        &snap.header,
        &snap.spans,
        snap.events.iter().map(|e| e.as_record()),
        &mut again,
    );
    assert_eq!(again, bytes);
}

#[test]
fn spans_are_written_in_id_order_once() {
    let start = t(0, 0);
    let spans = [
        Span::new(5, "five", Level::Info, start),
        Span::new(0, "zero", Level::Info, start),
        Span::new(2, "two", Level::Info, start),
        Span::new(5, "five again", Level::Info, start),
        Span::new(1, "one", Level::Info, start),
    ];
    let mut bytes = Vec::new();
    snapshot::encode_with_spans(&header(), &spans, [], &mut bytes);
    let snap = snapshot::decode(&bytes).unwrap();
    let got: Vec<_> = snap.spans.iter().map(|s| (s.id(), s.name())).collect();
    assert_eq!(got, [(1, "one"), (2, "two"), (5, "five")]);
}

#[test]
fn span_edge_values_are_kept_or_clamped() {
    let start = t(10, 0);
    let spans = [
        // An end before the start is written as the start.
        Span::new(1, "backwards", Level::Info, start).with_end(t(9, 0)),
        // A field of the same name as the appended duration is kept, and not doubled.
        Span::new(2, "own", Level::Info, start)
            .with_end(t(11, 0))
            .with_field("elapsed_us", "mine"),
        // The longest durations round-trip exactly.
        Span::new(
            3,
            "long",
            Level::Info,
            UNIX_EPOCH - Duration::from_secs(1 << 40),
        )
        .with_end(UNIX_EPOCH + Duration::from_secs(1 << 40))
        .with_busy(Duration::MAX),
    ];
    let mut bytes = Vec::new();
    snapshot::encode_with_spans(&header(), &spans, [], &mut bytes);
    let snap = snapshot::decode(&bytes).unwrap();
    assert_eq!(snap.spans[0].end(), Some(start));
    assert_eq!(snap.spans[0].duration(), Some(Duration::ZERO));
    let own: Vec<_> = snap.spans[1].fields().map(|f| f.name).collect();
    assert_eq!(own, ["elapsed_us", "elapsed_ms"]);
    assert_eq!(
        snap.spans[1].field("elapsed_us"),
        Some(&FieldValue::from("mine"))
    );
    assert_eq!(snap.spans[2].end(), spans[2].end());
    assert_eq!(snap.spans[2].busy(), Duration::MAX);
    assert_eq!(
        snap.spans[2].field("elapsed_us"),
        Some(&FieldValue::from((2u64 << 40) * 1_000_000))
    );
}

/// The file without its span records: what a reader that skips optional records sees.
fn without_spans(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes[..10].to_vec();
    let mut pos = 10;
    while pos < bytes.len() {
        let kind = bytes[pos];
        let (mut len, mut shift, mut i) = (0usize, 0, pos + 1);
        loop {
            let b = bytes[i];
            len |= ((b & 0x7F) as usize) << shift;
            shift += 7;
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
        }
        let end = i + len + 4;
        if kind != 0x40 {
            out.extend_from_slice(&bytes[pos..end]);
        }
        pos = end;
    }
    out
}

#[test]
fn span_records_can_be_skipped() {
    let bytes = span_snapshot();
    let stripped = without_spans(&bytes);
    assert!(stripped.len() < bytes.len());
    let full = snapshot::decode(&bytes).unwrap();
    let plain = snapshot::decode(&stripped).unwrap();
    assert!(plain.spans.is_empty());
    assert_eq!(plain.events, full.events);
    assert_eq!(plain.header, full.header);
}

#[test]
fn files_without_spans_decode_as_before() {
    let bytes = small_snapshot();
    let snap = snapshot::decode(&bytes).unwrap();
    assert!(snap.spans.is_empty());
    let mut again = Vec::new();
    snapshot::encode_with_spans(
        &snap.header,
        &[],
        snap.events.iter().map(|e| e.as_record()),
        &mut again,
    );
    assert_eq!(again, bytes);
}

#[test]
fn every_truncation_of_a_file_with_spans_is_an_error() {
    let bytes = span_snapshot();
    for len in 0..bytes.len() {
        let err = snapshot::decode(&bytes[..len]).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::Truncated, "at {len}: {err}");
    }
}

#[test]
fn torn_files_with_spans_are_recovered() {
    let bytes = span_snapshot();
    let (mut best_spans, mut best_events) = (0, 0);
    for len in 0..bytes.len() {
        match snapshot::recover(&bytes[..len]) {
            Ok((snap, Some(err))) => {
                assert_eq!(err.kind(), SnapshotErrorKind::Truncated);
                assert!(
                    snap.spans.len() >= best_spans,
                    "spans only grow with length"
                );
                assert!(snap.events.len() >= best_events);
                if !snap.events.is_empty() {
                    assert_eq!(snap.spans.len(), 4, "spans come before events");
                }
                (best_spans, best_events) = (snap.spans.len(), snap.events.len());
                let text = err.to_string();
                if best_spans > 0 {
                    let want =
                        format!("{best_spans} complete spans and {best_events} complete events");
                    assert!(text.contains(&want), "{text}");
                }
                // Every span recovered is whole.
                for (got, want) in snap.spans.iter().zip(sample_spans()) {
                    assert_eq!(
                        (got.id(), got.name(), got.end()),
                        (want.id(), want.name(), want.end())
                    );
                }
            }
            Ok((_, None)) => panic!("a prefix of {len} bytes decoded cleanly"),
            Err(err) => assert_eq!(best_spans, 0, "{err}"),
        }
    }
    assert_eq!((best_spans, best_events), (4, 2));

    // Damage after the spans keeps them all.
    let mut damaged = bytes.clone();
    let n = damaged.len();
    damaged[n - 5] ^= 0x01; // the end record's payload
    let (snap, err) = snapshot::recover(&damaged).unwrap();
    assert_eq!(err.unwrap().kind(), SnapshotErrorKind::Corrupt);
    assert_eq!((snap.spans.len(), snap.events.len()), (4, 2));
}

#[test]
fn flipped_bytes_in_a_file_with_spans_are_errors() {
    let bytes = span_snapshot();
    let original = snapshot::decode(&bytes).unwrap();
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF] {
            let mut b = bytes.clone();
            b[i] ^= mask;
            match snapshot::decode(&b) {
                Err(err) => assert!(!err.to_string().is_empty()),
                Ok(snap) => assert_eq!(snap, original, "flip {mask:#x} at {i} decoded"),
            }
            // Recovery never panics either, and keeps only whole spans.
            if let Ok((snap, _)) = snapshot::recover(&b) {
                assert!(snap.spans.len() <= original.spans.len());
            }
        }
    }
}

/// A span payload: id, parent, level 3, strings 0 (name, target, module, file), line 0,
/// thread 0, thread id 0, start 0, then `rest`.
fn span_payload(id: u8, rest: &[u8]) -> Vec<u8> {
    let mut p = vec![id, 0x00, 0x03, 0, 0, 0, 0, 0x00, 0, 0x00, 0x00];
    p.extend_from_slice(rest);
    p
}

/// Open, busy 0, ok, no follows-from, no fields.
const OPEN_OK: [u8; 5] = [0x00, 0x00, 0x00, 0x00, 0x00];

#[test]
fn malformed_spans_are_errors() {
    let string = (0x02, vec![0x00, 0x00]);
    let event = (0x03, vec![0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00]);
    // 2^64 s in nanoseconds does not fit a Duration's seconds.
    let mut too_long = vec![0x00];
    let mut n: u128 = (1u128 << 64) * 1_000_000_000;
    while n >= 0x80 {
        too_long.push(n as u8 | 0x80);
        n >>= 7;
    }
    too_long.push(n as u8);
    too_long.extend_from_slice(&[0x00, 0x00, 0x00]);
    let mut busy_too_long = vec![0x00];
    busy_too_long.extend_from_slice(&too_long[1..]);
    let cases: Vec<Case> = vec![
        (
            vec![string.clone(), (0x40, span_payload(0, &OPEN_OK))],
            "span id 0",
        ),
        (
            vec![
                string.clone(),
                (0x40, span_payload(5, &OPEN_OK)),
                (0x40, span_payload(5, &OPEN_OK)),
            ],
            "span id 5 not above the previous span's id 5",
        ),
        (
            vec![
                string.clone(),
                (0x40, span_payload(5, &OPEN_OK)),
                (0x40, span_payload(4, &OPEN_OK)),
            ],
            "span id 4 not above",
        ),
        (
            vec![
                string.clone(),
                (0x40, {
                    let mut p = span_payload(1, &OPEN_OK);
                    p[2] = 0;
                    p
                }),
            ],
            "invalid level 0",
        ),
        (
            vec![(0x40, span_payload(1, &OPEN_OK))],
            "string id 0 out of range",
        ),
        (
            vec![
                string.clone(),
                (0x40, span_payload(1, &[0x02, 0x00, 0x00, 0x00, 0x00])),
            ],
            "invalid span closed flag 2",
        ),
        (
            vec![
                string.clone(),
                (0x40, span_payload(1, &[0x00, 0x00, 0x02, 0x00, 0x00])),
            ],
            "invalid span status 2",
        ),
        (
            vec![
                string.clone(),
                (0x40, span_payload(1, &[0x00, 0x00, 0x00, 0x01, 0x00, 0x00])),
            ],
            "follows-from span id 0",
        ),
        (
            vec![string.clone(), (0x40, span_payload(1, &[0x01]))],
            "varint runs past the end of the record",
        ),
        (
            vec![
                string.clone(),
                (0x40, {
                    let mut p = span_payload(1, &[]);
                    p.push(0x01);
                    p.extend_from_slice(&too_long[1..]);
                    p
                }),
            ],
            "span duration",
        ),
        (
            vec![string.clone(), (0x40, span_payload(1, &busy_too_long))],
            "span busy time",
        ),
        (
            vec![
                string.clone(),
                (0x40, {
                    // Started at the latest representable time and lasting a second more.
                    let mut p = vec![0x01, 0x00, 0x03, 0, 0, 0, 0, 0x00, 0, 0x00];
                    let mut n = snapshot_max_nanos();
                    while n >= 0x80 {
                        p.push(n as u8 | 0x80);
                        n >>= 7;
                    }
                    p.push(n as u8);
                    p.extend_from_slice(&[0x01, 0x80, 0x94, 0xEB, 0xDC, 0x03]); // 1e9 ns
                    p.extend_from_slice(&[0x00, 0x00, 0x00, 0x00]);
                    p
                }),
            ],
            "span end out of range",
        ),
        (
            vec![
                string.clone(),
                (0x40, {
                    let mut p = vec![0x01, 0x00, 0x03, 0, 0, 0, 0, 0x00, 0, 0x00];
                    p.extend_from_slice(&[0xFF; 18]);
                    p.push(0x03); // u128::MAX zigzagged: i128::MIN
                    p.extend_from_slice(&OPEN_OK);
                    p
                }),
            ],
            "out of range",
        ),
        (
            vec![
                string.clone(),
                (
                    0x40,
                    span_payload(1, &[0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x09]),
                ),
            ],
            "invalid value type tag 9",
        ),
        (
            vec![
                string.clone(),
                (0x40, span_payload(1, &[0x00, 0x00, 0x00, 0x00, 0x00, 0xAA])),
            ],
            "1 unexpected bytes",
        ),
        (
            vec![
                string.clone(),
                event.clone(),
                (0x40, span_payload(1, &OPEN_OK)),
            ],
            "span record after an event record",
        ),
    ];
    for (records, expected) in cases {
        let mut bytes = preamble_and_header();
        let events = records.iter().filter(|(k, _)| *k == 0x03).count() as u8;
        for (kind, payload) in &records {
            push_record(&mut bytes, *kind, payload);
        }
        push_record(&mut bytes, 0x04, &[events]);
        let err = snapshot::decode(&bytes).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::Corrupt, "{err}");
        assert!(
            err.to_string().contains(expected) && err.to_string().contains("span record"),
            "{err} (wanted {expected:?})"
        );
        assert!(err.offset().is_some());
        // What came before the bad span is recovered.
        let (snap, err) = snapshot::recover(&bytes).unwrap();
        assert!(err.is_some());
        assert!(snap.spans.len() <= 1);
    }

    // A well-formed minimal span decodes, so the cases above fail for the reason named.
    let mut bytes = preamble_and_header();
    push_record(&mut bytes, 0x02, &[0x00, 0x00]);
    push_record(&mut bytes, 0x40, &span_payload(1, &OPEN_OK));
    push_record(&mut bytes, 0x04, &[0x00]);
    let snap = snapshot::decode(&bytes).unwrap();
    assert_eq!(snap.spans[0].start(), UNIX_EPOCH);
    assert!(snap.spans[0].is_open());
}

/// Nanoseconds since the epoch of the latest `SystemTime` the decoder accepts here (probed).
fn snapshot_max_nanos() -> u128 {
    // Find a large representable time by doubling, then the span adds one second past it.
    let mut secs: u64 = 1;
    while UNIX_EPOCH
        .checked_add(Duration::from_secs(secs.saturating_mul(2)))
        .is_some()
        && secs < u64::MAX / 2
    {
        secs *= 2;
    }
    // Back off until one more second overflows.
    let mut lo = secs;
    let mut hi = u64::MAX;
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if UNIX_EPOCH.checked_add(Duration::from_secs(mid)).is_some() {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    // zigzag of a positive i128 n is 2n.
    lo as u128 * 1_000_000_000 * 2
}

#[test]
fn hostile_span_counts_do_not_allocate() {
    // 2^60 follows-from ids, or fields, in a tiny record.
    let huge = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10];
    for prefix in [&[0x00, 0x00, 0x00][..], &[0x00, 0x00, 0x00, 0x00][..]] {
        let mut rest = prefix.to_vec();
        rest.extend_from_slice(&huge);
        let mut bytes = preamble_and_header();
        push_record(&mut bytes, 0x02, &[0x00, 0x00]);
        push_record(&mut bytes, 0x40, &span_payload(1, &rest));
        push_record(&mut bytes, 0x04, &[0x00]);
        let err = snapshot::decode(&bytes).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::Corrupt);
        assert!(err.to_string().contains("span record"), "{err}");
    }

    // Span field names count against the expansion budget like event field names.
    let mut bytes = preamble_and_header();
    let mut payload = vec![0x00, 0x80, 0x80, 0x40]; // id 0, 1 MiB
    payload.extend_from_slice(&vec![b'n'; 1 << 20]);
    push_record(&mut bytes, 0x02, &payload);
    let mut rest = vec![0x00, 0x00, 0x00, 0x00];
    rest.extend_from_slice(&[0xA0, 0x9C, 0x01]); // 20_000 fields
    for _ in 0..20_000 {
        rest.extend_from_slice(&[0x00, 0x00]);
    }
    push_record(&mut bytes, 0x40, &span_payload(1, &rest));
    push_record(&mut bytes, 0x04, &[0x00]);
    let err = snapshot::decode(&bytes).unwrap_err();
    assert!(err.to_string().contains("expand"), "{err}");
}

#[test]
fn write_with_spans_then_read() {
    let dir = TempDir::new("write-spans");
    let path = snapshot::write_with_spans(dir.path(), &header(), &sample_spans(), []).unwrap();
    let snap = snapshot::read(&path).unwrap();
    assert_eq!(snap.spans.len(), 4);
    assert_eq!(snap.spans[1].status(), SpanStatus::Error);
    assert!(snap.events.is_empty());
}
