//! RFC 3339 timestamps in UTC with microsecond precision, written straight into a buffer.
//!
//! Every formatted event starts with its time, so this is on the collector's hot path: it
//! converts a [`SystemTime`] to a civil date with Howard Hinnant's `civil_from_days` algorithm
//! (exact for the proleptic Gregorian calendar, no tables, no time-zone database) and writes
//! fixed-width digits without going through `fmt`. UTC needs no leap-second data: `SystemTime`
//! counts Unix time, which has none.
//!
//! RFC 3339 has four-digit years, so times before `0000-01-01T00:00:00Z` or after
//! `9999-12-31T23:59:59.999999Z` are clamped to those bounds rather than printed in a form no
//! parser accepts. Times before 1970 are formatted exactly (fractions round down, toward the
//! past, like the whole seconds do).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds from the Unix epoch to `0000-01-01T00:00:00Z`.
const MIN_SECS: i64 = -62_167_219_200;
/// Seconds from the Unix epoch to `9999-12-31T23:59:59Z`.
const MAX_SECS: i64 = 253_402_300_799;

/// The length of every timestamp [`write_rfc3339`] writes.
///
/// ```
/// let mut out = Vec::new();
/// ttlog_core::sink::format::time::write_rfc3339(std::time::SystemTime::now(), &mut out);
/// assert_eq!(out.len(), ttlog_core::sink::format::time::RFC3339_LEN);
/// ```
pub const RFC3339_LEN: usize = 27;

/// Appends `time` as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, microseconds, always
/// [`RFC3339_LEN`] bytes).
///
/// Times outside years 0000..=9999 are clamped to the nearest representable instant.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ttlog_core::sink::format::time::write_rfc3339;
///
/// let mut out = Vec::new();
/// write_rfc3339(UNIX_EPOCH + Duration::new(1_795_000_000, 123_456_789), &mut out);
/// assert_eq!(out, b"2026-11-18T11:06:40.123456Z");
///
/// out.clear();
/// write_rfc3339(UNIX_EPOCH - Duration::from_micros(1), &mut out);
/// assert_eq!(out, b"1969-12-31T23:59:59.999999Z");
/// ```
pub fn write_rfc3339(time: SystemTime, out: &mut Vec<u8>) {
    let (secs, micros) = split(time);
    // Events come in bursts within one second: reuse the date and time of day from the last
    // call on this thread when the second is the same.
    let cached = LAST_SECOND
        .try_with(|last| {
            let (s, prefix) = last.get();
            (s == secs).then_some(prefix)
        })
        .ok()
        .flatten();
    let prefix = match cached {
        Some(prefix) => prefix,
        None => {
            let prefix = second_prefix(secs);
            let _ = LAST_SECOND.try_with(|last| last.set((secs, prefix)));
            prefix
        }
    };
    let mut buf = *b"0000-00-00T00:00:00.000000Z";
    buf[..20].copy_from_slice(&prefix);
    put(&mut buf[20..26], micros);
    out.extend_from_slice(&buf);
}

thread_local! {
    /// The last whole second formatted on this thread, and its `YYYY-MM-DDTHH:MM:SS.` text.
    static LAST_SECOND: std::cell::Cell<(i64, [u8; 20])> = const { std::cell::Cell::new((i64::MIN, [0; 20])) };
}

/// `YYYY-MM-DDTHH:MM:SS.` for whole seconds since the epoch.
fn second_prefix(secs: i64) -> [u8; 20] {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);

    let mut buf = *b"0000-00-00T00:00:00.000000Z";
    put(&mut buf[0..4], year as u32);
    put(&mut buf[5..7], month);
    put(&mut buf[8..10], day);
    put(&mut buf[11..13], sod / 3600);
    put(&mut buf[14..16], sod / 60 % 60);
    put(&mut buf[17..19], sod % 60);
    let mut prefix = [0; 20];
    prefix.copy_from_slice(&buf[..20]);
    prefix
}

/// Whole seconds since the epoch (floored) and the microseconds past them, clamped to years
/// 0000..=9999.
fn split(time: SystemTime) -> (i64, u32) {
    const MAX: (i64, u32) = (MAX_SECS, 999_999);
    const MIN: (i64, u32) = (MIN_SECS, 0);
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => match i64::try_from(d.as_secs()) {
            Ok(s) if s <= MAX_SECS => (s, d.subsec_micros()),
            _ => MAX,
        },
        Err(e) => {
            let d = e.duration();
            let Ok(s) = i64::try_from(d.as_secs()) else {
                return MIN;
            };
            let nanos = d.subsec_nanos();
            let (secs, micros) = if nanos == 0 {
                (-s, 0)
            } else {
                // -(s + n/1e9) = -(s + 1) + (1e9 - n)/1e9, and 0 < 1e9 - n < 1e9.
                (-s - 1, (1_000_000_000 - nanos) / 1_000)
            };
            if secs < MIN_SECS {
                MIN
            } else {
                (secs, micros)
            }
        }
    }
}

/// Writes `v` as zero-padded decimal filling `dst` (higher digits are dropped; callers pass
/// values that fit).
#[inline]
fn put(dst: &mut [u8], mut v: u32) {
    for b in dst.iter_mut().rev() {
        *b = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// The proleptic Gregorian (year, month, day) of the day `days` after 1970-01-01.
///
/// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms": shift the year to start in
/// March so the leap day is last, then split into 400-year eras of 146 097 days.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn fmt(t: SystemTime) -> String {
        let mut out = Vec::new();
        write_rfc3339(t, &mut out);
        assert_eq!(out.len(), RFC3339_LEN);
        String::from_utf8(out).unwrap()
    }

    fn at(secs: i64, nanos: u32) -> SystemTime {
        if secs >= 0 {
            UNIX_EPOCH + Duration::new(secs as u64, nanos)
        } else {
            UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()) + Duration::new(0, nanos)
        }
    }

    #[test]
    fn known_dates() {
        let cases: &[(i64, &str)] = &[
            (0, "1970-01-01T00:00:00.000000Z"),
            (86_399, "1970-01-01T23:59:59.000000Z"),
            (951_782_400, "2000-02-29T00:00:00.000000Z"),
            (951_868_800, "2000-03-01T00:00:00.000000Z"),
            (1_709_164_800, "2024-02-29T00:00:00.000000Z"),
            (4_107_542_400, "2100-03-01T00:00:00.000000Z"),
            (4_107_542_399, "2100-02-28T23:59:59.000000Z"), // 2100 is not a leap year
            (1_795_428_000, "2026-11-23T10:00:00.000000Z"),
            (-86_400, "1969-12-31T00:00:00.000000Z"),
            (-2_208_988_800, "1900-01-01T00:00:00.000000Z"),
            (-62_135_596_800, "0001-01-01T00:00:00.000000Z"),
            (MIN_SECS, "0000-01-01T00:00:00.000000Z"),
            (253_402_214_400, "9999-12-31T00:00:00.000000Z"),
        ];
        for &(secs, want) in cases {
            assert_eq!(fmt(at(secs, 0)), want, "secs = {secs}");
        }
    }

    #[test]
    fn micros() {
        assert_eq!(
            fmt(at(1_795_000_000, 123_456_789)),
            "2026-11-18T11:06:40.123456Z"
        );
        assert_eq!(fmt(at(0, 999)), "1970-01-01T00:00:00.000000Z");
        assert_eq!(fmt(at(0, 1_000)), "1970-01-01T00:00:00.000001Z");
    }

    #[test]
    fn before_epoch_rounds_down() {
        assert_eq!(
            fmt(UNIX_EPOCH - Duration::from_nanos(1)),
            "1969-12-31T23:59:59.999999Z"
        );
        assert_eq!(
            fmt(UNIX_EPOCH - Duration::new(1, 500_000_000)),
            "1969-12-31T23:59:58.500000Z"
        );
        assert_eq!(fmt(at(-1, 0)), "1969-12-31T23:59:59.000000Z");
    }

    #[test]
    fn clamps() {
        let far_past = UNIX_EPOCH - Duration::from_secs(100_000_000_000);
        assert_eq!(fmt(far_past), "0000-01-01T00:00:00.000000Z");
        let far_future = UNIX_EPOCH + Duration::from_secs(300_000_000_000);
        assert_eq!(fmt(far_future), "9999-12-31T23:59:59.999999Z");
        assert_eq!(fmt(at(MAX_SECS, 5_000)), "9999-12-31T23:59:59.000005Z");
        if let Some(t) = UNIX_EPOCH.checked_add(Duration::from_secs(i64::MAX as u64)) {
            assert_eq!(fmt(t), "9999-12-31T23:59:59.999999Z");
        }
        if let Some(t) = UNIX_EPOCH.checked_sub(Duration::from_secs(i64::MAX as u64)) {
            assert_eq!(fmt(t), "0000-01-01T00:00:00.000000Z");
        }
    }

    #[test]
    fn every_day_round_trips() {
        // Walk 1600-01-01 ..= 2400-12-31 day by day; dates must be consecutive and valid.
        let mut prev = civil_from_days(-134_775); // 1601-01-01 minus one day
        assert_eq!(prev, (1600, 12, 31));
        for days in -134_774..156_000 {
            let (y, m, d) = civil_from_days(days);
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let len = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ][m as usize - 1];
            assert!(d >= 1 && d <= len, "{y}-{m}-{d}");
            let (py, pm, pd) = prev;
            let next_ok = (y == py && m == pm && d == pd + 1)
                || (y == py && m == pm + 1 && d == 1)
                || (y == py + 1 && m == 1 && d == 1 && pm == 12);
            assert!(next_ok, "{prev:?} -> {y}-{m}-{d}");
            prev = (y, m, d);
        }
    }
}
