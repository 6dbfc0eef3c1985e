//! A storm of caught panics writes only the snapshots the rate limit allows; every other one
//! is counted, said on stderr, and logged as a WARN event that a later snapshot holds.

mod common;

use std::time::Duration;

const TEST: &str = "panic_storm_is_rate_limited";
const PANICS: u64 = 40;
const BURST: u32 = 3;

#[test]
fn panic_storm_is_rate_limited() {
    if common::is_child("storm") {
        let guard = ttlog::init()
            .service("stormy")
            .snapshot_dir(common::child_dir())
            // A burst of 3, and no more within the test, however slow the machine.
            .snapshot_rate(ttlog::SnapshotRate::new(BURST, Duration::from_secs(3600)))
            .no_console()
            .init();
        let handle = guard.handle();
        for n in 0..PANICS {
            ttlog::info!("request", n);
            let caught = std::panic::catch_unwind(|| panic!("request {n} failed"));
            assert!(caught.is_err());
        }
        println!("suppressed={}", handle.snapshots_suppressed());
        // Explicit snapshots are never suppressed.
        handle.snapshot("after the storm").unwrap();
        println!("child ok");
        return;
    }

    let dir = common::temp_dir("storm");
    let out = common::output(&mut common::child(TEST, "storm", &dir));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed: {stderr}");
    let suppressed = PANICS - u64::from(BURST);
    assert!(
        stdout.contains(&format!("suppressed={suppressed}")),
        "stdout: {stdout}"
    );
    assert_eq!(
        stderr.matches("ttlog: panic snapshot written to").count(),
        BURST as usize,
        "stderr: {stderr}"
    );
    assert_eq!(
        stderr
            .matches("ttlog: panic snapshot suppressed (rate limit;")
            .count() as u64,
        suppressed,
        "stderr: {stderr}"
    );

    let snaps = common::snapshots(&dir);
    let reasons: Vec<String> = snaps
        .iter()
        .map(|p| ttlog::snapshot::read(p).unwrap().header.reason)
        .collect();
    assert_eq!(
        reasons.iter().filter(|r| *r == "panic").count(),
        BURST as usize,
        "{reasons:?}"
    );
    assert_eq!(snaps.len(), BURST as usize + 1, "{reasons:?}");

    // The explicit snapshot holds the WARN events of the suppressed ones, the last with the
    // whole count.
    let after = snaps
        .iter()
        .map(|p| ttlog::snapshot::read(p).unwrap())
        .find(|s| s.header.reason == "after the storm")
        .unwrap();
    let warnings: Vec<u64> = after
        .events
        .iter()
        .filter(|e| e.message() == "snapshot suppressed (rate limit)")
        .map(|e| {
            assert_eq!(e.level, ttlog::Level::Warn);
            assert_eq!(e.field("reason").and_then(|v| v.as_str()), Some("panic"));
            e.field("suppressed").and_then(|v| v.as_u64()).unwrap()
        })
        .collect();
    assert_eq!(warnings, (1..=suppressed).collect::<Vec<_>>());
}
