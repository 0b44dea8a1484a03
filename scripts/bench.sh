#!/bin/bash
# make bench: throughput of `nqx convert` next to ICU's `uconv -x nfc` on the
# same bytes, at 1x and 4x the size to show that time grows linearly. Three
# inputs, each made by concatenating whole documents until the size is
# reached:
#   corpus    the project's own corpus/*.txt: every document is full of
#             targets (about 2,900 per MB), the worst case for the rules;
#   seeds     the four seed documents alone (corpus/NNN_*.txt, copied from
#             the product's design seeds): the input SPEC section 6 sets its
#             performance budget on;
#   external  the public documents of $NQX_BENCH_DIR (default
#             ../shared/corpus-external, where present; never committed):
#             what an archive holds, about 500 targets per MB.
# Time is CPU time (user + system) of the process on one core, the best of
# RUNS runs, nqx and uconv alternating so that both see the same machine.
# With STAGES (tests/bench_stages), each input's 1x documents are then
# timed stage by stage inside one process, and the script works out what
# the rules may cost for nqx to be faster than uconv, the rest of nqx's run
# (the other stages, reading and writing files, loading the rules) as it
# is. Then the CPU time of a run on one document, rules loading included, and
# last the wall time of the first input (1x) on every core with -j, next
# to one thread. It prints figures; it asserts nothing.
set -euo pipefail
NQX=${1:-build/nqx}
STAGES=${2:-}
SIZE_MB=${SIZE_MB:-16}
RUNS=${RUNS:-5}
EXTERNAL=${NQX_BENCH_DIR:-../shared/corpus-external}
dir=$(mktemp -d)
# The records go to a RAM file system where there is one: the figure is the
# converter's, not the disk's (creating a thousand files on a virtual disk
# costs more system time than uconv's whole run, and uconv writes nowhere).
out=$dir/out
[ -d /dev/shm ] && [ -w /dev/shm ] && out=$(mktemp -d /dev/shm/nqx-bench.XXXXXX)
trap 'rm -rf "$dir" "$out"' EXIT
command -v uconv > /dev/null || { echo "bench: uconv not found (Debian: icu-devtools)"; exit 2; }

# build NAME FILE...: the list of whole files, repeated until SIZE_MB
# ($dir/NAME-1x.list, one path a line) and four times that (-4x.list), and
# the same bytes concatenated (NAME-1x.txt, NAME-4x.txt) for uconv. nqx
# converts the files one by one in one process, as an archive is converted
# (each document its own record, its own metadata).
build() {
    local name=$1 size=0 n
    shift
    : > "$dir/$name-1x.list"
    while [ "$size" -lt $((SIZE_MB * 1048576)) ]; do
        for f in "$@"; do
            echo "$f" >> "$dir/$name-1x.list"
            n=$(wc -c < "$f")
            size=$((size + n))
            [ "$size" -ge $((SIZE_MB * 1048576)) ] && break
        done
    done
    for _ in 1 2 3 4; do cat "$dir/$name-1x.list"; done > "$dir/$name-4x.list"
    for size in 1x 4x; do
        xargs cat < "$dir/$name-$size.list" > "$dir/$name-$size.txt"
    done
}

# timed FORMAT COMMAND...: bash's report of one run (TIMEFORMAT FORMAT),
# the records written to an empty directory.
timed() {
    local TIMEFORMAT=$1
    shift
    rm -rf "${out:?}"/*
    { time "$@" > /dev/null 2>&1; } 2>&1
}

# cpu_seconds COMMAND...: user + system seconds of one run (timed: the
# records go to an empty directory each time, as in a fresh conversion of
# an archive).
cpu_seconds() {
    awk -v t="$(timed '%U %S' "$@")" 'BEGIN { split(t, a, " "); printf "%.3f", a[1] + a[2] }'
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

# measure NAME: prints the table for $dir/NAME-{1x,4x}.txt.
measure() {
    local name=$1 size f t mb tool label
    declare -A best
    printf "\n%-30s %8s %10s %8s\n" "input: $name" "MB" "CPU s" "MB/s"
    for size in 1x 4x; do
        f="$dir/$name-$size.txt"
        best[nqx$size]="" best[uconv$size]=""
        for _ in $(seq "$RUNS"); do
            best[nqx$size]=$(min "$(cpu_seconds xargs -a "$dir/$name-$size.list" \
                "$NQX" convert -q -o "$out")" "${best[nqx$size]}")
            best[uconv$size]=$(min "$(cpu_seconds uconv -f utf-8 -t utf-8 -x nfc "$f")" \
                "${best[uconv$size]}")
        done
        mb=$(awk -v n="$(wc -c < "$f")" 'BEGIN { printf "%.1f", n / 1048576 }')
        for tool in nqx uconv; do
            t=${best[$tool$size]}
            label="nqx convert ($size)"
            [ $tool = uconv ] && label="uconv -x nfc ($size)"
            printf "%-30s %8s %10s %8.1f\n" "$label" "$mb" "$t" "$(awk "BEGIN { print $mb / $t }")"
        done
    done
    awk -v a="${best[nqx1x]}" -v b="${best[nqx4x]}" -v u="${best[uconv4x]}" 'BEGIN {
        printf "nqx: 4x the input took %.2fx the CPU time (linear: 4)\n", b / a
        printf "nqx is %.2fx as fast as uconv -x nfc alone (4x input)\n", u / b }'
    [ -n "$STAGES" ] || return 0
    local table
    table=$("$STAGES" -r "$RUNS" "$dir/$name-1x.list")
    printf "\n%s\n" "$(sed '$d' <<< "$table")"
    awk -v n="${best[nqx1x]}" -v u="${best[uconv1x]}" -v last="$(tail -n 1 <<< "$table")" 'BEGIN {
        split(last, f, " "); rules = f[2]; budget = u - (n - rules)
        if (budget <= 0)
            printf "nqx without its rules would take %.3f s, uconv %.3f s (1x): rules that cost nothing would not be enough\n", n - rules, u
        else if (rules >= budget)
            printf "to be faster than uconv (1x: %.3f s), the rules would have to take under %.3f s: %.1fx faster\n", u, budget, rules / budget
        else
            printf "the rules take %.3f s, under the %.3f s they may take for nqx to stay faster than uconv (1x)\n", rules, budget }'
}

build corpus corpus/*.txt
measure corpus
build seeds corpus/[0-9][0-9][0-9]_*.txt
measure seeds
if compgen -G "$EXTERNAL/*.txt" > /dev/null; then
    build external "$EXTERNAL"/*.txt
    measure external
else
    echo
    echo "input: external: $EXTERNAL has no documents; skipped"
fi

# One document per process, as an editor checks a draft or a script
# converts files one at a time: the rules are loaded for each. CPU
# milliseconds, the best of RUNS runs of 10 processes each.
one_doc() {
    local best="" t
    for _ in $(seq "$RUNS"); do
        t=$(cpu_seconds bash -c "for _ in 1 2 3 4 5 6 7 8 9 10; do \"$NQX\" convert -q -o \"$out\" \"$1\"; done")
        best=$(min "$t" "$best")
    done
    awk -v t="$best" 'BEGIN { printf "%.1f", t * 100 }'
}
printf '\n%-34s %6s\n' "one document per process" "CPU ms"
printf 'x\n' > "$dir/one-line.txt"
printf '%-34s %6s\n' "a one-line file" "$(one_doc "$dir/one-line.txt")"
for f in corpus/hdnd-xa-nq-2026.txt corpus/000_4aaa128fdcdd808e.txt; do
    [ -f "$f" ] && printf '%-34s %6s\n' "$(basename "$f") ($(($(wc -c < "$f") / 1024)) KB)" "$(one_doc "$f")"
done

# Wall time of a batch on every core (-j), what an archivist waits for;
# the per-core figures above do not change with it.
cores=$(nproc 2> /dev/null || echo 1)
name=external
[ -f "$dir/external-1x.list" ] || name=corpus
mb=$(awk -v n="$(wc -c < "$dir/$name-1x.txt")" 'BEGIN { printf "%.1f", n / 1048576 }')
printf '\n%-34s %6s %8s\n' "input: $name (1x), wall time" "s" "MB/s"
for j in 1 "$cores"; do
    best=""
    for _ in $(seq "$RUNS"); do
        best=$(min "$(timed '%R' xargs -a "$dir/$name-1x.list" "$NQX" convert -q -j "$j" -o "$out")" "$best")
    done
    printf '%-34s %6s %8.1f\n' "nqx convert -j $j" "$best" "$(awk "BEGIN { print $mb / $best }")"
    [ "$cores" -gt 1 ] || break
done
