//! Recorder files (`.rec`, what a process that died leaves) from arbitrary bytes: reading
//! one must return a recording or an error, never panic, hang, or allocate beyond the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(recording) = ttlog_core::recorder::read(data) {
        // Everything it reports was checked against the bytes.
        assert!(recording.records() <= data.len() / 8);
    }
});
