//! A full ring under `Overflow::Drop`, made full on purpose: a sink holds the collector
//! while one thread logs three times what its ring holds. `.ring_capacity(n)` is in events
//! (a ring of 64 holds exactly 64 four-field events, the oldest ones; the rest are dropped),
//! and the drops are counted everywhere the README says: the `ttlog dropped N events` WARN
//! with its `dropped` field in the sinks and the snapshot, `guard.dropped()`, and the snapshot
//! header's `dropped`. (Init is once per process: one test.)

use std::sync::{Arc, Mutex};

use ttlog::{FieldValue, Level, Overflow, Record};
use ttlog_test_support::Gate;

const RING: usize = 64;
const LOGGED: u64 = 3 * RING as u64;
/// What the sinks got: level, message and fields.
type Seen = Arc<Mutex<Vec<(Level, String, Vec<(String, FieldValue)>)>>>;

#[test]
fn a_full_ring_holds_its_capacity_and_the_drops_are_reported() {
    let dir = std::env::temp_dir().join(format!("ttlog-ring-overflow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (gate, gate_sink) = Gate::new();
    let seen: Seen = Arc::default();
    let keep = seen.clone();
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(&dir)
        .ring_capacity(RING)
        .overflow(Overflow::Drop)
        .sink(gate_sink)
        .sink(move |r: &Record<'_>| {
            let fields = r
                .fields
                .iter()
                .map(|f| (f.name.to_owned(), f.value.clone()))
                .collect();
            keep.lock()
                .unwrap()
                .push((r.level, r.message.to_owned(), fields));
        })
        .init();

    gate.hold();
    // The collector is held: a new thread's ring fills up and the rest is dropped.
    std::thread::spawn(|| {
        for i in 0..LOGGED {
            // Four fields and a literal message: the event `ring_capacity` counts in.
            ttlog::info!("flood", i, text = "abc", ratio = 0.5, ok = true);
        }
    })
    .join()
    .unwrap();
    gate.open();
    assert!(guard.flush());

    let seen = seen.lock().unwrap();
    let flood: Vec<u64> = seen
        .iter()
        .filter(|(_, m, _)| m == "flood")
        .map(|(_, _, f)| f[0].1.as_u64().unwrap())
        .collect();
    // The first RING events fit, in order; everything after them was dropped.
    assert_eq!(flood, (0..RING as u64).collect::<Vec<_>>());
    let dropped = LOGGED - RING as u64;
    let reports: Vec<_> = seen
        .iter()
        .filter(|(_, m, _)| m.starts_with("ttlog dropped"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let (level, message, fields) = reports[0];
    assert_eq!(*level, Level::Warn);
    assert_eq!(*message, format!("ttlog dropped {dropped} events"));
    let count = fields.iter().find(|(name, _)| name == "dropped");
    assert_eq!(
        count.and_then(|(_, v)| v.as_u64()),
        Some(dropped),
        "{fields:?}"
    );
    assert_eq!(guard.dropped(), dropped);
    drop(seen);

    let snap = ttlog::snapshot::read(guard.snapshot("overflow").unwrap()).unwrap();
    assert_eq!(snap.header.dropped, dropped);
    let report = snap
        .events
        .iter()
        .find(|e| e.message().starts_with("ttlog dropped"))
        .expect("the drop report is in the snapshot");
    assert_eq!(report.level, Level::Warn);
    assert_eq!(
        report.field("dropped").and_then(|v| v.as_u64()),
        Some(dropped)
    );
    let in_snapshot = snap
        .events
        .iter()
        .filter(|e| e.message() == "flood")
        .count();
    assert_eq!(in_snapshot, RING);
    drop(guard);
    let _ = std::fs::remove_dir_all(&dir);
}
