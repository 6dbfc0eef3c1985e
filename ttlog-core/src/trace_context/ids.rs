//! [`TraceId`], [`ParentId`] and [`TraceFlags`]: the fixed-size parts of a `traceparent`.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::grammar::*;

// ===== impl TraceId =====

/// A W3C `trace-id`: 16 bytes, never all zeros, written as 32 lowercase hex digits.
///
/// # Examples
///
/// ```
/// use ttlog_core::TraceId;
///
/// let id = TraceId::from_bytes([0x4b; 16]).unwrap();
/// assert_eq!(id.to_string(), "4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b");
/// assert_eq!(id.to_bytes(), [0x4b; 16]);
/// assert_eq!(TraceId::from_bytes([0; 16]), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId([u8; 16]);

impl TraceId {
    /// The id with these bytes, or `None` if they are all zero (an invalid trace id).
    ///
    /// ```
    /// let id = ttlog_core::TraceId::from_bytes(*b"0123456789abcdef").unwrap();
    /// assert_eq!(id.to_bytes(), *b"0123456789abcdef");
    /// ```
    pub fn from_bytes(bytes: [u8; 16]) -> Option<TraceId> {
        (bytes != [0; 16]).then_some(TraceId(bytes))
    }

    /// The id's bytes, in header order.
    ///
    /// ```
    /// let id = ttlog_core::TraceId::from_bytes([1; 16]).unwrap();
    /// assert_eq!(id.to_bytes(), [1; 16]);
    /// ```
    pub const fn to_bytes(self) -> [u8; 16] {
        self.0
    }

    /// The id from 32 lowercase hex digits (as [`Display`](fmt::Display) writes it), for the
    /// collector, which reads it back from a span field.
    pub(crate) fn from_hex(hex: &str) -> Option<TraceId> {
        let b = hex.as_bytes();
        (b.len() == 32 && b.iter().all(|&c| is_lower_hex(c)))
            .then(|| TraceId::from_bytes(decode_hex(b)))
            .flatten()
    }

    /// A random, non-zero id; not cryptographically secure (see
    /// [`TraceContext::new_root`](crate::TraceContext::new_root)).
    ///
    /// ```
    /// use ttlog_core::TraceId;
    /// assert_ne!(TraceId::random(), TraceId::random());
    /// ```
    pub fn random() -> TraceId {
        loop {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&random_u64().to_be_bytes());
            bytes[8..].copy_from_slice(&random_u64().to_be_bytes());
            if let Some(id) = TraceId::from_bytes(bytes) {
                return id;
            }
        }
    }
}

impl fmt::Display for TraceId {
    /// 32 lowercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}

// ===== impl ParentId =====

/// A W3C `parent-id`: the 8-byte id of the caller's span, never all zeros, written as 16
/// lowercase hex digits. (ttlog's own span handle is [`SpanId`](crate::SpanId).)
///
/// # Examples
///
/// ```
/// use ttlog_core::ParentId;
///
/// let id = ParentId::from_bytes([0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]).unwrap();
/// assert_eq!(id.to_string(), "00f067aa0ba902b7");
/// assert_eq!(ParentId::from_bytes([0; 8]), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParentId([u8; 8]);

impl ParentId {
    /// The id `0000000000000001`.
    pub(crate) const ONE: ParentId = ParentId([0, 0, 0, 0, 0, 0, 0, 1]);

    /// The id with these bytes, or `None` if they are all zero (an invalid parent id).
    ///
    /// ```
    /// let id = ttlog_core::ParentId::from_bytes(*b"abcdefgh").unwrap();
    /// assert_eq!(id.to_bytes(), *b"abcdefgh");
    /// ```
    pub fn from_bytes(bytes: [u8; 8]) -> Option<ParentId> {
        (bytes != [0; 8]).then_some(ParentId(bytes))
    }

    /// The id's bytes, in header order.
    ///
    /// ```
    /// let id = ttlog_core::ParentId::from_bytes([7; 8]).unwrap();
    /// assert_eq!(id.to_bytes(), [7; 8]);
    /// ```
    pub const fn to_bytes(self) -> [u8; 8] {
        self.0
    }

    /// A random, non-zero id; not cryptographically secure (see
    /// [`TraceContext::new_root`](crate::TraceContext::new_root)).
    ///
    /// ```
    /// use ttlog_core::ParentId;
    /// assert_ne!(ParentId::random(), ParentId::random());
    /// ```
    pub fn random() -> ParentId {
        loop {
            if let Some(id) = ParentId::from_bytes(random_u64().to_be_bytes()) {
                return id;
            }
        }
    }
}

impl fmt::Display for ParentId {
    /// 16 lowercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for ParentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ParentId({self})")
    }
}

/// 64 random-looking bits: a fresh `RandomState` (its keys come from the OS once per thread
/// and change with every `new`) hashing a process-wide counter, the time and the thread's
/// index. Not cryptographic.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    COUNTER.fetch_add(1, Ordering::Relaxed).hash(&mut hasher);
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
        .hash(&mut hasher);
    crate::thread::current_index().hash(&mut hasher);
    hasher.finish()
}

// ===== impl TraceFlags =====

/// The `trace-flags` byte of a `traceparent`.
///
/// Version `00` defines one flag, [`SAMPLED`](TraceFlags::SAMPLED) (`0x01`: the caller may
/// have recorded trace data). The other bits are kept as parsed and written back unchanged,
/// but carry no meaning.
///
/// # Examples
///
/// ```
/// use ttlog_core::TraceFlags;
///
/// let flags = TraceFlags::from_bits(0x03);
/// assert!(flags.is_sampled());
/// assert_eq!(flags.with_sampled(false).bits(), 0x02);
/// assert_eq!(TraceFlags::SAMPLED.to_string(), "01");
/// assert_eq!(TraceFlags::default().to_string(), "00");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TraceFlags(pub(super) u8);

impl TraceFlags {
    /// Only the sampled bit set.
    pub const SAMPLED: TraceFlags = TraceFlags(0x01);

    /// Flags with these bits.
    ///
    /// ```
    /// assert!(ttlog_core::TraceFlags::from_bits(1).is_sampled());
    /// ```
    pub const fn from_bits(bits: u8) -> TraceFlags {
        TraceFlags(bits)
    }

    /// The flag byte.
    ///
    /// ```
    /// assert_eq!(ttlog_core::TraceFlags::SAMPLED.bits(), 0x01);
    /// ```
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether the sampled bit (`0x01`) is set.
    ///
    /// ```
    /// assert!(!ttlog_core::TraceFlags::from_bits(0x02).is_sampled());
    /// ```
    pub const fn is_sampled(self) -> bool {
        self.0 & 0x01 != 0
    }

    /// These flags with the sampled bit set or cleared, the other bits unchanged.
    ///
    /// ```
    /// use ttlog_core::TraceFlags;
    /// assert_eq!(TraceFlags::default().with_sampled(true), TraceFlags::SAMPLED);
    /// ```
    pub const fn with_sampled(self, sampled: bool) -> TraceFlags {
        if sampled {
            TraceFlags(self.0 | 0x01)
        } else {
            TraceFlags(self.0 & !0x01)
        }
    }
}

impl fmt::Display for TraceFlags {
    /// Two lowercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02x}", self.0)
    }
}
