//! A recorder full of large values (four text fields of 60 KiB an event, far more logged than
//! the budget holds) and a panic: the panic snapshot is written and readable, and holds every
//! thread's newest events with their values whole, ending with the panic. (The snapshot is
//! streamed to disk, so writing it does not take the recorder's size again in memory.)

mod common;

const TEST: &str = "panic_with_large_values_leaves_a_snapshot";
const THREADS: u32 = 4;
const EVENTS: u32 = 40;
const VALUE_LEN: usize = 60 * 1024;

#[test]
fn panic_with_large_values_leaves_a_snapshot() {
    if common::is_child("large") {
        let _guard = ttlog::init()
            .service("bigvals")
            .snapshot_dir(common::child_dir())
            .budget(16 << 20)
            .ring_capacity(ttlog::MAX_RING_CAPACITY)
            // Masking scans every byte of every value, which in a debug build takes longer
            // than the panic hook waits; the test is about the size of the values.
            .no_redaction()
            .no_console()
            .init();
        // The main thread logs first, so that it has a segment of its own before the fillers
        // spend the budget (a thread's first event finds none to take while the collector
        // has not read the others' segments yet).
        ttlog::info!("start");
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                std::thread::Builder::new()
                    .name(format!("filler-{t}"))
                    .spawn(move || {
                        let big = char::from(b'a' + t as u8).to_string().repeat(VALUE_LEN);
                        for i in 0..EVENTS {
                            ttlog::info!("big", t, i, a = %big, b = %big, c = %big, d = %big);
                        }
                    })
                    .unwrap()
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        ttlog::warn!("filled");
        panic!("after filling the recorder");
    }

    let dir = common::temp_dir("large-values");
    let out = common::output(&mut common::child(TEST, "large", &dir));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the child panics");
    assert!(
        stderr.contains("ttlog: panic snapshot written to"),
        "stderr: {stderr}"
    );
    let snaps = common::snapshots(&dir);
    assert_eq!(snaps.len(), 1, "{snaps:?}");
    let snap = ttlog::snapshot::read(&snaps[0]).unwrap();
    assert_eq!(snap.header.reason, "panic");

    // The newest events: "filled", then the panic (then, perhaps, the collector's report of
    // the events the sinks lost while the threads overwrote what it had not read).
    let own: Vec<_> = snap
        .events
        .iter()
        .filter(|e| e.target() != "ttlog")
        .collect();
    let last = own[own.len() - 1];
    assert_eq!(last.target(), "panic");
    assert!(last.message().contains("after filling the recorder"));
    assert_eq!(own[own.len() - 2].message(), "filled");

    // Every thread's newest event is there, whole; each thread's events are its newest, in
    // order, without a gap.
    for t in 0..THREADS {
        let steps: Vec<u64> = snap
            .events
            .iter()
            .filter(|e| {
                e.message() == "big" && e.field("t").and_then(|v| v.as_u64()) == Some(t.into())
            })
            .map(|e| {
                for name in ["a", "b", "c", "d"] {
                    let text = e.field(name).and_then(|v| v.as_str()).unwrap();
                    assert_eq!(text.len(), VALUE_LEN, "field {name} of thread {t}");
                }
                e.field("i").and_then(|v| v.as_u64()).unwrap()
            })
            .collect();
        assert_eq!(steps.last(), Some(&u64::from(EVENTS - 1)), "thread {t}");
        assert!(
            steps.windows(2).all(|w| w[1] == w[0] + 1),
            "thread {t}: {steps:?}"
        );
    }
}
