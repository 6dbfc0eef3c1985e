//! A capturing logger for the macro tests: installed once per test binary as the global
//! logger, used by one test at a time (`capture()` holds a lock for the test's duration).
//! Each binary decides what it keeps of an event or span operation ([`Observe`]).

use std::any::Any;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use ttlog::span::SpanOp;
use ttlog::{FieldValue, LevelFilter, LogEvent, Logger, ValueRef};

/// What a test keeps of each event (and, if it wants them, span operations).
pub trait Observe: Sized + Send + 'static {
    fn event(event: LogEvent) -> Self;

    fn span(op: SpanOp) -> Option<Self> {
        let _ = op;
        None
    }
}

pub struct Capture<T>(Mutex<Vec<T>>);

impl<T: Observe> Logger for Capture<T> {
    fn log(&self, event: LogEvent) {
        self.0.lock().unwrap().push(T::event(event));
    }

    fn span(&self, op: SpanOp) {
        if let Some(seen) = T::span(op) {
            self.0.lock().unwrap().push(seen);
        }
    }
}

static CAPTURE: OnceLock<Arc<dyn Any + Send + Sync>> = OnceLock::new();
static SERIAL: Mutex<()> = Mutex::new(());

/// Holds the test lock; `take` returns what was logged since `capture()`.
pub struct Session<T: 'static> {
    _lock: MutexGuard<'static, ()>,
    capture: Arc<Capture<T>>,
}

impl<T: Debug> Session<T> {
    pub fn take(&self) -> Vec<T> {
        std::mem::take(&mut *self.capture.0.lock().unwrap())
    }

    /// The one thing logged since the last call.
    pub fn one(&self) -> T {
        let mut seen = self.take();
        assert_eq!(seen.len(), 1, "expected one, got {seen:?}");
        seen.remove(0)
    }
}

/// Installs the capturing logger (once), takes the lock, clears what was seen, and enables
/// every level. Fails when a `max_level_*` feature has compiled some levels out (see
/// [`super::all_levels`]).
pub fn capture<T: Observe + Debug>() -> Session<T> {
    super::all_levels::assert_every_level_kept();
    let lock = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let capture = CAPTURE
        .get_or_init(|| {
            let c = Arc::new(Capture::<T>(Mutex::new(Vec::new())));
            ttlog::set_logger(c.clone());
            c
        })
        .clone()
        .downcast::<Capture<T>>()
        .unwrap_or_else(|_| panic!("one capture type per test binary"));
    ttlog::set_max_level(LevelFilter::Trace);
    let session = Session {
        _lock: lock,
        capture,
    };
    session.take();
    session
}

/// The value of the field `name` among a callsite's `names` and an event's `values`.
pub fn field<'a>(names: &[&str], values: &'a [FieldValue], name: &str) -> ValueRef<'a> {
    let i = names
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| panic!("no field `{name}` in {names:?}"));
    values[i].as_ref()
}

/// A `Display` value: `10.0.0.1`.
pub struct Addr;

impl std::fmt::Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("10.0.0.1")
    }
}

/// A `Debug` value: `Req { id: 9 }`.
#[derive(Debug)]
#[allow(dead_code)] // read through Debug
pub struct Req {
    pub id: u32,
}
