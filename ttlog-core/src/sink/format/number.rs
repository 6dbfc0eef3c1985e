//! Numbers as `Display` and `Debug` print them, without going through `fmt`: integers with
//! itoa, floats from ryu's shortest round-trip digits laid out as std lays them out.
//!
//! Rust's float `Display` prints the shortest digits that parse back to the same value, in
//! positional notation (`1e21` prints as `1000000000000000000000`, `1e-7` as `0.0000001`),
//! without `.0` for integers; `Debug` prints the same digits positionally when
//! `1e-4 <= |v| < 1e16` (with `.0` for integers) and in scientific notation otherwise
//! (`1e-5`, `1.5e16`). ryu finds the same shortest digits (both pick the closest of the
//! shortest candidates) except on a tie, which only 17-digit values can have: those go through
//! std. Only the layout is redone here. The tests compare both functions
//! with std's output over random bit patterns and the edge cases.

/// Appends the integer `v` (any width, signed or not) in decimal, as `Display` would.
#[inline]
pub(super) fn write_int(v: impl itoa::Integer, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// Appends `v` exactly as `Display` would (`NaN`, `inf`, `-inf`, `-0`, `0.1`, `1e21` in full).
pub(super) fn write_f64(v: f64, out: &mut Vec<u8>) {
    write_float(v, false, out);
}

/// Appends `v` exactly as `Debug` would (`2.0`, `1e-5`, `1.5e16`).
pub(super) fn write_f64_debug(v: f64, out: &mut Vec<u8>) {
    write_float(v, true, out);
}

fn write_float(v: f64, debug: bool, out: &mut Vec<u8>) {
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
        return;
    }
    if v.is_sign_negative() {
        out.push(b'-');
    }
    if v.is_infinite() {
        out.extend_from_slice(b"inf");
        return;
    }
    if v == 0.0 {
        out.extend_from_slice(if debug { b"0.0" } else { b"0" });
        return;
    }
    let abs = v.abs();
    if let Some((n, k)) = few_decimals(abs) {
        // A tie (see below) has exactly one fractional digit more than its shortest forms:
        // `abs = m * 2^e` with `m` odd has `-e` fractional digits, the last a 5.
        // And the product `abs * 10^k` is rounded, so a shorter form can hide behind a
        // non-integer product at `k - 1` (553633963061.909 * 1000 is …909.06, yet
        // `553633963061.909` parses back to it): checked exactly.
        if (!debug || abs >= 1e-4)
            && fraction_digits(abs) != k + 1
            && (k == 0 || !round_trips_with(abs, k - 1))
        {
            let mut digits = itoa::Buffer::new();
            let digits = digits.format(n).as_bytes();
            let point = digits.len() as i32 - k as i32;
            return layout(digits, point, debug, out);
        }
    }
    let mut buf = ryu::Buffer::new();
    let (digits, point) = shortest(buf.format_finite(abs).as_bytes());
    if is_tie(v, digits.len) {
        // Two shortest candidates equally close: ryu breaks the tie to even, std upwards
        // (0x43180467b3a7ed6d is exactly 1690060720831323.25: ryu `…3.2`, std `…3.3`).
        // Rare (the value's exact decimal must be one digit longer and end in 5): std's.
        use std::io::Write as _;
        // Writing to a Vec cannot fail.
        let _ = if debug {
            write!(out, "{abs:?}")
        } else {
            write!(out, "{abs}")
        };
        return;
    }
    if debug && !(1e-4..1e16).contains(&abs) {
        // Scientific: `d.ddde-N`.
        let digits = &digits.bytes[..digits.len];
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        write_int(i64::from(point) - 1, out);
        return;
    }
    layout(&digits.bytes[..digits.len], point, debug, out);
}

/// The common case of a number with at most six decimals (latencies, ratios, prices), without
/// ryu: `(n, k)` with `abs = n / 10^k` exactly as decimals go (`n` has no trailing zero when
/// `k > 0`), for the smallest `k <= 6` at which `abs * 10^k` is an integer below 2^53 that
/// divides back to `abs`. That decimal parses back to `abs` (both are the correctly rounded
/// value of the same rational), and no shorter one does (it would be an integer at a smaller
/// `k`), so it is the shortest form `Display` prints.
#[inline]
fn few_decimals(abs: f64) -> Option<(u64, u32)> {
    if abs >= 1e15 {
        return None;
    }
    for (k, &scale) in POW10.iter().enumerate() {
        let scaled = abs * scale;
        if scaled.fract() == 0.0 && scaled < 9_007_199_254_740_992.0 && scaled / scale == abs {
            let mut n = scaled as u64;
            let mut k = k as u32;
            // `v * 10^k` can land on an integer only at a `k` one past the shortest one
            // (8857.45 * 100 is not an integer in binary, * 1000 is): drop zeros, which
            // leaves the same decimal value.
            while k > 0 && n.is_multiple_of(10) {
                n /= 10;
                k -= 1;
            }
            return Some((n, k));
        }
    }
    None
}

/// Appends `0.DIGITS * 10^point` positionally (`Debug`: with `.0` when it is an integer).
fn layout(digits: &[u8], point: i32, debug: bool, out: &mut Vec<u8>) {
    let len = digits.len() as i32;
    if point <= 0 {
        out.extend_from_slice(b"0.");
        zeros((-point) as usize, out);
        out.extend_from_slice(digits);
    } else if point >= len {
        out.extend_from_slice(digits);
        zeros((point - len) as usize, out);
        if debug {
            out.extend_from_slice(b".0");
        }
    } else {
        let (int, frac) = digits.split_at(point as usize);
        out.extend_from_slice(int);
        out.push(b'.');
        out.extend_from_slice(frac);
    }
}

/// 10^k for the fast path's `k`.
const POW10: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];

/// Whether some decimal with `k` fractional digits parses back to `abs` (finite, non-zero,
/// below 2^53): the two nearest such decimals are checked against the half-way points to
/// `abs`'s neighbours, in integers. (At a half-way point exactly, a parser rounds to the even
/// mantissa; counted as a round trip either way: the caller then takes the slow path.)
fn round_trips_with(abs: f64, k: u32) -> bool {
    // Most values are far from every k-digit decimal (1.5 at k = 0): `abs * 10^k` is then
    // far from an integer. A round trip needs the distance within half an ulp of `abs`
    // times 10^k (at most an ulp of the product), plus the product's own rounding: under
    // 1e-15 (about 4.5 ulps) of the product. Only near ones get the exact check.
    let t = abs * POW10[k as usize];
    if (t - t.round()).abs() > t * 1e-15 {
        return false;
    }
    let (m, e) = mantissa(abs);
    if e >= 0 {
        // An integer: it is its own shortest form at k = 0.
        return true;
    }
    let shift = (-e) as u32;
    if shift > 120 {
        // abs < 2^-67: far below what the fast path takes.
        return false;
    }
    let pow = 10u128.pow(k);
    // abs * 10^k = m * 10^k / 2^shift; the candidates are its floor and ceiling.
    let target = u128::from(m) * pow;
    let floor = target >> shift;
    // The neighbours of abs are half an ulp away (a quarter below, at a power of two).
    // (A power of two above the smallest normal exponent: below it the spacing is even.)
    let below = if m == 1 << 52 && e > -1074 { 2 } else { 1 };
    [floor, floor + 1].into_iter().any(|n| {
        // |n / 10^k - abs| <= gap  <=>  |n * 2^shift - m * 10^k| * 2 <= 10^k (above) or
        // * 4 <= 10^k (below, at a power of two).
        let Some(scaled) = n.checked_shl(shift).filter(|s| s >> shift == n) else {
            return false;
        };
        if scaled >= target {
            (scaled - target) * 2 <= pow
        } else {
            (target - scaled) * 2 * below <= pow
        }
    })
}

/// How many digits `abs` (finite, non-zero) has after the decimal point, written out exactly.
#[inline]
fn fraction_digits(abs: f64) -> u32 {
    let (m, e) = odd_mantissa(abs);
    debug_assert!(m % 2 == 1);
    if e < 0 {
        (-e) as u32
    } else {
        0
    }
}

/// `abs = m * 2^e` (finite, non-zero) with `m` odd.
#[inline]
fn odd_mantissa(abs: f64) -> (u64, i32) {
    let (m, e) = mantissa(abs);
    let zeros = m.trailing_zeros();
    (m >> zeros, e + zeros as i32)
}

/// `abs = m * 2^e` (finite, non-zero) with `m` the 53-bit significand (implicit bit included;
/// below 2^52 for subnormals).
#[inline]
fn mantissa(abs: f64) -> (u64, i32) {
    let bits = abs.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased - 1075)
    }
}

/// Whether `v` (finite, non-zero) lies exactly halfway between two `n`-digit decimals: its
/// exact decimal expansion has `n + 1` significant digits, the last a 5.
fn is_tie(v: f64, n: usize) -> bool {
    let (m, e) = odd_mantissa(v.abs());
    // |v| = m * 2^e with m odd; its exact decimal significand:
    let exact: u128 = if e >= 0 {
        // m * 2^e: with e > 74 the factor 2 outnumbers any 5 in m (m < 2^53 has at most 22),
        // so the significand is even, not a tie.
        if e > 74 {
            return false;
        }
        u128::from(m) << e
    } else {
        // m * 2^e = m * 5^-e / 10^-e: with -e > 27 that is over 19 digits, too many.
        if -e > 27 {
            return false;
        }
        u128::from(m) * 5u128.pow((-e) as u32)
    };
    let mut x = exact;
    while x.is_multiple_of(10) {
        x /= 10;
    }
    if x % 10 != 5 {
        return false;
    }
    let mut len = 0;
    while x > 0 {
        x /= 10;
        len += 1;
    }
    len == n + 1
}

/// Appends `n` zeros (usually none: no call into `memset` then).
#[inline]
fn zeros(n: usize, out: &mut Vec<u8>) {
    if n > 0 {
        out.resize(out.len() + n, b'0');
    }
}

/// Up to 17 significant digits (an f64's shortest form never needs more).
struct Digits {
    bytes: [u8; 17],
    len: usize,
}

/// The significant digits of ryu's output for a positive finite non-zero value (no leading
/// or trailing zeros), and where the decimal point goes: the value is `0.DIGITS * 10^point`.
fn shortest(text: &[u8]) -> (Digits, i32) {
    let (mantissa, exp) = match text.iter().position(|&b| b == b'e') {
        Some(e) => (&text[..e], parse_exp(&text[e + 1..])),
        None => (text, 0),
    };
    let mut digits = Digits {
        bytes: [0; 17],
        len: 0,
    };
    // Digits before the point, counted while none is significant yet.
    let mut point = exp;
    let mut seen_point = false;
    for &b in mantissa {
        if b == b'.' {
            seen_point = true;
            continue;
        }
        if digits.len == 0 && b == b'0' {
            // A leading zero: after the point it moves the point left.
            if seen_point {
                point -= 1;
            }
            continue;
        }
        if !seen_point {
            point += 1;
        }
        if digits.len < digits.bytes.len() {
            digits.bytes[digits.len] = b;
            digits.len += 1;
        }
    }
    while digits.len > 1 && digits.bytes[digits.len - 1] == b'0' {
        digits.len -= 1;
    }
    (digits, point)
}

fn parse_exp(text: &[u8]) -> i32 {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    let n = digits
        .iter()
        .fold(0i32, |n, &d| n * 10 + i32::from(d.wrapping_sub(b'0')));
    if negative {
        -n
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn display(v: f64) -> String {
        let mut out = Vec::new();
        write_f64(v, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn debug(v: f64) -> String {
        let mut out = Vec::new();
        write_f64_debug(v, &mut out);
        String::from_utf8(out).unwrap()
    }

    const EDGES: &[f64] = &[
        0.0,
        -0.0,
        1.0,
        -1.0,
        1.5,
        0.1,
        0.3,
        2.0,
        10.0,
        100.0,
        1e-4,
        9.999e-5,
        1e-5,
        1e-7,
        1.5e-7,
        123456.789,
        1e15,
        9999999999999998.0,
        1e16,
        1.5e16,
        1e21,
        1e22,
        1e300,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        5e-324,
        f64::EPSILON,
        1.0 / 3.0,
        0.1 + 0.2,
        4503599627370497.5,
        9007199254740993.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f32::MAX as f64,
        0.000123,
        // Ties: std rounds the last digit up, ryu to even.
        758_560_795_102_542.2,
        1_690_060_720_831_323.2,
        // A shorter form than the one an exact product at 10^k finds.
        553_633_963_061.909,
        0.125,
        2.5,
        0.000_012_5,
        42.000001,
        2.71,
    ];

    #[test]
    fn floats_print_like_display_and_debug() {
        for &v in EDGES {
            assert_eq!(display(v), format!("{v}"), "{v:?}");
            assert_eq!(debug(v), format!("{v:?}"), "{v:?}");
        }
    }

    #[test]
    fn random_bit_patterns_print_like_std() {
        // TTLOG_FLOAT_CASES=N runs more (the change was checked with 20 million).
        let cases = std::env::var("TTLOG_FLOAT_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(200_000u64);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..cases {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Every bit pattern, and values with few decimals (latencies, prices).
            let v = if i % 2 == 0 {
                f64::from_bits(x)
            } else {
                (x % 100_000_000) as f64 / [1.0, 10.0, 100.0, 1e3, 1e4, 1e6][(x >> 40) as usize % 6]
            };
            assert_eq!(display(v), format!("{v}"), "{v:?} ({:#x})", v.to_bits());
            assert_eq!(debug(v), format!("{v:?}"), "{v:?} ({:#x})", v.to_bits());
        }
    }

    #[test]
    fn integers_print_like_display() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut out = Vec::new();
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let shift = (x >> 58) as u32;
            for v in [x >> shift, u64::MAX, 0, 9, 10] {
                out.clear();
                write_int(v, &mut out);
                assert_eq!(out, v.to_string().as_bytes());
                let s = v as i64;
                out.clear();
                write_int(s, &mut out);
                assert_eq!(out, s.to_string().as_bytes());
                let w = (u128::from(v) << 64 | u128::from(x)) >> shift;
                out.clear();
                write_int(w, &mut out);
                assert_eq!(out, w.to_string().as_bytes());
                out.clear();
                write_int(w as i128, &mut out);
                assert_eq!(out, (w as i128).to_string().as_bytes());
            }
        }
        for v in [i64::MIN, i64::MAX, -1] {
            out.clear();
            write_int(v, &mut out);
            assert_eq!(out, v.to_string().as_bytes());
        }
    }

    /// Values with few decimals over the whole fast-path range (up to 1e15, where the
    /// random test only goes to 1e8), their neighbours, and sums that land near them.
    #[test]
    fn few_decimals_at_large_magnitudes() {
        let cases: u64 = std::env::var("TTLOG_FLOAT_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(400_000);
        let mut x: u64 = 0x1234_5678_9abc_def1;
        let mut bad = Vec::new();
        for _ in 0..cases {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = 1 + (x >> 59) % 16; // 1..=16 significant digits
            let n = (x >> 3) % 10u64.pow(digits as u32);
            let k = ((x >> 50) % 8) as i32;
            let base = n as f64 / 10f64.powi(k);
            let up = f64::from_bits(base.to_bits() + 1);
            let down = f64::from_bits(base.to_bits().saturating_sub(1));
            let sum = base + 0.1 * ((x >> 40) % 7) as f64;
            for v in [base, up, down, sum, -base] {
                if display(v) != format!("{v}") || debug(v) != format!("{v:?}") {
                    bad.push((
                        v.to_bits(),
                        format!("{v}"),
                        display(v),
                        format!("{v:?}"),
                        debug(v),
                    ));
                }
            }
        }
        assert!(
            bad.is_empty(),
            "{} mismatches, first: {:?}",
            bad.len(),
            &bad[..bad.len().min(10)]
        );
    }
}
