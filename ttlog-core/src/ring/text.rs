//! [`InlineStr`]: short text kept inside a [`FieldValue`](crate::FieldValue), UTF-8 by
//! construction, so reading it back costs no validation.
//!
//! Every event's short text values (a copied `&str`, a `%display` value, a string read back
//! from a record) live here, and the collector reads each of them several times (redaction,
//! each sink's format). Checking the bytes again on every read cost more than formatting the
//! value (callgrind: 146 instructions per read of a 13-byte value); the type keeps the
//! invariant instead, so the one unchecked conversion lives beside the rest of the unsafe
//! code (see `ring/mod.rs`).

/// The most bytes an [`InlineStr`] holds (`field::INLINE_CAPACITY` is this): with its length
/// byte and the value's tag, a `FieldValue` stays 24 bytes.
pub(crate) const INLINE_CAPACITY: usize = 22;

/// Up to [`INLINE_CAPACITY`] bytes of UTF-8; the bytes past `len` are zero.
///
/// Invariant: `buf[..len]` is valid UTF-8 and `len <= INLINE_CAPACITY`. Every constructor
/// and mutator keeps it: text goes in only as whole `&str`s, or as bytes checked once.
#[derive(Clone, Copy)]
pub(crate) struct InlineStr {
    len: u8,
    buf: [u8; INLINE_CAPACITY],
}

impl InlineStr {
    /// No text.
    pub(crate) const EMPTY: InlineStr = InlineStr {
        len: 0,
        buf: [0; INLINE_CAPACITY],
    };

    /// `s`, when it fits.
    #[inline]
    pub(crate) fn new(s: &str) -> Option<InlineStr> {
        let mut text = InlineStr::EMPTY;
        text.push_str(s).then_some(text)
    }

    /// Appends `s` if it fits; `false` (and nothing appended) when it does not.
    #[inline]
    pub(crate) fn push_str(&mut self, s: &str) -> bool {
        let len = self.len as usize;
        if len + s.len() > INLINE_CAPACITY {
            return false;
        }
        self.buf[len..len + s.len()].copy_from_slice(s.as_bytes());
        self.len = (len + s.len()) as u8;
        true
    }

    /// The text of `len` bytes held little-endian in `words` (as the record codec stores
    /// inline text), if `len` fits and the bytes are UTF-8.
    #[inline]
    pub(crate) fn from_words(len: usize, words: &[u64]) -> Option<InlineStr> {
        if len > INLINE_CAPACITY || words.len() * 8 < len {
            return None;
        }
        let mut bytes = [0u8; 24];
        for (chunk, w) in bytes.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        let mut text = InlineStr::EMPTY;
        text.buf[..len].copy_from_slice(&bytes[..len]);
        // ASCII (the common case) is UTF-8; anything else is checked once, here.
        let ascii = words.iter().all(|w| w & 0x8080_8080_8080_8080 == 0);
        if !ascii && std::str::from_utf8(&text.buf[..len]).is_err() {
            return None;
        }
        text.len = len as u8;
        Some(text)
    }

    /// The text.
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        let bytes = &self.buf[..self.len as usize];
        // SAFETY: by the type's invariant, `buf[..len]` is UTF-8: `push_str` copies whole
        // `&str`s (a concatenation of UTF-8 strings is UTF-8), and `from_words` checks bytes
        // that are not all ASCII.
        #[allow(unsafe_code)]
        unsafe {
            std::str::from_utf8_unchecked(bytes)
        }
    }

    /// The length in bytes.
    #[inline]
    pub(crate) fn len(&self) -> u8 {
        self.len
    }

    /// The whole buffer (zero past the text), as the codec stores it.
    #[inline]
    pub(crate) fn buf(&self) -> &[u8; INLINE_CAPACITY] {
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(bytes: &[u8]) -> [u64; 3] {
        let mut b = [0u8; 24];
        b[..bytes.len()].copy_from_slice(bytes);
        let w = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap());
        [w(0), w(1), w(2)]
    }

    #[test]
    fn from_words_checks_what_is_not_ascii() {
        for s in [
            "",
            "a",
            "/api/v1/items",
            "héllo ✓",
            "0123456789012345678901",
        ] {
            let t = InlineStr::from_words(s.len(), &words_of(s.as_bytes())).unwrap();
            assert_eq!(t.as_str(), s);
        }
        // A cut multi-byte character, a lone continuation byte, an overlong encoding.
        for bad in [&b"\xc3"[..], b"a\x80b", b"\xc0\xaf", b"\xff"] {
            assert!(InlineStr::from_words(bad.len(), &words_of(bad)).is_none());
        }
        // Too long, or longer than the words given.
        assert!(InlineStr::from_words(23, &words_of(b"x")).is_none());
        assert!(InlineStr::from_words(9, &[0x41; 1]).is_none());
        // Bytes past `len` do not count, even when they are not UTF-8.
        let t = InlineStr::from_words(1, &words_of(b"a\xff")).unwrap();
        assert_eq!(t.as_str(), "a");
    }

    #[test]
    fn push_str_appends_whole_strings_that_fit() {
        let mut t = InlineStr::EMPTY;
        assert!(t.push_str("日本"));
        assert!(t.push_str("語"));
        assert!(!t.push_str(&"x".repeat(20)));
        assert_eq!(t.as_str(), "日本語");
        assert_eq!(t.len(), 9);
        assert!(InlineStr::new(&"y".repeat(23)).is_none());
    }
}
