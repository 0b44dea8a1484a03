#!/bin/sh
# The README's example: runs the command of its first ```sh block (the line
# after "$ ") and compares the output with its first ```xml block.
set -eu
cd "$(dirname "$0")/.."
NQX=${NQX:-build/nqx}
cmd=$(awk '/^```sh$/ { on = 1; next } on && /^```$/ { exit } on' README.md | sed -n 's/^\$ //p')
awk '/^```xml$/ { on = 1; next } on && /^```$/ { exit } on' README.md > build/readme.expected
[ -n "$cmd" ] && [ -s build/readme.expected ] || { echo "README: example not found"; exit 1; }
sh -c "$(echo "$cmd" | sed "s|build/nqx|$NQX|")" > build/readme.actual
if cmp -s build/readme.expected build/readme.actual; then
    echo "README example: passed"
else
    echo "README example: output differs"
    diff -u build/readme.expected build/readme.actual || true
    exit 1
fi
