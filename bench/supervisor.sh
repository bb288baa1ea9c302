#!/usr/bin/env bash
# bench/supervisor.sh: what the supervisor (runtime/sup.c) costs.
#
#   start     hyperfine: sbx-exec running a static true with a policy the
#             supervisor serves vs one Landlock alone enforces (one fork
#             and a listener handover more)
#   connect   mean microseconds per socket+connect+close to a loopback
#             server that accepts and closes: unsandboxed, Landlock alone
#             (`*:PORT`), supervised (`127.0.0.1:PORT`); best of ROUNDS
# Usage: bench/supervisor.sh [N] [ROUNDS]   (default 5000 connects, 5 rounds)
set -eu
cd "$(dirname "$0")/.."
N=${1:-5000} ROUNDS=${2:-5}
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
