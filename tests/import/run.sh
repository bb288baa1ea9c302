#!/usr/bin/env bash
# tests/import/run.sh: `sbxc import srt|oci` and the oci export target (see
# tests/run.sh for the protocol).
#  - cli: usage, --help, exit codes (0 / 1 bad input / 64 usage)
#  - srt: each tests/import/srt/NAME.json imports to NAME.sbx (golden) with
#    the report NAME.err (golden); NAME.expect lists decisions the imported
#    policy must make (sbxc explain, PROJECT=/home/u/p HOME=/home/u); its
#    `-t oci` export is valid JSON, libseccomp loads it, and it decides as
#    the seccomp target does, call by call
#  - oci: tests/import/oci/NAME.json and Docker's default profile import to
#    goldens; the original profile, the imported policy's seccomp filter and
#    its `-t oci` export are compiled (the profiles by libseccomp, as runc
#    does: tests/import/ocitool) and must decide alike for every system call
#    of x86_64 and aarch64 and the argument cases around every compared value
#  - export: tests/import/export/NAME.sbx -> NAME.oci.json (golden, byte
#    stable), decisions against the seccomp target's filter
SUITE=import; . "$(dirname "$0")/../lib.sh"
lib_build "$BUILD/oci-all" "$BUILD/tests/seccomp/scmptest"
O=$ROOT/$BUILD/tests/import/ocitool
T=$ROOT/$BUILD/tests/seccomp/scmptest
D=tests/import

# oci_decide NAME PROFILE ARCH REF=BLOB...: libseccomp compiles PROFILE for
# ARCH; its decisions must equal every other blob's
oci_decide() {
	local name=$1 prof=$2 arch=$3
	shift 3
	if ! "$O" "$prof" "$arch" "$tmp/oci.$arch.bpf" 2>"$tmp/err"; then
		fail "$name-$arch-libseccomp" "$(tr '\n' ' ' <"$tmp/err")"
		return
	fi
	pass "$name-$arch-libseccomp ($(tail -1 "$tmp/err" | sed 's/^ocitool: //'))"
	python3 $D/decisions.py "$T" "$arch" "$prof" "$@" "oci-export=$tmp/oci.$arch.bpf" | sed "s/decisions-/$name-/"
}

# ---- cli ----
expect_rc cli-help 0 "$SBXC" import --help
expect_rc cli-no-args 64 "$SBXC" import
expect_rc cli-unknown-kind 64 "$SBXC" import seatbelt $D/srt/empty.json
expect_rc cli-unknown-option 64 "$SBXC" import srt --frobnicate $D/srt/empty.json
expect_rc cli-bad-name 64 "$SBXC" import srt $D/srt/empty.json --name 'a b'
expect_rc cli-cap-for-srt 64 "$SBXC" import srt $D/srt/empty.json --cap CAP_SYS_ADMIN
expect_rc cli-bad-arch 64 "$SBXC" import oci $D/oci/runc-or.json --arch vax
expect_rc cli-missing-file 1 "$SBXC" import srt "$tmp/nope.json"
expect_rc cli-bad-syntax 1 "$SBXC" import srt $D/srt/bad-syntax.json.in
expect_rc cli-bad-shape 1 "$SBXC" import srt $D/srt/bad-shape.json.in
expect_rc cli-not-a-profile 1 "$SBXC" import oci $D/srt/readme-example.json
if "$SBXC" import srt $D/srt/bad-syntax.json.in 2>&1 | grep -q 'bad-syntax.json.in:2:'; then
	pass "cli-error-position"
else
	fail "cli-error-position" "the JSON error does not name line 2"
fi
# -o writes the file; stdout stays empty
rm -f "$tmp/o.sbx"
if "$SBXC" import srt $D/srt/empty.json -o "$tmp/o.sbx" >"$tmp/out" 2>/dev/null && [ -s "$tmp/o.sbx" ] && [ ! -s "$tmp/out" ]; then
	pass "cli-output-file"
else
	fail "cli-output-file" "-o did not write the policy (or printed it)"
fi

# ---- srt ----
for f in $D/srt/*.json; do
	n=$(basename "$f" .json)
	if ! "$SBXC" import srt "$f" >"$tmp/$n.sbx" 2>"$tmp/$n.err"; then
		fail "srt-$n" "import failed: $(head -3 "$tmp/$n.err" | tr '\n' ' ')"
		continue
	fi
	sed -i "s|$ROOT/||g" "$tmp/$n.err"
	golden "srt-$n" "$tmp/$n.sbx" "$D/srt/$n.sbx"
	golden "srt-$n-report" "$tmp/$n.err" "$D/srt/$n.err"
	if [ -f "$D/srt/$n.expect" ]; then
		bad="" count=0
		while read -r want op; do
			case $want in allow | deny) ;; *) continue ;; esac
			count=$((count + 1))
			got=$("$SBXC" explain --format json -D PROJECT=/home/u/p -D HOME=/home/u "$tmp/$n.sbx" "$op" 2>&1 |
				python3 -c 'import json,sys; print(json.load(sys.stdin)["decision"])' 2>&1)
			[ "$got" = "$want" ] || bad="$bad; $op: $got, want $want"
		done <"$D/srt/$n.expect"
		if [ -z "$bad" ]; then pass "srt-$n-decisions ($count)"; else echo "FAIL srt-$n-decisions:$bad"; fi
	fi
	# the export: JSON, loaded by libseccomp, deciding as the seccomp target
	rm -rf "$tmp/srt-$n"
	if ! "$SBXC" "$tmp/$n.sbx" -t oci,seccomp --accept-wider -o "$tmp/srt-$n" 2>"$tmp/err"; then
		fail "srt-$n-oci" "$(grep error "$tmp/err" | head -3 | tr '\n' ' ')"
		continue
	fi
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["defaultAction"] and d["syscalls"] and d["architectures"]' \
		"$tmp/srt-$n/$n.oci.json" 2>"$tmp/err"; then
		pass "srt-$n-oci-json"
	else
		fail "srt-$n-oci-json" "$(tail -1 "$tmp/err")"
	fi
	for a in x86_64 aarch64; do
		oci_decide "srt-$n-oci" "$tmp/srt-$n/$n.oci.json" $a "sbx-seccomp=$tmp/srt-$n/$n.seccomp.$a.bpf"
	done
done

# ---- oci ----
ref=$ROOT/../shared/data/docker-default.json
profiles=$(ls $D/oci/*.json)
if [ -f "$ref" ]; then
	profiles="$profiles $ref"
else
	skip "oci-docker-default" "$ref absent (reference data lives beside the repo)"
fi
for f in $profiles; do
	n=$(basename "$f" .json)
	if ! "$SBXC" import oci "$f" >"$tmp/$n.sbx" 2>"$tmp/$n.err"; then
		fail "oci-$n" "import failed: $(head -3 "$tmp/$n.err" | tr '\n' ' ')"
		continue
	fi
	sed -i "s|$f|$n.json|g" "$tmp/$n.err"
	golden "oci-$n" "$tmp/$n.sbx" "$D/oci/$n.sbx"
	golden "oci-$n-report" "$tmp/$n.err" "$D/oci/$n.err"
	[ "$n" = untranslatable ] && continue # its rules were left out on purpose
	rm -rf "$tmp/oci-$n"
	if ! "$SBXC" "$tmp/$n.sbx" -t oci,seccomp -o "$tmp/oci-$n" 2>"$tmp/err"; then
		fail "oci-$n-compile" "$(grep error "$tmp/err" | head -3 | tr '\n' ' ')"
		continue
	fi
	for a in x86_64 aarch64; do
		if ! "$O" "$f" $a "$tmp/orig.$a.bpf" 2>"$tmp/err"; then
			fail "oci-$n-$a-original" "$(tr '\n' ' ' <"$tmp/err")"
			continue
		fi
		oci_decide "oci-$n" "$tmp/oci-$n/$n.oci.json" $a "oci-orig=$tmp/orig.$a.bpf" \
			"sbx-seccomp=$tmp/oci-$n/$n.seccomp.$a.bpf"
	done
done
# capabilities: --cap brings in the entries that need them
if [ -f "$ref" ]; then
	if "$SBXC" import oci "$ref" --cap CAP_SYS_ADMIN 2>/dev/null | grep -q '^allow syscall.* mount '; then
		pass "oci-cap-sys-admin"
	else
		fail "oci-cap-sys-admin" "--cap CAP_SYS_ADMIN did not allow mount"
	fi
fi

# ---- export ----
for p in $D/export/*.sbx; do
	n=$(basename "$p" .sbx)
	arch=x86_64,aarch64
	[ "$n" = derived-fork-s390 ] && arch=s390x,x86_64
	cp "$p" "$tmp/$n.sbx"
	ok=1
	for run in 1 2; do
		if ! (cd "$tmp" && "$SBXC" "$n.sbx" -t oci,seccomp --arch $arch -o "out$run") 2>"$tmp/err"; then
			fail "export-$n" "$(grep error "$tmp/err" | head -3 | tr '\n' ' ')"
			ok=0
			break
		fi
	done
	[ $ok = 1 ] || continue
	sed -i "s|-o out1|-o out|" "$tmp/out1/$n.oci.json"
	sed -i "s|-o out2|-o out|" "$tmp/out2/$n.oci.json"
	if cmp -s "$tmp/out1/$n.oci.json" "$tmp/out2/$n.oci.json"; then pass "export-$n-stable"; else fail "export-$n-stable" "two runs differ"; fi
	golden "export-$n" "$tmp/out1/$n.oci.json" "$D/export/$n.oci.json"
	for a in ${arch//,/ }; do
		case $a in
		s390x)
			# libseccomp's export for a big-endian arch on this host is not in the
			# byte order the interpreter reads: check that it loads, not decisions
			if "$O" "$tmp/out1/$n.oci.json" $a "$tmp/x.bpf" 2>"$tmp/err"; then
				pass "export-$n-$a-libseccomp"
			else
				fail "export-$n-$a-libseccomp" "$(tr '\n' ' ' <"$tmp/err")"
			fi
			;;
		*) oci_decide "export-$n" "$tmp/out1/$n.oci.json" $a "sbx-seccomp=$tmp/out1/$n.seccomp.$a.bpf" ;;
		esac
	done
done

# fidelity: the oci target answers for paths and endpoints honestly
cat >"$tmp/fid.sbx" <<'EOF'
sbx 1
policy fid
allow read /
allow exec /usr/bin
allow connect tcp *:443
EOF
if "$SBXC" "$tmp/fid.sbx" -t oci -o "$tmp/fid" 2>"$tmp/err"; then
	fail "export-fidelity" "exec and connect rules compiled for oci without accept wider"
elif grep -q "wider on oci" "$tmp/err" && [ "$(grep -c 'would be wider on oci' "$tmp/err")" = 2 ]; then
	pass "export-fidelity"
else
	fail "export-fidelity" "$(head -3 "$tmp/err" | tr '\n' ' ')"
fi
