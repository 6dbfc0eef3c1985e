//! Helpers shared by snapshot.rs and snapshot_with_spans.rs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use ttlog_core::snapshot::{self, Header, Span, SpanStatus};
use ttlog_core::{FieldValue, Fields, Level, Record, ValueRef};

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
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

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn header() -> Header {
    let mut h = Header::new("test-svc", "unit test");
    h.capacity = 1024;
    h.dropped = 17;
    h
}

pub fn record<'a>(names: &'a [&'a str], values: &'a [FieldValue], i: u64) -> Record<'a> {
    Record {
        level: Level::ALL[(i % 5) as usize],
        timestamp: UNIX_EPOCH + Duration::new(1_700_000_000 + i, (i * 7919) as u32 % 1_000_000_000),
        target: if i.is_multiple_of(2) {
            "app::db"
        } else {
            "app::http"
        },
        module_path: if i.is_multiple_of(3) {
            ""
        } else {
            "app::module"
        },
        file: "src/lib.rs",
        line: i as u32,
        message: "something happened",
        thread_name: if i.is_multiple_of(4) {
            "main"
        } else {
            "worker-é"
        },
        thread_id: i % 4,
        span_id: i * 1000,
        spans: None,
        fields: Fields::split(names, values),
    }
}

pub fn all_values() -> Vec<FieldValue> {
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

pub const NAMES: [&str; 17] = [
    "empty", "t", "f", "imin", "neg", "umax", "i128", "u128", "float", "nan", "inf", "ninf",
    "negzero", "char", "short", "long", "blank",
];

/// Same type and same bits (NaN-aware, -0.0-aware).
pub fn same(a: &FieldValue, b: &FieldValue) -> bool {
    match (a.as_ref(), b.as_ref()) {
        (ValueRef::F64(x), ValueRef::F64(y)) => x.to_bits() == y.to_bits(),
        (x, y) => std::mem::discriminant(&x) == std::mem::discriminant(&y) && a == b,
    }
}

pub fn small_snapshot() -> Vec<u8> {
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

pub fn header_without_time(h: &Header) -> Header {
    let mut expected = header();
    expected.created = h.created;
    expected
}

/// Appends a framed record with a correct checksum.
pub fn push_record(out: &mut Vec<u8>, kind: u8, payload: &[u8]) {
    let start = out.len();
    out.push(kind);
    let mut n = payload.len();
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out.extend_from_slice(payload);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// The preamble and header record of a valid snapshot.
pub fn preamble_and_header() -> Vec<u8> {
    let mut bytes = Vec::new();
    snapshot::encode(&header(), [], &mut bytes);
    // Drop the end record: kind, 1-byte length, 1-byte payload, crc.
    bytes.truncate(bytes.len() - 7);
    bytes
}

/// Records to append after the header, and a substring of the expected error.
pub type Case = (Vec<(u8, Vec<u8>)>, &'static str);

pub fn t(secs: u64, nanos: u32) -> SystemTime {
    UNIX_EPOCH + Duration::new(1_700_000_000 + secs, nanos)
}

/// A root that closed, a child that failed and closed, an open grandchild with follows-from
/// links, and an open root on another thread whose parent is not in the file.
pub fn sample_spans() -> Vec<Span> {
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

pub fn span_snapshot() -> Vec<u8> {
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

/// The file without its span records: what a reader that skips optional records sees.
pub fn without_spans(bytes: &[u8]) -> Vec<u8> {
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

/// A span payload: id, parent, level 3, strings 0 (name, target, module, file), line 0,
/// thread 0, thread id 0, start 0, then `rest`.
pub fn span_payload(id: u8, rest: &[u8]) -> Vec<u8> {
    let mut p = vec![id, 0x00, 0x03, 0, 0, 0, 0, 0x00, 0, 0x00, 0x00];
    p.extend_from_slice(rest);
    p
}

/// Open, busy 0, ok, no follows-from, no fields.
pub const OPEN_OK: [u8; 5] = [0x00, 0x00, 0x00, 0x00, 0x00];

/// Nanoseconds since the epoch of the latest `SystemTime` the decoder accepts here (probed).
pub fn snapshot_max_nanos() -> u128 {
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
