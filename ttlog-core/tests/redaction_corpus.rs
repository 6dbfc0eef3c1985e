//! The redaction corpus (issue 14): realistic secrets and near-misses from
//! `tests/data/redaction/`, each run through [`Redactor`] as a message, as a string field
//! value and, for `key` cases, as a field named after the key. Every secret must be masked,
//! every near-miss left unchanged. Prints the counts per class (`--nocapture`).

use std::collections::BTreeMap;

use ttlog_core::redact::{Redactor, MASK};
use ttlog_core::FieldValue;
use ttlog_test_support::redaction::parse;

const SECRETS: &str = include_str!("data/redaction/secrets.txt");
const NEAR_MISSES: &str = include_str!("data/redaction/near_misses.txt");

#[test]
fn corpus() {
    let r = Redactor::new();
    let secrets = parse(SECRETS);
    let near = parse(NEAR_MISSES);
    assert!(secrets.len() >= 100, "{} secrets", secrets.len());
    assert!(near.len() >= 100, "{} near-misses", near.len());

    let mut failures = Vec::new();
    // class -> (cases, caught)
    let mut caught: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for case in &secrets {
        assert!(!case.secrets.is_empty(), "no «secret» in {:?}", case.text);
        let mut ok = true;
        let message = r.redact_str(&case.text).into_owned();
        let value = r
            .redact_field("value", &FieldValue::from(case.text.as_str()))
            .map_or(case.text.clone(), |v| v.as_str().unwrap().to_owned());
        for out in [&message, &value] {
            for s in &case.secrets {
                if out.contains(s.as_str()) {
                    failures.push(format!("secret {s:?} kept: {out:?}"));
                    ok = false;
                }
            }
        }
        if r.redact_str(&message) != message {
            failures.push(format!("not idempotent: {message:?}"));
            ok = false;
        }
        if let Some((name, v)) = case.key_value() {
            let masked = r.redact_field(name, &FieldValue::from(v));
            if masked != Some(FieldValue::from(MASK)) {
                failures.push(format!("field {name:?} not masked: {masked:?}"));
                ok = false;
            }
        }
        let e = caught.entry(&case.class).or_default();
        e.0 += 1;
        e.1 += usize::from(ok);
    }

    let mut false_positives = 0;
    for case in &near {
        let mut ok = true;
        let message = r.redact_str(&case.text);
        if message != case.text {
            failures.push(format!("near-miss changed: {:?} -> {message:?}", case.text));
            ok = false;
        }
        if let Some(v) = r.redact_field("value", &FieldValue::from(case.text.as_str())) {
            failures.push(format!("near-miss value changed: {:?} -> {v:?}", case.text));
            ok = false;
        }
        if let Some((name, v)) = case.key_value() {
            if let Some(masked) = r.redact_field(name, &FieldValue::from(v)) {
                failures.push(format!("near-miss field {name:?} masked: {masked:?}"));
                ok = false;
            }
        }
        false_positives += usize::from(!ok);
    }

    println!("| class | cases | caught |");
    println!("|---|---|---|");
    for (class, (cases, ok)) in &caught {
        println!("| {class} | {cases} | {ok} |");
    }
    let total: (usize, usize) = caught
        .values()
        .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
    println!("| all secrets | {} | {} |", total.0, total.1);
    println!(
        "| near-misses | {} | {} false positives |",
        near.len(),
        false_positives
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
