//! `callsite::intern` stops at `MAX_INTERNED` distinct callsites (keys can hold run-time
//! strings, so leaking without bound would let input grow memory), counts what it refuses,
//! and still finds the keys it has. Its own process: it fills the process-wide table.

use ttlog_core::callsite::{intern, interned_count, refused, CallsiteKey, MAX_INTERNED};
use ttlog_core::Level;

fn key(target: &str) -> CallsiteKey<'_> {
    CallsiteKey {
        level: Level::Warn,
        target,
        module_path: "m",
        file: "f.rs",
        line: 1,
        message: "msg",
        field_names: &[],
    }
}

#[test]
fn interning_is_bounded() {
    let start = interned_count();
    let mut refused_at = None;
    for i in 0..=MAX_INTERNED {
        let t = format!("bounded::{i}");
        if intern(&key(&t)).is_none() {
            refused_at = Some(i);
            break;
        }
    }
    let i = refused_at.expect("interning stops at MAX_INTERNED");
    assert_eq!(start + i, MAX_INTERNED);
    assert_eq!(refused(), 1);
    assert!(intern(&key("never-seen")).is_none());
    assert_eq!(refused(), 2);
    // Known keys are still found, as the same callsite.
    let a = intern(&key("bounded::0")).unwrap();
    assert!(std::ptr::eq(a, intern(&key("bounded::0")).unwrap()));
}
