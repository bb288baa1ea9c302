#!/usr/bin/env bash
# Issue 20's benchmark: how compile cost grows with the policy. For two
# shapes (flat: bench/gen-policy.py's realistic mix; nested: chains of
# deny-inside-allow on long paths) at 1,000 and 10,000 statements, per
# phase (each target alone, -t all, sbxc check): instructions (valgrind,
# load-independent: use these for decisions), wall and peak RSS
# (/usr/bin/time, one cold run: noisy on a loaded machine) and the growth
# in instructions from 1,000 to 10,000 statements (linear is 10x).
# Usage: bench/scale.sh [SBXC] (default build/sbxc); SBXC_SCALE_SIZES
# ("1000 10000"), SBXC_SCALE_SHAPES ("flat nested").
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:-build/sbxc}
[ "$S" = build/sbxc ] && ninja build/sbxc >/dev/null
S=$(realpath "$S")
sizes=${SBXC_SCALE_SIZES:-1000 10000}
shapes=${SBXC_SCALE_SHAPES:-flat nested}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
export SBXC_CACHE_DIR=$t/cache
gen() { # shape n -> file
	{ python3 bench/gen-policy.py "$2" $([ "$1" = nested ] && echo --nested)
	  echo 'accept wider connect because "benchmark: named hosts"'
	  echo 'accept wider exec on windows because "benchmark"'; } >"$t/$1$2.sbx"
}
# cachegrind without its cache simulation counts exactly what callgrind
# counts (Ir), at a fraction of the cost.
instr() {
	valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*I *refs: *//p' | tr -d ,
}
phase_args() { # phase file
	case $1 in
	check) echo "check $2" ;;
	*) echo "$2 -t $1 -o $t/out --no-cache" ;;
	esac
}
printf '%-7s %-9s %8s %14s %9s %9s\n' shape phase n instructions wall_ms rss_mb
for sh in $shapes; do
	for n in $sizes; do gen "$sh" "$n"; done
	for ph in macos landlock windows seccomp all check; do
		prev=
		for n in $sizes; do
			f=$t/$sh$n.sbx
			# shellcheck disable=SC2046
			i=$(instr "$S" $(phase_args "$ph" "$f"))
			# shellcheck disable=SC2046
			/usr/bin/time -f '%e %M' -o "$t/time" "$S" $(phase_args "$ph" "$f") >/dev/null 2>&1 || true
			read -r wall rss <"$t/time"
			g=
			[ -n "$prev" ] && g=$(awk -v a="$i" -v b="$prev" 'BEGIN{printf "  x%.1f", a/b}')
			printf '%-7s %-9s %8s %14s %9.0f %9.1f%s\n' "$sh" "$ph" "$n" "$i" \
				"$(awk -v w="$wall" 'BEGIN{print w*1000}')" "$(awk -v r="$rss" 'BEGIN{print r/1024}')" "$g"
			prev=$i
		done
	done
done
