#!/bin/sh
# Planted problems: each tests/drafts/planted-N.txt has problems written
# into it on purpose, listed in planted-N.expect as "LINE CHECK-ID". Counts
# how many `nqx check` finds on the right line with the right id, and what
# else it reports (errors and warnings not planted). The drafts were
# written before the checks were run on them, and the checks were not
# tuned on them afterwards.
set -eu
cd "$(dirname "$0")/.."
NQX=${NQX:-build/nqx}
found=0 total=0 extra=0
for txt in tests/drafts/planted-*.txt; do
    exp=${txt%.txt}.expect
    out=$("$NQX" check --lang en "$txt" || true)
    while read -r line id; do
        total=$((total + 1))
        if printf '%s\n' "$out" | grep -q "^$txt:$line:.*\[$id\]\$"; then
            found=$((found + 1))
        else
            echo "missed: $txt:$line: $id"
        fi
    done < "$exp"
    for hit in $(printf '%s\n' "$out" | grep -v ': note: ' |
                 sed -n 's/^[^:]*:\([0-9]*\):.*\[\(.*\)\]$/\1:\2/p'); do
        if ! grep -qx "${hit%%:*} ${hit#*:}" "$exp"; then
            echo "not planted: $txt:${hit%%:*}: ${hit#*:}"
            extra=$((extra + 1))
        fi
    done
done
echo "planted problems found on the right line with the right id: $found/$total; $extra findings not planted"
