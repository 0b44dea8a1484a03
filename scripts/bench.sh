#!/bin/sh
# make bench: throughput of `nqx convert` on a large input built from the
# corpus (its documents concatenated until the size is reached), next to
# ICU's `uconv -x nfc` on the same bytes, at 1x and 4x the size to show that
# time grows linearly. Each figure is the best of five runs (wall clock,
# one process on one core). It prints figures; it asserts nothing.
set -eu
NQX=${1:-build/nqx}
SIZE_MB=${SIZE_MB:-16}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
command -v uconv > /dev/null || { echo "bench: uconv not found (Debian: icu-devtools)"; exit 2; }

: > "$dir/1x.txt"
while [ "$(wc -c < "$dir/1x.txt")" -lt $((SIZE_MB * 1048576)) ]; do
    cat corpus/*.txt >> "$dir/1x.txt"
done
for _ in 1 2 3 4; do cat "$dir/1x.txt"; done > "$dir/4x.txt"

now() { date +%s.%N; }

# best_of_5 COMMAND...: the shortest of three runs, in seconds.
best_of_5() {
    best=""
    for _ in 1 2 3 4 5; do
        start=$(now)
        "$@" > /dev/null 2>&1
        end=$(now)
        best=$(awk -v s="$start" -v e="$end" -v b="$best" \
            'BEGIN { t = e - s; if (b == "" || t < b) b = t; printf "%.4f", b }')
    done
    echo "$best"
}

printf "%-26s %9s %9s %9s\n" "" "MB" "seconds" "MB/s"
for size in 1x 4x; do
    f="$dir/$size.txt"
    mb=$(awk -v n="$(wc -c < "$f")" 'BEGIN { printf "%.1f", n / 1048576 }')
    t=$(best_of_5 "$NQX" convert -q "$f")
    eval "nqx_$size=$t"
    printf "%-26s %9s %9s %9.1f\n" "nqx convert ($size)" "$mb" "$t" "$(awk "BEGIN { print $mb / $t }")"
    t=$(best_of_5 uconv -f utf-8 -t utf-8 -x nfc "$f")
    eval "uconv_$size=$t"
    printf "%-26s %9s %9s %9.1f\n" "uconv -x nfc ($size)" "$mb" "$t" "$(awk "BEGIN { print $mb / $t }")"
done
# shellcheck disable=SC2154
awk -v a="$nqx_1x" -v b="$nqx_4x" -v u="$uconv_4x" 'BEGIN {
    printf "\nnqx: 4x the input took %.2fx the time (linear: 4)\n", b / a
    printf "nqx is %.2fx as fast as uconv -x nfc alone\n", u / b }'
