#!/usr/bin/env bash
# Issue 2's benchmark: parse + check of a generated 10,000-rule policy.
# Target: under 10 ms. Prints hyperfine's figures for `sbxc check` (which
# also computes the fidelity table of every rule on every target) and for
# the front end alone (`--dump=ir`, parse + sema + canonicalisation +
# expect/never), plus one in-process breakdown from SBXC_TIMING.
set -euo pipefail
cd "$(dirname "$0")/.."
ninja build/sbxc >/dev/null
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
python3 bench/gen-policy.py 10000 >"$t/p10k.sbx"
wc -l "$t/p10k.sbx"
hyperfine -N --warmup 3 --runs 30 \
	"build/sbxc $t/p10k.sbx --dump=ir" \
	"build/sbxc check $t/p10k.sbx" 2>&1 | grep -v '^ *$'
