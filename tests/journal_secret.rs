//! A span field recorded on a span the collector's span table does not know (evicted past
//! MAX_LIVE_SPANS here; also: its creation dropped by a full ring under Overflow::Drop) cannot
//! be redacted (its callsite, which says which keys are secret, is unknown): it must not reach
//! the journal, as no text sink shows it either (the table ignores the operation). Found by
//! review; failed before the fix.

mod common;

#[test]
fn a_secret_recorded_on_an_unknown_span_never_reaches_the_journal() {
    let dir = common::temp_dir("journal-secret");
    let text = common::sinks::Shared::default();
    let guard = ttlog::init()
        .service("sec")
        .no_console()
        .signals(false)
        .overflow(ttlog::Overflow::Block)
        .snapshot_dir(dir.join("snapshots"))
        .writer(text.clone(), ttlog::sink::Format::Logfmt)
        .journal(dir.join("journal"))
        .init();
    let mut spans = Vec::new();
    for i in 0..(65_536u64 + 16) {
        spans.push(ttlog::info_span!("req", i, token = ttlog::field::Empty));
    }
    assert!(guard.flush());
    // Span 0 was evicted from the collector's table (the oldest tenth went at 65,537 live).
    spans[0].record("token", &"hunter2-evicted-span-secret");
    // Control: a span the table knows: masked.
    spans[65_540].record("token", &"hunter2-known-span-secret");
    let _e = spans[65_540].enter();
    ttlog::info!("in the known span");
    drop(_e);
    assert!(guard.flush());
    drop(guard);
    let text = String::from_utf8_lossy(&text.0.lock().unwrap()).into_owned();
    assert!(!text.contains("hunter2"), "a text sink shows a secret");
    let mut leaked = Vec::new();
    for f in ttlog::journal::journal_files(&dir.join("journal")) {
        let bytes = std::fs::read(&f).unwrap();
        for secret in ["hunter2-evicted-span-secret", "hunter2-known-span-secret"] {
            if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
                leaked.push((f.display().to_string(), secret));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(leaked.is_empty(), "unmasked in the journal: {leaked:?}");
}
