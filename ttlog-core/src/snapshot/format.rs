//! The snapshot file format, version 1: constants and the small codecs both sides share.
//!
//! A snapshot must be readable after the process that wrote it is gone, by a different build
//! of ttlog, and — once the flight recorder can be backed by a memory-mapped file — even when
//! the writer was killed half-way through a record. So the format is self-describing (a magic
//! number and a version), made of self-delimiting records (a reader can always find the next
//! one), and every record carries its own checksum (a reader can tell a complete record from a
//! torn or damaged one). docs/snapshot-format.md in the repository is the full specification;
//! this is a summary.
//!
//! ```text
//! file    = magic version record*
//! magic   = "TTLOGSNP"                               8 bytes
//! version = u16 little-endian                        1
//! record  = kind:u8 len:uvarint payload:[u8; len] crc:u32 little-endian
//!           crc = CRC-32/IEEE over kind, the bytes of len, and payload
//! ```
//!
//! Integers are unsigned LEB128 varints (`uvarint`: 7 bits a byte, low bits first, at most 10
//! bytes for a `u64` and 19 for a `u128`, no overlong encodings) or, when signed, zigzag-mapped
//! first (`svarint`). A string (`str`) is a `uvarint` byte length then that many bytes of UTF-8.
//!
//! Record kinds:
//!
//! | kind | name   | payload                                                               |
//! |------|--------|-----------------------------------------------------------------------|
//! | 0x01 | header | (key:str value:str)* — `service`, `hostname`, `pid`, `created`, `reason`, `ttlog_version`, `capacity`, `dropped`; numbers in ASCII decimal, `created` in signed unix nanoseconds; unknown keys are skipped |
//! | 0x02 | string | id:uvarint text:str — interns `text` as `id`; ids are 0, 1, 2, … in order |
//! | 0x03 | event  | timestamp:svarint (unix nanos) level:u8 target:id module:id file:id thread:id line:uvarint thread_id:uvarint span_id:uvarint message:str nfields:uvarint (name:id tag:u8 value)* |
//! | 0x04 | end    | events:uvarint — how many event records precede it                     |
//! | 0x40 | span   | id:uvarint parent:uvarint level:u8 name:id target:id module:id file:id line:uvarint thread:id thread_id:uvarint start:svarint (unix nanos) closed:u8 [elapsed:uvarint128 (nanos, if closed = 1)] busy:uvarint128 (nanos) status:u8 (0 ok, 1 error) nfollows:uvarint follows:uvarint* nfields:uvarint (name:id tag:u8 value)* |
//!
//! Value tags: 0 empty, 1 bool (u8 0 or 1), 2 i64 (svarint), 3 u64 (uvarint), 4 i128 (svarint),
//! 5 u128 (uvarint), 6 f64 (8 bytes, the IEEE bits little-endian, so NaN payloads survive),
//! 7 char (uvarint scalar value), 8 str.
//!
//! The first record is the header and the last is the end record; nothing may follow it. Span
//! records come before the first event record, with strictly increasing non-zero ids (their
//! creation order); a span's parent (0 for a root) and follows-from ids may name spans that are
//! not in the file, but follows-from ids are never 0. A closed span's fields end with
//! `elapsed_us` (u64) and `elapsed_ms` (f64), its duration. A record's payload must be consumed
//! exactly. Kinds `0x00..=0x3f` are *required*: a reader that
//! does not know one must reject the file. Kinds `0x40..=0xff` are *optional*: a reader that does
//! not know one checks its checksum and skips it: the span record is optional, so readers that
//! predate it read the events of a file with spans. Changes a version-1 reader could misread
//! bump the version.

/// The eight bytes every snapshot starts with.
pub(crate) const MAGIC: &[u8; 8] = b"TTLOGSNP";

/// The format version this module writes and reads.
pub(crate) const VERSION: u16 = 1;

/// Length of the magic plus the version.
pub(crate) const PREAMBLE_LEN: usize = MAGIC.len() + 2;

/// Record kinds.
pub(crate) const KIND_HEADER: u8 = 0x01;
pub(crate) const KIND_STRING: u8 = 0x02;
pub(crate) const KIND_EVENT: u8 = 0x03;
pub(crate) const KIND_END: u8 = 0x04;

/// Kinds from this value up may be skipped by readers that do not know them.
pub(crate) const FIRST_OPTIONAL_KIND: u8 = 0x40;

/// Optional record kinds (readers that predate them skip them).
pub(crate) const KIND_SPAN: u8 = 0x40;

/// Span status bytes.
pub(crate) const SPAN_STATUS_OK: u8 = 0;
pub(crate) const SPAN_STATUS_ERROR: u8 = 1;

/// Field value type tags.
pub(crate) const TAG_EMPTY: u8 = 0;
pub(crate) const TAG_BOOL: u8 = 1;
pub(crate) const TAG_I64: u8 = 2;
pub(crate) const TAG_U64: u8 = 3;
pub(crate) const TAG_I128: u8 = 4;
pub(crate) const TAG_U128: u8 = 5;
pub(crate) const TAG_F64: u8 = 6;
pub(crate) const TAG_CHAR: u8 = 7;
pub(crate) const TAG_STR: u8 = 8;

/// Header keys.
pub(crate) const KEY_SERVICE: &str = "service";
pub(crate) const KEY_HOSTNAME: &str = "hostname";
pub(crate) const KEY_PID: &str = "pid";
pub(crate) const KEY_CREATED: &str = "created";
pub(crate) const KEY_REASON: &str = "reason";
pub(crate) const KEY_VERSION: &str = "ttlog_version";
pub(crate) const KEY_CAPACITY: &str = "capacity";
pub(crate) const KEY_DROPPED: &str = "dropped";

/// A human name for a record kind, for error messages.
pub(crate) fn kind_name(kind: u8) -> String {
    match kind {
        KIND_HEADER => "header record".to_owned(),
        KIND_STRING => "string record".to_owned(),
        KIND_EVENT => "event record".to_owned(),
        KIND_END => "end record".to_owned(),
        KIND_SPAN => "span record".to_owned(),
        k => format!("record of kind {k:#04x}"),
    }
}

// ===== CRC-32 =====

/// CRC-32/IEEE (reflected polynomial 0xEDB88320), sliced by eight: `CRC_TABLES[0]` is the
/// classic byte-at-a-time table, `CRC_TABLES[k][b]` the CRC of byte `b` followed by `k` zero
/// bytes, so eight bytes take eight independent lookups (a snapshot of hundreds of megabytes
/// is checksummed several times faster than one byte at a time).
const CRC_TABLES: [[u32; 256]; 8] = crc_tables();

const fn crc_tables() -> [[u32; 256]; 8] {
    let mut tables = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        tables[0][i] = c;
        i += 1;
    }
    let mut t = 1;
    while t < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = tables[t - 1][i];
            tables[t][i] = (prev >> 8) ^ tables[0][(prev & 0xFF) as usize];
            i += 1;
        }
        t += 1;
    }
    tables
}

/// An incremental CRC-32/IEEE (the checksum of zlib, PNG and Ethernet).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Crc32(u32);

impl Crc32 {
    pub(crate) fn new() -> Crc32 {
        Crc32(0xFFFF_FFFF)
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let t = &CRC_TABLES;
        let mut c = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let lo = c ^ u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            c = t[7][(lo & 0xFF) as usize]
                ^ t[6][((lo >> 8) & 0xFF) as usize]
                ^ t[5][((lo >> 16) & 0xFF) as usize]
                ^ t[4][(lo >> 24) as usize]
                ^ t[3][chunk[4] as usize]
                ^ t[2][chunk[5] as usize]
                ^ t[1][chunk[6] as usize]
                ^ t[0][chunk[7] as usize];
        }
        for &b in chunks.remainder() {
            c = t[0][((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
        }
        self.0 = c;
    }

    pub(crate) fn finish(self) -> u32 {
        self.0 ^ 0xFFFF_FFFF
    }
}

/// The CRC-32/IEEE of `bytes`.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut c = Crc32::new();
    c.update(bytes);
    c.finish()
}

// ===== varints =====

/// Appends `v` as an unsigned LEB128 varint.
pub(crate) fn put_uvarint(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends `v` zigzag-mapped, as an unsigned LEB128 varint.
pub(crate) fn put_svarint(out: &mut Vec<u8>, v: i128) {
    put_uvarint(out, zigzag(v));
}

/// Appends a length-prefixed string.
pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_uvarint(out, s.len() as u128);
    out.extend_from_slice(s.as_bytes());
}

pub(crate) fn zigzag(v: i128) -> u128 {
    ((v << 1) ^ (v >> 127)) as u128
}

pub(crate) fn unzigzag(v: u128) -> i128 {
    ((v >> 1) as i128) ^ -((v & 1) as i128)
}

/// Why a varint could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VarintError {
    /// The input ended inside the varint.
    Eof,
    /// The value does not fit in the number of bits asked for.
    Overflow,
    /// The varint has trailing zero groups (a longer encoding than needed).
    Overlong,
}

/// Reads an unsigned LEB128 varint of at most `bits` bits (64 or 128) from the start of `bytes`,
/// returning the value and how many bytes it took.
pub(crate) fn get_uvarint(bytes: &[u8], bits: u32) -> Result<(u128, usize), VarintError> {
    let mut value: u128 = 0;
    let mut shift: u32 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let group = (b & 0x7F) as u128;
        if shift >= bits || (shift > 0 && bits - shift < 7 && group >> (bits - shift) != 0) {
            return Err(VarintError::Overflow);
        }
        value |= group << shift;
        if b & 0x80 == 0 {
            if b == 0 && i > 0 {
                return Err(VarintError::Overlong);
            }
            return Ok((value, i + 1));
        }
        shift += 7;
    }
    Err(VarintError::Eof)
}

// ===== time =====

/// Signed nanoseconds since the Unix epoch (exact for every `SystemTime` this platform holds).
pub(crate) fn time_to_nanos(t: std::time::SystemTime) -> i128 {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// The `SystemTime` `nanos` after (or, negative, before) the Unix epoch, if it is representable.
pub(crate) fn nanos_to_time(nanos: i128) -> Option<std::time::SystemTime> {
    let abs = nanos.unsigned_abs();
    let secs = u64::try_from(abs / 1_000_000_000).ok()?;
    let d = std::time::Duration::new(secs, (abs % 1_000_000_000) as u32);
    if nanos >= 0 {
        std::time::UNIX_EPOCH.checked_add(d)
    } else {
        std::time::UNIX_EPOCH.checked_sub(d)
    }
}

/// The proleptic Gregorian date (year, month 1–12, day 1–31) of day `z` after 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `t` as `YYYYMMDDTHHMMSS` in UTC.
pub(crate) fn compact_utc(t: std::time::SystemTime) -> String {
    let secs = time_to_nanos(t).div_euclid(1_000_000_000);
    let secs = i64::try_from(secs).unwrap_or(if secs < 0 { i64::MIN } else { i64::MAX });
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn crc_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        let mut c = Crc32::new();
        c.update(b"1234");
        c.update(b"56789");
        assert_eq!(c.finish(), 0xCBF4_3926);
        // Sliced and byte-at-a-time agree at every length and split.
        let data: Vec<u8> = (0..100u32).map(|i| (i * 37 + 11) as u8).collect();
        for len in 0..data.len() {
            let mut bytewise = 0xFFFF_FFFFu32;
            for &b in &data[..len] {
                bytewise = CRC_TABLES[0][((bytewise ^ b as u32) & 0xFF) as usize] ^ (bytewise >> 8);
            }
            let mut c = Crc32::new();
            c.update(&data[..len / 3]);
            c.update(&data[len / 3..len]);
            assert_eq!(c.finish(), bytewise ^ 0xFFFF_FFFF, "{len}");
        }
    }

    #[test]
    fn varint_round_trip() {
        let values: [u128; 12] = [
            0,
            1,
            127,
            128,
            255,
            300,
            16_383,
            16_384,
            u32::MAX as u128,
            u64::MAX as u128 - 1,
            u64::MAX as u128,
            u128::MAX,
        ];
        for v in values {
            let mut out = Vec::new();
            put_uvarint(&mut out, v);
            assert_eq!(get_uvarint(&out, 128), Ok((v, out.len())), "{v}");
            if v <= u64::MAX as u128 {
                assert!(out.len() <= 10);
                assert_eq!(get_uvarint(&out, 64), Ok((v, out.len())), "{v}");
            } else {
                assert_eq!(get_uvarint(&out, 64), Err(VarintError::Overflow));
            }
            for cut in 0..out.len() {
                assert_eq!(get_uvarint(&out[..cut], 128), Err(VarintError::Eof));
            }
        }
        assert_eq!(put_len(u128::MAX), 19);
    }

    fn put_len(v: u128) -> usize {
        let mut out = Vec::new();
        put_uvarint(&mut out, v);
        out.len()
    }

    #[test]
    fn varint_rejects_overflow_and_overlong() {
        // 2^64 needs a 10th byte of 2.
        let mut b = [0xFFu8; 10];
        b[9] = 0x02;
        assert_eq!(get_uvarint(&b, 64), Err(VarintError::Overflow));
        b[9] = 0x01;
        assert_eq!(get_uvarint(&b, 64), Ok((u64::MAX as u128, 10)));
        // An 11-byte varint never fits 64 bits.
        let b = [
            0x80u8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
        ];
        assert_eq!(get_uvarint(&b, 64), Err(VarintError::Overflow));
        let mut b = [0xFFu8; 19];
        b[18] = 0x04;
        assert_eq!(get_uvarint(&b, 128), Err(VarintError::Overflow));
        b[18] = 0x03;
        assert_eq!(get_uvarint(&b, 128), Ok((u128::MAX, 19)));
        assert_eq!(get_uvarint(&[0x80, 0x00], 64), Err(VarintError::Overlong));
        assert_eq!(get_uvarint(&[0x00], 64), Ok((0, 1)));
        // Endless continuation bytes end, at the latest, when the bits run out.
        assert_eq!(get_uvarint(&[0x80; 1000], 64), Err(VarintError::Overflow));
    }

    #[test]
    fn zigzag_round_trip() {
        for v in [0, 1, -1, 2, -2, i64::MIN as i128, i128::MIN, i128::MAX] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
    }

    #[test]
    fn time_conversions() {
        let t = UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789);
        assert_eq!(time_to_nanos(t), 1_700_000_000_123_456_789);
        assert_eq!(nanos_to_time(time_to_nanos(t)), Some(t));
        let before = UNIX_EPOCH - Duration::new(5, 1);
        assert_eq!(time_to_nanos(before), -5_000_000_001);
        assert_eq!(nanos_to_time(-5_000_000_001), Some(before));
        assert_eq!(nanos_to_time(i128::MAX), None);
        assert_eq!(nanos_to_time(i128::MIN), None);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(compact_utc(UNIX_EPOCH), "19700101T000000");
        let t = UNIX_EPOCH + Duration::from_secs(1_709_210_096); // 2024-02-29 12:34:56 UTC
        assert_eq!(compact_utc(t), "20240229T123456");
        assert_eq!(
            compact_utc(UNIX_EPOCH - Duration::from_secs(1)),
            "19691231T235959"
        );
    }
}
