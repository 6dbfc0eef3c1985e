//! A `Display` or `Debug` impl that never stops writing (it stops only when a write fails)
//! ends at the text cap when logged, as the message and as `%`/`?` fields: the value is cut at
//! [`MAX_TEXT_LEN`] with the [`TRUNCATION_MARKER`], and the logging call returns.
//!
//! Each logging call runs on its own thread and the test waits for it a bounded time, so a
//! regression fails the test instead of hanging the suite.

use std::fmt;
use std::sync::mpsc;

use ttlog::field::{MAX_TEXT_LEN, TRUNCATION_MARKER};
use ttlog::{FieldValue, LogEvent, ValueRef};

mod common;

use common::capture::{field, Observe};

#[derive(Debug)]
struct Captured {
    message: String,
    names: &'static [&'static str],
    values: Vec<FieldValue>,
}

impl Observe for Captured {
    fn event(event: LogEvent) -> Captured {
        Captured {
            message: event.message().to_owned(),
            names: event.callsite().field_names(),
            values: event.values().to_vec(),
        }
    }
}

/// `xxxx…` for ever, until a write fails.
struct Endless;

impl fmt::Display for Endless {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        loop {
            write!(f, "x")?;
        }
    }
}

/// `[0, 1, 2, …` for ever, through `debug_list`, until a write fails.
struct Naturals;

impl fmt::Debug for Naturals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut n = 0u64;
        loop {
            write!(f, "{n}, ")?;
            n += 1;
        }
    }
}

/// Runs `log` on a thread and waits for it (at most the test-support patience).
fn finishes(log: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        log();
        let _ = tx.send(());
    });
    rx.recv_timeout(ttlog_test_support::PATIENCE)
        .expect("logging an endless value did not finish");
}

fn text(value: ValueRef<'_>) -> &str {
    match value {
        ValueRef::Str(s) => s,
        other => panic!("not text: {other:?}"),
    }
}

fn assert_cut(text: &str) {
    assert_eq!(text.len(), MAX_TEXT_LEN + TRUNCATION_MARKER.len());
    assert!(
        text.ends_with(TRUNCATION_MARKER),
        "{}",
        &text[text.len() - 40..]
    );
}

#[test]
fn endless_values_are_cut_at_the_cap() {
    let session = common::capture::capture::<Captured>();

    finishes(|| ttlog::info!("{}", Endless));
    let event = session.one();
    assert_cut(&event.message);
    assert!(event.message.starts_with("xxxx"));

    finishes(|| ttlog::info!(x = %Endless, "display field"));
    let event = session.one();
    assert_eq!(event.message, "display field");
    let x = field(event.names, &event.values, "x");
    assert_cut(text(x));

    finishes(|| ttlog::info!(n = ?Naturals, "debug field"));
    let event = session.one();
    let n = field(event.names, &event.values, "n");
    assert_cut(text(n));
    assert!(text(n).starts_with("0, 1, 2, "));
}
