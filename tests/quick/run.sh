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

# ---- where users are: completions, editors, pre-commit, the Debian package ----
cd "$ROOT" || exit 1
"$SBXC" completions bash >"$tmp/sbxc.bash" && pass completions-bash || fail completions-bash "exit $?"
"$SBXC" completions zsh >"$tmp/_sbxc" && pass completions-zsh || fail completions-zsh "exit $?"
expect_rc completions-bad 64 "$SBXC" completions fish
expect_rc completions-bash-parses 0 bash -n "$tmp/sbxc.bash"
if command -v zsh >/dev/null; then
	expect_rc completions-zsh-parses 0 zsh -n "$tmp/_sbxc"
else
	skip completions-zsh-parses "no zsh (scripts/packages-learn.txt installs it)"
fi
# The bash function completes what the commands take: every option in
# `sbxc run --help` and `sbxc learn --help`, the std fragments after --use.
complete_at() { # words...: the completions for the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sbxc; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$tmp/sbxc.bash" "$@"
}
complete_at sbxc run -- >"$tmp/c1"
has completions-run-options "$tmp/c1" '^--print-policy$'
complete_at sbxc run --use std/py >"$tmp/c2"
has completions-use-std "$tmp/c2" '^std/python$'
complete_at sbxc le >"$tmp/c3"
has completions-commands "$tmp/c3" '^learn$'
missing=
for cmd in run learn; do
	"$SBXC" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$tmp/help-$cmd"
	complete_at sbxc $cmd -- | sort -u >"$tmp/comp-$cmd"
	missing="$missing$(comm -23 "$tmp/help-$cmd" "$tmp/comp-$cmd" | tr '\n' ' ')"
done
[ -z "$missing" ] && pass completions-match-help || fail completions-match-help "in --help, not completed: $missing"
# vim: the file type is detected and the syntax loads without an error.
expect_rc vim-syntax 0 vim -u NONE -N -es -c 'set rtp+=editors/vim' -c 'filetype on' -c 'syntax on' \
	-c 'e examples/c-build.sbx' -c 'if &ft != "sbx" || b:current_syntax != "sbx" | cquit | endif' \
	-c 'if synIDattr(synID(1, 1, 1), "name") != "sbxStatement" | cquit | endif' -c 'qa!'
# TextMate: valid JSON, every pattern compiles, and the scopes are the ones editors read.
expect_rc textmate-grammar 0 python3 -c '
import json, re, sys
g = json.load(open("editors/textmate/sbx.tmLanguage.json"))
assert g["scopeName"] == "source.sbx" and "sbx" in g["fileTypes"]
n = 0
def walk(o):
    global n
    if isinstance(o, dict):
        for k, v in o.items():
            if k in ("match", "begin", "end"): re.compile(v); n += 1
            walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(g)
assert n >= 10, n
m = re.compile(g["repository"]["path"]["match"])
assert m.search("allow read ${HOME}/x").group(0) == "${HOME}/x"
'
expect_rc pre-commit-hooks 0 python3 -c '
import yaml
h = {x["id"]: x for x in yaml.safe_load(open(".pre-commit-hooks.yaml"))}
assert h["sbxc-fmt"]["entry"] == "sbxc fmt --check" and h["sbxc-fmt"]["files"] == r"\.sbx$"
assert h["sbxc-check"]["entry"].startswith("sh -c") and "sbxc check" in h["sbxc-check"]["entry"]
assert h["sbxc-artifacts"]["pass_filenames"] is False
'
# The sbxc-check hook's entry, run as pre-commit runs it: a bad policy fails.
printf 'sbx 1\npolicy bad\nallow read\n' >"$tmp/bad.sbx"
entry=$(python3 -c 'import yaml; print([x for x in yaml.safe_load(open(".pre-commit-hooks.yaml")) if x["id"] == "sbxc-check"][0]["entry"])')
PATH=$ROOT/$BUILD:$PATH expect_rc pre-commit-check-good 0 sh -c "$entry \"\$@\"" sh examples/c-build.sbx
PATH=$ROOT/$BUILD:$PATH expect_rc pre-commit-check-bad 1 sh -c "$entry \"\$@\"" sh examples/c-build.sbx "$tmp/bad.sbx"

# The Debian package (release pass: it packages build/): built, installed
# with dpkg into a scratch root (never this machine's), the README's
# example run with the installed sbxc.
if [ "$BUILD" = build ]; then
	expect_rc deb-build 0 scripts/build-deb.sh "$tmp/deb"
	DEB=$(cat "$tmp/out")
	dpkg-deb -f "$DEB" Package Version Architecture Depends >"$tmp/fields" 2>&1
	has deb-package "$tmp/fields" '^Package: sbxc$'
	has deb-arch "$tmp/fields" "^Architecture: $(dpkg --print-architecture)$"
	has deb-depends "$tmp/fields" '^Depends: .*libseccomp2'
	R=$tmp/root
	mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
	: >"$R/var/lib/dpkg/status"
	expect_rc deb-install 0 dpkg --force-not-root --force-depends --force-script-chrootless --root="$R" \
		--log=/dev/null -i "$DEB"
	expect_rc deb-listed 0 dpkg --root="$R" -s sbxc
	for f in usr/bin/sbxc usr/bin/sbx-exec usr/share/man/man1/sbxc.1 usr/share/bash-completion/completions/sbxc \
		usr/share/zsh/vendor-completions/_sbxc usr/share/vim/vimfiles/syntax/sbx.vim usr/share/doc/sbxc/copyright; do
		[ -f "$R/$f" ] || missing="$missing $f"
	done
	[ -z "${missing// /}" ] && pass deb-files || fail deb-files "missing:$missing"
	# README: compile the example for every target, check it, run under it.
	expect_rc deb-readme-compile 0 "$R/usr/bin/sbxc" examples/cargo-build-script.sbx -t all -o "$tmp/readme-out"
	[ -f "$tmp/readme-out/cargo-build-script.landlock" ] && pass deb-readme-artifacts || fail deb-readme-artifacts "no .landlock"
	expect_rc deb-readme-check 0 "$R/usr/bin/sbxc" check examples/c-build.sbx
	expect_rc deb-readme-run 0 env -C "$ROOT/examples" "$R/usr/bin/sbxc" run -D PROJECT="$ROOT/examples" c-build.sbx -- cat c-build.sbx
	expect_rc deb-readme-refused 1 "$R/usr/bin/sbxc" run -D PROJECT="$ROOT/examples" examples/c-build.sbx -- cat /etc/hostname
	expect_rc deb-remove 0 dpkg --force-not-root --force-script-chrootless --root="$R" --log=/dev/null -r sbxc
	[ ! -e "$R/usr/bin/sbxc" ] && pass deb-removed || fail deb-removed "usr/bin/sbxc is still there"
else
	pass "deb-release-only (the package is built from build/, on the release pass)"
fi
