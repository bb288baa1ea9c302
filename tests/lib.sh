# tests/lib.sh: what every suite shares; tests/run.sh explains the protocol
# (one "PASS name", "FAIL name: why" or "SKIP name: why" line per test).
# A suite sets SUITE and sources this file:
#
#   SUITE=landlock; . "$(dirname "$0")/../lib.sh"
#
# It then has ROOT, BUILD, SBXC and UPDATE (from tests/run.sh, or defaults
# so a suite also runs alone), the working directory $ROOT, a scratch
# directory $tmp removed on exit (a suite that needs more cleanup sets its
# own trap and calls lib_cleanup from it), and:
#
#   pass NAME | fail NAME WHY | skip NAME WHY   (skip fails under CI=true:
#                                                CI runs what it can run)
#   golden NAME ACTUAL EXPECTED [MASK]          compare ACTUAL with the file
#       EXPECTED (through the command MASK, given the file, if any); with
#       UPDATE=1 rewrite EXPECTED instead
#   expect_rc NAME STATUS CMD...                run CMD (stdout in $tmp/out,
#       stderr in $tmp/err) and check its exit status
#   has NAME FILE REGEX | hasnt NAME FILE REGEX  FILE (does not) match REGEX
#   lib_build NINJA-TARGET...                   build what the suite needs;
#       if that fails, one FAIL line and the suite ends
#   lib_pids_trap                               the suite's background
#       processes go in PIDS=(); they are killed, then $tmp removed, on exit
#   lib_landlock_abi EXEC MIN                   ABI = the kernel's Landlock
#       ABI as sbx-exec EXEC sees it; below MIN, one SKIP and the suite ends
set -u
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-build}
SBXC=${SBXC:-$ROOT/$BUILD/sbxc}
UPDATE=${UPDATE:-0}
export ROOT BUILD SBXC UPDATE
cd "$ROOT" || exit 1

pass() { echo "PASS $SUITE/$1"; }
fail() { echo "FAIL $SUITE/$1: $2"; }
skip() {
	if [ "${CI:-}" = true ]; then fail "$1" "would skip under CI=true: $2"
	else echo "SKIP $SUITE/$1: $2"; fi
}

oneline() { head -c "${1:-600}" | tr '\n' '|'; }

golden() {
	local name=$1 got=$2 want=$3 mask=${4:-cat}
	if [ "$UPDATE" = 1 ]; then
		cp "$got" "$want" && pass "$name (updated)"
	elif [ ! -f "$want" ]; then
		fail "$name" "no golden $want (tests/run.sh --update writes it)"
	elif diff -u <($mask "$want") <($mask "$got") >"$tmp/.golden.diff" 2>&1; then
		pass "$name"
	else
		fail "$name" "differs from $want: $(head -12 "$tmp/.golden.diff" | oneline)"
	fi
}

expect_rc() {
	local name=$1 want=$2 got
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then pass "$name"
	else fail "$name" "exit $got, want $want: $(head -c 300 "$tmp/err" | oneline)"; fi
}

has() { if grep -q -e "$3" "$2"; then pass "$1"; else fail "$1" "no '$3' in $(head -c 400 "$2" | oneline)"; fi; }
hasnt() { if grep -q -e "$3" "$2"; then fail "$1" "unexpected '$3'"; else pass "$1"; fi; }

lib_build() {
	local out
	if ! out=$(ninja -C "$ROOT" "$@" 2>&1); then
		fail build "$(echo "$out" | grep -m3 -E 'error|FAILED' | oneline)"
		exit 0
	fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sbxc-$SUITE.XXXXXX") || exit 1
lib_cleanup() { rm -rf "$tmp"; }
trap lib_cleanup EXIT

PIDS=()
lib_pids_cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	lib_cleanup
}
lib_pids_trap() { trap lib_pids_cleanup EXIT; }

lib_landlock_abi() {
	ABI=$("$1" --dry-run --format json --no-seccomp "$ROOT/tests/landlock/minimal.landlock" 2>&1 | sed -nE 's/.*"kernel":([0-9]+).*/\1/p')
	if [ -z "$ABI" ] || [ "$ABI" -lt "$2" ]; then
		skip enforcement "this kernel offers Landlock ABI ${ABI:-none} ($2 or later needed)"
		exit 0
	fi
}
