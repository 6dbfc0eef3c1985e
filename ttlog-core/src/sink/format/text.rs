//! Pieces the text formats share: levels, numbers, values, the span scope and the fields.

use std::io::Write as _;

use crate::field::value::ValueRef;
use crate::level::Level;
use crate::record::Record;
use crate::sink::escape;

/// Appends the level right-aligned in five columns (` INFO`, `ERROR`).
#[inline]
pub(super) fn write_level_padded(level: Level, out: &mut Vec<u8>) {
    if level.as_str().len() == 4 {
        out.push(b' ');
    }
    out.extend_from_slice(level.as_str().as_bytes());
}

/// Appends `v` in decimal.
#[inline]
pub(super) fn write_u64(mut v: u64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `v` in decimal.
#[inline]
pub(super) fn write_i64(v: i64, out: &mut Vec<u8>) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(v.unsigned_abs(), out);
}

/// Appends `v` as `Display` would, with a fast path for the common case of a number with at
/// most six decimals (latencies, ratios, prices), which `Display` formats slowly.
///
/// The fast path prints `n / 10^k` for the smallest `k <= 6` at which `v * 10^k` is an
/// integer `n` below 2^53 and `n / 10^k == v` exactly, with trailing zeros dropped: that
/// decimal parses back to `v` (both are the correctly rounded value of the same rational).
/// Every other value goes through `Display`. Tests check both against `Display`.
pub(super) fn write_f64(v: f64, out: &mut Vec<u8>) {
    const POW10: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];
    if v.is_finite() && v.abs() < 1e15 && v != 0.0 {
        for (k, &scale) in POW10.iter().enumerate() {
            let scaled = v * scale;
            if scaled.fract() == 0.0
                && scaled.abs() < 9_007_199_254_740_992.0
                && scaled / scale == v
            {
                let mut n = scaled.abs() as u64;
                let mut k = k;
                // `v * 10^k` can land on an integer only at a `k` one past the shortest one
                // (8857.45 * 100 is not an integer in binary, * 1000 is): drop zeros, which
                // leaves the same decimal value.
                while k > 0 && n.is_multiple_of(10) {
                    n /= 10;
                    k -= 1;
                }
                if v < 0.0 {
                    out.push(b'-');
                }
                let int = n / 10u64.pow(k as u32);
                write_u64(int, out);
                if k > 0 {
                    out.push(b'.');
                    let frac = n % 10u64.pow(k as u32);
                    let mut digits = [b'0'; 6];
                    let mut f = frac;
                    for i in (0..k).rev() {
                        digits[i] = b'0' + (f % 10) as u8;
                        f /= 10;
                    }
                    out.extend_from_slice(&digits[..k]);
                }
                return;
            }
        }
    }
    let _ = write!(out, "{v}");
}

/// Appends a field's value in the text formats (compact, full, logfmt): numbers and booleans
/// with `Display`, text and chars through [`escape::write_value`]. `Empty` writes nothing;
/// callers skip those fields before writing the name.
pub(super) fn write_text_value(value: ValueRef<'_>, out: &mut Vec<u8>) {
    match value {
        ValueRef::Empty => {}
        ValueRef::Bool(v) => out.extend_from_slice(if v { b"true" } else { b"false" }),
        ValueRef::I64(v) => write_i64(v, out),
        ValueRef::U64(v) => write_u64(v, out),
        // Writing to a Vec cannot fail.
        ValueRef::I128(v) => {
            let _ = write!(out, "{v}");
        }
        ValueRef::U128(v) => {
            let _ = write!(out, "{v}");
        }
        ValueRef::F64(v) => write_f64(v, out),
        ValueRef::Char(c) => escape::write_value(out, c.encode_utf8(&mut [0; 4])),
        ValueRef::Str(s) => escape::write_value(out, s),
    }
}

/// Appends the event's span scope, root first, as tracing-subscriber does:
/// `request{id=7 user=alice}:db{table=users}` (fields without a value are left out, and so
/// are empty braces). Returns whether anything was written.
pub(super) fn write_text_scope(record: &Record<'_>, out: &mut Vec<u8>) -> bool {
    let mut wrote = false;
    record.scope().for_each_root_first(|span| {
        if wrote {
            out.push(b':');
        }
        wrote = true;
        escape::write_bare(out, span.name);
        let mut first = true;
        for field in span.fields.iter() {
            let value = field.value.as_ref();
            if value == ValueRef::Empty {
                continue;
            }
            out.push(if first { b'{' } else { b' ' });
            first = false;
            escape::write_key(out, field.name);
            out.push(b'=');
            write_text_value(value, out);
        }
        if !first {
            out.push(b'}');
        }
    });
    wrote
}

/// Appends ` name=value` for every non-empty field (the tail of compact, full and logfmt
/// lines), then the event's trace ids if it is inside a trace context (a field of the same
/// name, which the event already has, is not repeated).
pub(super) fn write_text_fields(record: &Record<'_>, out: &mut Vec<u8>) {
    for field in record.fields.iter() {
        let value = field.value.as_ref();
        if value == ValueRef::Empty {
            continue;
        }
        out.push(b' ');
        escape::write_key(out, field.name);
        out.push(b'=');
        write_text_value(value, out);
    }
    if let Some(trace) = record.trace() {
        trace.for_each(|name, value| {
            if record.field(name).is_none() {
                out.push(b' ');
                out.extend_from_slice(name.as_bytes());
                out.push(b'=');
                escape::write_value(out, value);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        let mut out = Vec::new();
        for v in [0, 7, 10, 99, 1234567890, u64::MAX] {
            out.clear();
            write_u64(v, &mut out);
            assert_eq!(out, v.to_string().as_bytes());
        }
        for v in [0, -1, 42, i64::MIN, i64::MAX] {
            out.clear();
            write_i64(v, &mut out);
            assert_eq!(out, v.to_string().as_bytes());
        }
    }

    #[test]
    fn floats_print_like_display() {
        let cases = [
            1.5,
            0.1,
            0.3,
            -2.25,
            2.0,
            1e-7,
            123456.789,
            0.000001,
            1e15,
            1e300,
            -0.0,
            0.0,
            1.0 / 3.0,
            0.1 + 0.2,
            4503599627370497.5,
            9007199254740993.0,
            42.000001,
            -1e-6,
            2.71,
        ];
        for v in cases {
            let mut out = Vec::new();
            write_f64(v, &mut out);
            let text = String::from_utf8(out).unwrap();
            assert_eq!(
                text.parse::<f64>().unwrap().to_bits(),
                v.to_bits(),
                "{v}: {text}"
            );
            assert_eq!(text, v.to_string(), "{v}");
        }
        // Pseudo-random values with few decimals round-trip and match `Display`.
        let mut x: u64 = 0x9e3779b97f4a7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = (x % 10_000_000) as f64 / [1.0, 10.0, 100.0, 1e3, 1e4][(x >> 40) as usize % 5];
            let mut out = Vec::new();
            write_f64(v, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string(), "{v}");
        }
    }

    #[test]
    fn levels() {
        let mut out = Vec::new();
        for level in Level::ALL {
            write_level_padded(level, &mut out);
        }
        assert_eq!(out, b"ERROR WARN INFODEBUGTRACE");
    }
}
