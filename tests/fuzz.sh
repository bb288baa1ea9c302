#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan+UBSan) and run each briefly on
# the seed corpus, every policy in the tree: fuzz_parse (the front end and
# fmt) and fuzz_compile (the fidelity gate, every backend, every rule's
# fidelity). FUZZ_SECONDS overrides the time per target.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(ninja build/fuzz/fuzz_parse build/fuzz/fuzz_compile 2>&1) || { printf '%s\n' "$log" | tail -20; exit 1; }
corpus=$(mktemp -d); trap 'rm -rf "$corpus"' EXIT
cp tests/fuzz/corpus/* "$corpus"/ 2>/dev/null || true
for f in $(ls stdlib-policies/*.sbx examples/*.sbx tests/lang/*/*.sbx 2>/dev/null); do
	cp "$f" "$corpus/$(echo "$f" | tr / _)"
done
for t in fuzz_parse fuzz_compile; do
	echo "$t:"
	build/fuzz/$t -max_total_time="${FUZZ_SECONDS:-30}" -max_len=4096 -timeout=10 \
		-dict=tests/fuzz/sbx.dict "$corpus" 2>&1 | tail -3
done
