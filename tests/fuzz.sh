#!/usr/bin/env bash
# Build the libFuzzer target (clang, ASan+UBSan) and run it briefly on the
# seed corpus: every policy in the tree. FUZZ_SECONDS overrides the time.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(ninja build/fuzz/fuzz_parse 2>&1) || { printf '%s\n' "$log" | tail -20; exit 1; }
corpus=$(mktemp -d); trap 'rm -rf "$corpus"' EXIT
cp tests/fuzz/corpus/* "$corpus"/ 2>/dev/null || true
for f in $(ls stdlib-policies/*.sbx examples/*.sbx tests/lang/*/*.sbx 2>/dev/null); do
	cp "$f" "$corpus/$(echo "$f" | tr / _)"
done
build/fuzz/fuzz_parse -max_total_time="${FUZZ_SECONDS:-30}" -max_len=4096 -timeout=10 \
	-dict=tests/fuzz/sbx.dict "$corpus" 2>&1 | tail -3
