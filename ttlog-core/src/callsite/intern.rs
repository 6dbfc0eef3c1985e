//! Callsites for events whose metadata is only known at run time (the `log`, `tracing` and
//! `slog` adapters): one leaked `&'static Callsite` per distinct key, kept for the life of the
//! process.
//!
//! Lookups of a known key take a read lock and allocate nothing; the first use of a key takes
//! the write lock and leaks the strings once. The number of distinct callsites is bounded by
//! [`MAX_INTERNED`], because a key may contain run-time strings (a `log` target built with
//! `format!`), and leaking without bound would be a memory leak driven by input.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{OnceLock, RwLock};

use super::site::Callsite;
use crate::level::Level;
use crate::sync::global::{AtomicU64, Ordering};

/// The most callsites [`intern`] creates; after that it returns `None`.
pub const MAX_INTERNED: usize = 16_384;

/// The longest string of a key (target, module, file, message, each field name) that
/// [`intern`] accepts, in bytes: longer ones are refused, so that input cannot make each of
/// the [`MAX_INTERNED`] callsites leak an arbitrary amount of memory.
pub const MAX_INTERNED_STR: usize = 512;

/// The most field names of a key that [`intern`] accepts.
pub const MAX_INTERNED_FIELDS: usize = 64;

/// What identifies a dynamic callsite: everything a [`Callsite`] holds.
///
/// ```
/// use ttlog_core::callsite::{intern, CallsiteKey};
/// use ttlog_core::Level;
///
/// let key = CallsiteKey {
///     level: Level::Info,
///     target: "app::db",
///     module_path: "app::db",
///     file: "src/db.rs",
///     line: 42,
///     message: "query done",
///     field_names: &["rows"],
/// };
/// let a = intern(&key).unwrap();
/// let b = intern(&key).unwrap();
/// assert!(std::ptr::eq(a, b)); // the same callsite every time
/// assert_eq!((a.target(), a.line(), a.field_names()), ("app::db", 42, &["rows"][..]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CallsiteKey<'a> {
    /// The level.
    pub level: Level,
    /// The target.
    pub target: &'a str,
    /// The module path (empty when unknown).
    pub module_path: &'a str,
    /// The source file (empty when unknown).
    pub file: &'a str,
    /// The line (`0` when unknown).
    pub line: u32,
    /// The literal message or template (or a span's name).
    pub message: &'a str,
    /// The field names, in the order the values will be given.
    pub field_names: &'a [&'a str],
}

impl CallsiteKey<'_> {
    /// Whether the key is within [`MAX_INTERNED_STR`] and [`MAX_INTERNED_FIELDS`].
    fn fits(&self) -> bool {
        let strs = [self.target, self.module_path, self.file, self.message];
        self.field_names.len() <= MAX_INTERNED_FIELDS
            && strs
                .iter()
                .chain(self.field_names)
                .all(|s| s.len() <= MAX_INTERNED_STR)
    }

    fn matches(&self, cs: &Callsite) -> bool {
        cs.level() == self.level
            && cs.line() == self.line
            && cs.target() == self.target
            && cs.module_path() == self.module_path
            && cs.file() == self.file
            && cs.message() == self.message
            && cs.field_names() == self.field_names
    }
}

struct Interned {
    hasher: RandomState,
    /// By key hash; collisions share a bucket.
    map: HashMap<u64, Vec<&'static Callsite>>,
    count: usize,
}

fn table() -> &'static RwLock<Interned> {
    static TABLE: OnceLock<RwLock<Interned>> = OnceLock::new();
    TABLE.get_or_init(|| {
        RwLock::new(Interned {
            hasher: RandomState::new(),
            map: HashMap::new(),
            count: 0,
        })
    })
}

static REFUSED: AtomicU64 = AtomicU64::new(0);

/// The callsite for `key`, created (and leaked) the first time the key is seen.
///
/// Returns `None` once [`MAX_INTERNED`] callsites exist and `key` is not one of them, or when
/// a string of the key is longer than [`MAX_INTERNED_STR`] (or it has more than
/// [`MAX_INTERNED_FIELDS`] field names); the caller then uses a fixed callsite of its own and
/// carries what the key would have said (target, file, line) in fields. Such refusals are
/// counted in [`refused`].
pub fn intern(key: &CallsiteKey<'_>) -> Option<&'static Callsite> {
    let lock = table();
    let hash = {
        let guard = lock.read().unwrap_or_else(|p| p.into_inner());
        let hash = guard.hasher.hash_one(key);
        if let Some(found) = guard
            .map
            .get(&hash)
            .and_then(|bucket| bucket.iter().find(|cs| key.matches(cs)))
        {
            return Some(found);
        }
        hash
    };
    let mut guard = lock.write().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = guard
        .map
        .get(&hash)
        .and_then(|bucket| bucket.iter().find(|cs| key.matches(cs)))
    {
        return Some(found);
    }
    if guard.count >= MAX_INTERNED || !key.fits() {
        REFUSED.fetch_add(1, Ordering::Relaxed);
        return None;
    }
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let names: Vec<&'static str> = key.field_names.iter().map(|n| leak(n)).collect();
    let callsite: &'static Callsite = Box::leak(Box::new(Callsite::new(
        key.level,
        leak(key.target),
        leak(key.module_path),
        leak(key.file),
        key.line,
        leak(key.message),
        Box::leak(names.into_boxed_slice()),
    )));
    guard.map.entry(hash).or_default().push(callsite);
    guard.count += 1;
    Some(callsite)
}

/// How many times [`intern`] refused a new key because [`MAX_INTERNED`] callsites existed.
pub fn refused() -> u64 {
    REFUSED.load(Ordering::Relaxed)
}

/// How many callsites [`intern`] has created.
pub fn interned_count() -> usize {
    table().read().unwrap_or_else(|p| p.into_inner()).count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(target: &'a str, names: &'a [&'a str]) -> CallsiteKey<'a> {
        CallsiteKey {
            level: Level::Warn,
            target,
            module_path: "m",
            file: "f.rs",
            line: 1,
            message: "msg",
            field_names: names,
        }
    }

    #[test]
    fn oversized_keys_are_refused() {
        let long = "x".repeat(MAX_INTERNED_STR + 1);
        let before = refused();
        assert!(intern(&key(&long, &["a"])).is_none());
        let names: Vec<&str> = vec!["n"; MAX_INTERNED_FIELDS + 1];
        assert!(intern(&key("intern::many", &names)).is_none());
        assert!(refused() >= before + 2);
        let ok = "y".repeat(MAX_INTERNED_STR);
        assert!(intern(&key(&ok, &["a"])).is_some());
    }

    #[test]
    fn keys_that_differ_anywhere_get_their_own_callsite() {
        let a = intern(&key("intern::a", &["x"])).unwrap();
        let b = intern(&key("intern::b", &["x"])).unwrap();
        let c = intern(&key("intern::a", &["y"])).unwrap();
        let mut d = key("intern::a", &["x"]);
        d.line = 2;
        let d = intern(&d).unwrap();
        assert!(!std::ptr::eq(a, b) && !std::ptr::eq(a, c) && !std::ptr::eq(a, d));
        assert!(std::ptr::eq(a, intern(&key("intern::a", &["x"])).unwrap()));
        // Run-time strings: the key borrows them, the callsite owns copies.
        let target = String::from("intern::") + "dynamic";
        let e = intern(&key(&target, &["x"])).unwrap();
        drop(target);
        assert_eq!(e.target(), "intern::dynamic");
    }
}
