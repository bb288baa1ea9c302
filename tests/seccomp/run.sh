#!/usr/bin/env bash
# tests/seccomp/run.sh: the seccomp backend's suite (see tests/run.sh).
#  - unit: the generator on hand-built policies, every arch, in the interpreter
#  - check: policies compiled by sbxc's front end, every arch, every number,
#    against the oracle and the reference evaluator (eval_op)
#  - golden: manifest + disassembly per arch, byte-stable across two runs
#  - docker: examples/docker-default.sbx against Docker's own profile
#  - enforce: blobs loaded in a child on this kernel (x86_64)
#  - errors: pointer conditions, unknown arches
SUITE=seccomp; . "$(dirname "$0")/../lib.sh"
lib_build "$BUILD/seccomp-all"
T=$ROOT/$BUILD/tests/seccomp/scmptest

"$T" unit

for p in examples/docker-default.sbx tests/seccomp/golden/*.sbx tests/seccomp/*.sbx; do
	"$T" check "$p" | sed "s|check-$p|check-$(basename "$p" .sbx)|"
done

# golden disassembly: manifest, then each blob
for p in tests/seccomp/golden/*.sbx; do
	name=$(basename "$p" .sbx)
	gold=tests/seccomp/golden/$name.seccomp.dis
	# the same command twice (the header names the output dir)
	for run in 1 2; do
		rm -rf "$tmp/out"
		if ! "$SBXC" "$p" -t seccomp --arch x86_64,aarch64,x86,s390x -o "$tmp/out" 2>"$tmp/err"; then
			fail "golden-$name" "sbxc failed: $(head -3 "$tmp/err" | tr '\n' ' ')"
			continue 2
		fi
		rm -rf "$tmp/$run" && cp -r "$tmp/out" "$tmp/$run"
	done
	if ! diff -r "$tmp/1" "$tmp/2" >/dev/null; then
		fail "golden-$name-stable" "two runs wrote different bytes"
	else
		pass "golden-$name-stable"
	fi
	{
		grep -v '^# ' "$tmp/1/$name.seccomp"
		for a in aarch64 s390x x86 x86_64; do
			echo "== $a"
			"$T" disasm "$tmp/1/$name.seccomp.$a.bpf" "$a"
		done
	} >"$tmp/$name.dis"
	# the manifest's hashes are those of the bytes written
	bad=
	while read -r _ arch audit file count hash; do
		n=$(( $(stat -c %s "$tmp/1/$file") / 8 ))
		[ "$n" = "$count" ] || bad="$file: $n instructions, manifest says $count"
		h=$("$T" xxh "$tmp/1/$file")
		[ "xxh3-64:$h" = "$hash" ] || bad="$file: hash $h, manifest says $hash"
	done < <(grep '^blob ' "$tmp/1/$name.seccomp")
	if [ -n "$bad" ]; then fail "golden-$name-manifest" "$bad"; else pass "golden-$name-manifest"; fi
	golden "golden-$name" "$tmp/$name.dis" "$gold"
done

# Docker's default profile, rewritten in sbx, decision by decision
ref=$ROOT/../shared/data/docker-default.json
if [ ! -f "$ref" ]; then
	skip "docker-compare" "$ref absent (reference data lives beside the repo)"
elif ! "$SBXC" examples/docker-default.sbx -t seccomp -o "$tmp/docker" 2>"$tmp/err"; then
	fail "docker-compare" "sbxc failed: $(head -3 "$tmp/err" | tr '\n' ' ')"
else
	for a in x86_64 aarch64; do
		python3 tests/seccomp/docker_compare.py "$tmp/docker/docker-default.seccomp.$a.bpf" "$a" "$T" "$ref"
	done
	s=$("$T" stats "$tmp/docker/docker-default.seccomp.x86_64.bpf" x86_64)
	# quality targets (instruction counts, not timing): <= 110 insns, avg <= 9.2, max <= 16.
	# Were 100, 9 and 14 (measured 93, 8.84, 14) before every filter denied
	# the escapes of issue 13 (TIOCSTI/TIOCLINUX, device nodes): the ioctl,
	# mknod and mknodat tests and the segments they split cost 13
	# instructions here (106, 9.10, 16).
	if echo "$s" | awk '{ exit !($2 <= 110 && $6 <= 9.2 && $8 <= 16) }'; then
		pass "docker-quality ($s)"
	else
		fail "docker-quality" "$s (targets: insns <= 110, avg <= 9.2, max <= 16)"
	fi
fi

# real enforcement on this kernel
if [ "$(uname -m)" != x86_64 ]; then
	skip "enforce" "needs an x86_64 host"
else
	for kind in explicit derived; do
		p=tests/seccomp/enforce-$kind.sbx
		if ! "$SBXC" "$p" -t seccomp --arch x86_64 -o "$tmp/e-$kind" 2>"$tmp/err"; then
			fail "enforce-$kind" "sbxc failed: $(head -3 "$tmp/err" | tr '\n' ' ')"
			continue
		fi
		# LeakSanitizer needs ptrace at exit, which the filter under test denies.
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
			"$ROOT/$BUILD/tests/seccomp/enforce" "$tmp/e-$kind/enforce-$kind.seccomp.x86_64.bpf" "$kind" >"$tmp/e-$kind.out" 2>&1
		rc=$?
		gold=tests/seccomp/enforce-$kind.out
		if [ $rc != 0 ] && grep -q 'seccomp\|no_new_privs' "$tmp/e-$kind.out"; then
			skip "enforce-$kind" "this kernel refuses seccomp filters: $(oneline <"$tmp/e-$kind.out")"
		else
			golden "enforce-$kind" "$tmp/e-$kind.out" "$gold"
		fi
	done
fi

# errors
printf 'sbx 1\npolicy ptr\nallow syscall openat if arg1 == 0\n' >"$tmp/ptr.sbx"
if "$SBXC" "$tmp/ptr.sbx" -t seccomp -o "$tmp/ptr" 2>"$tmp/err"; then
	fail "error-pointer-condition" "accepted a condition on a pointer"
elif grep -q pointer "$tmp/err"; then
	pass "error-pointer-condition"
else
	fail "error-pointer-condition" "$(head -2 "$tmp/err" | tr '\n' ' ')"
fi
printf 'sbx 1\npolicy arch\nallow syscall read\n' >"$tmp/arch.sbx"
if "$SBXC" "$tmp/arch.sbx" -t seccomp --arch x86_64,vax -o "$tmp/arch" 2>"$tmp/err"; then
	fail "error-unknown-arch" "accepted --arch vax"
elif grep -q "vax" "$tmp/err"; then
	pass "error-unknown-arch"
else
	fail "error-unknown-arch" "$(head -2 "$tmp/err" | tr '\n' ' ')"
fi
# every arch the library knows compiles
if "$SBXC" examples/docker-default.sbx -t seccomp -o "$tmp/all" \
	--arch "$("$T" arches 2>/dev/null || echo x86_64)" 2>"$tmp/err"; then
	pass "all-arches-compile"
else
	fail "all-arches-compile" "$(head -3 "$tmp/err" | tr '\n' ' ')"
fi
exit 0
