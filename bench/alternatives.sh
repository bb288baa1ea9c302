#!/usr/bin/env bash
# bench/alternatives.sh: sbxc against what users would pick instead, in one run.
#
# It installs the alternatives itself, into a cache directory
# ($SBXC_BENCH_CACHE, default ~/.cache/sbxc-bench): the npm packages
# @anthropic-ai/sandbox-runtime (srt), @microsoft/mxc-sdk (mxc) and
# @openai/codex (whose linux-x64 package ships the binary), and, when run as
# root, the Debian packages bubblewrap, ripgrep and socat (srt needs the last
# two). A tool that cannot run here is reported with the reason and shows
# n/a in the table.
#
# The policy, the same for every tool: read everything, write one output
# directory, no network: srt settings, an sbx policy; mxc gets the tools' read-only paths plus the project, codex
# its :workspace profile with the output directory as the workspace, bwrap
# a read-only / with the output directory bound writable and no network.
# Each tool must also refuse a write into the project (column "refuses").
#
# Timed with hyperfine (-N, no shell), each command on its own:
#   true   /bin/true
#   real   sh -c 'grep -rc main PROJECT > OUT/grep.txt' (reads the project,
#          writes the output directory)
# sbxc run is timed with its cache warm (the first run compiles). The macOS
# profile: srt's own generator (in node, mean of 200 calls, node start-up
# excluded; plus one whole `node` process) against `sbxc -t macos` (a whole
# process), and the profiles' sizes.
#
# Usage: bench/alternatives.sh [RUNS]   (default 30; srt and codex get fewer)
# Targets (issue 7): sbxc run (cached) >= 5x faster than mxc, >= 50x than srt.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${1:-30}
CACHE=${SBXC_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sbxc-bench}
B=$ROOT/build
command -v hyperfine >/dev/null || { echo "bench/alternatives.sh: hyperfine is not installed (scripts/packages-landlock.txt)" >&2; exit 1; }
ninja build/sbxc build/sbx-exec >/dev/null || { echo "bench/alternatives.sh: the build failed" >&2; exit 1; }
mkdir -p "$CACHE"
# not under /tmp: codex's :workspace profile makes /tmp writable
W=$(mktemp -d "$CACHE/run.XXXXXX")
trap 'rm -rf "$W"' EXIT
PROJ=$W/project OUT=$W/out
mkdir -p "$PROJ" "$OUT" "$W/res"
cp -r "$ROOT/cli" "$ROOT/lib" "$PROJ/"
REAL="grep -rc main $PROJ > $OUT/grep.txt"
DENIED="echo x > $PROJ/escaped"

declare -A why # tool -> reason it cannot run (empty: it runs)
note() { echo "  $*" >&2; }

# ---- installing ----
echo "installing the alternatives into $CACHE" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	for pkg in bubblewrap ripgrep socat; do
		dpkg -s "$pkg" >/dev/null 2>&1 || apt-get install -y -q "$pkg" >/dev/null 2>&1 || note "apt-get install $pkg failed"
	done
fi
NPM=$CACHE/npm
if ! command -v npm >/dev/null; then
	for t in srt mxc codex; do why[$t]="npm is not installed"; done
elif ! (mkdir -p "$NPM" && npm install --prefix "$NPM" --no-audit --no-fund --loglevel=error \
	@anthropic-ai/sandbox-runtime @microsoft/mxc-sdk @openai/codex >"$W/npm.log" 2>&1); then
	for t in srt mxc codex; do why[$t]="npm install failed: $(tail -1 "$W/npm.log")"; done
fi
NM=$NPM/node_modules
SRT_DIR=$NM/@anthropic-ai/sandbox-runtime
MXC_DIR=$NM/@microsoft/mxc-sdk
CODEX=$(ls "$NM"/@openai/codex-linux-x64/vendor/*/bin/codex 2>/dev/null | head -1)
ver() { node -p "require('$1/package.json').version" 2>/dev/null || echo "?"; }

# ---- the policy, per tool ----
cat >"$W/srt.json" <<EOF
{
  "filesystem": { "denyRead": [], "allowWrite": ["$OUT"], "denyWrite": [] },
  "network": { "allowedDomains": [], "deniedDomains": [] }
}
EOF
# The sbx policy says the same. (Not `sbxc import srt`: its translation keeps
# srt's mandatory deny patterns under OUT, which Landlock enforces by
# expanding the allow at start, so new files directly in OUT would be
# refused; see docs/import.md.)
cat >"$W/bench.sbx" <<EOF
sbx 1
policy bench
use std/base
allow read /
allow exec /
allow fork
allow signal self children
allow write $OUT
EOF
"$B/sbxc" "$W/bench.sbx" -t linux -o "$W/art" 2>"$W/compile.err" || { cat "$W/compile.err" >&2; exit 1; }
export XDG_CACHE_HOME=$W/xdg # sbxc run's cache
"$B/sbxc" run "$W/bench.sbx" -- /bin/true || why[sbxc-run]="sbxc run fails here (Landlock missing?)"
"$B/sbx-exec" "$W/art/bench.landlock" -- /bin/true || why[sbx-exec]="sbx-exec fails here (Landlock missing?)"

declare -A run # tool -> command prefix (the command follows)
run[sbxc-run]="$B/sbxc run $W/bench.sbx --"
run[sbx-exec]="$B/sbx-exec $W/art/bench.landlock --"
run[srt]="node $SRT_DIR/dist/cli.js --settings $W/srt.json"
run[codex]="$CODEX sandbox -P :workspace -C $OUT --"
run[bwrap]="bwrap --ro-bind / / --dev /dev --proc /proc --bind $OUT $OUT --unshare-all --die-with-parent"
export CODEX_HOME=$CACHE/codex-home
mkdir -p "$CODEX_HOME"

[ -n "${why[srt]:-}" ] || [ -f "$SRT_DIR/dist/cli.js" ] || why[srt]="not installed"
[ -n "${why[codex]:-}" ] || [ -x "$CODEX" ] || why[codex]="no linux binary in @openai/codex-linux-x64"
command -v bwrap >/dev/null || why[bwrap]="bubblewrap is not installed (apt-get install bubblewrap)"
# mxc: the SDK builds the executor's command line; it is timed directly
mxc_cmd() { # COMMAND-STRING -> prints the argv, one per line
	node "$ROOT/bench/alternatives-mxc.mjs" "$MXC_DIR" "$PROJ" "$OUT" "$1"
}
if [ -z "${why[mxc]:-}" ]; then
	if ! mxc_cmd /bin/true >"$W/mxc.true" 2>"$W/mxc.err"; then
		why[mxc]="the SDK refuses: $(grep -m1 -i error "$W/mxc.err" || tail -1 "$W/mxc.err")"
	fi
fi

TOOLS="sbxc-run sbx-exec srt mxc codex bwrap"
# argv for TOOL running sh -c SCRIPT (mxc: a file of argv lines)
cmdline() { # tool, script
	if [ "$1" = mxc ]; then
		mxc_cmd "sh -c '$2'" >"$W/mxc.argv" 2>/dev/null
		printf '%q ' $(cat "$W/mxc.argv") # base64 and paths: no spaces
	else
		printf '%s sh -c %q' "${run[$1]}" "$2"
	fi
}
truecmd() {
	if [ "$1" = mxc ]; then printf '%q ' $(cat "$W/mxc.true"); else echo "${run[$1]} /bin/true"; fi
}

# ---- checks: the job works, a write into the project is refused ----
declare -A refuses
for t in $TOOLS; do
	[ -z "${why[$t]:-}" ] || continue
	rm -f "$OUT/grep.txt" "$PROJ/escaped"
	if ! eval "$(truecmd $t)" >"$W/res/$t.true.log" 2>&1; then
		why[$t]="cannot run here: $(grep -v '^\s*$' "$W/res/$t.true.log" | tail -1 | cut -c1-120)"
		continue
	fi
	eval "$(cmdline $t "$REAL")" >"$W/res/$t.real.log" 2>&1
	if [ ! -s "$OUT/grep.txt" ]; then
		why[$t]="the real command failed: $(tail -1 "$W/res/$t.real.log" | cut -c1-120)"
		continue
	fi
	eval "$(cmdline $t "$DENIED")" >/dev/null 2>&1
	if [ -e "$PROJ/escaped" ]; then refuses[$t]=no; else refuses[$t]=yes; fi
	rm -f "$PROJ/escaped"
done

# ---- timing ----
for t in $TOOLS; do
	[ -z "${why[$t]:-}" ] || { note "$t: n/a: ${why[$t]}"; continue; }
	n=$RUNS
	case $t in srt | codex) n=$(( RUNS < 10 ? RUNS : 10 )) ;; esac
	echo "timing $t ($n runs)" >&2
	hyperfine -N --warmup 2 --runs "$n" --export-json "$W/res/$t.json" --style none \
		-n true "$(truecmd $t)" -n real "$(cmdline $t "$REAL")" >/dev/null 2>"$W/res/$t.err" ||
		why[$t]="hyperfine: $(tail -1 "$W/res/$t.err")"
done

# ---- the macOS profile ----
SB_SRT=n/a SB_SBX=n/a GEN_SRT=n/a GEN_SRT_PROC=n/a GEN_SBX=n/a
if "$B/sbxc" "$W/bench.sbx" -t macos -o "$W/mac" 2>/dev/null; then
	SB_SBX=$(wc -c <"$W/mac/bench.sb")
	hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$W/res/gen-sbx.json" --style none \
		"$B/sbxc $W/bench.sbx -t macos -o $W/mac" >/dev/null 2>&1 &&
		GEN_SBX=$(python3 -c 'import json,sys; print("%.3f" % (json.load(open(sys.argv[1]))["results"][0]["mean"]*1e3))' "$W/res/gen-sbx.json")
fi
if [ -z "${why[srt]:-}" ] || [ -f "$SRT_DIR/dist/sandbox/macos-sandbox-utils.js" ]; then
	if GEN_SRT=$(cd "$PROJ" && node "$ROOT/bench/alternatives-srt-macos.mjs" "$SRT_DIR" "$PROJ" "$OUT" 200 "$W/srt.sb" 2>"$W/gen.err"); then
		SB_SRT=$(wc -c <"$W/srt.sb")
		hyperfine -N --warmup 1 --runs 5 --export-json "$W/res/gen-srt.json" --style none \
			"node $ROOT/bench/alternatives-srt-macos.mjs $SRT_DIR $PROJ $OUT 1 $W/srt1.sb" >/dev/null 2>&1 &&
			GEN_SRT_PROC=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["mean"]*1e3))' "$W/res/gen-srt.json")
	else
		GEN_SRT=n/a
		note "srt's macOS generator failed: $(tail -1 "$W/gen.err")"
	fi
fi

# ---- the table ----
{
	for t in $TOOLS; do
		echo "tool $t ${refuses[$t]:--} ${why[$t]:-}"
	done
	echo "versions srt=$(ver "$SRT_DIR") mxc=$(ver "$MXC_DIR") codex=$(ver "$NM/@openai/codex") bwrap=$(bwrap --version 2>/dev/null | awk '{print $2}')"
	echo "macos $SB_SRT $SB_SBX $GEN_SRT $GEN_SRT_PROC $GEN_SBX"
} >"$W/summary"
python3 - "$W/res" "$W/summary" <<'EOF'
import json, os, sys
res, summary = sys.argv[1], sys.argv[2]
tools, why, refuses, versions, mac = [], {}, {}, '', None
for line in open(summary):
    f = line.rstrip('\n').split(' ', 3)
    if f[0] == 'tool':
        tools.append(f[1]); refuses[f[1]] = f[2]; why[f[1]] = f[3] if len(f) > 3 else ''
    elif f[0] == 'versions':
        versions = line.split(' ', 1)[1].strip()
    elif f[0] == 'macos':
        mac = line.split()[1:]
t = {}
for tool in tools:
    p = os.path.join(res, tool + '.json')
    if not why[tool] and os.path.exists(p):
        r = {x['command']: x for x in json.load(open(p))['results']}
        t[tool] = {k: (r[k]['mean'] * 1e3, r[k]['stddev'] * 1e3) for k in ('true', 'real')}
        # CPU time (user + system, children included): less sensitive to a loaded machine
        t[tool].update({k + '-cpu': ((r[k]['user'] + r[k]['system']) * 1e3, 0) for k in ('true', 'real')})
base = t.get('sbxc-run')
def ms(tool, k):
    return '%9.2f ±%6.2f' % t[tool][k] if tool in t else '%16s' % 'n/a'
def ratio(tool, k):
    if tool not in t or not base:
        return '%8s' % 'n/a'
    return '%7.1fx' % (t[tool][k][0] / base[k][0])
def cpu(tool, k):
    return '%8.1f' % t[tool][k][0] if tool in t else '%8s' % 'n/a'
print('sbxc against the alternatives: wall time (mean ± sd, ms) and CPU time (user+sys, ms);')
print('x = the tool / sbxc run (cached), from wall time and from CPU time')
print('%-9s %16s %16s %7s %7s %8s %8s %7s %7s  %s' % ('tool', 'true wall', 'real wall', 'true x', 'real x',
      'true cpu', 'real cpu', 'cpu x', 'cpu x', 'refuses'))
for tool in tools:
    print('%-9s %s %s %s %s %s %s %s %s  %s' % (tool, ms(tool, 'true'), ms(tool, 'real'), ratio(tool, 'true')[1:],
          ratio(tool, 'real')[1:], cpu(tool, 'true-cpu'), cpu(tool, 'real-cpu'), ratio(tool, 'true-cpu')[1:],
          ratio(tool, 'real-cpu')[1:], refuses[tool] if tool in t else 'n/a'))
print('(refuses: a write into the project, outside the output directory, failed)')
for tool in tools:
    if why[tool]:
        print('  %s: n/a: %s' % (tool, why[tool]))
print(versions)
if mac:
    sb_srt, sb_sbx, g_srt, g_srt_proc, g_sbx = mac
    print('macOS profile: srt %s bytes, sbxc %s bytes%s' % (sb_srt, sb_sbx,
          (' (%.1fx smaller)' % (int(sb_srt) / int(sb_sbx))) if sb_srt != 'n/a' and sb_sbx != 'n/a' else ''))
    print('  generation: srt %s ms per call in node (%s ms as a whole node process), sbxc -t macos %s ms (a whole process)%s' % (
        g_srt, g_srt_proc, g_sbx,
        (' (%.1fx faster than the call, %.0fx than the process)' % (float(g_srt) / float(g_sbx), float(g_srt_proc) / float(g_sbx)))
        if 'n/a' not in (g_srt, g_srt_proc, g_sbx) else ''))
try:
    print('load average during the run: %s' % open('/proc/loadavg').read().split()[0:3])
except OSError:
    pass
for tool, want in (('mxc', 5), ('srt', 50)):
    if tool in t and base:
        for k, what in (('true', 'wall'), ('true-cpu', 'CPU')):
            r = t[tool][k][0] / base[k][0]
            print('target: sbxc run >= %dx faster than %s (true, %s time): %.1fx %s' % (want, tool, what, r,
                  'MET' if r >= want else 'MISSED'))
    else:
        print('target: sbxc run >= %dx faster than %s: n/a (%s did not run)' % (want, tool, tool))
EOF
