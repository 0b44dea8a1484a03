#!/bin/bash
# make bench: throughput of `nqx convert` on a large input built from the
# corpus (its documents concatenated until the size is reached), next to
# ICU's `uconv -x nfc` on the same bytes, at 1x and 4x the size to show that
# time grows linearly. Time is CPU time (user + system) of one process on one
# core, the best of five runs, nqx and uconv alternating so that both see the
# same machine. It prints figures; it asserts nothing.
set -euo pipefail
NQX=${1:-build/nqx}
SIZE_MB=${SIZE_MB:-16}
RUNS=${RUNS:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
command -v uconv > /dev/null || { echo "bench: uconv not found (Debian: icu-devtools)"; exit 2; }

: > "$dir/1x.txt"
while [ "$(wc -c < "$dir/1x.txt")" -lt $((SIZE_MB * 1048576)) ]; do
    cat corpus/*.txt >> "$dir/1x.txt"
done
for _ in 1 2 3 4; do cat "$dir/1x.txt"; done > "$dir/4x.txt"

# cpu_seconds COMMAND...: user + system seconds of one run.
cpu_seconds() {
    local TIMEFORMAT='%U %S' t
    t=$({ time "$@" > /dev/null 2>&1; } 2>&1)
    awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.3f", a[1] + a[2] }'
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

printf "%-24s %8s %10s %8s\n" "" "MB" "CPU s" "MB/s"
declare -A best
for size in 1x 4x; do
    f="$dir/$size.txt"
    best[nqx$size]="" best[uconv$size]=""
    for _ in $(seq "$RUNS"); do
        best[nqx$size]=$(min "$(cpu_seconds "$NQX" convert -q "$f")" "${best[nqx$size]}")
        best[uconv$size]=$(min "$(cpu_seconds uconv -f utf-8 -t utf-8 -x nfc "$f")" \
            "${best[uconv$size]}")
    done
    mb=$(awk -v n="$(wc -c < "$f")" 'BEGIN { printf "%.1f", n / 1048576 }')
    for tool in nqx uconv; do
        t=${best[$tool$size]}
        label="nqx convert ($size)"
        [ $tool = uconv ] && label="uconv -x nfc ($size)"
        printf "%-24s %8s %10s %8.1f\n" "$label" "$mb" "$t" "$(awk "BEGIN { print $mb / $t }")"
    done
done
awk -v a="${best[nqx1x]}" -v b="${best[nqx4x]}" -v u="${best[uconv4x]}" 'BEGIN {
    printf "\nnqx: 4x the input took %.2fx the CPU time (linear: 4)\n", b / a
    printf "nqx is %.2fx as fast as uconv -x nfc alone (4x input)\n", u / b }'
