//! Snapshots, continued: malformed payloads and header records, bounded expansion, and files
//! with spans (round trips, order, edge values, truncation, recovery, hostile input).

mod snapshot_support;
use snapshot_support::*;

use std::time::{Duration, UNIX_EPOCH};
use ttlog_core::record::SpanLookup;
use ttlog_core::snapshot::{self, SnapshotErrorKind, Span, SpanStatus};
use ttlog_core::{FieldValue, Level};

#[test]
fn malformed_payloads_are_errors() {
    let cases: Vec<Case> = vec![
        (
            vec![(0x02, vec![0x01, 0x01, b'x'])],
            "string id 1 out of order",
        ),
        (vec![(0x02, vec![0x00, 0x02, 0xC3, 0x28])], "invalid utf-8"),
        (
            vec![(0x03, vec![0x00, 0x03, 0x05, 0, 0, 0, 0, 0, 0, 0x00, 0x00])],
            "string id 5 out of range",
        ),
        (
            vec![
                (0x02, vec![0x00, 0x00]),
                (0x03, vec![0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00]),
            ],
            "invalid level 9",
        ),
        (
            vec![
                (0x02, vec![0x00, 0x00]),
                (
                    0x03,
                    vec![0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x09],
                ),
            ],
            "invalid value type tag 9",
        ),
        (
            vec![
                (0x02, vec![0x00, 0x00]),
                (
                    0x03,
                    vec![
                        0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x01, 0x02,
                    ],
                ),
            ],
            "invalid bool 2",
        ),
        (
            vec![
                (0x02, vec![0x00, 0x00]),
                (
                    0x03,
                    vec![
                        0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x07, 0x80, 0xB0, 0x03,
                    ],
                ),
            ],
            "invalid char 0xd800",
        ),
        (
            vec![
                (0x02, vec![0x00, 0x00]),
                (
                    0x03,
                    vec![0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0xAA],
                ),
            ],
            "1 unexpected bytes",
        ),
        (
            vec![(
                0x02,
                vec![
                    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
                ],
            )],
            "varint overflows 64 bits",
        ),
        (
            vec![(0x04, vec![0x05])],
            "counts 5 events but the file holds 0",
        ),
        (vec![(0x05, vec![])], "unknown required record kind 0x05"),
        (vec![(0x01, vec![])], "second header record"),
        (
            vec![(0x04, vec![0x00]), (0x40, vec![])],
            "after the end record",
        ),
    ];
    for (records, expected) in cases {
        let mut bytes = preamble_and_header();
        for (kind, payload) in &records {
            push_record(&mut bytes, *kind, payload);
        }
        if !records.iter().any(|(k, _)| *k == 0x04) {
            push_record(&mut bytes, 0x04, &[0x00]);
        }
        let err = snapshot::decode(&bytes).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::Corrupt, "{err}");
        assert!(
            err.to_string().contains(expected),
            "{err} (wanted {expected:?})"
        );
        assert!(err.offset().is_some());
    }
}

#[test]
fn optional_records_and_unknown_header_keys_are_skipped() {
    let mut bytes = Vec::from(&b"TTLOGSNP\x01\x00"[..]);
    let mut payload = Vec::new();
    for (k, v) in [
        ("service", "svc"),
        ("future_key", "whatever"),
        ("pid", "12"),
    ] {
        payload.push(k.len() as u8);
        payload.extend_from_slice(k.as_bytes());
        payload.push(v.len() as u8);
        payload.extend_from_slice(v.as_bytes());
    }
    push_record(&mut bytes, 0x01, &payload);
    push_record(&mut bytes, 0x41, b"anything at all");
    push_record(&mut bytes, 0xFF, &[]);
    push_record(&mut bytes, 0x04, &[0x00]);
    let snap = snapshot::decode(&bytes).unwrap();
    assert_eq!(snap.header.service, "svc");
    assert_eq!(snap.header.pid, 12);
    assert_eq!(snap.header.hostname, "");
}

#[test]
fn bad_header_values_are_errors() {
    for (key, value) in [
        ("pid", "+1"),
        ("pid", "4294967296"),
        ("created", ""),
        ("dropped", "-1"),
    ] {
        let mut bytes = Vec::from(&b"TTLOGSNP\x01\x00"[..]);
        let mut payload = vec![key.len() as u8];
        payload.extend_from_slice(key.as_bytes());
        payload.push(value.len() as u8);
        payload.extend_from_slice(value.as_bytes());
        push_record(&mut bytes, 0x01, &payload);
        push_record(&mut bytes, 0x04, &[0x00]);
        let err = snapshot::decode(&bytes).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::Corrupt);
        assert!(err.to_string().contains(key), "{err}");
    }
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
