//! W3C Trace Context headers: the spec's `traceparent` and `tracestate` examples and edge
//! cases, their error messages, and editing a `tracestate`.

mod trace_context_support;
use trace_context_support::*;

use ttlog_core::trace_context::MAX_TRACESTATE_MEMBERS;
use ttlog_core::{TraceContext, TraceContextErrorKind as Kind, TraceState};

#[test]
fn valid_traceparents() {
    // (header, canonical form, sampled, flag bits)
    let table: &[(&str, &str, bool, u8)] = &[
        (VALID, VALID, true, 0x01),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
            false,
            0x00,
        ),
        // Unknown flag bits are kept.
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff",
            true,
            0xff,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02",
            false,
            0x02,
        ),
        // Ids with a single non-zero digit.
        (
            "00-00000000000000000000000000000001-0000000000000001-01",
            "00-00000000000000000000000000000001-0000000000000001-01",
            true,
            0x01,
        ),
        // Later versions: the first 55 characters, then the end or a `-`; written as 00.
        (
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            VALID,
            true,
            0x01,
        ),
        (
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds",
            VALID,
            true,
            0x01,
        ),
        (
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            VALID,
            true,
            0x01,
        ),
        (
            "fe-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-XYZ-é",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09",
            true,
            0x09,
        ),
    ];
    for &(header, canonical, sampled, bits) in table {
        let ctx = TraceContext::parse(header, None)
            .unwrap_or_else(|e| panic!("{header:?} should parse: {e}"));
        assert_eq!(ctx.to_traceparent(), canonical, "{header}");
        assert_eq!(ctx.to_string(), canonical, "{header}");
        assert_eq!(ctx.flags.is_sampled(), sampled, "{header}");
        assert_eq!(ctx.flags.bits(), bits, "{header}");
        assert!(ctx.state.is_empty());
        // Canonical form is a fixpoint.
        assert_eq!(TraceContext::parse(canonical, None).unwrap(), ctx);
    }
    let ctx = TraceContext::parse(VALID, None).unwrap();
    assert_eq!(ctx.trace_id.to_string(), TRACE_ID);
    assert_eq!(ctx.parent_id.to_string(), PARENT_ID);
    assert_eq!(
        ctx.parent_id.to_bytes(),
        [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]
    );
    assert_eq!(ctx.trace_id.to_bytes()[0], 0x4b);
    assert_eq!(ctx.trace_id.to_bytes()[15], 0x36);
}

#[test]
fn invalid_traceparents() {
    let long_v0 = format!("{VALID}-");
    let long_v0b = format!("{VALID}0");
    let huge = format!("01-{TRACE_ID}-{PARENT_ID}-01{}", "x".repeat(1 << 20));
    let huge_bad = format!("00{}", "-".repeat(1 << 20));
    let table: &[(&str, Kind)] = &[
        ("", Kind::TraceparentLength),
        ("0", Kind::TraceparentLength),
        ("00", Kind::TraceparentLength),
        ("00-", Kind::TraceparentLength),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
            Kind::TraceparentLength,
        ),
        (&long_v0, Kind::TraceparentLength),
        (&long_v0b, Kind::TraceparentLength),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
            Kind::TraceparentLength,
        ),
        // Uppercase hex anywhere.
        (
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            Kind::TraceId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
            Kind::ParentId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
            Kind::Flags,
        ),
        (
            "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            Kind::Version,
        ),
        // Not hex.
        (
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            Kind::TraceId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
            Kind::ParentId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0.",
            Kind::Flags,
        ),
        (
            "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            Kind::Version,
        ),
        // Version ff, whatever follows.
        (
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            Kind::Version,
        ),
        ("ff", Kind::Version),
        (
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            Kind::Version,
        ),
        // All-zero ids.
        (
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            Kind::ZeroTraceId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            Kind::ZeroParentId,
        ),
        (
            "01-00000000000000000000000000000000-00f067aa0ba902b7-01-x",
            Kind::ZeroTraceId,
        ),
        // Wrong field lengths, same total.
        (
            "00-4bf92f3577b34da6a3ce929d0e0e47366-0f067aa0ba902b7-01",
            Kind::Delimiter,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
            Kind::TraceId,
        ),
        (
            "000-bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            Kind::Delimiter,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b701-1",
            Kind::Delimiter,
        ),
        // Other separators.
        (
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            Kind::Delimiter,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7-01",
            Kind::Delimiter,
        ),
        // Later version: a 56th character other than `-`; too short.
        (
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            Kind::Delimiter,
        ),
        (
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what",
            Kind::Delimiter,
        ),
        (
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
            Kind::TraceparentLength,
        ),
        (
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            Kind::TraceparentLength,
        ),
        // Surrounding whitespace is not trimmed.
        (
            " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            Kind::Version,
        ),
        // Non-ASCII, including multi-byte characters straddling field boundaries.
        (
            "00-4bf92f3577b34da6a3ce929d0e0e473é-00f067aa0ba902b7-01",
            Kind::TraceId,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736é0f067aa0ba902b7-01",
            Kind::Delimiter,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0é",
            Kind::Flags,
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01é",
            Kind::TraceparentLength,
        ),
        (
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01é",
            Kind::Delimiter,
        ),
        (
            "0é-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            Kind::Version,
        ),
        ("é", Kind::Version),
        ("a", Kind::TraceparentLength),
        ("😀😀", Kind::Version),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-😀",
            Kind::Flags,
        ),
        (&huge, Kind::Delimiter),
        (&huge_bad, Kind::TraceId),
    ];
    for &(header, kind) in table {
        assert_eq!(
            tp_kind(header),
            kind,
            "{:?}: {}",
            short(header),
            tp_err(header)
        );
    }
    // The long future-version header is fine when its 56th character is `-`.
    let fine = format!("01-{TRACE_ID}-{PARENT_ID}-01-{}", "x".repeat(1 << 20));
    assert_eq!(TraceContext::parse(&fine, None).unwrap().to_string(), VALID);
}

#[test]
fn traceparent_messages() {
    assert_eq!(
        tp_err("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        "traceparent: trace-id is all zeros"
    );
    assert_eq!(
        tp_err("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
        "traceparent: parent-id is all zeros"
    );
    assert_eq!(
        tp_err("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        "traceparent: version `ff` is invalid"
    );
    assert_eq!(tp_err(""), "traceparent: empty, expected 55 characters");
    assert_eq!(
        tp_err("00-abc"),
        "traceparent: too short: 6 characters, expected 55"
    );
    assert_eq!(
        tp_err(&format!("{VALID}-01")),
        "traceparent: version 00 must be exactly 55 characters, found 58"
    );
    assert_eq!(
        tp_err("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902B7-01"),
        "traceparent: parent-id has `B` at character 51 \
         (expected lowercase hex; uppercase is not allowed)"
    );
    assert_eq!(
        tp_err("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\n"),
        "traceparent: trace-flags has `\\n` at character 55 (expected lowercase hex)"
    );
    assert_eq!(
        tp_err("00-4bf92f3577b34da6a3ce929d0e0e473é-00f067aa0ba902b7-01"),
        "traceparent: trace-id has `é` at character 35 (expected lowercase hex)"
    );
    assert_eq!(
        tp_err("00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01"),
        "traceparent: expected `-` after the trace-id at character 36, found `_`"
    );
    assert_eq!(
        tp_err("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"),
        "traceparent: version 01 goes on after trace-flags without `-` \
         (found `x` at character 56)"
    );
}

#[test]
fn valid_tracestates() {
    let value_256 = format!("v={}", "x".repeat(256));
    let key_256 = format!("{}=1", "k".repeat(256));
    let tenant_241 = format!("{}@dt=1", "t".repeat(241));
    let system_14 = format!("t@{}=1", "s".repeat(14));
    let members_32 = (0..32).map(|i| format!("k{i}=v{i}")).collect::<Vec<_>>();
    let members_32_header = members_32.join(",");
    let members_32_with_empties = format!(",,{},  ,\t,", members_32.join(" , "));
    // (header, canonical form, number of members)
    let table: &[(&str, &str, usize)] = &[
        ("", "", 0),
        (" ", "", 0),
        (",", "", 0),
        (" , \t,,", "", 0),
        (
            "congo=t61rcWkgMzE",
            "congo=t61rcWkgMzE",
            1,
        ),
        (
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
            2,
        ),
        // OWS: spaces and tabs around commas and at both ends.
        (
            " \trojo=00f067aa0ba902b7 \t, congo=t61rcWkgMzE\t",
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
            2,
        ),
        // Empty members are skipped.
        ("a=1,,b=2,", "a=1,b=2", 2),
        (",a=1", "a=1", 1),
        // Spaces inside (and, per the grammar, at the start of) a value.
        ("a=hello world", "a=hello world", 1),
        ("a= x", "a= x", 1),
        // Every allowed value character.
        (
            "a=!\"#$%&'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
            "a=!\"#$%&'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
            1,
        ),
        // Every allowed key character; multi-tenant keys.
        ("a0_-*/=1", "a0_-*/=1", 1),
        ("fw529a3039@dt=d7cc1b7b", "fw529a3039@dt=d7cc1b7b", 1),
        ("0tenant@sys_-*/9=x", "0tenant@sys_-*/9=x", 1),
        ("t@s=1,s=2,t=3", "t@s=1,s=2,t=3", 3),
        (&value_256, &value_256, 1),
        (&key_256, &key_256, 1),
        (&tenant_241, &tenant_241, 1),
        (&system_14, &system_14, 1),
        (&members_32_header, &members_32_header, 32),
        (&members_32_with_empties, &members_32_header, 32),
    ];
    for &(header, canonical, len) in table {
        let state =
            TraceState::parse(header).unwrap_or_else(|e| panic!("{header:?} should parse: {e}"));
        assert_eq!(state.to_header(), canonical, "{header:?}");
        assert_eq!(state.len(), len, "{header:?}");
        assert_eq!(TraceState::parse(canonical).unwrap(), state, "{header:?}");
        assert_eq!(header.parse::<TraceState>().unwrap(), state);
    }
    let state = TraceState::parse(" rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE").unwrap();
    assert_eq!(state.get("rojo"), Some("00f067aa0ba902b7"));
    assert_eq!(state.get("congo"), Some("t61rcWkgMzE"));
    assert_eq!(state.get("Rojo"), None);
}

#[test]
fn invalid_tracestates() {
    let value_257 = format!("v={}", "x".repeat(257));
    let key_257 = format!("{}=1", "k".repeat(257));
    let tenant_242 = format!("{}@dt=1", "t".repeat(242));
    let system_15 = format!("t@{}=1", "s".repeat(15));
    let members_33 = (0..33)
        .map(|i| format!("k{i}=v{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let huge = format!("a={}", "x".repeat(1 << 20));
    let many_empties = format!("{}a=1,a=2", ",".repeat(1 << 16));
    let table: &[(&str, Kind)] = &[
        ("a", Kind::TracestateMember),
        ("a=1,b", Kind::TracestateMember),
        ("=1", Kind::TracestateKey),
        ("Foo=1", Kind::TracestateKey),
        ("1a=1", Kind::TracestateKey),
        ("_a=1", Kind::TracestateKey),
        ("a b=1", Kind::TracestateKey),
        ("a =1", Kind::TracestateKey),
        ("a.b=1", Kind::TracestateKey),
        ("é=1", Kind::TracestateKey),
        ("aé=1", Kind::TracestateKey),
        (&key_257, Kind::TracestateKey),
        ("@s=1", Kind::TracestateKey),
        ("t@=1", Kind::TracestateKey),
        ("t@s@x=1", Kind::TracestateKey),
        ("t@1s=1", Kind::TracestateKey),
        ("_t@s=1", Kind::TracestateKey),
        ("T@s=1", Kind::TracestateKey),
        (&tenant_242, Kind::TracestateKey),
        (&system_15, Kind::TracestateKey),
        ("a=", Kind::TracestateValue),
        ("a= ", Kind::TracestateValue),
        ("a=b=c", Kind::TracestateValue),
        ("a=b\tc", Kind::TracestateValue),
        ("a=b\u{7f}", Kind::TracestateValue),
        ("a=é", Kind::TracestateValue),
        ("a=x😀", Kind::TracestateValue),
        (&value_257, Kind::TracestateValue),
        (&huge, Kind::TracestateValue),
        ("a=1,a=2", Kind::DuplicateKey),
        ("a=1, b=2 ,a=3", Kind::DuplicateKey),
        ("t@s=1,t@s=1", Kind::DuplicateKey),
        (&many_empties, Kind::DuplicateKey),
        (&members_33, Kind::TooManyMembers),
    ];
    for &(header, kind) in table {
        assert_eq!(
            ts_kind(header),
            kind,
            "{:?}: {}",
            short(header),
            ts_err(header)
        );
    }
    // A bad tracestate fails the whole parse, flagged as the tracestate's fault.
    let err = TraceContext::parse(VALID, Some("a=1,a=2")).unwrap_err();
    assert!(err.is_tracestate());
    assert_eq!(err.kind(), Kind::DuplicateKey);
}

#[test]
fn tracestate_messages() {
    assert_eq!(
        ts_err("a=1,b=2,Foo=3"),
        "tracestate: member 3 has an invalid key `Foo` \
         (`F` is not allowed; keys use a-z, 0-9, `_`, `-`, `*`, `/` and one `@`)"
    );
    assert_eq!(
        ts_err("1a=1"),
        "tracestate: member 1 has an invalid key `1a` (it must start with a lowercase letter)"
    );
    assert_eq!(
        ts_err("a=1,,b"),
        "tracestate: member 3 `b` is not `key=value` (no `=`)"
    );
    assert_eq!(
        ts_err("a=1, b=2 ,a=3"),
        "tracestate: member 3 repeats key `a` (first in member 1)"
    );
    assert_eq!(
        ts_err("k=a,b"),
        "tracestate: member 2 `b` is not `key=value` (no `=`)"
    );
    assert_eq!(
        ts_err("k=a=b"),
        "tracestate: member 1 has an invalid value `a=b` for key `k` \
         (`=` at character 2 is not allowed; values are printable ASCII without `,` and `=`)"
    );
    assert_eq!(
        ts_err("k="),
        "tracestate: member 1 has an invalid value `` for key `k` (it is empty)"
    );
    assert_eq!(
        ts_err(&format!("k={}", "x".repeat(300))),
        format!(
            "tracestate: member 1 has an invalid value `{}…` for key `k` \
             (300 characters, at most 256 are allowed)",
            "x".repeat(64)
        )
    );
    assert_eq!(
        ts_err("t@verylongsystemid=1"),
        "tracestate: member 1 has an invalid key `t@verylongsystemid` \
         (the system after `@` has 16 characters, at most 14 are allowed)"
    );
    let members_40 = (0..40)
        .map(|i| format!("k{i}=v"))
        .collect::<Vec<_>>()
        .join(",,");
    assert_eq!(
        ts_err(&members_40),
        "tracestate: 40 list-members, at most 32 are allowed"
    );
    let mut state = TraceState::new();
    assert_eq!(
        state.insert("Foo", "1").unwrap_err().to_string(),
        "tracestate: invalid key `Foo` \
         (`F` is not allowed; keys use a-z, 0-9, `_`, `-`, `*`, `/` and one `@`)"
    );
    assert_eq!(
        state.insert("foo", "1 ").unwrap_err().to_string(),
        "tracestate: invalid value `1 ` for key `foo` (it ends with a space)"
    );
    assert_eq!(
        state.insert("foo", "\u{1b}[31m").unwrap_err().to_string(),
        "tracestate: invalid value `\\u{1b}[31m` for key `foo` \
         (`\\u{1b}` at character 1 is not allowed; values are printable ASCII without `,` and `=`)"
    );
}

#[test]
fn tracestate_get_insert_remove() {
    let mut state = TraceState::parse("rojo=1,congo=2,blue=3").unwrap();
    // Updating moves the key to the front.
    state.insert("blue", "4").unwrap();
    assert_eq!(state.to_header(), "blue=4,rojo=1,congo=2");
    // Adding puts the key at the front.
    state.insert("ttlog", "5").unwrap();
    assert_eq!(state.to_header(), "ttlog=5,blue=4,rojo=1,congo=2");
    assert_eq!(state.get("blue"), Some("4"));
    assert_eq!(state.remove("rojo").as_deref(), Some("1"));
    assert_eq!(state.remove("rojo"), None);
    assert_eq!(state.to_header(), "ttlog=5,blue=4,congo=2");
    let pairs: Vec<(&str, &str)> = state.iter().collect();
    assert_eq!(pairs, [("ttlog", "5"), ("blue", "4"), ("congo", "2")]);
    assert_eq!(state.iter().len(), 3);

    // Refused entries leave the list unchanged.
    let before = state.clone();
    for (key, value) in [("Bad", "1"), ("ok", ""), ("ok", "a,b"), ("", "1")] {
        assert!(state.insert(key, value).is_err(), "{key:?}={value:?}");
        assert_eq!(state, before);
    }

    // A 33rd member pushes the last one out.
    let header = (0..32)
        .map(|i| format!("k{i}=v"))
        .collect::<Vec<_>>()
        .join(",");
    let mut full = TraceState::parse(&header).unwrap();
    full.insert("new", "x").unwrap();
    assert_eq!(full.len(), MAX_TRACESTATE_MEMBERS);
    assert_eq!(full.iter().next(), Some(("new", "x")));
    assert_eq!(full.get("k31"), None);
    assert_eq!(full.get("k30"), Some("v"));
    // Updating an existing key of a full list drops nothing.
    full.insert("k30", "y").unwrap();
    assert_eq!(full.len(), MAX_TRACESTATE_MEMBERS);
    assert_eq!(full.get("k0"), Some("v"));
    assert_eq!(TraceState::parse(&full.to_header()).unwrap(), full);
}
