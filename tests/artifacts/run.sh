#!/usr/bin/env bash
# tests/artifacts: committed artifacts and policy review (issue 6).
# Byte-stable output, headers, the compile cache, rewrite-only-on-change,
# --check, interrupted and failing writes, sbxc diff (text, json, markdown,
# --git, --textconv as a git diff driver), explain -t, the JSON schemas.
# Reads $SBXC, $ROOT, $UPDATE; prints PASS/FAIL/SKIP lines.
SUITE=artifacts; . "$(dirname "$0")/../lib.sh"
HERE=$ROOT/tests/artifacts
trap 'umount "$tmp/full" 2>/dev/null; lib_cleanup' EXIT
# A private copy: other suites relink build/sbxc while this one runs.
cp "$SBXC" "$tmp/sbxc"
S=$tmp/sbxc
export SBXC_CACHE_DIR=$tmp/cache

ok_if() { if (eval "$2"); then pass "$1"; else fail "$1" "${3:-condition false: $2}"; fi; }
t() { expect_rc "$@"; }
json_ok() { if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$2" 2>/dev/null; then pass "$1"; else fail "$1" "not JSON: $(head -c 200 "$2")"; fi; }
mtimes() { stat -c '%n %Y.%y' "$1"/* | sort; }

# ---------------------------------------------------------------- byte stability
# Two copies of the fixture at different absolute paths, compiled with the
# same relative command under different HOME, TZ, LC_ALL, umask and user.
mkdir -p "$tmp/a/deep/er" "$tmp/b"
cp -r "$HERE/fix" "$tmp/a/deep/er/p"
cp -r "$HERE/fix" "$tmp/b/p"
(cd "$tmp/a/deep/er/p" && HOME=/home/alice TZ=Pacific/Kiritimati LC_ALL=C "$S" policy.sbx -t all -o out --no-cache) 2>"$tmp/err"
ra=$?
(cd "$tmp/b/p" && umask 077 && HOME=/nonexistent TZ=UTC LC_ALL=C.UTF-8 LANG=de_DE.UTF-8 "$S" policy.sbx -t all -o out --no-cache) 2>>"$tmp/err"
rb=$?
ok_if stable/compiles '[ $ra = 0 ] && [ $rb = 0 ]' "exit $ra/$rb: $(head -c 300 "$tmp/err")"
ok_if stable/seven-artifacts '[ "$(ls "$tmp/a/deep/er/p/out" | wc -l)" = 7 ]'
ok_if stable/home-tz-locale-pwd 'diff -r "$tmp/a/deep/er/p/out" "$tmp/b/p/out" >/dev/null'
# Another user (root can switch): same bytes.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	cp -r "$HERE/fix" "$tmp/c"
	cp "$S" "$tmp/c/sbxc"
	chmod -R a+rwX "$tmp/c" && chmod a+x "$tmp"
	(cd "$tmp/c" && setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/ ./sbxc policy.sbx -t all -o out --no-cache) 2>/dev/null
	ok_if stable/other-user 'diff -r "$tmp/a/deep/er/p/out" "$tmp/c/out" >/dev/null'
else
	skip stable/other-user "needs root and setpriv to switch users"
fi
# A later run (another second) filling the cache, a hit, and a hit from
# another copy at another path (the key holds relative names only): same bytes.
sleep 1
cp -r "$HERE/fix" "$tmp/d" && cp -r "$HERE/fix" "$tmp/e"
(cd "$tmp/d" && "$S" policy.sbx -t all -o out 2>/dev/null && mv out out.miss && "$S" policy.sbx -t all -o out --explain-cache) 2>"$tmp/err"
(cd "$tmp/e" && "$S" policy.sbx -t all -o out --explain-cache) 2>>"$tmp/err"
ok_if stable/later 'diff -r "$tmp/a/deep/er/p/out" "$tmp/d/out.miss" >/dev/null'
ok_if stable/cache-hit-same-bytes 'diff -r "$tmp/a/deep/er/p/out" "$tmp/d/out" >/dev/null && [ "$(grep -c "cache hit" "$tmp/err")" = 2 ]'
ok_if stable/cache-hit-other-path 'diff -r "$tmp/a/deep/er/p/out" "$tmp/e/out" >/dev/null'
# No host path or time leaks into the bytes.
ok_if stable/no-host-paths '! grep -rl -e "$tmp" -e "/home/alice" "$tmp/a/deep/er/p/out" >/dev/null'
ok_if stable/no-dates '! grep -rlE "20[0-9]{2}-[01][0-9]-[0-3][0-9]" "$tmp/a/deep/er/p/out" >/dev/null'

# ---------------------------------------------------------------- spellings
# Two checkouts at different absolute paths and depths; in each, the same
# compilation spelled every way, from the checkout and from elsewhere, with
# and without the cache: one set of bytes, and --check agrees every time.
# The fixture's `use "inc/part.sbx"` and a `use` that climbs out of the
# policy's directory ("../shared.sbx") both go through the spelling.
for c in "$tmp/sp1/x/y" "$tmp/sp2"; do
	mkdir -p "$c/pol" && cp -r "$HERE/fix/." "$c/pol/"
	printf 'sbx 1\nallow read /srv/shared because "a shared fragment"\n' >"$c/shared.sbx"
	printf 'use "../shared.sbx"\n' >>"$c/pol/policy.sbx"
done
# "DIR|POLICY|OUT": the command runs in DIR (relative to the checkout).
spellings=(
	"pol|policy.sbx|out" "pol|./policy.sbx|out" "pol|@/pol/policy.sbx|out" "pol|policy.sbx|@/pol/out"
	"pol|@/pol/policy.sbx|@/pol/out" "pol|./policy.sbx|./out/" "pol|../pol/policy.sbx|../pol/out"
	".|pol/policy.sbx|pol/out" ".|./pol/../pol/policy.sbx|pol/./out" ".|@/pol/policy.sbx|pol/out"
	"pol/inc|../policy.sbx|../out" "/|@/pol/policy.sbx|@/pol/out"
)
spell() { # checkout, spelling, extra sbxc arguments...
	local c=$1 d p o
	IFS='|' read -r d p o <<<"$2"
	shift 2
	case $d in /) ;; *) d=$c/$d ;; esac
	(cd "$d" && "$S" "${p/@/$c}" -t all -o "${o/@/$c}" "$@")
}
ref=$tmp/sp1/x/y/pol/out
spell "$tmp/sp1/x/y" ".|pol/policy.sbx|pol/out" --no-cache 2>"$tmp/err" && cp -r "$ref" "$tmp/sp.ref"
ok_if spell/reference '[ "$(ls "$tmp/sp.ref" | wc -l)" = 7 ]' "$(head -c 300 "$tmp/err")"
same=1 cur=1 nrun=0
for c in "$tmp/sp1/x/y" "$tmp/sp2"; do
	for sp in "${spellings[@]}"; do
		for cache in --no-cache --explain-cache; do
			rm -rf "$c/pol/out"
			nrun=$((nrun + 1))
			spell "$c" "$sp" $cache 2>/dev/null && diff -r "$tmp/sp.ref" "$c/pol/out" >/dev/null ||
				{ same=0; echo "# $c $sp $cache: other bytes" >&2; }
		done
	done
	rm -rf "$c/pol/out" && cp -r "$tmp/sp.ref" "$c/pol/out"
	for sp in "${spellings[@]}"; do
		spell "$c" "$sp" --check >/dev/null 2>&1 || { cur=0; echo "# $c $sp: --check not 0" >&2; }
		spell "$c" "$sp" --check --no-cache >/dev/null 2>&1 || { cur=0; echo "# $c $sp: --check --no-cache not 0" >&2; }
	done
done
ok_if spell/same-bytes-every-spelling '[ $same = 1 ] && [ $nrun = 48 ]'
ok_if spell/check-current-every-spelling '[ $cur = 1 ]'
# A stale artifact is stale for every spelling too (with and without the cache).
printf '\n' >>"$tmp/sp2/pol/out/agent-tool.landlock"
st=1
for sp in "${spellings[@]}"; do
	spell "$tmp/sp2" "$sp" --check >/dev/null 2>&1; r1=$?
	spell "$tmp/sp2" "$sp" --check --no-cache >/dev/null 2>&1; r2=$?
	[ $r1 = 2 ] && [ $r2 = 2 ] || { st=0; echo "# $sp: --check $r1/$r2, want 2" >&2; }
done
ok_if spell/check-stale-every-spelling '[ $st = 1 ]'
ok_if spell/no-absolute-path '! grep -rqe "$tmp" -e "/sp1/" -e "/sp2/" "$tmp/sp.ref"'
has spell/source-relative "$tmp/sp.ref/agent-tool.sb" '^;; generated by sbxc from \.\./policy.sbx: DO NOT EDIT$'
has spell/regen-from-artifact-dir "$tmp/sp.ref/agent-tool.sb" '^;; regenerate: sbxc \.\./policy.sbx -t all$'
# The regenerate command does what it says, from the artifacts' directory.
rm -rf "$tmp/sp2/pol/out" && mkdir "$tmp/sp2/pol/out"
cmd=$(sed -n 's/^;; regenerate: sbxc //p' "$tmp/sp.ref/agent-tool.sb")
(cd "$tmp/sp2/pol/out" && eval "\"\$S\" $cmd --no-cache") 2>/dev/null
ok_if spell/regen-runs 'diff -r "$tmp/sp.ref" "$tmp/sp2/pol/out" >/dev/null'
# Rule locations in comments are relative to the policy's directory.
has spell/locations-relative "$tmp/sp.ref/agent-tool.sb" ';; \.\./shared.sbx:2'
hasnt spell/locations-not-spelled "$tmp/sp.ref/agent-tool.sb" ';; pol/'
# A path with a space is quoted in the regenerate command.
mkdir -p "$tmp/sp2/a b" && cp -r "$tmp/sp2/pol/." "$tmp/sp2/a b/"
(cd "$tmp/sp2" && "$S" "a b/policy.sbx" -t macos -o o3 --no-cache) 2>/dev/null
has spell/regen-quoted "$tmp/sp2/o3/agent-tool.sb" "^;; regenerate: sbxc '../a b/policy.sbx' -t macos$"
# So is a -D value the shell would expand, and the command still reproduces the bytes.
(cd "$tmp/sp2" && "$S" "a b/policy.sbx" -t macos -o o4 -D 'PROJECT=/tmp/x* y' --no-cache) 2>/dev/null
has spell/regen-define-quoted "$tmp/sp2/o4/agent-tool.sb" "^;; regenerate: sbxc '../a b/policy.sbx' -t macos -D 'PROJECT=/tmp/x\* y'$"
cp -r "$tmp/sp2/o4" "$tmp/sp2/o4.ref"
cmd=$(sed -n 's/^;; regenerate: sbxc //p' "$tmp/sp2/o4/agent-tool.sb")
(cd "$tmp/sp2/o4" && rm -f ./* && eval "\"\$S\" $cmd --no-cache") 2>/dev/null
ok_if spell/regen-define-runs 'diff -r "$tmp/sp2/o4.ref" "$tmp/sp2/o4" >/dev/null'

# ---------------------------------------------------------------- headers
out=$tmp/a/deep/er/p/out
hdr_ok=1
for f in "$out"/*; do
	case $f in *.bpf) continue ;; esac
	head -c 1200 "$f" >"$tmp/h"
	# The source as seen from the artifacts' directory, the command run from there.
	gen="generated by sbxc from \.\./policy.sbx"
	case $f in *.json) gen='"by": "sbxc",.*"source": "\.\./policy.sbx"' ; tr -d '\n' <"$f" | head -c 1200 >"$tmp/h" ;; esac
	for w in "$gen" "DO NOT EDIT" "input.*xxh3-128:[0-9a-f]\{32\}" "format" "regenerate.*sbxc \.\./policy.sbx -t all"; do
		grep -q -e "$w" "$tmp/h" || { fail "headers/$(basename "$f")" "no '$w'"; hdr_ok=0; }
	done
	# Run from the artifacts' directory, the command needs no -o.
	! grep -q -e "regenerate[^,]* -o " "$tmp/h" || { fail "headers/$(basename "$f")" "-o in the regenerate command"; hdr_ok=0; }
done
ok_if headers/every-text-artifact '[ $hdr_ok = 1 ]'
digests=$(for f in "$out"/*; do case $f in *.bpf) ;; *) head -c 1200 "$f" | grep -o 'xxh3-128:[0-9a-f]\{32\}' | head -1 ;; esac; done | sort -u | wc -l)
ok_if headers/one-input-digest '[ "$digests" = 1 ]'
# Blobs have no comments: the manifest lists each with its size and digest.
blob_ok=1
for f in "$out"/*.bpf; do
	n=$(basename "$f")
	grep -q " $n [0-9]* xxh3-64:[0-9a-f]\{16\}$" "$out/agent-tool.seccomp" || blob_ok=0
done
ok_if headers/blobs-in-manifest '[ $blob_ok = 1 ]'
# The format version, not the compiler's: the version string appears nowhere.
ver=$("$S" --version | awk '{print $2}')
ok_if headers/no-compiler-version '! grep -rqF "$ver" "$out"'

# ---------------------------------------------------------------- cache
cd "$tmp/b/p" || exit 1
rm -rf "$SBXC_CACHE_DIR"
t cache/miss 0 "$S" policy.sbx -t all -o cout --explain-cache
has cache/miss-said "$tmp/err" "sbxc: cache miss"
has cache/stored "$tmp/err" "sbxc: cache store: stored"
has cache/key-fields "$tmp/err" "| target 8"
t cache/hit 0 "$S" policy.sbx -t all -o cout --explain-cache
has cache/hit-said "$tmp/err" "sbxc: cache hit"
# Bytes equal to a fresh compile (the regenerate line names -o cout).
same_as_fresh() { "$S" policy.sbx -t all -o cout --no-cache --check >/dev/null 2>&1; }
ok_if cache/hit-bytes same_as_fresh
entry=$(ls "$SBXC_CACHE_DIR"/*.sbxcache | head -1)
grep -q "^info .*" "$entry" && grep -q "input xxh3-128:" "$entry"
ok_if cache/entry-records-ir '[ $? = 0 ]'
# A truncated entry is detected and rebuilt, never used.
head -c 5000 "$entry" >"$entry.cut" && mv "$entry.cut" "$entry"
rm -rf cout
t cache/truncated-rebuilt 0 "$S" policy.sbx -t all -o cout --explain-cache
has cache/truncated-said "$tmp/err" "cache corrupt"
ok_if cache/truncated-bytes same_as_fresh
# One flipped byte inside an artifact's bytes: the checksum catches it.
python3 - "$entry" <<'EOF'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read())
i = b.index(b'(version 1)') + 3   # inside the Seatbelt profile
b[i] ^= 0x20
open(p, 'wb').write(bytes(b))
EOF
t cache/flipped-rebuilt 0 "$S" policy.sbx -t all -o cout --explain-cache
has cache/flipped-said "$tmp/err" "cache corrupt"
ok_if cache/flipped-bytes same_as_fresh
t cache/hit-after-rebuild 0 "$S" policy.sbx -t all -o cout --explain-cache
has cache/hit-after-rebuild-said "$tmp/err" "sbxc: cache hit"
# Garbage under the right name (a collision, a half-written foreign file).
printf 'not an entry at all, but long enough to have a trailer....................\n' >"$entry"
t cache/garbage-rebuilt 0 "$S" policy.sbx -t all -o cout --explain-cache
has cache/garbage-said "$tmp/err" "cache corrupt"
# A changed `use`d file makes the entry stale (re-hashed on every hit).
cp inc/part.sbx "$tmp/part.bak"
printf 'sbx 1\nallow read /var/lib/y because "fixture"\n' >inc/part.sbx
t cache/use-changed 0 "$S" policy.sbx -t all -o cout --explain-cache
has cache/use-changed-stale "$tmp/err" "cache stale: input 'inc/part.sbx' changed"
has cache/use-changed-new-bytes cout/agent-tool.sb "/var/lib/y"
cp "$tmp/part.bak" inc/part.sbx
t cache/use-restored 0 "$S" policy.sbx -t all -o cout --explain-cache
has cache/use-restored-old-bytes cout/agent-tool.sb "/var/lib/x"
# Options are part of the key.
t cache/other-arch 0 "$S" policy.sbx -t linux --arch x86_64 -o cout5 --explain-cache
has cache/other-arch-miss "$tmp/err" "cache miss"
t cache/define-key 0 "$S" policy.sbx -t linux -D PROJECT=/p -o cout6 --explain-cache
has cache/define-miss "$tmp/err" "cache miss"
# --no-cache neither reads nor writes.
n0=$(ls "$SBXC_CACHE_DIR" | wc -l)
t cache/no-cache 0 "$S" policy.sbx -t macos -o cout7 --no-cache --explain-cache
has cache/no-cache-off "$tmp/err" "cache off: disabled by --no-cache"
ok_if cache/no-cache-writes-nothing '[ "$(ls "$SBXC_CACHE_DIR" | wc -l)" = "$n0" ]'
# The default location: $XDG_CACHE_HOME/sbxc, else ~/.cache/sbxc.
t cache/xdg 0 env -u SBXC_CACHE_DIR XDG_CACHE_HOME="$tmp/xdg" "$S" policy.sbx -t macos -o cout8
ok_if cache/xdg-used 'ls "$tmp/xdg/sbxc/"*.sbxcache >/dev/null 2>&1'
t cache/home 0 env -u SBXC_CACHE_DIR -u XDG_CACHE_HOME HOME="$tmp/home" "$S" policy.sbx -t macos -o cout8
ok_if cache/home-used 'ls "$tmp/home/.cache/sbxc/"*.sbxcache >/dev/null 2>&1'
# An unwritable cache is only a slower compile.
t cache/unusable 0 env SBXC_CACHE_DIR=/proc/self/nonexistent "$S" policy.sbx -t macos -o cout9
# A warning is replayed on a hit, the exit status is the same.
cat >"$tmp/w.sbx" <<'EOF'
sbx 1
policy w
allow connect tcp 203.0.113.5:443
EOF
t cache/warn-miss 0 "$S" "$tmp/w.sbx" -t macos -o "$tmp/wout" --accept-wider
cp "$tmp/err" "$tmp/err1"
t cache/warn-hit 0 "$S" "$tmp/w.sbx" -t macos -o "$tmp/wout" --accept-wider --explain-cache
has cache/warn-hit-is-hit "$tmp/err" "cache hit"
grep -v '^sbxc: cache\|^  | ' "$tmp/err" >"$tmp/err2"
ok_if cache/warn-replayed 'cmp -s "$tmp/err1" "$tmp/err2" && grep -q "is wider on macos" "$tmp/err1"'

# ---------------------------------------------------------------- rewrite only on change
rm -rf mt && "$S" policy.sbx -t all -o mt 2>/dev/null
touch -d '2001-01-01 00:00:00' mt/*
mtimes mt >"$tmp/m1"
"$S" policy.sbx -t all -o mt 2>/dev/null
mtimes mt >"$tmp/m2"
ok_if mtime/unchanged-kept 'cmp -s "$tmp/m1" "$tmp/m2"'
"$S" policy.sbx -t all -o mt --no-cache 2>/dev/null
mtimes mt >"$tmp/m3"
ok_if mtime/unchanged-kept-no-cache 'cmp -s "$tmp/m1" "$tmp/m3"'
# A change that alters some artifacts: only those are rewritten.
sed 's|^allow read /usr /etc /opt|allow read /usr /etc /opt /srv|' policy.sbx >p2.sbx
"$S" p2.sbx -t all -o mt 2>/dev/null
changed=$(find mt -newermt '2002-01-01' | wc -l)
ok_if mtime/changed-rewritten '[ "$changed" -ge 1 ]'
ok_if mtime/no-temp-left '[ -z "$(ls -A mt | grep "^\.")" ]'

# ---------------------------------------------------------------- --check
rm -rf ck && "$S" policy.sbx -t all -o ck 2>/dev/null
t check/current 0 "$S" policy.sbx -t all -o ck --check
t check/current-no-cache 0 "$S" policy.sbx -t all -o ck --check --no-cache
printf '\n' >>ck/agent-tool.sb
t check/stale 2 "$S" policy.sbx -t all -o ck --check
has check/stale-file "$tmp/out" "^stale: ck/agent-tool.sb"
has check/regen-cmd "$tmp/out" "regenerate with: sbxc policy.sbx -t all -o ck"
rm ck/agent-tool.seccomp.aarch64.bpf
t check/missing 2 "$S" policy.sbx -t all -o ck --check --no-cache
has check/missing-file "$tmp/out" "^missing: ck/agent-tool.seccomp.aarch64.bpf"
# The header is not trusted: same header, other bytes is stale.
"$S" policy.sbx -t all -o ck 2>/dev/null
sed -i 's|(allow file-read\*|(allow file-write*|' ck/agent-tool.sb
t check/header-not-trusted 2 "$S" policy.sbx -t all -o ck --check
ok_if check/writes-nothing '! cmp -s ck/agent-tool.sb out/agent-tool.sb'
# The semantic diff against what the stale files were generated from (git history).
if command -v git >/dev/null; then
	g=$tmp/g
	mkdir -p "$g/pol" && cp -r "$HERE/fix/." "$g/pol/" && cd "$g" || exit 1
	git init -q . && git -c user.email=t@t -c user.name=t add -A && git -c user.email=t@t -c user.name=t commit -qm v1
	"$S" pol/policy.sbx -t all -o gen 2>/dev/null
	sed -i 's|^allow read /usr /etc /opt.*|allow read /usr /etc /opt /srv because "data"|' pol/policy.sbx
	git -c user.email=t@t -c user.name=t commit -qam v2
	t check/git-stale 2 "$S" pol/policy.sbx -t all -o gen --check
	has check/git-semantic-diff "$tmp/out" "^semantic diff from [0-9a-f]\{12\}"
	has check/git-diff-line "$tmp/out" "^+ pol/policy.sbx:[0-9]*: allow read /srv"
	t check/git-stale-json 2 "$S" pol/policy.sbx -t all -o gen --check --format json
	json_ok check/git-stale-json-valid "$tmp/out"
	ok_if check/git-stale-json-schema 'python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
assert d[\"schema\"]==\"sbxc-stale 1\" and d[\"current\"] is False
st={f[\"name\"]:f[\"status\"] for f in d[\"files\"]}
assert st[\"agent-tool.sb\"]==\"stale\" and set(st.values())<={\"current\",\"stale\",\"missing\"}
g=d[\"generated_from\"][0]
assert g[\"revision\"] and g[\"diff\"][\"schema\"]==\"sbxc-diff 1\"
assert any(c[\"rule\"][\"object\"]==\"/srv\" for c in g[\"diff\"][\"changes\"] if \"rule\" in c)
assert d[\"regenerate\"]==\"sbxc pol/policy.sbx -t all -o gen\"
" "$tmp/out"'
	# Regenerated: current again.
	"$S" pol/policy.sbx -t all -o gen 2>/dev/null
	t check/git-current 0 "$S" pol/policy.sbx -t all -o gen --check
	t check/current-json 0 "$S" pol/policy.sbx -t all -o gen --check --format json
	has check/current-json-true "$tmp/out" '^{"current": true, "files": \[{'
	hasnt check/current-json-no-from "$tmp/out" 'generated_from'
	cd "$tmp/b/p" || exit 1
else
	skip check/git-stale "git is not installed"
fi

# ---------------------------------------------------------------- errors never lose data
# A target that fails: nothing of the run is written, not even other targets'.
cat >"$tmp/wider.sbx" <<'EOF'
sbx 1
policy wider
allow read /usr
allow connect tcp 203.0.113.5:443
EOF
t fail/target-error 1 "$S" "$tmp/wider.sbx" -t macos,landlock -o "$tmp/none"
ok_if fail/target-error-writes-nothing '[ ! -e "$tmp/none" ] || [ -z "$(ls -A "$tmp/none")" ]'
# A write that fails half way (injected ENOSPC): existing artifacts intact, no temporaries.
rm -rf inj && "$S" policy.sbx -t all -o inj 2>/dev/null && cp -r inj inj.before
t fail/injected-enospc 1 env SBXC_FAIL_WRITE=3 "$S" p2.sbx -t all -o inj --no-cache
has fail/injected-message "$tmp/err" "No space left on device"
ok_if fail/injected-intact 'diff -r inj inj.before >/dev/null'
ok_if fail/injected-no-temps '[ -z "$(ls -A inj | grep "^\.")" ]'
# A real full disk: a tiny tmpfs.
if [ "$(id -u)" = 0 ] && mkdir -p "$tmp/full" && mount -t tmpfs -o size=64k tmpfs "$tmp/full" 2>/dev/null; then
	python3 "$ROOT/bench/gen-policy.py" 2000 >"$tmp/big.sbx"
	"$S" policy.sbx -t all -o "$tmp/full/o" --no-cache 2>/dev/null
	cp -r "$tmp/full/o" "$tmp/full.before"
	t fail/full-disk 1 "$S" "$tmp/big.sbx" -t macos,landlock -o "$tmp/full/o" --no-cache --accept-wider
	has fail/full-disk-message "$tmp/err" "cannot write"
	ok_if fail/full-disk-intact 'diff -r "$tmp/full/o" "$tmp/full.before" >/dev/null'
	ok_if fail/full-disk-no-temps '[ -z "$(ls -A "$tmp/full/o" | grep "^\.")" ]'
	umount "$tmp/full"
else
	skip fail/full-disk "cannot mount a tmpfs here (needs root); the injected ENOSPC above covers the code path"
fi
# Killed at the worst moment (every temporary written, nothing renamed):
# the artifacts are the old ones, whole; the next run removes the leftovers.
rm -rf kill && "$S" policy.sbx -t all -o kill 2>/dev/null && cp -r kill kill.before
SBXC_STOP_BEFORE_RENAME=1 "$S" p2.sbx -t all -o kill --no-cache 2>/dev/null &
pid=$!
for _ in $(seq 100); do
	[ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" = T ] && break
	sleep 0.05
done
state=$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)
kill -KILL $pid 2>/dev/null
{ wait $pid; } 2>/dev/null
ok_if kill/stopped-before-rename '[ "$state" = T ]' "process state '$state'"
ok_if kill/old-artifacts-intact 'for f in kill.before/*; do cmp -s "$f" "kill/$(basename "$f")" || exit 1; done'
ok_if kill/temps-left '[ -n "$(ls -A kill | grep "^\..*\.tmp$")" ]'
"$S" p2.sbx -t all -o kill --no-cache 2>/dev/null
ok_if kill/next-run-cleans '[ -z "$(ls -A kill | grep "^\.")" ]'
# Killed at random moments while writing a large set: every artifact is
# always one whole version, old or new.
python3 "$ROOT/bench/gen-policy.py" 3000 >"$tmp/k1.sbx"
sed 's/^policy bench-3000/policy bench-3000\nallow read \/kill-test/' "$tmp/k1.sbx" >"$tmp/k2.sbx"
rm -rf rk && "$S" "$tmp/k1.sbx" -t all -o rk_old --accept-wider --no-cache 2>/dev/null
"$S" "$tmp/k2.sbx" -t all -o rk_new --accept-wider --no-cache 2>/dev/null
cp -r rk_old rk
whole=1
for i in $(seq 12); do
	"$S" "$tmp/k$((i % 2 + 1)).sbx" -t all -o rk --accept-wider --no-cache 2>/dev/null &
	pid=$!
	sleep "0.0$((RANDOM % 9 + 1))"
	kill -KILL $pid 2>/dev/null
	{ wait $pid; } 2>/dev/null
	for f in rk_old/*; do
		n=$(basename "$f")
		[ -f "rk/$n" ] && { cmp -s "rk/$n" "rk_old/$n" || cmp -s "rk/$n" "rk_new/$n"; } || { whole=0; echo "# $n torn at kill $i" >&2; }
	done
done
ok_if kill/random-kills-never-torn '[ $whole = 1 ]'

# ---------------------------------------------------------------- diff
cd "$HERE/diff" || exit 1
t diff/reorder-move-empty 0 "$S" diff old.sbx reordered.sbx
ok_if diff/reorder-move-empty-out '[ ! -s "$tmp/out" ]'
t diff/text 0 "$S" diff old.sbx new.sbx
cp "$tmp/out" "$tmp/g.txt" && python3 "$HERE/strip_notes.py" "$tmp/g.txt" text
golden diff/text-golden "$tmp/g.txt" new.txt
has diff/tilde-action "$tmp/out" "^~ new.sbx:[0-9]*: deny syscall ptrace: default -> kill-process"
has diff/tilde-flag "$tmp/out" "^~ new.sbx:[0-9]*: allow write \${HOME}/build create: plain -> create  (widens)"
has diff/removed "$tmp/out" "^- old.sbx:[0-9]*: allow read /opt  (narrows)"
has diff/added-wider "$tmp/out" "linux: stricter; macos: stricter; windows: wider"
has diff/accept "$tmp/out" "^+ accept wider connect  (widens)"
hasnt diff/moved-rule-silent "$tmp/out" "127.0.0.1:8080"
t diff/json 0 "$S" diff --format json old.sbx new.sbx
json_ok diff/json-valid "$tmp/out"
cp "$tmp/out" "$tmp/g.json" && python3 "$HERE/strip_notes.py" "$tmp/g.json" json
golden diff/json-golden "$tmp/g.json" new.json
ok_if diff/json-schema 'python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
assert d[\"schema\"]==\"sbxc-diff 1\" and d[\"same\"] is False
kinds={c[\"change\"] for c in d[\"changes\"]}
assert kinds=={\"added\",\"removed\",\"changed\"}, kinds
for c in d[\"changes\"]:
    assert c[\"effect\"] in (\"widens\",\"narrows\",\"changes\")
    if \"rule\" in c:
        assert set(c[\"targets\"])=={\"linux\",\"macos\",\"windows\"}
        assert all(v[\"class\"] in (\"exact\",\"stricter\",\"wider\",\"n/a\") for v in c[\"targets\"].values())
" "$tmp/out"'
t diff/markdown 0 "$S" diff --format markdown old.sbx new.sbx
cp "$tmp/out" "$tmp/g.md" && python3 "$HERE/strip_notes.py" "$tmp/g.md" md
golden diff/markdown-golden "$tmp/g.md" new.md
has diff/markdown-table "$tmp/out" "^| + | \`allow connect tcp example.com:443\` | widens | stricter"
t diff/format-bad 64 "$S" diff --format yaml old.sbx new.sbx
# Checks removed or added show, in every format; --exit-code says "widens".
printf 'sbx 1\npolicy c\nallow read /a\nnever write /etc\nexpect deny read /b\n' >"$tmp/c1.sbx"
printf 'sbx 1\npolicy c\nallow read /a\nexpect deny read /c\n' >"$tmp/c2.sbx"
t diff/checks 0 "$S" diff "$tmp/c1.sbx" "$tmp/c2.sbx"
has diff/never-removed "$tmp/out" "^- never write /etc  (widens)"
has diff/expect-removed "$tmp/out" "^- expect deny read /b .*(changes)"
has diff/expect-added "$tmp/out" "^+ expect deny read /c .*(changes)"
t diff/checks-json 0 "$S" diff --format json "$tmp/c1.sbx" "$tmp/c2.sbx"
has diff/checks-json-never "$tmp/out" '"kind": "never", "text": "never write /etc"'
t diff/checks-markdown 0 "$S" diff --format markdown "$tmp/c1.sbx" "$tmp/c2.sbx"
has diff/checks-markdown-never "$tmp/out" '| − | `never write /etc` | widens'
t diff/exit-code-widens 1 "$S" diff --exit-code "$tmp/c1.sbx" "$tmp/c2.sbx"
t diff/exit-code-narrows 0 "$S" diff --exit-code "$tmp/c2.sbx" "$tmp/c1.sbx"
t diff/exit-code-allow-added 1 "$S" diff --exit-code old.sbx new.sbx
t diff/exit-code-same 0 "$S" diff --exit-code old.sbx reordered.sbx
# A NEW whose expect fails: the diff that broke it is shown, then the failure.
printf 'sbx 1\npolicy e\nallow read /a\nexpect deny read /a/x\n' >"$tmp/e2.sbx"
t diff/failing-expect 1 "$S" diff "$tmp/c2.sbx" "$tmp/e2.sbx"
has diff/failing-expect-diff "$tmp/out" "^- expect deny read /c"
has diff/failing-expect-error "$tmp/err" "expect failed: read /a/x is allowed"
t diff/textconv-checks 0 "$S" diff --textconv "$tmp/c1.sbx"
has diff/textconv-never "$tmp/out" "^never write /etc$"
t diff/same-json 0 "$S" diff --format json old.sbx reordered.sbx
has diff/same-json-true "$tmp/out" '"same": true'
# --git REV: the committed policy (with its relative `use`) against the working tree.
if command -v git >/dev/null; then
	r=$tmp/repo
	mkdir -p "$r/sub/inc" && cp old.sbx "$r/sub/policy.sbx" && cp inc/net.sbx "$r/sub/inc/net.sbx" && cd "$r" || exit 1
	git init -q . && git add -A && git -c user.email=t@t -c user.name=t commit -qm old
	cp "$HERE/diff/new.sbx" sub/policy.sbx
	t diff/git 0 "$S" diff --git HEAD sub/policy.sbx
	has diff/git-line "$tmp/out" "^+ sub/policy.sbx:[0-9]*: allow connect tcp example.com:443"
	hasnt diff/git-use-resolved "$tmp/out" "127.0.0.1:8080"
	(cd sub && "$S" diff --git HEAD policy.sbx) >"$tmp/out2" 2>&1
	ok_if diff/git-from-subdir 'grep -q "^- policy.sbx:[0-9]*: allow read /opt" "$tmp/out2"'
	t diff/git-markdown 0 "$S" diff --format markdown --git HEAD sub/policy.sbx
	has diff/git-markdown-label "$tmp/out" "HEAD:sub/policy.sbx"
	t diff/git-bad-rev 1 "$S" diff --git no-such-rev sub/policy.sbx
	has diff/git-bad-rev-msg "$tmp/err" "no revision 'no-such-rev'"
	# As a git diff driver: textconv makes `git diff` show rules, not text.
	printf '*.sbx diff=sbxc\n' >.gitattributes
	git config diff.sbxc.textconv "$S diff --textconv"
	git diff >"$tmp/gd" 2>&1
	ok_if diff/git-textconv-rules 'grep -q "^+allow connect tcp example.com:443  # linux=stricter macos=stricter windows=wider" "$tmp/gd"'
	ok_if diff/git-textconv-no-comment-noise '! grep -q "^+# The same policy" "$tmp/gd"'
	cd "$HERE/diff" || exit 1
else
	skip diff/git "git is not installed"
fi
t diff/textconv 0 "$S" diff --textconv new.sbx
has diff/textconv-rule "$tmp/out" "^deny syscall ptrace -> kill-process \[linux\]  # linux=exact"
t diff/textconv-unloadable 0 "$S" diff --textconv "$HERE/run.sh"
has diff/textconv-fallback "$tmp/out" "does not compile on its own"

# ---------------------------------------------------------------- explain -t, JSON schemas
# a host name: stricter on Linux and macOS (the egress proxy), still wider on Windows
t explain/target-text 0 "$S" explain new.sbx -t windows connect tcp example.com:443
has explain/target-wider "$tmp/out" "on windows: wider; the kernel allows it"
t explain/target-macos 0 "$S" explain new.sbx -t macos connect tcp example.com:443
has explain/target-macos-proxy "$tmp/out" "on macos: stricter.*"
t explain/target-proxy 0 "$S" explain new.sbx -t linux connect tcp example.com:443
has explain/target-proxy-stricter "$tmp/out" "on linux: stricter.*"
has explain/target-proxy-note "$tmp/out" "egress proxy"
t explain/target-stricter 0 "$S" explain -t landlock "$HERE/explain/carve.sbx" read '${HOME}/new'
has explain/target-stricter-why "$tmp/out" "on landlock: stricter; the kernel may deny it"
has explain/target-stricter-note "$tmp/out" "^    stricter: .*carved out"
t explain/target-stricter-json 0 "$S" explain --format json -t linux "$HERE/explain/carve.sbx" read '${HOME}/new'
has explain/target-stricter-json-kernel "$tmp/out" '"class": "stricter", "kernel": "may-deny"'
t explain/target-json 0 "$S" explain --format json -t macos new.sbx read /etc/hosts
json_ok explain/target-json-valid "$tmp/out"
has explain/target-json-fields "$tmp/out" '"target": {"name": "macos", "class": "exact", "kernel": "allow"'
has explain/schema "$tmp/out" '"schema": "sbxc-explain 1"'
t explain/target-seccomp 0 "$S" explain -t seccomp new.sbx syscall ptrace
has explain/target-seccomp-deny "$tmp/out" "on seccomp: exact; the kernel denies it"
t explain/target-bad 64 "$S" explain -t plan9 new.sbx read /x
t explain/target-on-mismatch 64 "$S" explain -t macos --on linux new.sbx read /x
t check/json 0 "$S" check --format json new.sbx
json_ok check/json-valid "$tmp/out"
ok_if check/json-schema 'python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
assert d[\"schema\"]==\"sbxc-check 1\" and d[\"ok\"] is True and d[\"digest\"].startswith(\"xxh3-128:\")
for r in d[\"rules\"]:
    assert {\"rule\",\"file\",\"line\",\"fidelity\"} <= set(r)
    assert set(r[\"fidelity\"]) >= {\"linux\",\"macos\",\"landlock\",\"seccomp\",\"windows\"}
" "$tmp/out"'
