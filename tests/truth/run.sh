#!/usr/bin/env bash
# tests/truth/run.sh: `sbxc explain -t TARGET` answers for the artifact
# (issue 16).
#
#  kernel/NAME    truth.py: every read, write and exec rule of
#                 examples/NAME.sbx (globs filled in, entries beneath) and
#                 random operations on system files and a scratch tree,
#                 asked of `explain -t linux` and run by the landlock
#                 probe under sbx-exec: any disagreement fails.
#  detects        the comparison can fail: kernel answers flipped on
#                 purpose are reported.
#  text/*         what explain says: an accepted lowering is "wider
#                 (accepted by FILE:LINE)" with the rule it lowers; a
#                 symlink's target is allowed under its own name; a
#                 script whose interpreter may not run is "stricter";
#                 /tmp on macOS is /private/tmp.
#
# Needs Landlock (the kernel decides); under CI=true nothing skips.
SUITE=truth; . "$(dirname "$0")/../lib.sh"
HERE=$ROOT/tests/truth
lib_build "$BUILD/landlock-all"
EXEC=$ROOT/$BUILD/sbx-exec
PROBE=$ROOT/$BUILD/tests/landlock/probe
export XDG_CACHE_HOME=$tmp/cache

if ! "$EXEC" --dry-run --no-seccomp "$ROOT/tests/landlock/minimal.landlock" >/dev/null 2>&1; then
	skip all "this kernel has no usable Landlock"
	exit 0
fi

# ---- every example against the kernel ----
for src in examples/*.sbx; do
	name=$(basename "$src" .sbx)
	if out=$(python3 "$HERE/truth.py" --sbxc "$SBXC" --exec "$EXEC" --probe "$PROBE" --dir "$tmp/k-$name" \
		--random "${TRUTH_RANDOM:-8}" --seed 7 "$src" 2>&1); then
		pass "kernel/$name ($(echo "$out" | tail -1))"
	else
		fail "kernel/$name" "$(echo "$out" | grep -v '^uncertain' | head -6 | tr '\n' '|')"
	fi
done

# ---- the comparison can fail ----
if out=$(python3 "$HERE/truth.py" --sbxc "$SBXC" --exec "$EXEC" --probe "$PROBE" --dir "$tmp/flip" --random 3 \
	--flip examples/git-readonly.sbx 2>&1); then
	fail detects "flipped kernel answers went unnoticed: $(echo "$out" | tail -1)"
elif echo "$out" | grep -q '^DISAGREE'; then
	pass detects
else
	fail detects "$(echo "$out" | head -3 | tr '\n' '|')"
fi

# ---- what explain says ----
cat >"$tmp/w.sbx" <<'EOF'
sbx 1
policy w "lowerings"
allow connect tcp 10.0.0.1:443
accept wider connect on macos because "Seatbelt matches only * or localhost"
EOF
expect_rc text/accepted-rc 0 "$SBXC" explain -t macos "$tmp/w.sbx" connect tcp 127.0.0.5:443
has text/accepted-wider "$tmp/out" "on macos: wider .accepted by .*/w.sbx:4.; the kernel allows it"
has text/accepted-through "$tmp/out" "through .*/w.sbx:3: allow connect tcp 10.0.0.1:443"
expect_rc text/accepted-json 0 "$SBXC" explain -t macos --format json "$tmp/w.sbx" connect tcp 127.0.0.5:443
has text/accepted-json-by "$tmp/out" '"class": "wider", "kernel": "allow", .*"accepted_by": ".*/w.sbx:4"'
# On Linux the supervisor decides the address: exact.
expect_rc text/linux-exact 0 "$SBXC" explain -t linux "$tmp/w.sbx" connect tcp 127.0.0.5:443
has text/linux-exact-says "$tmp/out" "on linux: exact; the kernel denies it"

mkdir -p "$tmp/s/real"
printf '#!/bin/sh\n' >"$tmp/s/real/tool"
printf '#!%s/s/real/nointerp\n' "$tmp" >"$tmp/s/real/script"
cp /bin/true "$tmp/s/real/nointerp"
chmod +x "$tmp/s/real/tool" "$tmp/s/real/script" "$tmp/s/real/nointerp"
ln -s real/tool "$tmp/s/link"
cat >"$tmp/l.sbx" <<EOF
sbx 1
policy l "links"
allow exec "$tmp/s/link" /bin/sh /usr/bin/sh "$tmp/s/real/script"
allow read /tmp
EOF
expect_rc text/symlink-rc 0 "$SBXC" explain -t linux "$tmp/l.sbx" exec "$tmp/s/real/tool"
has text/symlink-wider "$tmp/out" "on linux: wider; the kernel allows it"
has text/symlink-why "$tmp/out" "s/link resolves to .*/s/real/tool"
expect_rc text/interp-rc 0 "$SBXC" explain -t linux "$tmp/l.sbx" exec "$tmp/s/real/script"
has text/interp-stricter "$tmp/out" "on linux: stricter; the kernel denies it"
has text/interp-why "$tmp/out" "its interpreter .*/s/real/nointerp is not allowed to run"
expect_rc text/private-rc 0 "$SBXC" explain -t macos "$tmp/l.sbx" read /private/tmp/x
has text/private-wider "$tmp/out" "on macos: wider; the kernel allows it"
expect_rc text/plain-exact 0 "$SBXC" explain -t linux "$tmp/l.sbx" read /tmp/x
has text/plain-exact-says "$tmp/out" "on linux: exact; the kernel allows it"

# ---- expect against each target's fidelity (LANGUAGE.md 6.1) ----
cat >"$tmp/e.sbx" <<'EOF2'
sbx 1
policy e "an accepted lowering falsifies an expectation"
allow connect tcp 10.0.0.1:443
accept wider connect on macos because "Seatbelt matches only * or localhost"
expect deny connect tcp 127.0.0.5:443
EOF2
expect_rc expect/macos-fails 1 "$SBXC" "$tmp/e.sbx" -t macos -o "$tmp/eo"
has expect/macos-names "$tmp/err" "e.sbx:5:1: error: expect failed on macos: 'connect tcp 127.0.0.5:443'"
has expect/macos-caret "$tmp/err" "^      | \^"
has expect/macos-accept "$tmp/err" "e.sbx:4:1: note: the lowering is accepted here"
expect_rc expect/check-fails 1 "$SBXC" check -t macos "$tmp/e.sbx"
has expect/check-names "$tmp/err" "expect failed on macos"
expect_rc expect/json 1 "$SBXC" check -t macos --format json "$tmp/e.sbx"
has expect/json-diag "$tmp/err" '"line": 5, "col": 1, "severity": "error", "message": "expect failed on macos'
# Linux decides the address in its supervisor: the expectation holds there.
expect_rc expect/linux-holds 0 "$SBXC" "$tmp/e.sbx" -t linux -o "$tmp/eo"
sed 's/^expect deny connect tcp 127.0.0.5:443/expect deny connect tcp 127.0.0.5:22/' "$tmp/e.sbx" >"$tmp/e2.sbx"
expect_rc expect/other-port-holds 0 "$SBXC" "$tmp/e2.sbx" -t macos -o "$tmp/eo"
# --accept-wider accepts every lowering: the expectation is false as well,
# a warning as the flag makes the gate's errors.
grep -v '^accept' "$tmp/e.sbx" >"$tmp/e3.sbx"
expect_rc expect/flag-warns 0 "$SBXC" "$tmp/e3.sbx" -t macos --accept-wider -o "$tmp/eo"
has expect/flag-names "$tmp/err" "warning: expect failed on macos.*"
has expect/flag-note "$tmp/err" "accepted by --accept-wider"
# Every shipped example holds its expectations on every target.
for src in examples/*.sbx; do
	expect_rc "expect/example-$(basename "$src" .sbx)" 0 "$SBXC" check "$src"
done
