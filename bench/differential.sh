#!/usr/bin/env bash
# bench/differential.sh: the random differential test of `sbxc explain`
# against the kernel (tests/differential/diff.py), longer than the suite
# runs it: SEEDS seeds of POLICIES policies each, three modes (sbxc run,
# sbx-exec with baked -D values, sbx-exec --param), about 294 operations a
# policy per mode. Prints one summary line a seed and exits 1 on any wider
# answer, unexplained stricter answer or explain/check mismatch.
# Usage: bench/differential.sh [SEEDS] [POLICIES]   (default 20 200: about 3.5 million cases)
set -u
cd "$(dirname "$0")/.."
SEEDS=${1:-20} POLICIES=${2:-200}
ninja build/sbxc build/sbx-exec >/dev/null || exit 1
T=$(mktemp -d /tmp/sbxc-differential.XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME=$T/cache
# copies: a rebuild while the bench runs must not change the binaries under it
mkdir -p "$T/bin" && cp build/sbxc build/sbx-exec "$T/bin/"
rc=0
for seed in $(seq 1000 $((1000 + SEEDS - 1))); do
	out=$(python3 tests/differential/diff.py --sbxc "$T/bin/sbxc" --exec "$T/bin/sbx-exec" --dir "$T/s$seed" \
		--seed "$seed" --policies "$POLICIES" 2>&1) || rc=1
	echo "$out" | grep -v '^stricter-known' | sed "s/^/seed $seed: /"
	rm -rf "$T/s$seed"
done
exit $rc
