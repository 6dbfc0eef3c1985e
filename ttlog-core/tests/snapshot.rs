//! Snapshots: round trips of every value type and of headers, files and their names, and
//! every way a damaged file is refused or recovered (truncation, torn files, flipped bytes).

mod snapshot_support;
use snapshot_support::*;

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use ttlog_core::snapshot::{self, Snapshot, SnapshotErrorKind};
use ttlog_core::{FieldValue, Record};

#[test]
fn every_value_type_round_trips() {
    let values = all_values();
    let mut bytes = Vec::new();
    snapshot::encode(&header(), [record(&NAMES, &values, 3)], &mut bytes);
    let snap = snapshot::decode(&bytes).unwrap();
    let event = &snap.events[0];
    assert_eq!(event.fields().count(), values.len());
    for (field, (name, value)) in event.fields().zip(NAMES.iter().zip(&values)) {
        assert_eq!(field.name, *name);
        assert!(
            same(field.value, value),
            "{name}: {:?} != {value:?}",
            field.value
        );
    }
    assert!(same(
        event.field("nan").unwrap(),
        &FieldValue::from(f64::NAN)
    ));
}

#[test]
fn many_events_round_trip() {
    let values = all_values();
    let records: Vec<Record<'_>> = (0..1000)
        .map(|i| record(&NAMES[..(i % 18) as usize], &values, i))
        .collect();
    let mut bytes = Vec::new();
    snapshot::encode(&header(), records.iter().copied(), &mut bytes);
    let snap = snapshot::decode(&bytes).unwrap();
    assert_eq!(snap.events.len(), records.len());
    for (event, r) in snap.events.iter().zip(&records) {
        assert_eq!(event.level, r.level);
        assert_eq!(event.timestamp(), r.timestamp);
        assert_eq!(event.target(), r.target);
        assert_eq!(event.module_path(), r.module_path);
        assert_eq!(event.file(), r.file);
        assert_eq!(event.line(), r.line);
        assert_eq!(event.message(), r.message);
        assert_eq!(event.thread(), r.thread_name);
        assert_eq!(event.thread_id(), r.thread_id);
        assert_eq!(event.span_id(), r.span_id);
        assert_eq!(event.fields().count(), r.fields.len());
        for (a, b) in event.fields().zip(r.fields.iter()) {
            assert_eq!(a.name, b.name);
            assert!(same(a.value, b.value));
        }
        let back = event.as_record();
        assert_eq!(back.message, r.message);
        assert_eq!(back.fields.len(), r.fields.len());
    }
    // Re-encoding the decoded events gives the same bytes.
    let mut again = Vec::new();
    snapshot::encode(
        &snap.header,
        snap.events.iter().map(|e| e.as_record()),
        &mut again,
    );
    assert_eq!(again, bytes);
}

#[test]
fn header_round_trips() {
    let mut h = header();
    h.service = "sërvice with spaces".into();
    h.hostname = "host.example".into();
    h.pid = u32::MAX;
    h.reason = String::new();
    h.ttlog_version = "9.9.9-beta".into();
    h.capacity = u64::MAX;
    h.dropped = 0;
    for created in [
        SystemTime::now(),
        UNIX_EPOCH,
        UNIX_EPOCH - Duration::new(86_400 * 365 * 100, 5),
    ] {
        h.created = created;
        let mut bytes = Vec::new();
        snapshot::encode(&h, [], &mut bytes);
        assert_eq!(snapshot::decode(&bytes).unwrap().header, h);
    }
}

#[test]
fn write_then_read() {
    let dir = TempDir::new("write");
    let target = dir.path().join("a/b");
    let values = all_values();
    let path = snapshot::write(&target, &header(), [record(&NAMES, &values, 1)]).unwrap();
    assert_eq!(path.parent(), Some(target.as_path()));
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("ttlog-test-svc-"), "{name}");
    assert!(name.ends_with("-unit_test.snap"), "{name}");
    let snap: Snapshot = snapshot::read(&path).unwrap();
    assert_eq!(snap.header, header_without_time(&snap.header));
    assert_eq!(snap.events.len(), 1);
    // Only the final file is left: no temp file.
    let entries: Vec<_> = std::fs::read_dir(&target).unwrap().collect();
    assert_eq!(entries.len(), 1);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn names_are_unique() {
    let dir = TempDir::new("unique");
    let h = header();
    let mut names = std::collections::HashSet::new();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let dir = dir.path().to_owned();
            let h = h.clone();
            std::thread::spawn(move || {
                (0..50)
                    .map(|_| snapshot::write(&dir, &h, []).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for t in threads {
        for p in t.join().unwrap() {
            assert!(names.insert(p));
        }
    }
    assert_eq!(names.len(), 200);
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(files, 200, "no temp files remain");
}

#[test]
fn write_error_names_the_path() {
    let dir = TempDir::new("werr");
    std::fs::create_dir_all(dir.path()).unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let err = snapshot::write(&file, &header(), []).unwrap_err();
    assert!(err.to_string().contains("plain-file"), "{err}");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn read_error_names_the_path() {
    let dir = TempDir::new("rerr");
    std::fs::create_dir_all(dir.path()).unwrap();
    let missing = dir.path().join("missing.snap");
    let err = snapshot::read(&missing).unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::Io);
    assert!(err.to_string().contains("missing.snap"), "{err}");
    assert!(std::error::Error::source(&err).is_some());

    let bad = dir.path().join("bad.snap");
    std::fs::write(&bad, b"TTLOGSNP\x01\x00").unwrap();
    let err = snapshot::read(&bad).unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::Truncated);
    assert!(err.to_string().contains("bad.snap"), "{err}");
}

#[test]
fn empty_input() {
    let err = snapshot::decode(b"").unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::Truncated);
    assert_eq!(err.to_string(), "truncated snapshot: the file is empty");
}

#[test]
fn wrong_magic() {
    for input in [&b"TTLOGSNX\x01\x00"[..], b"x", b"\x89PNG\r\n\x1a\n....."] {
        let err = snapshot::decode(input).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::NotASnapshot);
        assert_eq!(err.to_string(), "not a ttlog snapshot (bad magic)");
    }
}

#[test]
fn future_version() {
    let mut bytes = small_snapshot();
    bytes[8] = 7;
    let err = snapshot::decode(&bytes).unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::UnsupportedVersion);
    assert_eq!(
        err.to_string(),
        "unsupported snapshot version 7 (this reader supports 1)"
    );
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = small_snapshot();
    for len in 0..bytes.len() {
        let err = snapshot::decode(&bytes[..len]).unwrap_err();
        assert_eq!(err.kind(), SnapshotErrorKind::Truncated, "at {len}: {err}");
        assert!(err.to_string().contains("truncated"), "at {len}: {err}");
    }
    assert!(snapshot::decode(&bytes).is_ok());
}

#[test]
fn torn_files_are_recovered() {
    let bytes = small_snapshot();
    let mut best = 0;
    for len in 0..bytes.len() {
        match snapshot::recover(&bytes[..len]) {
            Ok((snap, Some(err))) => {
                assert_eq!(err.kind(), SnapshotErrorKind::Truncated);
                assert!(snap.events.len() >= best, "events only grow with length");
                best = snap.events.len();
                assert!(
                    err.to_string().contains(&format!("{best} complete events")),
                    "{err}"
                );
            }
            Ok((_, None)) => panic!("a prefix of {len} bytes decoded cleanly"),
            Err(err) => assert_eq!(best, 0, "{err}"),
        }
    }
    assert_eq!(best, 2);
    let (snap, err) = snapshot::recover(&bytes).unwrap();
    assert!(err.is_none());
    assert_eq!(snap.events.len(), 2);
}

#[test]
fn flipped_bytes_are_errors() {
    let bytes = small_snapshot();
    let original = snapshot::decode(&bytes).unwrap();
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF] {
            let mut b = bytes.clone();
            b[i] ^= mask;
            match snapshot::decode(&b) {
                Err(err) => {
                    assert!(!err.to_string().is_empty());
                }
                // Only a flip in a part the reader may skip could decode, and then to the same
                // snapshot.
                Ok(snap) => assert_eq!(snap, original, "flip {mask:#x} at {i} decoded"),
            }
        }
    }
}

#[test]
fn checksum_mismatch_names_the_record() {
    let mut bytes = small_snapshot();
    let last = bytes.len() - 6; // inside the end record's payload
    bytes[last] ^= 1;
    let err = snapshot::decode(&bytes).unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::Corrupt);
    assert!(
        err.to_string()
            .starts_with("checksum mismatch in end record at byte"),
        "{err}"
    );
}

#[test]
fn hostile_length_does_not_allocate() {
    let mut bytes = preamble_and_header();
    let at = bytes.len();
    bytes.push(0x03);
    // 2^60 as a varint.
    let mut n: u64 = 1 << 60;
    while n >= 0x80 {
        bytes.push(n as u8 | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
    bytes.extend_from_slice(&[0; 16]);
    let err = snapshot::decode(&bytes).unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::Truncated);
    assert_eq!(err.offset(), Some(at));
    assert!(
        err.to_string().contains(&format!(
            "event record at byte {at} ends past the end of the file"
        )),
        "{err}"
    );

    // A string length of 2^60 inside a record with a valid checksum.
    let mut bytes = preamble_and_header();
    let mut payload = vec![0x00]; // id 0
    payload.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    push_record(&mut bytes, 0x02, &payload);
    let err = snapshot::decode(&bytes).unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::Corrupt);
    assert!(
        err.to_string().contains("runs past the end of the record"),
        "{err}"
    );

    // A field count of 2^60 in an event with no fields.
    let mut bytes = preamble_and_header();
    push_record(&mut bytes, 0x02, &[0x00, 0x01, b'x']);
    let mut payload = vec![0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x00];
    payload.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    push_record(&mut bytes, 0x03, &payload);
    let err = snapshot::decode(&bytes).unwrap_err();
    assert_eq!(err.kind(), SnapshotErrorKind::Corrupt);
}
