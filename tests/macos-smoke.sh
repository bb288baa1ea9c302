#!/usr/bin/env bash
# tests/macos-smoke.sh: run by hand on a Mac (nothing in CI can): every
# shipped example profile (examples/out/*.sb) applied with sandbox-exec to
# the commands real users run first, and what the sandbox denied.
#
#   bash tests/macos-smoke.sh [PROJECT]     # default: this checkout
#
# For each profile x command it prints one line, "ok", "denied" (the
# command failed and the policy does not let it run: expected) or "FAIL"
# (the policy lets the command run, but it failed under the profile), then
# the sandbox's denials for the run (log show, subsystem
# com.apple.sandbox), which name the operation, the path and, for an
# explicit deny, the rule ("sbx NAME: denied by FILE:LINE"). Paste the
# output into issue 17. Exit status: the number of FAIL lines (at most 125).
#
# The interactive shell is started inside `script`, a pseudo-terminal of
# its own, as docs/macos.md advises for std/tty (TIOCSTI).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROJECT=$(cd "${1:-$ROOT}" && pwd -P)
if [ "$(uname -s)" != Darwin ]; then
	echo "macos-smoke: this runs on macOS only (uname: $(uname -s))" >&2
	exit 64
fi
command -v sandbox-exec >/dev/null || { echo "macos-smoke: no sandbox-exec" >&2; exit 64; }
HOME_P=$(cd "$HOME" && pwd -P)
TMP_P=$(cd "${TMPDIR:-/tmp}" && pwd -P)
DEV_P=$(xcode-select -p 2>/dev/null || echo /Library/Developer/CommandLineTools)
work=$(mktemp -d "$TMP_P/sbx-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf 'int main(void) { return 0; }\n' >"$work/t.c"

# name | command (words as the shell splits them, run in PROJECT with no
# shell in between: not every profile lets /bin/sh run)
cmds=(
	"true|/usr/bin/true"
	"ls|/bin/ls -l ."
	"python3|/usr/bin/python3 -c pass"
	"git-status|/usr/bin/git status --short"
	"cc|/usr/bin/cc -o $work/t $work/t.c"
	"node|node -e 0"
	"shell|/usr/bin/script -q /dev/null /bin/zsh -i -c 'jobs; exit 0'"
)

# -D for every param a profile names; values as docs/macos.md says.
params_for() {
	local prof=$1 name
	for name in $(sed -n 's/.*(param "\([A-Za-z_0-9]*\)").*/\1/p' "$prof" | sort -u); do
		case $name in
		HOME) echo "-D HOME=$HOME_P" ;;
		PROJECT) echo "-D PROJECT=$PROJECT" ;;
		TMPDIR) echo "-D TMPDIR=$TMP_P" ;;
		DEVELOPER_DIR) echo "-D DEVELOPER_DIR=$DEV_P" ;;
		APP) echo "-D APP=$PROJECT" ;;
		*) ;; # params with a default (CARGO_HOME, OUT, DATA, ...)
		esac
	done
}

# Does the policy let the command's program run? (sbxc explain, if built)
sbxc=$ROOT/build/sbxc
[ -x "$sbxc" ] || sbxc=$(command -v sbxc || true)
allowed() {
	local ex=$1 prog=$2
	[ -n "$sbxc" ] || return 0
	case $prog in /*) ;; *) prog=$(command -v "$prog" || echo "/usr/bin/$prog") ;; esac
	"$sbxc" explain -t macos "$ex" exec "$prog" 2>/dev/null | grep -q '^allow'
}

fails=0
for prof in "$ROOT"/examples/out/*.sb; do
	name=$(basename "$prof" .sb)
	ex=$ROOT/examples/$name.sbx
	# shellcheck disable=SC2046
	set -- $(params_for "$prof")
	for c in "${cmds[@]}"; do
		label=${c%%|*} cmd=${c#*|}
		prog=${cmd%% *}
		start=$(date '+%Y-%m-%d %H:%M:%S')
		(cd "$PROJECT" && eval "exec sandbox-exec -f \"\$prof\" \"\$@\" $cmd" </dev/null >"$work/out" 2>&1)
		rc=$?
		if [ $rc = 0 ]; then verdict=ok
		elif allowed "$ex" "$prog"; then verdict=FAIL fails=$((fails + 1))
		else verdict=denied; fi
		printf '%-20s %-11s %-6s (exit %d) %s\n' "$name" "$label" "$verdict" "$rc" "$(head -c 160 "$work/out" | tr '\n' ' ')"
		if [ $verdict != ok ]; then
			sleep 1
			log show --style compact --start "$start" --predicate 'subsystem == "com.apple.sandbox" OR sender == "Sandbox"' 2>/dev/null |
				grep -i 'deny' | sed 's/^/    /' | head -20
		fi
	done
done
echo "macos-smoke: $fails FAIL"
[ $fails -gt 125 ] && fails=125
exit $fails
