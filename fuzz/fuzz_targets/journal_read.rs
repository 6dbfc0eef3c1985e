//! Journal files (`.ttj`) from arbitrary bytes: reading one must hand out events and return
//! a status or an error, never panic, hang, or allocate beyond the input (an entry is at most
//! 8 MiB and is only read once all of it is there). Whatever it hands out must format in
//! every text format with no character a terminal acts on left unescaped, and every prefix of
//! the input reads to at most as many events, without an error before the full input's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ttlog_core::journal;
use ttlog_core::sink::{escape, format_record, Format};

fuzz_target!(|data: &[u8]| {
    let mut line = Vec::new();
    let mut events = 0usize;
    let full = journal::decode(data, &mut |record| {
        events += 1;
        for format in [Format::Compact, Format::Full, Format::Json, Format::Logfmt] {
            line.clear();
            format_record(format, record, &mut line);
            let text = std::str::from_utf8(&line[..line.len() - 1]).expect("UTF-8 output");
            assert!(!text.chars().any(escape::needs_escape), "unescaped: {text:?}");
        }
    });
    // A prefix (a file cut while it was written) never reads to more.
    let cut = data.len() / 2;
    let mut prefix_events = 0usize;
    let prefix = journal::decode(&data[..cut], &mut |_| prefix_events += 1);
    assert!(prefix_events <= events || full.is_err());
    if full.is_ok() {
        assert!(prefix.is_ok(), "a prefix of a readable journal failed: {prefix:?}");
    }
});
