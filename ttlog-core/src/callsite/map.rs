//! [`CallsiteMap`]: what the collector works out once per callsite (redaction's key rules, a
//! sink's pre-rendered text), keyed by the callsite's address.
//!
//! Callsites are `'static` and never freed (the ones built at run time are leaked and
//! interned), so an address names one callsite for the life of the process, and hashing it
//! needs one multiply.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::site::Callsite;

/// A map from callsites (by address) to `V`.
pub(crate) type CallsiteMap<V> = HashMap<usize, V, BuildHasherDefault<AddrHasher>>;

/// The key of `callsite` in a [`CallsiteMap`].
#[inline]
pub(crate) fn key(callsite: &'static Callsite) -> usize {
    callsite as *const Callsite as usize
}

/// A hasher for callsite addresses (already unique; one multiply spreads them).
#[derive(Default)]
pub(crate) struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(26);
    }
}
