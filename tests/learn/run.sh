#!/usr/bin/env bash
# tests/learn/run.sh: `sbxc learn` (cli/cmd_learn.c, cli/learn_fold.c,
# runtime/learn.c) on real programs here: `git status` in a repository,
# `make` of a small C project, `python3` running a script, a loopback
# connect, and a command that reads secrets. Each learned policy must pass
# `sbxc check` and `sbxc fmt --check`; it must run the same command under
# `sbxc run` with the same result; and an operation outside what was
# learned must be refused by the kernel. Secrets are never granted.
#
# TMPDIR is a directory of the suite's own and the policies live outside
# it: the runtime keeps a policy's own file unwritable, which would carve
# a TMPDIR holding it (see docs/cookbook.md).
SUITE=learn; . "$(dirname "$0")/../lib.sh"

lib_build "$BUILD/sbxc" "$BUILD/sbx-exec"
lib_landlock_abi "$ROOT/$BUILD/sbx-exec" 1
export SBXC_CACHE_DIR=$tmp/cache TMPDIR=$tmp/td
mkdir -p "$TMPDIR" "$tmp/pol"
POL=$tmp/pol
learned() { # name file: the policy compiles, is canonical, says why
	expect_rc "$1-check" 0 "$SBXC" check "$2"
	expect_rc "$1-fmt" 0 "$SBXC" fmt --check "$2"
	has "$1-because" "$2" 'because "[0-9]* access'
	has "$1-expect" "$2" '^expect allow '
}

# git status in a repository.
G=$tmp/repo
mkdir -p "$G/src" "$tmp/other"
(cd "$G" && git init -q && echo a >a.txt && echo b >src/b.c && git add . &&
	git -c user.email=t@t -c user.name=t commit -qm init && echo changed >>a.txt) || fail git-setup "git init failed"
cd "$G" || exit 1
git status --porcelain >"$tmp/git.want"
expect_rc git-learn 0 "$SBXC" learn -o "$POL/git.sbx" -- git status --porcelain
cmp -s "$tmp/out" "$tmp/git.want" && pass git-learn-output || fail git-learn-output "the observed run printed something else"
has git-watching "$tmp/err" 'watching `git status --porcelain`'
has git-summary "$tmp/err" 'calls seen ([0-9]* reads'
has git-summary-rules "$tmp/err" 'proposed [0-9]* rules, [0-9]* std fragments, [0-9]* secrets denied; wrote'
learned git "$POL/git.sbx"
has git-uses-std "$POL/git.sbx" '^use std/git'
has git-project "$POL/git.sbx" 'allow read ${PROJECT} '
hasnt git-no-literal-project "$POL/git.sbx" "allow.* $G"
expect_rc git-run 0 "$SBXC" run "$POL/git.sbx" -- git status --porcelain
cmp -s "$tmp/out" "$tmp/git.want" && pass git-run-same || fail git-run-same "$(oneline <"$tmp/out")"
(cd "$tmp/other" && git init -q)
expect_rc git-outside-refused 128 "$SBXC" run "$POL/git.sbx" -- git -C "$tmp/other" status
hasnt git-outside-ran "$tmp/out" 'On branch'

# make of a small C project: build/ is created and written, nothing else.
C=$tmp/cproj
mkdir -p "$C"
printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >"$C/hello.c"
printf 'build/hello: hello.c\n\tmkdir -p build\n\tcc -o build/hello hello.c\n' >"$C/Makefile"
cd "$C" || exit 1
expect_rc make-learn 0 "$SBXC" learn -o "$POL/make.sbx" -- make
learned make "$POL/make.sbx"
has make-create "$POL/make.sbx" 'allow write ${PROJECT}/build create'
has make-toolchain "$POL/make.sbx" '^use std/c-toolchain'
has make-fork "$POL/make.sbx" '^allow fork'
hasnt make-no-project-write "$POL/make.sbx" 'write ${PROJECT} '
rm -rf build
expect_rc make-run 0 "$SBXC" run "$POL/make.sbx" -- make
expect_rc make-built 0 ./build/hello
has make-built-output "$tmp/out" '^hello$'
expect_rc make-outside-refused 2 "$SBXC" run "$POL/make.sbx" -- sh -c 'echo x >hello.c'
has make-outside-eacces "$tmp/err" 'Permission denied'

# --from: a second run that does more; only the difference is added, after
# the first policy's text, and the result runs both.
expect_rc from-learn 0 "$SBXC" learn --from "$POL/make.sbx" -o "$POL/make2.sbx" -- sh -c 'make; cat /etc/hostname'
learned from "$POL/make2.sbx"
head -n "$(wc -l <"$POL/make.sbx")" "$POL/make2.sbx" | cmp -s - "$POL/make.sbx" && pass from-keeps-text || fail from-keeps-text "the first policy's text changed"
has from-adds "$POL/make2.sbx" '^allow read /etc/hostname because "1 access'
[ "$(grep -c '^allow' "$POL/make2.sbx")" = "$(($(grep -c '^allow' "$POL/make.sbx") + 1))" ] && pass from-only-new || fail from-only-new "$(grep '^allow' "$POL/make2.sbx" | oneline)"
expect_rc from-diff 0 "$SBXC" diff "$POL/make.sbx" "$POL/make2.sbx"
has from-diff-widens "$tmp/out" '^+ .*allow read /etc/hostname.*(widens)'
expect_rc from-run 0 "$SBXC" run "$POL/make2.sbx" -- sh -c 'make; cat /etc/hostname'
expect_rc from-bad-policy 1 "$SBXC" learn --from "$tmp/nonexistent.sbx" -- true
expect_rc from-with-name 64 "$SBXC" learn --from "$POL/make.sbx" --name x -- true

# python3 running a script that reads data and writes out/.
Y=$tmp/py
mkdir -p "$Y/data"
echo 7 >"$Y/data/n.txt"
cat >"$Y/tool.py" <<'PY'
import json, os
n = int(open("data/n.txt").read())
os.makedirs("out", exist_ok=True)
json.dump({"sq": n * n}, open("out/r.json", "w"))
print("ok", n * n)
PY
cd "$Y" || exit 1
expect_rc py-learn 0 "$SBXC" learn -o "$POL/py.sbx" -- python3 tool.py
learned py "$POL/py.sbx"
has py-std "$POL/py.sbx" '^use std/python'
has py-out "$POL/py.sbx" 'allow write ${PROJECT}/out create'
rm -rf out
expect_rc py-run 0 "$SBXC" run "$POL/py.sbx" -- python3 tool.py
has py-run-output "$tmp/out" '^ok 49$'
has py-run-file "$Y/out/r.json" '"sq": 49'
expect_rc py-outside-refused 1 "$SBXC" run "$POL/py.sbx" -- python3 -c 'open("/etc/hostname").read()'
has py-outside-eacces "$tmp/err" 'PermissionError'
if python3 -c 'import pytest' 2>/dev/null; then
	mkdir -p "$Y/tests" && printf 'def test_one():\n    assert 1 + 1 == 2\n' >"$Y/tests/test_one.py"
	expect_rc pytest-learn 0 "$SBXC" learn -o "$POL/pytest.sbx" -- env PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -q -p no:cacheprovider tests
	expect_rc pytest-run 0 "$SBXC" run "$POL/pytest.sbx" -- env PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -q -p no:cacheprovider tests
else
	pass "pytest-absent (python3-pytest is not a dependency: scripts/install-deps.sh does not install it)"
fi

# cargo build --offline of a crate without dependencies: target/ and the
# hashed paths inside it are folded to what the run created.
if command -v cargo >/dev/null; then
	K=$tmp/crate
	mkdir -p "$K/src"
	printf '[package]\nname = "hi"\nversion = "0.1.0"\nedition = "2021"\n' >"$K/Cargo.toml"
	printf 'fn main() { println!("hi"); }\n' >"$K/src/main.rs"
	cd "$K" || exit 1
	expect_rc cargo-learn 0 "$SBXC" learn -o "$POL/cargo.sbx" -- cargo build --offline
	learned cargo "$POL/cargo.sbx"
	has cargo-std "$POL/cargo.sbx" '^use std/rust-toolchain'
	hasnt cargo-no-hashes "$POL/cargo.sbx" '^allow.*target/debug/'
	rm -rf target
	expect_rc cargo-run 0 "$SBXC" run "$POL/cargo.sbx" -- cargo build --offline
	expect_rc cargo-built 0 ./target/debug/hi
	expect_rc cargo-outside-refused 1 "$SBXC" run "$POL/cargo.sbx" -- cat /etc/hostname
else
	skip cargo "no cargo (scripts/packages-examples.txt installs it)"
fi

# A loopback connect: learned as the address and port it reached.
mkdir -p "$tmp/netp" && cd "$tmp/netp" || exit 1
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c "
import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$PORT)); s.listen(8)
for _ in range(3):
    c,_=s.accept(); c.close()
" &
PIDS+=($!)
lib_pids_trap 2>/dev/null || true
sleep 0.3
CONN="import socket; socket.create_connection(('127.0.0.1', $PORT)).close(); print('connected')"
expect_rc net-learn 0 "$SBXC" learn -o "$POL/net.sbx" -- python3 -c "$CONN"
has net-connect "$POL/net.sbx" "^allow connect tcp 127.0.0.1:$PORT "
learned net "$POL/net.sbx"
expect_rc net-run 0 "$SBXC" run "$POL/net.sbx" -- python3 -c "$CONN"
OTHER="import socket; socket.create_connection(('127.0.0.1', $((PORT == 65535 ? PORT - 1 : PORT + 1)))).close()"
expect_rc net-other-port-refused 1 "$SBXC" run "$POL/net.sbx" -- python3 -c "$OTHER"
has net-other-eacces "$tmp/err" 'PermissionError'

# Secrets: read by the command, never granted; .env in a folded project is carved out.
H=$tmp/home
S=$tmp/sec
mkdir -p "$H/.ssh" "$S"
echo key >"$H/.ssh/id_ed25519"
echo TOKEN=1 >"$S/.env"
echo data >"$S/a" && echo data >"$S/b"
cd "$S" || exit 1
expect_rc secret-learn 0 env HOME="$H" "$SBXC" learn -o "$POL/sec.sbx" -- sh -c 'cat a b "$HOME/.ssh/id_ed25519" .env >/dev/null'
learned secret "$POL/sec.sbx"
has secret-comment "$POL/sec.sbx" '^# secret: ${HOME}/.ssh was read by cat'
has secret-deny "$POL/sec.sbx" '^deny read write ${HOME}/.ssh '
has secret-expect "$POL/sec.sbx" '^expect deny read ${HOME}/.ssh/id_ed25519'
has secret-env-deny "$POL/sec.sbx" '^deny read write ${PROJECT}/.env '
hasnt secret-no-allow "$POL/sec.sbx" '^allow.*\(\.ssh\|\.env\)'
expect_rc secret-run-refused 1 env HOME="$H" "$SBXC" run "$POL/sec.sbx" -- sh -c 'cat a b "$HOME/.ssh/id_ed25519"'
has secret-run-eacces "$tmp/err" 'Permission denied'
expect_rc secret-env-refused 1 env HOME="$H" "$SBXC" run "$POL/sec.sbx" -- sh -c 'cat .env'

# Usage.
expect_rc usage-no-command 64 "$SBXC" learn
expect_rc usage-bad-option 64 "$SBXC" learn --frob -- true
expect_rc usage-help 0 "$SBXC" learn --help
has usage-help-text "$tmp/out" 'usage: sbxc learn'
expect_rc cannot-exec 127 "$SBXC" learn -- /nonexistent/program
expect_rc command-status 3 "$SBXC" learn -o "$POL/st.sbx" -- sh -c 'exit 3'
expect_rc command-status-policy 0 "$SBXC" check "$POL/st.sbx"
