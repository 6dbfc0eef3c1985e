//! A spent memory budget under `Overflow::Drop`, spent on purpose: a sink holds the collector
//! while one thread logs far more than the budget (four segments) holds. The thread overwrites
//! its oldest unread events, so what the sinks get after the burst is the newest events, in
//! order, and the flight recorder holds the newest too; the overwritten ones are counted
//! everywhere the README says: the `ttlog dropped N events` WARN with its `dropped` field in
//! the sinks and the snapshot, `guard.dropped()`, and the snapshot header's `dropped`. (Init
//! is once per process: one test.)

use std::sync::{Arc, Mutex};

use ttlog::{FieldValue, Level, Overflow, Record};
use ttlog_test_support::Gate;

/// Segments of 64 typical events (8 KiB).
const RING: usize = 64;
const LOGGED: u64 = 2_000;
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
        // Four segments: one for this thread (the gate event), one for the collector (its
        // report), two for the flood.
        .budget(4 * RING * ttlog::RING_BYTES_PER_EVENT)
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
    // The collector is held: a new thread's log takes the budget, then overwrites itself.
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
    // In order, ending with the newest: what was overwritten was the oldest unread.
    assert!(flood.len() >= RING / 2, "{flood:?}");
    assert!(flood.windows(2).all(|w| w[0] < w[1]), "{flood:?}");
    assert_eq!(flood.last(), Some(&(LOGGED - 1)));
    let dropped = LOGGED - flood.len() as u64;
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
    // The recorder holds the newest events the budget has room for, without a gap.
    let in_snapshot: Vec<u64> = snap
        .events
        .iter()
        .filter(|e| e.message() == "flood")
        .map(|e| e.field("i").and_then(|v| v.as_u64()).unwrap())
        .collect();
    assert!(in_snapshot.len() >= RING / 2, "{in_snapshot:?}");
    let first = in_snapshot[0];
    assert_eq!(in_snapshot, (first..LOGGED).collect::<Vec<_>>());
    drop(guard);
    let _ = std::fs::remove_dir_all(&dir);
}
