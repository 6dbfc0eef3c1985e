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
print("| instructions per event | function |")
print("| ---: | --- |")
for k, v in sorted(per.items(), key=lambda kv: -kv[1])[:top]:
    if v < 1:
        break
    name = k if len(k) < 110 else k[:107] + '...'
    print(f"| {v:,.1f} | `{name}` |")
PY
