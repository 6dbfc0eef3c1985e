//! The flight recorder keeps the newest `.capacity(n)` events of every thread: after more
//! than `n`, a snapshot holds exactly each thread's last `n`, merged oldest first, and the
//! header gives the capacity. (Init is once per process: one test.)

use ttlog::Overflow;

const CAPACITY: usize = 16;

/// The `i` fields of a snapshot's events, in the snapshot's order.
fn seqs(path: &std::path::Path) -> (ttlog::snapshot::Snapshot, Vec<u64>) {
    let snap = ttlog::snapshot::read(path).unwrap();
    let seqs = snap
        .events
        .iter()
        .map(|e| {
            assert_eq!(e.message(), "event", "{e:?}");
            e.field("i")
                .and_then(|v| v.as_u64())
                .unwrap_or_else(|| panic!("no `i` in {e:?}"))
        })
        .collect();
    (snap, seqs)
}

#[test]
fn the_recorder_keeps_the_newest_events_in_order() {
    let dir = std::env::temp_dir().join(format!("ttlog-eviction-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(&dir)
        .capacity(CAPACITY)
        // Lossless, so that every event reaches the recorder and only eviction removes any.
        .overflow(Overflow::Block)
        .init();

    // Fewer than the capacity: all of them.
    for i in 0..10u64 {
        ttlog::info!("event", i);
    }
    let (snap, got) = seqs(&guard.snapshot("partial").unwrap());
    assert_eq!(got, (0..10).collect::<Vec<_>>());
    assert_eq!(snap.header.capacity, CAPACITY as u64);

    // Several times the capacity, ending part-way through the recorder's storage: the last 16.
    for i in 10..101u64 {
        ttlog::info!("event", i);
    }
    let (snap, got) = seqs(&guard.snapshot("evicted").unwrap());
    assert_eq!(got, (85..101).collect::<Vec<_>>());
    assert_eq!(snap.header.capacity, CAPACITY as u64);
    assert_eq!(guard.dropped(), 0);

    // Another thread (ended by now) has a window of its own: its events are added, merged
    // by age, and cost the main thread's window nothing.
    std::thread::spawn(|| {
        for i in 101..105u64 {
            ttlog::info!("event", i);
        }
    })
    .join()
    .unwrap();
    let (_, got) = seqs(&guard.snapshot("other thread").unwrap());
    assert_eq!(got, (85..105).collect::<Vec<_>>());
    // And its window is trimmed to the capacity as the main thread's is.
    std::thread::spawn(|| {
        for i in 105..140u64 {
            ttlog::info!("event", i);
        }
    })
    .join()
    .unwrap();
    let (_, got) = seqs(&guard.snapshot("two threads").unwrap());
    let expected: Vec<u64> = (85..105).chain(124..140).collect();
    assert_eq!(got, expected);
    drop(guard);
    let _ = std::fs::remove_dir_all(&dir);
}
