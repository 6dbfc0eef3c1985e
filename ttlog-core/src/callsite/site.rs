//! [`Callsite`]: the static description of a place that logs, its cached interest, and the
//! registry of callsites that filter changes rebuild.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use crate::level::Level;

use crate::sync::global::{AtomicU8, Ordering};

const UNREGISTERED: u8 = 0;
const NEVER: u8 = 1;
const ALWAYS: u8 = 2;

/// The static metadata of one logging statement.
///
/// Built by the event macros in a `static`; adapters that receive events with dynamic metadata
/// build one per distinct place and keep it for the life of the process.
///
/// # Examples
///
/// ```
/// use ttlog_core::{Callsite, Level};
/// static CALLSITE: Callsite = Callsite::new(
///     Level::Info, "orders::api", "orders::api", "src/api.rs", 12, "user logged in", &["user_id"],
/// );
/// assert_eq!(CALLSITE.target(), "orders::api");
/// assert_eq!(CALLSITE.field_names(), &["user_id"]);
/// ```
pub struct Callsite {
    level: Level,
    target: &'static str,
    module_path: &'static str,
    file: &'static str,
    line: u32,
    message: &'static str,
    field_names: &'static [&'static str],
    /// `UNREGISTERED`, `NEVER` or `ALWAYS`.
    interest: AtomicU8,
}

impl Callsite {
    /// Describes a logging statement. `message` is the literal message, or the format template
    /// when the message has arguments (the event then carries the formatted text).
    pub const fn new(
        level: Level,
        target: &'static str,
        module_path: &'static str,
        file: &'static str,
        line: u32,
        message: &'static str,
        field_names: &'static [&'static str],
    ) -> Callsite {
        Callsite {
            level,
            target,
            module_path,
            file,
            line,
            message,
            field_names,
            interest: AtomicU8::new(UNREGISTERED),
        }
    }

    /// The level of events from this callsite.
    #[inline]
    pub fn level(&self) -> Level {
        self.level
    }

    /// The target: `module_path!()` unless the statement named one with `target:`.
    #[inline]
    pub fn target(&self) -> &'static str {
        self.target
    }

    /// The module the statement is in.
    #[inline]
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The source file of the statement.
    #[inline]
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the statement.
    #[inline]
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The literal message, or the format template when the message has arguments.
    #[inline]
    pub fn message(&self) -> &'static str {
        self.message
    }

    /// The names of the fields, in the order an event's values are stored.
    #[inline]
    pub fn field_names(&self) -> &'static [&'static str] {
        self.field_names
    }

    /// Whether the active filter lets this callsite's events through (cached; see the module
    /// docs).
    #[inline(always)]
    pub fn is_enabled(&'static self) -> bool {
        // One compare on the path that logs; everything else is out of line.
        let interest = self.interest.load(Ordering::Relaxed);
        interest == ALWAYS || self.is_enabled_slow(interest)
    }

    /// A copy of this callsite with other field names, not registered yet (its interest is
    /// computed on its first `is_enabled`).
    fn with_field_names(&self, field_names: &'static [&'static str]) -> Callsite {
        Callsite {
            field_names,
            interest: AtomicU8::new(UNREGISTERED),
            ..*self
        }
    }

    #[cold]
    #[inline(never)]
    fn is_enabled_slow(&'static self, interest: u8) -> bool {
        match interest {
            NEVER => false,
            _ => self.register(),
        }
    }

    fn register(&'static self) -> bool {
        let mut list = lock_registry();
        if self.interest.load(Ordering::Relaxed) == UNREGISTERED {
            list.push(self);
            if let Some(hook) = ON_REGISTER.get() {
                hook(self);
            }
        }
        self.recompute()
    }

    fn recompute(&self) -> bool {
        let enabled = interest(self.level, self.target);
        self.interest
            .store(if enabled { ALWAYS } else { NEVER }, Ordering::Relaxed);
        enabled
    }
}

impl fmt::Debug for Callsite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callsite")
            .field("level", &self.level)
            .field("target", &self.target)
            .field("file", &self.file)
            .field("line", &self.line)
            .field("message", &self.message)
            .field("field_names", &self.field_names)
            .finish()
    }
}

/// The function that decides a callsite's interest, registered by the filter when one is
/// installed (see [`set_interest`]); `None`: every callsite is enabled (the run-time level gate
/// still applies).
static INTEREST: OnceLock<fn(Level, &str) -> bool> = OnceLock::new();

/// Registers the function that decides whether a callsite at `level` for `target` is enabled.
/// The filter does this when it is first installed; there is one for the life of the process.
/// Callsites registered before keep their answer until [`rebuild_interest`] runs.
pub(crate) fn set_interest(f: fn(Level, &str) -> bool) {
    let _ = INTEREST.set(f);
}

fn interest(level: Level, target: &str) -> bool {
    INTEREST.get().is_none_or(|f| f(level, target))
}

static REGISTRY: Mutex<Vec<&'static Callsite>> = Mutex::new(Vec::new());

/// Called with each callsite as it is registered (the recorder file writes down its metadata,
/// so that a recovery can name the events of a process that died).
static ON_REGISTER: OnceLock<fn(&'static Callsite)> = OnceLock::new();

/// Sets the function called with each callsite as it is registered (once per process: later
/// calls keep the first).
pub(crate) fn on_register(hook: fn(&'static Callsite)) {
    let _ = ON_REGISTER.set(hook);
}

/// Calls `f` with every callsite registered so far.
pub(crate) fn for_each_registered(mut f: impl FnMut(&'static Callsite)) {
    let list: Vec<&'static Callsite> = lock_registry().clone();
    for cs in list {
        f(cs);
    }
}

fn lock_registry() -> std::sync::MutexGuard<'static, Vec<&'static Callsite>> {
    // The registry only ever holds valid callsite references, so a panic while it was locked
    // cannot have left it inconsistent.
    REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The callsite for an event from `gate` whose field names are `names` (see the module docs):
/// `first` caches the copy for the first list of names seen, other lists are kept in a
/// process-wide table. Each copy is leaked: there is one per callsite and list of names.
#[inline]
pub(crate) fn with_struct_fields(
    gate: &'static Callsite,
    first: &'static OnceLock<&'static Callsite>,
    names: &'static [&'static str],
) -> &'static Callsite {
    match first.get() {
        Some(cs) if same_names(cs.field_names, names) => cs,
        _ => with_struct_fields_slow(gate, first, names),
    }
}

/// Whether two lists of names are the same. The lists come from constants, which the compiler
/// may duplicate (one copy per codegen unit), so equal contents count as well.
#[inline]
fn same_names(a: &'static [&'static str], b: &'static [&'static str]) -> bool {
    std::ptr::eq(a, b) || a == b
}

#[cold]
#[inline(never)]
fn with_struct_fields_slow(
    gate: &'static Callsite,
    first: &'static OnceLock<&'static Callsite>,
    names: &'static [&'static str],
) -> &'static Callsite {
    let cs = first.get_or_init(|| Box::leak(Box::new(gate.with_field_names(names))));
    if same_names(cs.field_names, names) {
        return cs;
    }
    type Others = HashMap<(usize, &'static [&'static str]), &'static Callsite>;
    static OTHERS: Mutex<Option<Others>> = Mutex::new(None);
    // The table only ever gains complete entries, so a panic elsewhere while it was locked
    // cannot have left it inconsistent.
    let mut others = OTHERS.lock().unwrap_or_else(|p| p.into_inner());
    let key = (gate as *const Callsite as usize, names);
    others
        .get_or_insert_with(HashMap::new)
        .entry(key)
        .or_insert_with(|| Box::leak(Box::new(gate.with_field_names(names))))
}

/// Recomputes the cached interest of every registered callsite from the active filter.
///
/// Call this after changing the filter; [`crate::Guard::set_filter`] does.
pub fn rebuild_interest() {
    let list = lock_registry();
    for callsite in list.iter() {
        callsite.recompute();
    }
}

/// How many callsites have registered so far.
pub fn registered_count() -> usize {
    lock_registry().len()
}
