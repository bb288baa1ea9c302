#!/usr/bin/env bash
# tests/perf: compiling stays linear in the policy (issue 20). Not timed:
# valgrind counts the instructions a run executes, whatever the machine's
# load. For both shapes of bench/gen-policy.py (flat: the realistic mix;
# nested: chains of deny-inside-allow on long paths), `-t all` and `sbxc
# check` on 20,000 statements must stay under a fixed budget (about 1.5x
# what they take today; the quadratic passes this replaced took 10-40x
# more) and under 4x what 5,000 statements take, scaled by how much more
# text the 20,000 have (their numbers are longer: 4.0-4.1x the bytes) and
# with 10% for the log factor of sorting: linear passes, a pass that scans
# every rule per rule (16x) does not.
#
#  budget/SHAPE/PHASE  instructions at 20,000 statements <= the budget
#  growth/SHAPE/PHASE  instructions(20,000) <= instructions(5,000) x 4 x
#                      (bytes(20,000) / 4 bytes(5,000)) x 1.1
#
# Counted with cachegrind without its cache simulation: the same count as
# callgrind's (Ir), at a fraction of the time. Under the ASan build
# valgrind cannot run (ASan reserves the shadow memory valgrind needs): the
# suite says so and stops there; the release variant runs the same code.
SUITE=perf; . "$(dirname "$0")/../lib.sh"

case $BUILD in *asan*)
	# Not skip(): under CI=true that fails, and the release variant runs
	# these same tests on the same code.
	echo "SKIP $SUITE/all: valgrind cannot run an ASan binary (the release variant runs this suite)"
	exit 0 ;;
esac
if ! command -v valgrind >/dev/null; then
	skip all "valgrind is not installed (scripts/packages.txt)"
	exit 0
fi
lib_build "$BUILD/sbxc"

declare -A budget=(
	[flat/all]=2500000000 [flat/check]=1700000000
	[nested/all]=11000000000 [nested/check]=5000000000
)

gen() { # shape n
	{ python3 bench/gen-policy.py "$2" $([ "$1" = nested ] && echo --nested)
	  echo 'accept wider connect because "benchmark: named hosts"'
	  echo 'accept wider exec on windows because "benchmark"'; } >"$tmp/$1$2.sbx"
}
count() { # out-file phase policy
	local args
	case $2 in
	check) args=(check "$3") ;;
	*) args=("$3" -t "$2" -o "$tmp/out-$(basename "$1")" --no-cache) ;;
	esac
	valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$SBXC" "${args[@]}" 2>&1 >/dev/null |
		sed -n 's/.*I *refs: *//p' | tr -d , >"$1"
}

export SBXC_CACHE_DIR=$tmp/cache
for sh in flat nested; do gen $sh 5000; gen $sh 20000; done
# Two at a time: the machine has two cores.
jobs=()
for sh in flat nested; do
	for ph in all check; do
		for n in 5000 20000; do
			count "$tmp/n-$sh-$ph-$n" $ph "$tmp/$sh$n.sbx" &
			jobs+=($!)
			if [ ${#jobs[@]} -ge 2 ]; then wait "${jobs[@]}"; jobs=(); fi
		done
	done
done
wait "${jobs[@]}" 2>/dev/null
for sh in flat nested; do
	for ph in all check; do
		small=$(cat "$tmp/n-$sh-$ph-5000") big=$(cat "$tmp/n-$sh-$ph-20000")
		if ! [[ $small =~ ^[0-9]+$ && $big =~ ^[0-9]+$ ]]; then
			fail "budget/$sh/$ph" "no instruction count from valgrind ('$small', '$big')"
			continue
		fi
		b=${budget[$sh/$ph]}
		if [ "$big" -le "$b" ]; then pass "budget/$sh/$ph"
		else fail "budget/$sh/$ph" "$big instructions for 20,000 statements, budget $b"; fi
		bs=$(wc -c <"$tmp/${sh}5000.sbx") bb=$(wc -c <"$tmp/${sh}20000.sbx")
		if awk -v a="$big" -v b="$small" -v x="$bs" -v y="$bb" 'BEGIN{exit !(a <= b * (y / x) * 1.1)}'; then
			pass "growth/$sh/$ph"
		else
			fail "growth/$sh/$ph" "$(awk -v a="$big" -v b="$small" -v x="$bs" -v y="$bb" 'BEGIN{printf "%.2fx the instructions for %.2fx the bytes (limit %.2fx)", a/b, y/x, y/x*1.1}') ($small -> $big)"
		fi
	done
done
