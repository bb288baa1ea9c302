#!/usr/bin/env bash
# Issue 6's benchmark: compile a generated 10,000-rule policy for every
# target (-t all: macos, landlock, seccomp x86_64+aarch64, windows), cold
# (--no-cache) and on a cache hit. Targets: cold <= 50 ms, hit <= 2 ms of
# process wall time. Also prints the floor (`sbxc --version`: exec and
# dynamic linking of the same binary) so a hit can be read against it,
# and a hit whose outputs are missing (every byte rewritten).
# Usage: bench/compile.sh [SBXC] (default build/sbxc); SBXC_BENCH_RUNS.
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:-build/sbxc}
[ "$S" = build/sbxc ] && ninja build/sbxc >/dev/null
runs=${SBXC_BENCH_RUNS:-20}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
cp "$S" "$t/sbxc"
# The generated policy names hosts, which every target enforces more
# widely: accepted in the policy, so no run prints 10,000 warnings.
{ python3 bench/gen-policy.py 10000
  echo 'accept wider connect because "benchmark: named hosts"'
  echo 'accept wider exec on windows because "benchmark"'; } >"$t/p10k.sbx"
wc -l "$t/p10k.sbx"
export SBXC_CACHE_DIR=$t/cache
args="$t/p10k.sbx -t all -o $t/out"
"$t/sbxc" $args 2>/dev/null
du -sh "$t/out" "$t/cache" | sed 's/^/# /'
hyperfine -N --warmup 2 --runs "$runs" \
	"$t/sbxc --version" \
	"$t/sbxc $args" \
	"$t/sbxc $args --check" \
	"$t/sbxc $args --no-cache" 2>&1 | grep -v '^ *$'
echo "# cold, one target at a time:"
for tg in macos landlock seccomp windows; do
	/usr/bin/time -f "#   $tg: %e s wall, %U s user, %M KB max RSS" "$t/sbxc" "$t/p10k.sbx" -t $tg -o "$t/one" --no-cache
done
echo "# hit with the outputs removed (every artifact rewritten):"
hyperfine -N --warmup 1 --runs "$runs" --prepare "rm -rf $t/out" "$t/sbxc $args" 2>&1 | grep -E 'Time|Range'
