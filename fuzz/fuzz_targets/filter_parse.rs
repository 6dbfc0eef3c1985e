//! Feeds arbitrary UTF-8 to the filter directive parser. It must never panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ttlog_core::filter::Filter;

fuzz_target!(|data: &[u8]| {
    if let Ok(spec) = std::str::from_utf8(data) {
        let _ = Filter::parse(spec);
    }
});
