//! `ttlog spans`: a snapshot's spans as a call tree with timings.
//!
//! ```text
//! request{id=7 user=alice}  2.500s  busy 1.000s  ok  thread main  #3
//!   db{table=users}  1.000s  busy 900.000ms  error  thread main  #4
//!     retry{attempt=2}  open (1.500s at snapshot)  busy 17ns  ok  thread worker  #9  follows #3
//! ```
//!
//! Each span is indented under its parent, children in start order. A span whose parent is not
//! in the file (the collector keeps a bounded number of closed spans) is shown as a root and
//! says so. The file comes from a crashed process and may be damaged or hostile, so the walk
//! uses its own stack (no recursion to overflow), visits each span once (parent cycles cannot
//! loop), and caps the indentation; names, field names, values and thread names are cut (see
//! `view.rs`) and escaped (`ttlog_core::sink::escape`), and the output stops at its cap.

use std::collections::HashMap;
use std::io::{self, Write};
use std::time::Duration;

use ttlog_core::sink::escape;
use ttlog_core::snapshot::{Snapshot, Span};
use ttlog_core::ValueRef;

use crate::out::Capped;
use crate::view::{clip, Cuts};

/// Deeper spans are indented no further; their depth is printed instead.
const MAX_INDENT: usize = 32;

/// Writes the span tree of `snap`, until `out` reaches its cap.
pub(crate) fn write(out: &mut Capped<impl Write>, snap: &Snapshot, cuts: Cuts) -> io::Result<()> {
    let spans = &snap.spans;
    if spans.is_empty() {
        out.lines(b"no spans\n")?;
        return Ok(());
    }
    let index: HashMap<u64, usize> = spans.iter().enumerate().map(|(i, s)| (s.id(), i)).collect();
    let parent_of = |s: &Span| {
        index
            .get(&s.parent())
            .copied()
            .filter(|_| s.parent() != s.id())
    };
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); spans.len()];
    let mut roots = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        match parent_of(s) {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    let by_start = |&i: &usize| (spans[i].start(), spans[i].id());
    roots.sort_by_key(by_start);
    for c in &mut children {
        c.sort_by_key(by_start);
    }

    // Spans in a parent cycle are reachable from no root: after the roots, the earliest of
    // them is shown as a root too, until every span has been shown.
    let mut cycle_roots: Vec<usize> = Vec::new();
    let mut visited = vec![false; spans.len()];
    let mut line = Vec::new();
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&i| (i, 0)).collect();
    let mut next_unvisited = {
        let mut order: Vec<usize> = (0..spans.len()).collect();
        order.sort_by_key(by_start);
        order.into_iter()
    };
    loop {
        let Some((i, depth)) = stack.pop() else {
            match next_unvisited.find(|&i| !visited[i]) {
                Some(i) => {
                    cycle_roots.push(i);
                    stack.push((i, 0));
                    continue;
                }
                None => break,
            }
        };
        if visited[i] {
            continue;
        }
        visited[i] = true;
        let span = &spans[i];
        line.clear();
        indent(&mut line, depth);
        describe(&mut line, snap, span, cuts);
        if span.parent() != 0 && parent_of(span).is_none() {
            let _ = write!(line, "  (parent #{} not in snapshot)", span.parent());
        } else if cycle_roots.last() == Some(&i) && depth == 0 {
            line.extend_from_slice(b"  (in a parent cycle)");
        }
        line.push(b'\n');
        if !out.lines(&line)? {
            break;
        }
        for &c in children[i].iter().rev() {
            stack.push((c, depth + 1));
        }
    }
    Ok(())
}

fn indent(line: &mut Vec<u8>, depth: usize) {
    for _ in 0..depth.min(MAX_INDENT) {
        line.extend_from_slice(b"  ");
    }
    if depth > MAX_INDENT {
        let _ = write!(line, "[depth {depth}] ");
    }
}

/// `name{fields}  duration  busy …  status  thread …  #id  follows #a #b`
/// The most follows-from links listed for one span; more are counted.
const MAX_FOLLOWS: usize = 16;

fn describe(line: &mut Vec<u8>, snap: &Snapshot, span: &Span, cuts: Cuts) {
    escape::write_bare(line, &clip(span.name(), cuts));
    let mut first = true;
    for field in span.recorded_fields() {
        let value = field.value.as_ref();
        if value == ValueRef::Empty {
            continue;
        }
        line.push(if first { b'{' } else { b' ' });
        first = false;
        escape::write_key(line, &clip(field.name, cuts));
        line.push(b'=');
        match value {
            ValueRef::Str(s) => write_str_value(line, &clip(s, cuts)),
            ValueRef::Char(c) => write_str_value(line, c.encode_utf8(&mut [0; 4])),
            _ => {
                let _ = write!(line, "{}", field.value);
            }
        }
    }
    if !first {
        line.push(b'}');
    }
    line.extend_from_slice(b"  ");
    match span.duration() {
        Some(d) => line.extend_from_slice(human(d).as_bytes()),
        None => match snap.header.created.duration_since(span.start()) {
            Ok(so_far) => {
                let _ = write!(line, "open ({} at snapshot)", human(so_far));
            }
            Err(_) => line.extend_from_slice(b"open"),
        },
    }
    let _ = write!(
        line,
        "  busy {}  {}  thread ",
        human(span.busy()),
        span.status()
    );
    escape::write_bare(line, &clip(span.thread(), cuts));
    let _ = write!(line, "  #{}", span.id());
    let follows = span.follows_from();
    if !follows.is_empty() {
        line.extend_from_slice(b"  follows");
        let shown = match cuts {
            Cuts::On => follows.len().min(MAX_FOLLOWS),
            Cuts::Off => follows.len(),
        };
        for id in &follows[..shown] {
            let _ = write!(line, " #{id}");
        }
        if shown < follows.len() {
            let _ = write!(line, " …{} more…", follows.len() - shown);
        }
    }
}

/// A text value, quoted when it is empty or has characters that would make the line
/// ambiguous (whitespace, `=`, `"`, braces) or that must be escaped.
fn write_str_value(line: &mut Vec<u8>, s: &str) {
    if s.contains(['{', '}']) {
        escape::write_quoted(line, s);
    } else {
        escape::write_value(line, s);
    }
}

/// `17ns`, `12.345µs`, `1.500ms`, `2.500s`.
fn human(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos < 1_000 {
        format!("{nanos}ns")
    } else if nanos < 1_000_000 {
        format!("{:.3}µs", nanos as f64 / 1e3)
    } else if nanos < 1_000_000_000 {
        format!("{:.3}ms", nanos as f64 / 1e6)
    } else {
        format!("{:.3}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_human() {
        assert_eq!(human(Duration::from_nanos(17)), "17ns");
        assert_eq!(human(Duration::from_nanos(12_345)), "12.345µs");
        assert_eq!(human(Duration::from_micros(1_500)), "1.500ms");
        assert_eq!(human(Duration::from_millis(2_500)), "2.500s");
    }

    #[test]
    fn quoting() {
        let quoted = |s: &str| {
            let mut out = Vec::new();
            write_str_value(&mut out, s);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(quoted(""), r#""""#);
        assert_eq!(quoted("a b"), r#""a b""#);
        assert_eq!(quoted("a=b"), r#""a=b""#);
        assert_eq!(quoted("a}b"), r#""a}b""#);
        assert_eq!(quoted("alice"), "alice");
        assert_eq!(quoted("\x1b[2J\u{202e}"), r#""\u{1b}[2J\u{202e}""#);
    }
}
