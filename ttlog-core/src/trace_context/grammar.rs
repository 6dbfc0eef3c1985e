//! The limits of the W3C grammar, and the character and hex helpers the parsers share.

use std::fmt;

/// The length of a version `00` `traceparent`, and of the part a later version is read from.
pub const TRACEPARENT_LEN: usize = 55;

/// The most list-members a `tracestate` may hold.
pub const MAX_TRACESTATE_MEMBERS: usize = 32;

/// The longest `tracestate` value, in characters.
pub const MAX_TRACESTATE_VALUE_LEN: usize = 256;

/// The longest simple `tracestate` key, and the longest `tenant@system` key's tenant part
/// (241) plus `@` plus system part (14), in characters.
pub const MAX_TRACESTATE_KEY_LEN: usize = 256;

/// The longest correlation id, in characters.
pub const MAX_CORRELATION_ID_LEN: usize = 128;

pub(super) const MAX_TENANT_LEN: usize = 241;
pub(super) const MAX_SYSTEM_LEN: usize = 14;

/// How much of an offending key, value or member an error message quotes.
pub(super) const QUOTE_CHARS: usize = 64;
pub(super) fn is_lower_hex(c: u8) -> bool {
    c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
}

/// Decodes `2 * N` lowercase hex digits, already checked.
pub(super) fn decode_hex<const N: usize>(hex: &[u8]) -> [u8; N] {
    fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => 0,
        }
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = nibble(pair[0]) << 4 | nibble(pair[1]);
    }
    out
}

pub(super) fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for byte in bytes {
        write!(f, "{byte:02x}")?;
    }
    Ok(())
}

/// The character starting at byte `at`, which callers guarantee is a character boundary
/// (everything before it is ASCII); U+FFFD otherwise, rather than a panic.
pub(super) fn char_at(s: &str, at: usize) -> char {
    s.get(at..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

pub(super) fn char_count(s: &str) -> usize {
    s.chars().count()
}
