//! Feeds arbitrary bytes to the snapshot decoder. It must never panic, hang or allocate
//! without bound; and whatever it accepts must re-encode to bytes that decode and re-encode
//! to the same bytes (encoding is a fixpoint after one round).
//!
//! Built by cargo-fuzz with `--cfg fuzzing`, under which the decoder ignores checksum
//! mismatches so that mutated inputs reach the payload parsers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ttlog_core::snapshot;

fuzz_target!(|data: &[u8]| {
    let _ = snapshot::recover(data);
    let Ok(snap) = snapshot::decode(data) else {
        return;
    };
    let mut first = Vec::new();
    snapshot::encode(
        &snap.header,
        snap.events.iter().map(|e| e.as_record()),
        &mut first,
    );
    let again = snapshot::decode(&first).expect("re-encoded snapshot must decode");
    assert_eq!(again.events.len(), snap.events.len());
    let mut second = Vec::new();
    snapshot::encode(
        &again.header,
        again.events.iter().map(|e| e.as_record()),
        &mut second,
    );
    assert_eq!(first, second, "encoding is not a fixpoint");
});
