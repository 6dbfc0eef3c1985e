//! Callsites: the static description of one place in the code that logs.
//!
//! Every event macro expands to a `static` [`Callsite`] holding everything about the event
//! that is known at compile time: level, target, module, file, line, the message (or its
//! format template) and the field names. An event carries one pointer to it, not copies of
//! those strings, and the collector reads them only when it formats the event.
//!
//! # Interest caching
//!
//! Whether a callsite is enabled depends only on its level and target, so it is computed once
//! and cached in the callsite: the first time the callsite is reached it registers itself in a
//! process-wide list and asks the active filter. After that, [`Callsite::is_enabled`] is one
//! relaxed load. When the filter changes, [`rebuild_interest`] walks the list and recomputes
//! every cached answer. Registration and rebuilds take the same lock, so a callsite that
//! registers while a rebuild runs sees either the old filter and is then rebuilt, or the new one.
//!
//! # Callsites with `..struct` fields
//!
//! An event that records a struct's fields with `..value` (see
//! [`StructFields`](crate::StructFields)) cannot list all its field names at compile time in a
//! `static`: the struct's names are an associated constant of a type the macro cannot name,
//! and in generic code that type differs from one instantiation to the next. Its macro keeps
//! a static callsite without field names for the gates (level, target, interest), and
//! `with_struct_fields` gives each event a copy of it that carries the full list of names.
//! The copy is built and leaked once, on the callsite's first event, and cached in a
//! `OnceLock` next to the static callsite, so later events pay one atomic load and one compare.
//! Another list of names from the same callsite (a generic function called with another type)
//! gets its own copy, found in a process-wide table: a lock and a lookup on each such event,
//! never wrong names.

//!
//! 1. `site.rs` — [`Callsite`], its cached interest, the registry rebuilt on filter changes.
//! 2. `intern.rs` — callsites built at run time (adapters, `..struct` field lists), interned.
//! 3. `map.rs` — a map keyed by callsite address, for what the collector works out once per
//!    callsite.

pub(crate) mod intern;
pub(crate) mod map;
pub(crate) mod site;

pub use intern::{
    intern, interned_count, refused, CallsiteKey, MAX_INTERNED, MAX_INTERNED_FIELDS,
    MAX_INTERNED_STR,
};
pub use site::{rebuild_interest, registered_count, Callsite};
