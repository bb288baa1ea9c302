#!/usr/bin/env bash
# tests/quick/run.sh: `sbxc run`'s quick flags (cli/run_quick.c). The
# policy the flags make is enforced for real (an allowed read and write
# work, a read and a write outside are refused by the kernel), printed
# canonically by --print-policy (fmt --check agrees, check accepts it),
# and every bad value is a usage error that names the flag and the value.
SUITE=quick; . "$(dirname "$0")/../lib.sh"

lib_build "$BUILD/sbxc" "$BUILD/sbx-exec"
lib_landlock_abi "$ROOT/$BUILD/sbx-exec" 1
export SBXC_CACHE_DIR=$tmp/cache
P=$tmp/proj
mkdir -p "$P/in" "$P/out" "$tmp/outside"
echo inside >"$P/in/f"
echo secret >"$tmp/outside/s"
cd "$P" || exit 1

expect_rc read-allowed 0 "$SBXC" run --read ./in -- cat in/f
has read-allowed-content "$tmp/out" '^inside$'
expect_rc read-outside-refused 1 "$SBXC" run --read ./in -- cat "$tmp/outside/s"
has read-outside-eacces "$tmp/err" 'Permission denied'
expect_rc write-allowed 0 "$SBXC" run --write ./out -- sh -c 'echo w >out/w'
has write-allowed-file "$P/out/w" '^w$'
expect_rc write-outside-refused 2 "$SBXC" run --write ./out -- sh -c 'echo w >in/w'
[ ! -e "$P/in/w" ] && pass write-outside-absent || fail write-outside-absent "in/w was created"
# Absolute, ~ and ${PARAM} paths; a param that is not a built-in is declared.
expect_rc read-absolute 0 "$SBXC" run --read "$tmp/outside" -- cat "$tmp/outside/s"
expect_rc param-given 0 "$SBXC" run -D "DATA=$tmp/outside" --read '${DATA}' -- cat "$tmp/outside/s"
expect_rc param-missing 126 "$SBXC" run --read '${DATA}' -- cat "$tmp/outside/s"
has param-missing-named "$tmp/err" 'DATA'
# --exec: a program outside the command's own binary; without it exec is refused.
cp /bin/true "$P/mytrue"
expect_rc exec-allowed 0 "$SBXC" run --exec ./mytrue --use std/child-process -- sh -c ./mytrue
expect_rc exec-refused 126 "$SBXC" run --use std/child-process -- sh -c ./mytrue

# --print-policy: canonical, compiles, and the same policy as the run.
expect_rc print 0 "$SBXC" run --read ./in --write '~/w' --connect tcp:example.com:443 \
	--bind tcp:127.0.0.1:8080 --use std/tmp --read '${CACHE}/x' --print-policy -- cat in/f
cp "$tmp/out" "$tmp/printed.sbx"
golden print-golden "$tmp/printed.sbx" "$ROOT/tests/quick/print.sbx" "sed s|$(command -v cat)|CAT|"
expect_rc print-fmt-canonical 0 "$SBXC" fmt --check "$tmp/printed.sbx"
expect_rc print-check-linux 0 "$SBXC" check -t linux "$tmp/printed.sbx"
expect_rc print-no-command 0 "$SBXC" run --read /etc --print-policy
hasnt print-no-command-grant "$tmp/out" 'the command'
# The printed policy runs as the flags did.
"$SBXC" run --read ./in --print-policy -- cat in/f >"$tmp/p2.sbx"
expect_rc printed-runs 0 "$SBXC" run "$tmp/p2.sbx" -- cat in/f
expect_rc printed-refuses 1 "$SBXC" run "$tmp/p2.sbx" -- cat "$tmp/outside/s"

# Bad values: usage errors (64) naming the flag and the value.
bad() { # name expected-regex args...
	local n=$1 re=$2; shift 2
	expect_rc "bad-$n" 64 "$SBXC" run "$@" -- true
	has "bad-$n-message" "$tmp/err" "$re"
}
bad relative "--read 'src'.*absolute or starts with" --read src
bad empty "--read '': needs a path" --read ''
bad control "control character" --read "$(printf '/a\tb')"
bad param-syntax 'must be followed by a name' --read '${X'
bad connect-proto 'want tcp:HOST:PORT' --connect example.com:443
bad connect-port 'needs HOST:PORT' --connect tcp:example.com
bad connect-space 'one word' --connect 'tcp:a b:1'
bad use 'want std/NAME' --use ./x.sbx
bad no-value 'needs a value' --read
bad with-file 'not both' --read . "$tmp/p2.sbx"
# What the compiler refuses is a policy error (126 for run) at the flag's rule.
expect_rc bad-port 126 "$SBXC" run --connect tcp:h:99999 -- true
has bad-port-caret "$tmp/err" 'allow connect tcp h:99999'
expect_rc bad-std 126 "$SBXC" run --use std/nope -- true
has bad-std-named "$tmp/err" "no standard library fragment 'std/nope'"
expect_rc print-only-flag 64 "$SBXC" run --print-policy -- true
# Without quick flags, sbxc run is unchanged.
expect_rc no-flags-usage 64 "$SBXC" run -- true
