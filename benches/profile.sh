#!/usr/bin/env bash
# Per-function instructions per event for one system, whole process (every thread), from two
# callgrind runs of `profile` (SMALL and LARGE events) subtracted, so start-up and shutdown
# cancel out. Self cost per function, largest first.
#
#   bash benches/profile.sh ttlog-compact [SMALL LARGE [TOP]]
#
# Needs valgrind (benches/setup.sh installs it). Builds `profile` in release with symbols.
set -euo pipefail
system=${1:-ttlog-compact}
small=${2:-20000}
large=${3:-120000}
top=${4:-25}
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --quiet --release -p ttlog-benches --bin profile
bin=$target/release/profile
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for n in "$small" "$large"; do
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$n" "$bin" "$system" "$n" 2>"$out/log.$n" \
        || { cat "$out/log.$n" >&2; exit 1; }
    callgrind_annotate --inclusive=no --auto=no --threshold=100 "$out/cg.$n" >"$out/ann.$n"
done
python3 - "$out/ann.$small" "$out/ann.$large" "$small" "$large" "$top" "$system" <<'PY'
import re, sys
a, b, small, large, top, system = sys.argv[1:]
small, large, top = int(small), int(large), int(top)
def read(path):
    costs, total = {}, 0
    for line in open(path):
        m = re.match(r'\s*([\d,]+) \([^)]*\)\s+(.*)$', line)
        if not m:
            m2 = re.match(r'\s*([\d,]+) \([^)]*\)\s+PROGRAM TOTALS', line)
            continue
        n = int(m.group(1).replace(',', ''))
        name = m.group(2)
        if name.startswith('PROGRAM TOTALS'):
            total = n
            continue
        name = re.sub(r'^[^:]*:', '', name, count=1) if ':' in name.split(' ')[0] and not name.startswith('<') else name
        name = re.sub(r'\s*\[[^\]]*\]$', '', name)
        costs[name] = costs.get(name, 0) + n
    return costs, total
ca, ta = read(a)
cb, tb = read(b)
events = large - small
per = {k: (cb.get(k, 0) - ca.get(k, 0)) / events for k in set(ca) | set(cb)}
print(f"{system}: {(tb - ta) / events:,.0f} instructions per event (whole process, ({large} - {small}) events)")
print()
STAGES = [
    ("caller thread (the event macro)", r"profile::main|ttlog_benches::events|ring::local|ring::lane|clock::now|fastant"),
    ("decode records (cursor, codec, values)", r"ring::cursor|ring::codec|ring::reader|ring::values|ring::text|ring::pool|from_utf8|Values"),
    ("redaction", r"redact::"),
    ("spans and scopes", r"collector::spans|record::Scope|write_text_scope|json_span"),
    ("timestamps", r"format::time|clock::|Timespec|SystemTime|duration_since|Instant"),
    ("numbers", r"write_u64|write_i64|write_f64|format::number|itoa|ryu|trunc|floattidf|fixdfti|udivti3|fmt::float|flt2dec"),
    ("escaping and layout", r"sink::escape|format::text|format::compact|format::json|format::logfmt|format::full|prerender|format_record|narration::layout|Chain"),
    ("merge and fan-out", r"collector::merge|collector::fanout|collector::run|BinaryHeap|collector::losses|collector::stats"),
    ("hand-off and write (sink thread)", r"sink::background|sink::writer|crossbeam|CountingWriter|counting|write_all|__libc_write|syscall"),
    ("copies and allocation", r"memcpy|memmove|memset|malloc|free|realloc|alloc::|RawVec|finish_grow"),
]
stage = {name: 0.0 for name, _ in STAGES}
stage["other"] = 0.0
for k, v in per.items():
    for name, pattern in STAGES:
        if re.search(pattern, k):
            stage[name] += v
            break
    else:
        stage["other"] += v
print("| stage (self cost of its functions) | instructions per event |")
print("| --- | ---: |")
for name, v in stage.items():
    print(f"| {name} | {v:,.0f} |")
print()
print("| instructions per event | function |")
print("| ---: | --- |")
for k, v in sorted(per.items(), key=lambda kv: -kv[1])[:top]:
    if v < 1:
        break
    name = k if len(k) < 110 else k[:107] + '...'
    print(f"| {v:,.1f} | `{name}` |")
PY
