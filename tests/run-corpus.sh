#!/bin/sh
# Golden records: each corpus/NAME.txt must convert to exactly corpus/NAME.xml
# (byte for byte), the record must validate against the record schema, and
# its targets must agree with the hand annotation corpus/NAME.ann on every
# field (tests/eval_targets --exact), so expected records can never drift
# from the human reading.
#
# A failing case leaves corpus/NAME.actual.xml and corpus/NAME.diff behind.
# CASES="NAME ..." runs only those cases. A file corpus/NAME.known-bug (a
# note saying what the program gets wrong) marks a case whose expected
# record is right but the program is not yet: it is reported, not failed,
# and reported again as fixed when it passes.
set -u
NQX=${NQX:-build/nqx}
EVAL=${EVAL:-build/tests/eval_targets}
cd "$(dirname "$0")/.." || exit 2

pass=0 fail=0 known=0 fixed=0
exact_cases=""
for txt in corpus/*.txt; do
    name=$(basename "$txt" .txt)
    if [ -n "${CASES:-}" ]; then
        case " $CASES " in *" $name "*) ;; *) continue ;; esac
    fi
    expected="corpus/$name.xml"
    actual="corpus/$name.actual.xml"
    args=""
    [ -f "corpus/$name.args" ] && args=$(cat "corpus/$name.args")
    # shellcheck disable=SC2086
    if ! "$NQX" convert -q --validate $args "$txt" > "$actual"; then
        echo "FAIL $name: nqx convert failed"
        fail=$((fail + 1))
        continue
    fi
    if [ -f "$expected" ] && cmp -s "$expected" "$actual"; then
        rm -f "$actual" "corpus/$name.diff"
        if [ -f "corpus/$name.known-bug" ]; then
            echo "FIXED $name: passes now; remove corpus/$name.known-bug"
            fixed=$((fixed + 1))
        else
            pass=$((pass + 1))
            exact_cases="$exact_cases $txt"
        fi
        continue
    fi
    diff -u "$expected" "$actual" > "corpus/$name.diff" 2>&1
    if [ -f "corpus/$name.known-bug" ]; then
        echo "KNOWN $name: $(head -n 1 "corpus/$name.known-bug")"
        known=$((known + 1))
    else
        echo "FAIL $name: record differs (corpus/$name.diff, corpus/$name.actual.xml)"
        fail=$((fail + 1))
    fi
done

# The passing records agree with the hand annotations.
if [ -n "$exact_cases" ]; then
    # shellcheck disable=SC2086
    if ! "$EVAL" --exact $exact_cases > corpus/annotations.actual 2>&1; then
        echo "FAIL annotations: a record disagrees with its .ann:"
        "$EVAL" -v $exact_cases | grep -v '^corpus/.*found' | grep -v '^TOTAL'
        fail=$((fail + 1))
    else
        rm -f corpus/annotations.actual
    fi
fi

echo "corpus: $pass passed, $fail failed, $known known bugs, $fixed fixed"
[ "$fail" -eq 0 ]
