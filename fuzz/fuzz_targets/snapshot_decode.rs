//! Feeds arbitrary bytes to the snapshot decoder. It must never panic, hang or allocate
//! without bound; whatever it accepts must format (each event with its span scope) and must
//! re-encode, spans and events, to bytes that decode and re-encode to the same bytes
//! (encoding is a fixpoint after one round). Whatever the file's text holds, formatted lines
//! and escaped header fields (what `ttlog show` prints) hold no character a terminal acts on.
//!
//! Built by cargo-fuzz with `--cfg fuzzing`, under which the decoder ignores checksum
//! mismatches so that mutated inputs reach the payload parsers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ttlog_core::sink::{escape, format_record, Format};
use ttlog_core::snapshot;

fuzz_target!(|data: &[u8]| {
    let _ = snapshot::recover(data);
    let Ok(snap) = snapshot::decode(data) else {
        return;
    };
    // Formatting every event with its scope walks the spans (bounded on cycles).
    let mut line = Vec::new();
    for event in &snap.events {
        for format in [Format::Compact, Format::Json] {
            format_record(format, &snap.record(event), &mut line);
            assert_inert(&line[..line.len() - 1]);
            line.clear();
        }
    }
    let h = &snap.header;
    for text in [&h.service, &h.hostname, &h.reason, &h.ttlog_version] {
        escape::write_bare(&mut line, text);
        escape::write_value(&mut line, text);
        escape::write_key(&mut line, text);
        escape::write_json_str(&mut line, text);
    }
    assert_inert(&line);
    let mut first = Vec::new();
    snapshot::encode_with_spans(
        &snap.header,
        &snap.spans,
        snap.events.iter().map(|e| e.as_record()),
        &mut first,
    );
    let again = snapshot::decode(&first).expect("re-encoded snapshot must decode");
    assert_eq!(again.events.len(), snap.events.len());
    assert_eq!(again.spans.len(), snap.spans.len());
    let mut second = Vec::new();
    snapshot::encode_with_spans(
        &again.header,
        &again.spans,
        again.events.iter().map(|e| e.as_record()),
        &mut second,
    );
    assert_eq!(first, second, "encoding is not a fixpoint");
});

/// Panics if `bytes` holds a character that escaping should have escaped.
fn assert_inert(bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).expect("formatted output is UTF-8");
    assert!(
        !text.chars().any(escape::needs_escape),
        "unescaped character in {text:?}"
    );
}
