//! Helpers shared by the runtime tests.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use ttlog_core::{Record, Sink};

/// What a test sink saw of one event.
#[derive(Clone, Debug)]
pub struct Seen {
    pub level: ttlog_core::Level,
    pub target: String,
    pub message: String,
    pub thread: String,
    pub fields: Vec<(String, String)>,
}

/// A sink that keeps everything it is given.
#[derive(Clone, Default)]
pub struct Keep(pub Arc<Mutex<Vec<Seen>>>);

impl Sink for Keep {
    fn write(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        self.0.lock().unwrap().push(Seen {
            level: r.level,
            target: r.target.to_owned(),
            message: r.message.to_owned(),
            thread: r.thread_name.to_owned(),
            fields: r
                .fields
                .iter()
                .map(|f| (f.name.to_owned(), f.value.to_string()))
                .collect(),
        });
        Ok(())
    }
}

impl Seen {
    /// The value of the field `name`, as text.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Keep {
    pub fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A fresh, empty directory under the system temp dir.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ttlog-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

static FLOOD: ttlog_core::Callsite = ttlog_core::Callsite::new(
    ttlog_core::Level::Info,
    "flood",
    "flood",
    file!(),
    line!(),
    "tick",
    &["thread", "seq"],
);

/// `threads` threads each log `per_thread` events with fields `thread` and `seq`, as fast
/// as they can; returns when all have finished.
pub fn flood(threads: u64, per_thread: u64) {
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            std::thread::spawn(move || {
                for seq in 0..per_thread {
                    let event = ttlog_core::EventBuilder::new(&FLOOD)
                        .value(t)
                        .value(seq)
                        .build();
                    ttlog_core::__private::dispatch(event);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

/// The `seq` values the flood delivered, per `thread` field, in arrival order.
pub fn flood_seqs(seen: &[Seen]) -> std::collections::HashMap<String, Vec<u64>> {
    let mut per_thread: std::collections::HashMap<String, Vec<u64>> = Default::default();
    for s in seen.iter().filter(|s| s.target == "flood") {
        per_thread
            .entry(s.field("thread").unwrap().to_owned())
            .or_default()
            .push(s.field("seq").unwrap().parse().unwrap());
    }
    per_thread
}

/// How much `Instant`'s rate may change between the measurement of the tick rate and the
/// interval a test measures, which `clock::MAX_RATE_ERROR` does not cover: NTP slewing, up
/// to 8.3 % with chrony's default `maxslewrate` (see `ttlog_core::clock`).
pub const SLEW: f64 = 0.1;

/// The shortest ttlog can report an interval that `Instant` measures as at least `d` (a
/// `thread::sleep(d)`, say): durations in ticks are within `clock::MAX_RATE_ERROR` of
/// `Instant`'s, plus [`SLEW`]. With the `Instant` clock, they are exact.
pub fn at_least(d: std::time::Duration) -> std::time::Duration {
    d.mul_f64(1.0 - ttlog_core::clock::MAX_RATE_ERROR - SLEW)
}

/// How far a wall-clock time converted from ticks can be from `SystemTime::now()` read at the
/// same moment, `age` after the clock's anchor (ttlog's `init`): the rate's error and the slew
/// over that age, plus a microsecond for the anchor's reading.
pub fn wall_slack(age: std::time::Duration) -> std::time::Duration {
    age.mul_f64(ttlog_core::clock::MAX_RATE_ERROR + SLEW) + std::time::Duration::from_micros(1)
}
