#!/bin/sh
# The HTML view (nqx convert --format html) of every corpus document,
# loaded by a headless browser: the rendered DOM must have one row in the
# targets table per target of the record, and the highlights the record
# implies (targets, dates, bodies). Skipped, saying so, when no browser is
# installed (scripts/deps.sh installs Debian's chromium).
set -eu
cd "$(dirname "$0")/.."
NQX=${NQX:-build/nqx}
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    echo "browser test SKIPPED: no chromium found (run scripts/deps.sh as root to install it)"
    exit 0
fi
out=build/browser
rm -rf "$out"
mkdir -p "$out"
# One headless process per page, two at a time; each has its own profile.
for txt in corpus/*.txt; do
    name=$(basename "$txt" .txt)
    "$NQX" convert -q --format html "$txt" > "$out/$name.html"
    "$NQX" convert -q "$txt" > "$out/$name.xml"
    echo "$name"
done | xargs -P 2 -I NAME sh -c '
    timeout 60 '"$browser"' --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir='"$out"'/profile-NAME --dump-dom \
        "file://$(pwd)/'"$out"'/NAME.html" > '"$out"'/NAME.dom 2> '"$out"'/NAME.log || true'
pages=0
failed=0
for txt in corpus/*.txt; do
    name=$(basename "$txt" .txt)
    dom=$out/$name.dom
    pages=$((pages + 1))
    want=$(grep -c '<target ' "$out/$name.xml" || true)
    rows=$(grep -o '<tr class="target-row"' "$dom" | wc -l)
    marks=$(grep -o '<mark class="hl target"' "$dom" | wc -l)
    dates=$(grep -c '<date line=' "$out/$name.xml" || true)
    date_marks=$(grep -o '<mark class="hl date"' "$dom" | wc -l)
    why=""
    grep -q '</html>' "$dom" || why="no page rendered (see $out/$name.log)"
    [ -z "$why" ] && [ "$rows" -ne "$want" ] && why="$rows rows in the targets table, $want targets in the record"
    [ -z "$why" ] && [ "$want" -gt 0 ] && [ "$marks" -eq 0 ] && why="no target highlighted"
    [ -z "$why" ] && [ "$dates" -gt 0 ] && [ "$date_marks" -eq 0 ] && why="no date highlighted"
    if [ -n "$why" ]; then
        echo "browser: $name: $why"
        failed=$((failed + 1))
    fi
done
rm -rf "$out"/profile-*
echo "browser ($browser): $((pages - failed))/$pages pages rendered with all their targets"
[ "$failed" -eq 0 ]
