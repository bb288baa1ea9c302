#!/usr/bin/env bash
# bench/supervisor.sh: what the supervisor (runtime/sup.c) costs.
#
#   start     hyperfine: sbx-exec running a static true with a policy the
#             supervisor serves vs one Landlock alone enforces (one fork
#             and a listener handover more)
#   connect   mean microseconds per socket+connect+close to a loopback
#             server that accepts and closes: unsandboxed, Landlock alone
#             (`*:PORT`), supervised (`127.0.0.1:PORT`); best of ROUNDS
#   build     wall seconds of builds that create thousands of files in a
#             project: `tar x` of FILES files in 100 directories, and `make
#             -j2` of CFILES C files into new object directories; under the
#             srt-shaped policy (`allow write ${PROJECT}`, `deny write
#             ${PROJECT}/**/.env`: supervised), `allow write ${PROJECT}`
#             alone (Landlock alone) and unsandboxed; best of ROUNDS
# Usage: bench/supervisor.sh [N] [ROUNDS] [FILES] [CFILES]
#        (default 5000 connects, 5 rounds, 5000 files, 200 C files)
set -eu
cd "$(dirname "$0")/.."
N=${1:-5000} ROUNDS=${2:-5} FILES=${3:-5000} CFILES=${4:-200}
ninja build/supervisor-all build/landlock-all >/dev/null
B=$PWD/build P=$PWD/build/tests/supervisor/probe
T=$(mktemp -d /tmp/sbxc-bench.XXXXXX)
PORT=
for i in $(seq 20); do c=$((20000 + (RANDOM % 800) * 50)); if "$P" free $c 1; then PORT=$c; break; fi; done
"$P" tcpserve 127.0.0.1 "$PORT" >/dev/null & S=$!
trap 'kill $S; rm -rf "$T"' EXIT
for k in sup ll; do
	host=127.0.0.1; [ $k = ll ] && host='*'
	printf 'sbx 1\npolicy %s\nallow read /\nallow exec /\nallow connect tcp %s:%s\n' $k "$host" "$PORT" >"$T/$k.sbx"
	"$B/sbxc" "$T/$k.sbx" -t linux -o "$T/$k" >/dev/null
done
sleep 0.2
best() { local b=; for r in $(seq "$ROUNDS"); do v=$("$@" | sed -n 's/^us \([0-9.]*\) failed 0$/\1/p'); [ -z "$b" ] || awk "BEGIN{exit !($v < $b)}" && b=$v; done; echo "$b"; }
echo "connect (us, best of $ROUNDS x $N):"
echo "  unsandboxed    $(best "$P" loop 127.0.0.1 "$PORT" "$N")"
echo "  Landlock alone $(best "$B/sbx-exec" "$T/ll/ll.landlock" -- "$P" loop 127.0.0.1 "$PORT" "$N")"
echo "  supervised     $(best "$B/sbx-exec" "$T/sup/sup.landlock" -- "$P" loop 127.0.0.1 "$PORT" "$N")"
if command -v hyperfine >/dev/null; then
	hyperfine -N -w 20 -r 300 \
		-n "Landlock alone" "$B/sbx-exec $T/ll/ll.landlock -- $B/bench/runtime_true" \
		-n "supervised" "$B/sbx-exec $T/sup/sup.landlock -- $B/bench/runtime_true"
fi

# ---- builds ----
W=$T/w
mkdir -p "$W/src/tree" "$W/csrc"
for d in $(seq 100); do
	mkdir -p "$W/src/tree/d$d"
	for f in $(seq $((FILES / 100))); do echo "$d $f" >"$W/src/tree/d$d/f$f.js"; done
done
tar -C "$W/src" -cf "$W/tree.tar" tree
for i in $(seq "$CFILES"); do printf 'int f%d(int x) { return x * %d; }\n' "$i" "$i" >"$W/csrc/f$i.c"; done
printf 'build/app: $(patsubst csrc/%%.c,build/obj/%%.o,$(wildcard csrc/*.c))\n\t$(CC) -shared -o $@ $^\nbuild/obj/%%.o: csrc/%%.c\n\t@mkdir -p $(@D)\n\t$(CC) -fPIC -c -o $@ $<\n' >"$W/Makefile"
for k in fsup fll; do
	{ printf 'sbx 1\npolicy %s\nallow read /\nallow exec /\nallow fork\nallow write /dev/null ${PROJECT}\n' $k
	  [ $k = fsup ] && printf 'deny write ${PROJECT}/**/.env\n'; } >"$T/$k.sbx"
	"$B/sbxc" "$T/$k.sbx" -t linux -o "$T/$k" >/dev/null
done
grep -q '^sup write$' "$T/fsup/fsup.landlock" || { echo "fsup is not supervised" >&2; exit 1; }
secs() { # best wall seconds of ROUNDS runs of: "$@" (in $W, after clean)
	local b=
	for r in $(seq "$ROUNDS"); do
		rm -rf "$W/out" "$W/build"; mkdir -p "$W/out" "$W/tmp"
		local t0 t1
		t0=$(date +%s.%N)
		(cd "$W" && TMPDIR=$W/tmp "$@" >/dev/null 2>&1) || { echo "failed: $*" >&2; exit 1; }
		t1=$(date +%s.%N)
		v=$(awk "BEGIN{printf \"%.3f\", $t1 - $t0}")
		[ -z "$b" ] || awk "BEGIN{exit !($v < $b)}" && b=$v
	done
	echo "$b"
}
for job in "tar:tar -C out -xf tree.tar" "make:make -s -j2 CC=cc"; do
	name=${job%%:*} cmd=${job#*:}
	n0=$(secs $cmd)
	n1=$(secs "$B/sbx-exec" "$T/fll/fll.landlock" -- $cmd)
	n2=$(secs "$B/sbx-exec" "$T/fsup/fsup.landlock" -- $cmd)
	echo "build $name (s, best of $ROUNDS): unsandboxed $n0, Landlock alone $n1, supervised $n2 ($(awk "BEGIN{printf \"%+.1f\", ($n2 / $n1 - 1) * 100}")% over Landlock alone)"
done
