#!/usr/bin/env bash
# tests/run.sh: install what the tests need, build every variant, run every
# suite against the release build and again against the ASan+UBSan build,
# run the fuzzer briefly, and end with "N passed, N failed, N skipped".
#
# A suite is tests/*/run.sh. It reads $SBXC (the sbxc binary), $BUILD (the
# variant's build dir: build or build/asan), $ROOT, $UPDATE (1 = rewrite
# goldens), and prints one line per test: "PASS name", "FAIL name: why" or
# "SKIP name: why". Under CI=true a suite must not skip what CI can run.
# Every suite sources tests/lib.sh for these and for golden files.
#
# Options: --update (rewrite golden files), --quick (release build only, no
# fuzzing), --suite NAME (only tests/NAME/run.sh).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
UPDATE=0 QUICK=0 ONLY=
while [ $# -gt 0 ]; do
	case $1 in
	--update) UPDATE=1 ;;
	--quick) QUICK=1 ;;
	--suite) ONLY=$2; shift ;;
	*) echo "usage: tests/run.sh [--update] [--quick] [--suite NAME]" >&2; exit 64 ;;
	esac
	shift
done
export ROOT UPDATE

scripts/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }
targets="build/sbxc"
[ $QUICK = 1 ] || targets="all"
if ! ninja $targets >/tmp/sbxc-build.$$ 2>&1; then
	cat /tmp/sbxc-build.$$; rm -f /tmp/sbxc-build.$$
	echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi
rm -f /tmp/sbxc-build.$$

pass=0 fail=0 skip=0
run_suites() { # $1 = build dir
	export BUILD=$1 SBXC=$ROOT/$1/sbxc
	for s in tests/*/run.sh; do
		name=$(basename "$(dirname "$s")")
		[ -z "$ONLY" ] || [ "$ONLY" = "$name" ] || continue
		while IFS= read -r line; do
			case $line in
			PASS\ *) pass=$((pass + 1)) ;;
			FAIL\ *) fail=$((fail + 1)); echo "[$1] $line" ;;
			SKIP\ *) skip=$((skip + 1)); [ "${VERBOSE:-0}" = 1 ] && echo "[$1] $line" ;;
			*) echo "[$1] $name: $line" ;;
			esac
		done < <(bash "$s" 2>&1; rc=$?; [ $rc = 0 ] || echo "FAIL $name/run.sh: exited $rc")
	done
}

run_suites build
if [ $QUICK = 0 ]; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	run_suites build/asan
	if [ -z "$ONLY" ] && [ -x tests/fuzz.sh ]; then
		if out=$(bash tests/fuzz.sh 2>&1); then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL fuzz: $out" | tail -20; fi
	fi
fi
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
