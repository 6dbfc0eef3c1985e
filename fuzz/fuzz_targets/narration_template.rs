//! Feeds arbitrary text to the narration template filler, with names and values taken from
//! the input too. It must never panic, and what it returns is bounded: at most
//! `MAX_TEXT_LEN` bytes plus the cut marker, and, when nothing is cut, no longer than the
//! template with every placeholder replaced by the longest value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ttlog_core::field::{MAX_TEXT_LEN, TRUNCATION_MARKER};
use ttlog_core::narration::interpolate;
use ttlog_core::FieldValue;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The template, then up to three `name=value` pairs after NUL bytes.
    let mut parts = text.split('\0');
    let template = parts.next().unwrap_or_default();
    let mut names: Vec<&str> = Vec::new();
    let mut values: Vec<FieldValue> = Vec::new();
    for pair in parts.take(3) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        names.push(name);
        values.push(FieldValue::from(value.repeat(1 + value.len() % 5)));
    }
    let filled = interpolate(template, &names, &values);
    assert!(filled.len() <= MAX_TEXT_LEN + TRUNCATION_MARKER.len());
    if !filled.ends_with(TRUNCATION_MARKER) {
        let longest = values.iter().filter_map(|v| v.as_str()).map(str::len).max().unwrap_or(0);
        assert!(filled.len() <= template.len() * longest.max(1) + template.len());
    }
});
