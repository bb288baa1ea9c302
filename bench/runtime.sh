#!/usr/bin/env bash
# bench/runtime.sh: what starting a program under a policy costs on Linux.
#
# Side by side in one hyperfine run (release build, static binaries):
#   true                    a static true, directly
#   exec1 true              one extra exec of a static binary (the baseline)
#   sbx-exec 20 rules       Landlock + seccomp from committed artifacts
#   sbx-exec 1000 rules     the same with 1000 path rules
#   sbx-exec carve          allow read / + deny read ${HOME}/.ssh (enumerates / and ${HOME})
#   sbxc run (cached)       parse the policy, hit the cache, apply like sbx-exec
#   bwrap                   bubblewrap: read-only bind of /, every namespace unshared
# The target (issue 4): sbx-exec adds <= 1 ms over exec1.
# Usage: bench/runtime.sh [RUNS]   (default 300)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-300}
command -v hyperfine >/dev/null || { echo "bench/runtime.sh: hyperfine is not installed (scripts/packages-landlock.txt)" >&2; exit 1; }
ninja build/landlock-all >/dev/null
B=$PWD/build
T=$(mktemp -d /tmp/sbxc-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin" "$T/data"
cp "$B/bench/runtime_true" "$T/bin/true"
for i in $(seq 1 1000); do mkdir "$T/data/d$i"; done

policy() { # name, number of path rules
	{
		echo "sbx 1"
		echo "policy $1"
		echo "param BIN"
		echo "allow read exec \${BIN}"
		for i in $(seq 1 $(($2 - 1))); do echo "allow read $T/data/d$i"; done
	} >"$T/$1.sbx"
	"$B/sbxc" "$T/$1.sbx" -t linux --arch x86_64 -o "$T/$1" >/dev/null 2>&1
}
policy p20 20
policy p1000 1000
cat >"$T/carve.sbx" <<EOT
sbx 1
policy carve
param BIN
allow read /
deny read \${HOME}/.ssh
allow read exec \${BIN}
EOT
"$B/sbxc" "$T/carve.sbx" -t linux --arch x86_64 -o "$T/carve" >/dev/null 2>&1
export XDG_CACHE_HOME=$T/cache

X="$B/sbx-exec --param BIN=$T/bin"
hyperfine -N --warmup 30 --runs "$RUNS" --export-json "$T/r.json" --style basic \
	-n "true" "$T/bin/true" \
	-n "exec1 true" "$B/bench/runtime_exec1 $T/bin/true" \
	-n "sbx-exec 20 rules" "$X $T/p20/p20.landlock -- $T/bin/true" \
	-n "sbx-exec 1000 rules" "$X $T/p1000/p1000.landlock -- $T/bin/true" \
	-n "sbx-exec carve" "$X $T/carve/carve.landlock -- $T/bin/true" \
	-n "sbxc run 20 (cached)" "$B/sbxc run -D BIN=$T/bin $T/p20.sbx -- $T/bin/true" \
	-n "bwrap" "bwrap --ro-bind / / --dev /dev --unshare-all --die-with-parent $T/bin/true" >"$T/out" 2>&1 ||
	{ cat "$T/out"; exit 1; }

python3 - "$T/r.json" <<'EOT'
import json, os, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ms = lambda n, k="mean": r[n][k] * 1e3
print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (timings are wall clock)")
cpu = lambda n: (r[n]["user"] + r[n]["system"]) * 1e3
print(f"{'':22} {'mean ms':>8} {'stddev':>7} {'median':>7} {'min':>7} {'median vs exec1':>16} {'cpu ms':>7}")
for n in r:
    print(f"{n:22} {ms(n):8.3f} {ms(n, 'stddev'):7.3f} {ms(n, 'median'):7.3f} {ms(n, 'min'):7.3f} {ms(n, 'median') - ms('exec1 true', 'median'):+16.3f} {cpu(n):7.3f}")
for n in ("sbx-exec 20 rules", "sbx-exec 1000 rules"):
    over = ms(n, "median") - ms("exec1 true", "median")
    omin = ms(n, "min") - ms("exec1 true", "min")
    ocpu = cpu(n) - cpu("exec1 true")
    print(f"{n}: {over:.3f} ms (median; {omin:.3f} ms by minimum; {ocpu:.3f} ms CPU) over one extra static exec (target <= 1 ms): {'met' if over <= 1 else 'NOT met'}")
print(f"bwrap / sbx-exec 20 rules (median): {ms('bwrap', 'median') / ms('sbx-exec 20 rules', 'median'):.1f}x")
EOT
