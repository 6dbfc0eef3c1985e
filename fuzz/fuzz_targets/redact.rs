//! Feeds bytes (invalid UTF-8 replaced by U+FFFD) to the redaction rules, with the built-in
//! patterns and with a custom prefix. They must never panic, and redacting twice must give
//! what redacting once gave (the mask never starts a new match).

#![no_main]

use libfuzzer_sys::fuzz_target;
use ttlog_core::redact::{Pattern, Redactor};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let builtin = Redactor::new();
    let custom = Redactor::new().key("pin").pattern(Pattern::prefix("sk_"));
    for r in [&builtin, &custom] {
        let once = r.redact_str(&text).into_owned();
        let twice = r.redact_str(&once);
        assert_eq!(twice, once, "not idempotent on {text:?}");
        // Field-level redaction uses the same scan.
        let _ = r.redact_field(&text, &ttlog_core::FieldValue::from(&*text));
    }
});
