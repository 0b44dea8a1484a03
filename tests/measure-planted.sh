#!/bin/sh
# Planted problems: drafts with problems written into them on purpose, and
# the list of those problems. Counts how many `nqx check` finds on the
# right line with the right id, and what else it reports (errors and
# warnings not planted). Two sets:
#   tests/drafts/planted-N.txt       with planted-N.expect ("LINE CHECK-ID"),
#                                    written with the checks;
#   tests/drafts-heldout/draft-N.txt with ANSWERS.tsv ("FILE LINE CHECK-ID
#                                    WHAT", LINE '-' for a missing part),
#                                    written by someone who never saw the
#                                    code, measured before any change.
# clean*.txt drafts must give no error. Prints figures; exits 0.
set -eu
cd "$(dirname "$0")/.."
NQX=${NQX:-build/nqx}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# measure TXT EXPECT: EXPECT holds "LINE CHECK-ID" rows for TXT.
measure() {
    out=$("$NQX" check --lang en "$1" || true)
    while read -r line id; do
        total=$((total + 1))
        pat="^$1:$line:.*\[$id\]\$"
        [ "$line" = "-" ] && pat="^$1:[0-9]*:.*\[$id\]\$"
        if printf '%s\n' "$out" | grep -q "$pat"; then
            found=$((found + 1))
        else
            echo "missed: $1:$line: $id"
        fi
    done < "$2"
    for hit in $(printf '%s\n' "$out" | grep -v ': note: ' |
                 sed -n 's/^[^:]*:\([0-9]*\):.*\[\(.*\)\]$/\1:\2/p'); do
        if ! grep -qx "${hit%%:*} ${hit#*:}" "$2" && ! grep -qx -- "- ${hit#*:}" "$2"; then
            echo "not planted: $1:${hit%%:*}: ${hit#*:}"
            extra=$((extra + 1))
        fi
    done
}

# clean TXT: a clean draft gives no error.
clean() {
    if "$NQX" check --lang en "$1" > "$tmp"; then
        echo "clean: $1: no error"
    else
        echo "clean: $1: errors reported:"
        grep ': error: ' "$tmp" || true
    fi
}

found=0 total=0 extra=0
for txt in tests/drafts/planted-*.txt; do
    measure "$txt" "${txt%.txt}.expect"
done
clean tests/drafts/clean.txt
echo "tests/drafts: planted problems found on the right line with the right id:" \
     "$found/$total; $extra findings not planted"

found=0 total=0 extra=0
answers=tests/drafts-heldout/ANSWERS.tsv
for txt in tests/drafts-heldout/draft-*.txt; do
    awk -F '\t' -v f="${txt##*/}" '$1 == f { print $2, $3 }' "$answers" > "$tmp.expect"
    measure "$txt" "$tmp.expect"
done
rm -f "$tmp.expect"
for txt in tests/drafts-heldout/clean-*.txt; do
    clean "$txt"
done
echo "tests/drafts-heldout: planted problems found on the right line with the right id:" \
     "$found/$total; $extra findings not planted"
