#!/usr/bin/env bash
# tests/selfprotect/run.sh: the sandbox cannot rewrite what decides its next
# run (issue 19; issue 13 item 12). On this kernel, a sandboxed program that
# may write the project (or /tmp) tries to rewrite, truncate, rename,
# replace and symlink over each protected file, and to rename the
# directories holding them: the artifacts being applied, the policy source
# and the file beside it that it uses, the compile cache and sbxc run's run
# directory. Every attempt must be refused and leave the bytes as they were;
# controls show that the rest of the project stays writable. Then: a
# tampered .landlock with --digest is refused (126), a poisoned cache entry
# never decides what -o writes or --check accepts, sbxc run does not write
# through a symlinked cache root, the runtime's integers are range-checked.
# As root and as an unprivileged user (65534) owning the project.
SUITE=selfprotect; . "$(dirname "$0")/../lib.sh"
D=tests/selfprotect

lib_build "$BUILD/sbxc" "$BUILD/sbx-exec"
EXEC=$ROOT/$BUILD/sbx-exec
lib_landlock_abi "$EXEC" 3
chmod 755 "$tmp"
# A copy of the runtime any user can run (the build tree may not be reachable).
cp "$EXEC" "$tmp/sbx-exec" && chmod 755 "$tmp/sbx-exec"
EXEC=$tmp/sbx-exec

# project DIR WRITABLE: a project at DIR whose policy grants writing WRITABLE
# (a param value), compiled into DIR/policies/out.
project() {
	local dir=$1
	mkdir -p "$dir/policies" "$dir/src"
	cat >"$dir/policies/p.sbx" <<'EOF'
sbx 1
policy p "self-protection test"
use std/base
use std/child-process
use ./extra.sbx
param W
allow read exec /
allow read write ${W}
EOF
	printf 'sbx 1\nallow read /etc\n' >"$dir/policies/extra.sbx"
	echo keep >"$dir/src/file"
	echo keep >"$dir/top"
	if ! "$SBXC" "$dir/policies/p.sbx" -t linux -o "$dir/policies/out" >"$tmp/cc.err" 2>&1; then
		fail "compile $dir" "$(head -3 "$tmp/cc.err" | oneline)"
		return 1
	fi
}

# The probe: every attack on FILE, then on the directories up to the
# project; prints one "NAME ok|refused" line each.
cat >"$tmp/attack.sh" <<'EOF'
f=$1; top=$2
try() { n=$1; shift; if "$@" 2>/dev/null; then echo "$n ok"; else echo "$n refused"; fi; }
try rewrite sh -c 'echo "allow write /" >> "$1"' - "$f"
try truncate sh -c ': > "$1"' - "$f"
try rename mv "$f" "$f.moved"
try unlink rm -f "$f"
try replace sh -c 'echo evil > "$2/new.tmp" && mv -f "$2/new.tmp" "$1"' - "$f" "$top/src"
try symlink ln -sf /tmp/evil "$f"
try hardlink-over ln -f "$top/src/file" "$f"
d=$(dirname "$f")
while [ "$d" != "$top" ] && [ "$d" != / ]; do
	try "mvdir:$(basename "$d")" mv "$d" "$d.moved"
	try "newentry:$(basename "$d")" sh -c 'echo x > "$1/planted"' - "$d"
	d=$(dirname "$d")
done
try control-existing sh -c 'echo more >> "$1/src/file"' - "$top"
try control-new sh -c 'echo new > "$1/src/new"' - "$top"
EOF
chmod 755 "$tmp/attack.sh"

# attack TEST AS ROOTDIR FILE...: runs the probe against each FILE under
# the project's artifacts, as AS (root or a uid).
attack() {
	local name=$1 as=$2 top=$3 cache=$4
	shift 4
	local f sum before after
	for f in "$@"; do
		# each attack starts from the same project (a successful one must not spoil the next)
		[ -d "$top.pristine" ] || cp -a "$top" "$top.pristine"
		rm -rf "$top" && cp -a "$top.pristine" "$top"
		before=$(cd "$top" && find . -path ./src -prune -o -print | sort | xargs -d '\n' md5sum 2>/dev/null | md5sum)
		local run=("$EXEC" --param W="$top" "$top/policies/out/p.landlock" -- sh "$tmp/attack.sh" "$f" "$top")
		[ "$as" = root ] || run=(setpriv --reuid="$as" --regid="$as" --clear-groups "${run[@]}")
		(cd "$top" && env SBXC_CACHE_DIR="$cache" "${run[@]}") >"$tmp/att.out" 2>"$tmp/att.err"
		after=$(cd "$top" && find . -path ./src -prune -o -print | sort | xargs -d '\n' md5sum 2>/dev/null | md5sum)
		local short=${f#"$top"/}
		if ! grep -q "control-existing ok" "$tmp/att.out" || ! grep -q "control-new ok" "$tmp/att.out"; then
			fail "$name/$short/controls" "the project is not writable: $(oneline <"$tmp/att.out") $(oneline <"$tmp/att.err")"
			continue
		fi
		local bad
		bad=$(grep -v '^control' "$tmp/att.out" | grep ' ok$' | cut -d' ' -f1 | tr '\n' ' ')
		if [ -n "$bad" ] || [ "$before" != "$after" ] || ! grep -q rewrite "$tmp/att.out"; then
			fail "$name/$short" "allowed: ${bad:-none}; bytes changed: $([ "$before" != "$after" ] && echo yes || echo no) $(oneline 200 <"$tmp/att.err")"
		else
			pass "$name/$short"
		fi
	done
	rm -rf "$top" && cp -a "$top.pristine" "$top" && rm -rf "$top.pristine"
}

# ---------------------------------------------------------------- in the project, and under /tmp
for as in root 65534; do
	if [ "$as" != root ] && ! command -v setpriv >/dev/null; then
		skip "user/$as" "setpriv is not installed"
		continue
	fi
	P=$tmp/p-$as
	project "$P" || continue
	mkdir -p "$P/cache/entry"
	echo x >"$P/cache/entry/f"
	chown -R "$as" "$P" 2>/dev/null
	attack "project-$as" "$as" "$P" "$P/cache" \
		"$P/policies/out/p.landlock" "$P/policies/out/p.seccomp" "$P/policies/out/p.seccomp.x86_64.bpf" \
		"$P/policies/p.sbx" "$P/policies/extra.sbx" "$P/cache/entry/f"
done
# Under /tmp itself: the policy grants all of /tmp (W=/tmp).
P=$(mktemp -d /tmp/sbxc-selfprotect-tmp.XXXXXX)
trap 'rm -rf "$P" "$P.pristine"; lib_cleanup' EXIT
chmod 755 "$P"
if project "$P"; then
	sed -i 's|^allow read write ${W}$|allow read write ${W}\nallow read write /tmp|' "$P/policies/p.sbx"
	"$SBXC" "$P/policies/p.sbx" -t linux -o "$P/policies/out" 2>/dev/null
	has tmp/compiled "$P/policies/out/p.landlock" '"/tmp"'
	attack tmp root "$P" "$P/cache" "$P/policies/out/p.landlock" "$P/policies/p.sbx"
fi

# ---------------------------------------------------------------- check says it
expect_rc check/runs 0 "$SBXC" check "$tmp/p-root/policies/p.sbx"
has check/implicit-line "$tmp/out" "implicit deny write.*artifacts"

# ---------------------------------------------------------------- --digest
P=$tmp/p-root
dig=$("$EXEC" --dry-run --report --param W="$P" "$P/policies/out/p.landlock" 2>&1 | sed -nE 's/.*digest (xxh3:[0-9a-f]{16}).*/\1/p' | head -1)
if [ -z "$dig" ]; then
	fail digest/reported "sbx-exec --report prints no digest"
else
	pass digest/reported
	expect_rc digest/pinned-ok 0 "$EXEC" --digest "$dig" --param W="$P" "$P/policies/out/p.landlock" -- true
	cp "$P/policies/out/p.landlock" "$tmp/good.landlock"
	sed -i 's/^fs allow \(.*\)"\/"$/fs allow \1"\/"/; $a fs allow write_file@1 "/"' "$P/policies/out/p.landlock"
	expect_rc digest/tampered-126 126 "$EXEC" --digest "$dig" --param W="$P" "$P/policies/out/p.landlock" -- true
	has digest/tampered-said "$tmp/err" "changed since it was pinned"
	expect_rc digest/bad-value 64 "$EXEC" --digest xxh3:nothex --param W="$P" "$P/policies/out/p.landlock" -- true
	cp "$tmp/good.landlock" "$P/policies/out/p.landlock"
fi

# ---------------------------------------------------------------- item 13.12: cache poisoning
cc -O1 -o "$tmp/rehash" "$D/rehash.c" 2>"$tmp/cc.err" || fail build/rehash "$(oneline <"$tmp/cc.err")"
C=$tmp/poison
mkdir -p "$C" && cp "$P/policies/p.sbx" "$P/policies/extra.sbx" "$C/"
sed -i 's|^allow read write ${W}$|allow read write ${W}\ndeny write ${W}/.git|' "$C/p.sbx"
(
	cd "$C" || exit 1
	export SBXC_CACHE_DIR=$C/cache
	"$SBXC" p.sbx -t linux -o good 2>/dev/null
	for e in cache/*.sbxcache; do
		sed -i 's/^fs carve /# carve  /' "$e" && "$tmp/rehash" "$e"
	done
	"$SBXC" p.sbx -t linux -o out --explain-cache 2>"$tmp/poison.err"
)
if ! grep -q '^# carve' "$C"/cache/*.sbxcache 2>/dev/null && ! grep -q differs "$tmp/poison.err"; then
	fail cache/poisoned "could not poison the entry"
else
	has cache/poison-carve-written "$C/out/p.landlock" '^fs carve .*/.git"$'
	has cache/poison-reported "$tmp/poison.err" "cache differs"
	cp -r "$C/good" "$C/weak"
	sed -i 's/^fs carve /# carve  /' "$C/weak/p.landlock"
	# the cache poisoned the same way: --check must still call the weakened set stale
	for e in "$C"/cache/*.sbxcache; do sed -i 's/^fs carve /# carve  /' "$e" && "$tmp/rehash" "$e"; done
	expect_rc cache/check-refuses-weak 2 env SBXC_CACHE_DIR="$C/cache" "$SBXC" "$C/p.sbx" -t linux -o "$C/weak" --check
fi

# ---------------------------------------------------------------- sbxc run: a symlinked cache root
mkdir -p "$tmp/elsewhere" "$tmp/cachehome"
ln -s "$tmp/elsewhere" "$tmp/cachelink"
expect_rc run/symlinked-root 0 env SBXC_CACHE_DIR="$tmp/cachelink" "$SBXC" run -D W="$tmp/w" "$C/p.sbx" -- true
has run/symlinked-root-said "$tmp/err" "is a symlink: not writing"
if [ -z "$(ls -A "$tmp/elsewhere")" ]; then pass run/symlinked-root-untouched; else fail run/symlinked-root-untouched "wrote $(ls "$tmp/elsewhere" | oneline)"; fi
# sbxc run's own run directory is denied to the command it runs.
expect_rc run/cache-denied 0 env SBXC_CACHE_DIR="$tmp/cachehome/sbxc" "$SBXC" run -D W="$tmp/cachehome" "$C/p.sbx" -- \
	sh -c 'for f in "$1"/*/p.landlock; do echo x >> "$f" && exit 1; mv "$(dirname "$f")" "$1/moved" && exit 1; done; ls "$1"/*/p.landlock >/dev/null' - "$tmp/cachehome/sbxc"

# ---------------------------------------------------------------- integers on the runtime's command lines
for prog in sbx-exec run; do
	if [ $prog = run ]; then cmd=("$SBXC" run); file=$C/p.sbx; else cmd=("$EXEC"); file=$P/policies/out/p.landlock; fi
	expect_rc "opts/$prog/abi-wrap" 64 "${cmd[@]}" --abi 4294967301 --dry-run "$file"
	has "opts/$prog/abi-named" "$tmp/err" "abi has a bad value '4294967301'"
	expect_rc "opts/$prog/keep-fd-wrap" 64 "${cmd[@]}" --keep-fd 4294967299 --dry-run "$file"
	expect_rc "opts/$prog/keep-fd-sign" 64 "${cmd[@]}" --keep-fd +3 --dry-run "$file"
	expect_rc "opts/$prog/abi-missing" 64 "${cmd[@]}" --dry-run "$file" --abi
	has "opts/$prog/missing-named" "$tmp/err" "needs a value"
	expect_rc "opts/$prog/unknown" 64 "${cmd[@]}" --nope --dry-run "$file"
	has "opts/$prog/unknown-named" "$tmp/err" "unknown option '--nope'"
done

# ---------------------------------------------------------------- front end: a byte-order mark, long default chains
printf '\357\273\277sbx 1\npolicy bom "x"\nallow read /etc\n' >"$tmp/bom.sbx"
expect_rc lang/bom-start 0 "$SBXC" check "$tmp/bom.sbx"
printf 'sbx 1\npolicy bom "x"\n\357\273\277allow read /etc\n' >"$tmp/bom2.sbx"
expect_rc lang/bom-inside-refused 1 "$SBXC" check "$tmp/bom2.sbx"
# chain N FILE [cycle]: P0 <- P1 <- ... <- P(N-1), or a ring
chain() {
	local n=$1 i
	{
		printf 'sbx 1\npolicy chain "x"\n'
		if [ "${3:-}" = cycle ]; then printf 'param P0 = "${P%d}/a"\n' $((n - 1)); else printf 'param P0 = "/tmp"\n'; fi
		for ((i = 1; i < n; i++)); do
			if ((i % 1000)); then printf 'param P%d = "${P%d}"\n' $i $((i - 1)); else printf 'param P%d = "${P%d}/a"\n' $i $((i - 1)); fi
		done
		printf 'allow read ${P%d}\n' $((n - 1))
	} >"$2"
}
chain 5000 "$tmp/chain.sbx"
expect_rc lang/chain-5000 0 "$SBXC" check "$tmp/chain.sbx"
hasnt lang/chain-5000-no-cycle "$tmp/err" cycle
expect_rc lang/chain-5000-compiles 0 "$SBXC" "$tmp/chain.sbx" -t linux -o "$tmp/chainout"
expect_rc lang/chain-5000-runtime 0 "$EXEC" --dry-run "$tmp/chainout/chain.landlock"
chain 5000 "$tmp/ring.sbx" cycle
expect_rc lang/ring-5000-refused 1 "$SBXC" check "$tmp/ring.sbx"
has lang/ring-5000-cycle "$tmp/err" "in a cycle"
