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
                while k > 0 && n % 10 == 0 {
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
