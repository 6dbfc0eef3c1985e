//! The facade forwards the redaction settings to the core builder.

#[test]
fn builder_forwards_redaction() {
    let b = ttlog::init()
        .redact_key("ssn")
        .redact_pattern(ttlog::redact::Pattern::prefix("sk_live_"));
    let text = format!("{b:?}");
    assert!(text.contains("ssn"), "{text}");
    assert!(text.contains("sk_live_"), "{text}");
    let off = format!("{:?}", b.no_redaction());
    assert!(off.contains("redaction: None"), "{off}");
}
