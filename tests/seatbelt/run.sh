#!/usr/bin/env bash
# tests/seatbelt/run.sh: the macos target's suite (see tests/run.sh for the
# protocol: $SBXC, $BUILD, $ROOT, $UPDATE; one PASS/FAIL/SKIP line a test).
#
#  checker-*   the TinyScheme SBPL checker (sbcheck) accepts the real
#              profiles in ../shared/data/sbpl/profiles and rejects broken
#              ones, each for the reason named (unknown operation, filter,
#              modifier, bad argument, unbalanced text, bad escape, the
#              local/remote swap, ...); a TinyScheme crash is retried, a
#              rejection is not.
#  golden-*    corpus/NAME.sbx compiles to exactly corpus/NAME.sb
#              (UPDATE=1 rewrites it), which the checker accepts (--strict).
#  semantic-*  sbsem: SBPL's last-match-wins on the profile decides sampled
#              operations as the reference evaluator does; move-blocking.
#  example-*   every shipped example and the spec's policy compile for macos.
#  hostile-*   paths, file names and reasons with quotes, backslashes,
#              parentheses, semicolons and newlines stay inside their string
#              or comment.
#  param-nesting/*  sbsem -r: HOME and PROJECT nested, equal and disjoint
#              (tests/differential/nesting.sbx), decided by the profile's
#              load-time order as by the evaluator with those values.
#  and: network directions, fidelity refusals, -D baking, missing params,
#  determinism, and the size of a sandbox-runtime-equivalent profile.
SUITE=seatbelt; . "$(dirname "$0")/../lib.sh"
here=$ROOT/tests/seatbelt
export SBLEX=$ROOT/$BUILD/tests/seatbelt/sblex
sbcheck=$here/sbcheck
sbsem=$ROOT/$BUILD/tests/seatbelt/sbsem
data=$ROOT/../shared/data/sbpl

lib_build "$BUILD/seatbelt-all"

have_checker=1 why=
if [ ! -f "$data/vocabulary.txt" ]; then
	have_checker=0 why="no ../shared/data/sbpl (the SBPL vocabulary)"
elif ! command -v tinyscheme >/dev/null; then
	have_checker=0 why="tinyscheme is not installed (scripts/packages-seatbelt.txt)"
fi
skip_or_fail() { skip "$1" "$why"; }

# Values for every param a test profile may use.
P=(-D HOME=/Users/u -D PROJECT=/Users/u/src/p -D TMPDIR=/var/folders/xy/T/ -D UID=501
	-D CARGO_HOME=/Users/u/.cargo -D CACHE=/Users/u/Library/Caches -D TOOL_CACHE=/Users/u/tc
	-D SBX_PROXY_PORT=4321)

# ---- the checker against real profiles ----
chromium_params=(-D BROWSER_PID=1 -D BUNDLE_ID=org.chromium.Chromium -D BUNDLE_PATH=/Applications/C.app
	-D COMPONENT_PATH=/c -D DARWIN_USER_CACHE_DIR=/private/var/folders/c -D DARWIN_USER_DIR=/private/var/folders/u
	-D DARWIN_USER_TEMP_DIR=/private/var/folders/t -D DISABLE_METAL_SHADER_CACHE=TRUE
	-D DISABLE_SANDBOX_DENIAL_LOGGING=FALSE -D ENABLE_LOGGING=TRUE -D EXECUTABLE_PATH=/Applications/C.app/x
	-D FILTER_SYSCALLS=TRUE -D FILTER_SYSCALLS_DEBUG=FALSE -D HELPER_BUNDLE_ID=org.chromium.helper
	-D USER_HOMEDIR_AS_LITERAL=/Users/u -D LOG_FILE_PATH=/private/tmp/log -D OS_VERSION=1500)
real=()
if [ $have_checker = 1 ]; then
	cat "$data/profiles/chromium_common.sb" "$data/profiles/chromium_renderer.sb" >"$tmp/chromium_renderer_full.sb"
	real=("$data/profiles/chromium_common.sb" "$tmp/chromium_renderer_full.sb" "$data/profiles/codex_base.sbpl"
		"$data/profiles/sandbox-runtime-generated.sb")
	for f in "${real[@]}"; do
		n=$(basename "$f"); n=${n%.*}
		if out=$("$sbcheck" "${chromium_params[@]}" "$f" 2>&1); then pass "checker-accepts-$n"
		else fail "checker-accepts-$n" "$out"; fi
	done
else
	skip_or_fail checker-accepts-real-profiles
fi

# ---- the checker rejects, for the right reason ----
# reject NAME REASON-REGEX [--strict] <<< PROFILE
reject() {
	local name=$1 reason=$2 flags=${3:-}
	cat >"$tmp/$name.sb"
	if [ $have_checker = 0 ]; then skip_or_fail "checker-rejects-$name"; return; fi
	local out rc
	out=$("$sbcheck" $flags "${P[@]}" "$tmp/$name.sb" 2>&1); rc=$?
	if [ $rc = 1 ] && echo "$out" | grep -qE "$reason"; then pass "checker-rejects-$name"
	else fail "checker-rejects-$name" "status $rc, wanted /$reason/: $out"; fi
}
reject unknown-operation 'unbound variable: file-reed\*' <<'EOF'
(version 1)
(deny default)
(allow file-reed* (subpath "/usr"))
EOF
reject unknown-filter 'unbound variable: subpathx' <<'EOF'
(version 1)
(deny default)
(allow file-read* (subpathx "/usr"))
EOF
reject unknown-modifier 'unbound variable: mesage' <<'EOF'
(version 1)
(deny default)
(deny file-read* (subpath "/usr") (with mesage "x"))
EOF
reject missing-paren "never closed" <<'EOF'
(version 1)
(deny default)
(allow file-read* (subpath "/usr")
EOF
reject extra-paren "without a matching" <<'EOF'
(version 1)
(deny default))
EOF
reject unknown-escape 'unknown string escape' <<'EOF'
(version 1)
(deny default)
(allow file-read* (regex "^/usr/lib/.*\.dylib$"))
EOF
printf '(version 1)\n(deny default)\n(allow file-read* (subpath "/usr))' |
	reject unterminated-string 'never ends'
reject raw-newline-in-string 'raw control byte' <<'EOF'
(version 1)
(deny default)
(allow file-read* (subpath "/usr
(allow file-write* (subpath "/")"))
EOF
reject host-name-in-address 'host can only be' <<'EOF'
(version 1)
(deny default)
(allow network-outbound (remote tcp "example.com:443"))
EOF
reject bad-port 'bad port' <<'EOF'
(version 1)
(deny default)
(allow network-outbound (remote tcp "*:70000"))
EOF
reject path-not-string 'needs a path string' <<'EOF'
(version 1)
(deny default)
(allow file-read* (subpath 3))
EOF
reject relative-path 'not absolute' <<'EOF'
(version 1)
(deny default)
(allow file-read* (subpath "usr"))
EOF
reject operation-after-filter 'after a filter' <<'EOF'
(version 1)
(deny default)
(allow file-read* (subpath "/usr") file-write*)
EOF
reject no-version 'before \(version 1\)' <<'EOF'
(deny default)
EOF
reject unset-param 'argument is #f|needs a path string' <<'EOF'
(version 1)
(deny default)
(allow file-read* (subpath (param "NOT_GIVEN")))
EOF
# sandbox-runtime once wrote `local` where `remote` was meant: all egress open.
reject srt-local-on-outbound 'outbound traffic is matched by remote' --strict <<'EOF'
(version 1)
(deny default)
(allow network-outbound (local ip "localhost:3128"))
EOF
reject remote-on-bind 'matched by local' --strict <<'EOF'
(version 1)
(deny default)
(allow network-bind (remote tcp "*:8080"))
EOF
reject tmp-not-private 'link into /private' --strict <<'EOF'
(version 1)
(deny default)
(allow file-write* (subpath "/tmp/build"))
EOF
reject unanchored-regex 'not anchored' --strict <<'EOF'
(version 1)
(deny default)
(allow file-read* (regex "/secret"))
EOF
reject allow-default-first 'first rule must be \(deny default\)' --strict <<'EOF'
(version 1)
(allow file-read* (subpath "/"))
(deny default)
EOF
# A rule naming a sub-operation beats a wildcard whatever the order (item 3):
# a deny of file-read* must name what an allow names by itself.
reject deny-without-subops 'does not name file-read-metadata' --strict <<'EOF'
(version 1)
(deny default)
(allow file-read-metadata (literal "/x"))
(allow file-read* (subpath "/"))
(deny file-read* (subpath "/x") (with message "x"))
EOF
reject regex-dialect 'outside the regex dialect' --strict <<'EOF'
(version 1)
(deny default)
(allow file-read* file-read-data file-read-metadata file-read-xattr (regex "^/p(/[^/]+)*/x$"))
EOF
reject tty-without-ioctl 'without file-ioctl' --strict <<'EOF'
(version 1)
(deny default)
(allow file-read* file-write* (regex "^/dev/ttys[^/]*$"))
EOF
# A real profile with one operation misspelt is rejected too.
if [ $have_checker = 1 ]; then
	sed '0,/(allow process-fork)/s//(allow process-forks)/' "$data/profiles/codex_base.sbpl" >"$tmp/codex-broken.sb"
	if out=$("$sbcheck" "$tmp/codex-broken.sb" 2>&1); then fail "checker-rejects-misspelt-codex" "accepted"
	elif echo "$out" | grep -q 'process-forks'; then pass "checker-rejects-misspelt-codex"
	else fail "checker-rejects-misspelt-codex" "$out"; fi
fi

# ---- a crash is retried, a rejection is not ----
if [ $have_checker = 1 ]; then
	mkdir -p "$tmp/fakebin"
	real_ts=$(command -v tinyscheme)
	# Crashes (SIGSEGV) on its first two runs, then is the real interpreter.
	cat >"$tmp/fakebin/tinyscheme" <<EOF
#!/usr/bin/env bash
n=\$(cat "$tmp/count" 2>/dev/null || echo 0); echo \$((n + 1)) >"$tmp/count"
[ \$n -ge 2 ] || kill -SEGV \$\$
exec "$real_ts" "\$@"
EOF
	chmod +x "$tmp/fakebin/tinyscheme"
	rm -f "$tmp/count"
	printf '(version 1)\n(deny default)\n(allow process-fork)\n' >"$tmp/ok.sb"
	if PATH=$tmp/fakebin:$PATH "$sbcheck" "$tmp/ok.sb" >/dev/null 2>&1 && [ "$(cat "$tmp/count")" = 3 ]; then
		pass "checker-retries-crash"
	else fail "checker-retries-crash" "runs $(cat "$tmp/count" 2>/dev/null)"; fi
	rm -f "$tmp/count"
	echo 2 >"$tmp/count" # no more crashes: count the runs of a rejection
	printf '(version 1)\n(deny default)\n(allow process-forkk)\n' >"$tmp/bad.sb"
	if ! PATH=$tmp/fakebin:$PATH "$sbcheck" "$tmp/bad.sb" >/dev/null 2>&1 && [ "$(cat "$tmp/count")" = 3 ]; then
		pass "checker-no-retry-on-rejection"
	else fail "checker-no-retry-on-rejection" "runs $(( $(cat "$tmp/count") - 2 ))"; fi
fi

# ---- golden files, checker, semantics ----
# Compiled in a scratch copy so the header's paths are the same everywhere.
mkdir -p "$tmp/corpus"
cp "$here"/corpus/*.sbx "$tmp/corpus/"
for src in "$here"/corpus/*.sbx; do
	name=$(basename "$src" .sbx)
	(cd "$tmp/corpus" && "$SBXC" "$name.sbx" -t macos -o out >"$name.log" 2>&1)
	rc=$?
	pol=$(sed -n 's/^policy \([^ ]*\).*/\1/p' "$src" | head -1)
	got=$tmp/corpus/out/$pol.sb
	if [ $rc != 0 ] || [ ! -f "$got" ]; then
		fail "golden-$name" "sbxc exited $rc: $(head -3 "$tmp/corpus/$name.log" | tr '\n' ' ')"
		continue
	fi
	golden "golden-$name" "$got" "$here/corpus/$name.sb"
	if [ $have_checker = 0 ]; then skip_or_fail "checker-golden-$name"; skip_or_fail "semantic-$name"; continue; fi
	if out=$("$sbcheck" --strict "${P[@]}" "$got" 2>&1); then pass "checker-golden-$name"
	else fail "checker-golden-$name" "$out"; fi
	# sbsem keeps its tables until exit: leak checking it says nothing of sbxc.
	out=$(cd "$tmp/corpus" && ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$sbsem" "$name.sbx" 2>&1); rc=$?
	case $rc in
	0) pass "semantic-$name" ;;
	77) skip_or_fail "semantic-$name" ;;
	*) fail "semantic-$name" "$(echo "$out" | head -5 | tr '\n' ' ')" ;;
	esac
done

# ---- examples and the spec's policy ----
for ex in "$ROOT"/examples/*.sbx; do
	[ -f "$ex" ] || continue
	name=$(basename "$ex" .sbx)
	if out=$("$SBXC" "$ex" -t macos -o "$tmp/ex-$name" 2>&1); then
		if [ $have_checker = 0 ]; then pass "example-$name"; continue; fi
		defs=("${P[@]}")
		for prm in $(sed -n 's/^ *param \([A-Za-z_0-9]*\).*/\1/p' "$ex"); do defs+=(-D "$prm=/Users/u/$prm"); done
		if out=$("$sbcheck" --strict "${defs[@]}" "$tmp/ex-$name"/*.sb 2>&1); then pass "example-$name"
		else fail "example-$name" "checker: $out"; fi
	else
		fail "example-$name" "$(echo "$out" | head -3 | tr '\n' ' ')"
	fi
done

# ---- start-up needs: every shipped profile lets its programs start ----
# startup-needs.txt lists what programs need (the loader, the shared cache,
# libSystem's services, ls, a shell, the terminal, DNS), each line under a
# condition (the std fragments a policy uses, what it lets run); sbsem
# decides each line on examples/out/NAME.sb with Seatbelt's precedence.
needs=$here/startup-needs.txt
NP=(-p HOME=/Users/u -p PROJECT=/Users/u/src/p -p TMPDIR=/private/var/folders/xy/T -p APP=/Users/u/app)
# needs_check NAME POLICY PROFILE: the lines the profile fails, or nothing
needs_check() {
	(cd "$(dirname "$2")" && ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$sbsem" "${NP[@]}" -n "$needs" -P "$3" "$(basename "$2")" 2>&1)
}
for ex in "$ROOT"/examples/*.sbx; do
	name=$(basename "$ex" .sbx)
	prof=$ROOT/examples/out/$name.sb
	if [ $have_checker = 0 ]; then skip_or_fail "startup-needs-$name"; continue; fi
	if [ ! -f "$prof" ]; then fail "startup-needs-$name" "no $prof"; continue; fi
	out=$(needs_check "$name" "$ex" "$prof"); rc=$?
	if [ $rc = 0 ]; then pass "startup-needs-$name (${out#ok })"
	else fail "startup-needs-$name" "$(echo "$out" | head -4 | tr '\n' '|')"; fi
done
if [ $have_checker = 1 ]; then
	# The test can fail: without the read of "/" no profile starts anything ...
	grep -v '^(allow file-read-data file-read-metadata (literal "/"))$' "$ROOT/examples/out/c-build.sb" >"$tmp/no-root.sb"
	out=$(needs_check c-build "$ROOT/examples/c-build.sbx" "$tmp/no-root.sb")
	if [ $? = 1 ] && echo "$out" | grep -q 'FAIL need \* *file-read-data *\/ '; then pass "startup-needs-fails-without-root"
	else fail "startup-needs-fails-without-root" "$(echo "$out" | head -3 | tr '\n' '|')"; fi
	# ... and a profile that lets ls run but cannot start it fails.
	mkdir -p "$tmp/needs"
	printf 'sbx 1\npolicy ls-only\nuse std/base\nallow exec /bin/ls\n' >"$tmp/needs/ls-only.sbx"
	if "$SBXC" "$tmp/needs/ls-only.sbx" -t macos -o "$tmp/needs" >"$tmp/needs/log" 2>&1; then
		out=$(needs_check ls-only "$tmp/needs/ls-only.sbx" "$tmp/needs/ls-only.sb")
		if [ $? = 1 ] && echo "$out" | grep -q 'FAIL need exec:/bin/ls *file-read-data */bin/ls'; then pass "startup-needs-fails-ls-unreadable"
		else fail "startup-needs-fails-ls-unreadable" "$(echo "$out" | head -3 | tr '\n' '|')"; fi
	else fail "startup-needs-fails-ls-unreadable" "$(head -2 "$tmp/needs/log" | tr '\n' ' ')"; fi
fi

# ---- params nested, disjoint and equal ----
# Baked values (-D): the evaluator (explain's answer) and the profile see
# the same paths. A policy whose never/expect refuses a set is refused at
# compile time, which is an answer too; a disagreement fails.
vsets=("nested HOME=/Users/u PROJECT=/Users/u/src/p TMPDIR=/private/var/folders/xy/T"
	"disjoint HOME=/Users/u PROJECT=/Volumes/w/p TMPDIR=/Volumes/w/p/tmp"
	"equal HOME=/Users/u PROJECT=/Users/u TMPDIR=/Users/u")
for vs in "${vsets[@]}"; do
	set -- $vs; label=$1; shift
	args=(); for kv in "$@"; do args+=(-D "$kv"); done
	for ex in "$ROOT"/examples/*.sbx; do
		name=$(basename "$ex" .sbx)
		if [ $have_checker = 0 ]; then skip_or_fail "params-$label-$name"; continue; fi
		out=$(cd "$ROOT/examples" && ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$sbsem" "${args[@]}" "$name.sbx" 2>&1); rc=$?
		if [ $rc = 0 ]; then pass "params-$label-$name"
		elif [ $rc = 2 ] && echo "$out" | grep -qE "forbids|expect failed"; then pass "params-$label-$name (refused by the policy's own never/expect)"
		else fail "params-$label-$name" "$(echo "$out" | head -3 | tr '\n' '|')"; fi
	done
done

# ---- the smoke script for a Mac parses, and refuses to run elsewhere ----
smoke=$ROOT/tests/macos-smoke.sh
if ! bash -n "$smoke" 2>"$tmp/smoke.err"; then fail "macos-smoke-syntax" "$(head -2 "$tmp/smoke.err" | tr '\n' ' ')"
else pass "macos-smoke-syntax"; fi
if [ "$(uname -s)" != Darwin ]; then
	bash "$smoke" >"$tmp/smoke.out" 2>&1; rc=$?
	if [ $rc = 64 ] && grep -q 'runs on macOS only' "$tmp/smoke.out"; then pass "macos-smoke-refuses-off-mac"
	else fail "macos-smoke-refuses-off-mac" "status $rc: $(head -2 "$tmp/smoke.out" | tr '\n' ' ')"; fi
fi

# ---- hostile names ----
# A main file and a fragment whose names hold a quote, a parenthesis, a
# semicolon and a newline; paths and a reason holding every character that
# could end a string or a comment. The checker must see exactly the rules
# meant, with the paths intact.
hdir=$tmp/hostile
mkdir -p "$hdir"
frag=$'evil"); (allow file-write* (subpath "x")) ;\n(allow default'
printf 'sbx 1\nallow read "/frag/x\\")(allow default)"\n' >"$hdir/$frag.sbx"
main=$'main"(\n;x.sbx'
cat >"$hdir/$main" <<'EOF'
sbx 1
policy hostile
allow read "/a\"b/c\\d" "/e(f)g" "/h;i/j" "/k\nl" because "a reason\n(allow default) ;) \" \\"
deny read "/a\"b/c\\d/s\"e\\c(r)e;t" "/p/*\"(x)*" because "x\")(allow default)"
allow write "/q/**/z\\(" ${HOME}
on macos {
  allow mach-lookup "com.evil\")(allow default"
}
EOF
esc=${frag//\\/\\\\}; esc=${esc//\"/\\\"}; esc=${esc//$'\n'/\\n}
printf 'use "%s.sbx"\n' "$esc" >>"$hdir/$main"
if (cd "$hdir" && "$SBXC" "$main" -t macos -o out >"$tmp/hostile.log" 2>&1); then
	hs=$hdir/out/hostile.sb
	# Nothing but the header, comments and our own forms starts a line.
	bad=$(grep -vE '^(;;|\(version 1\)$|\(deny default\)$|\((allow|deny|define) |  |\)$|$)' "$hs" | head -3)
	if [ -n "$bad" ]; then fail "hostile-lines" "a line that is not ours: $bad"
	else pass "hostile-lines"; fi
	if [ $have_checker = 1 ]; then
		if dump=$("$sbcheck" --strict --dump -D HOME=/Users/u "$hs" 2>&1); then
			want=$(printf '%s\n' 'allow	file-read*,file-read-data,file-read-metadata,file-read-xattr,file-map-executable	(subpath "/a\"b/c\\d")' \
				'allow	file-read*,file-read-data,file-read-metadata,file-read-xattr,file-map-executable	(subpath "/k\nl")' \
				'allow	mach-lookup	(global-name "com.evil\")(allow default")' \
				'allow	file-read*,file-read-data,file-read-metadata,file-read-xattr,file-map-executable	(subpath "/frag/x\")(allow default)")')
			missing=$(echo "$want" | while IFS= read -r l; do grep -qxF "$l" <<<"$dump" || echo "$l"; done)
			if echo "$dump" | grep -qE '^allow	default'; then fail "hostile-checker" "an injected (allow default)"
			elif [ -n "$missing" ]; then fail "hostile-checker" "missing $missing"
			else pass "hostile-checker"; fi
		else
			fail "hostile-checker" "$dump"
		fi
	else
		skip_or_fail hostile-checker
	fi
else
	fail "hostile-compile" "$(head -3 "$tmp/hostile.log" | tr '\n' ' ')"
fi
# A control byte no SBPL reader agrees on is refused, not written.
printf 'sbx 1\npolicy ctl\nallow read "/a\\x01b"\n' >"$tmp/ctl.sbx"
if "$SBXC" "$tmp/ctl.sbx" -t macos -o "$tmp/ctl" >"$tmp/ctl.log" 2>&1; then
	fail "hostile-control-byte" "compiled"
elif grep -q "control byte" "$tmp/ctl.log" && [ ! -e "$tmp/ctl/ctl.sb" ]; then
	pass "hostile-control-byte"
else fail "hostile-control-byte" "$(head -2 "$tmp/ctl.log" | tr '\n' ' ')"; fi

# ---- network: connect is outbound/remote, bind is bind+inbound/local ----
nprof=$tmp/corpus/out/network.sb
if [ $have_checker = 1 ] && [ -f "$nprof" ]; then
	dump=$("$sbcheck" --dump "${P[@]}" "$nprof" 2>&1)
	if grep -qxF $'allow\tnetwork-outbound\t(remote tcp "*:443")' <<<"$dump" &&
		grep -qxF $'allow\tnetwork-bind,network-inbound\t(local tcp "*:8080")' <<<"$dump" &&
		! grep -E $'network-outbound[^\t]*\t.*\\(local|network-(bind|inbound)[^\t]*\t.*\\(remote' <<<"$dump" >/dev/null; then
		pass "network-directions"
	else fail "network-directions" "$(grep network- <<<"$dump" | head -5 | tr '\n' ' ')"; fi
fi

# ---- host names: through the egress proxy (sbx-seatbelt and NAME.proxy) ----
printf 'sbx 1\npolicy h\nallow connect tcp api.github.com:443\n' >"$tmp/h.sbx"
if "$SBXC" "$tmp/h.sbx" -t macos -o "$tmp/h" >"$tmp/h.log" 2>&1; then pass "fidelity-host-no-accept"
else fail "fidelity-host-no-accept" "$(head -2 "$tmp/h.log" | tr '\n' ' ')"; fi
has host-proxy-only "$tmp/h/h.sb" '^(allow network-outbound (remote tcp sbx-proxy-address)) ;; h.sbx:3$'
hasnt host-not-every-host "$tmp/h/h.sb" '"\*:443"'
has host-apply-with-runner "$tmp/h/h.sb" '^;; apply: sbx-seatbelt h.sb -- COMMAND'
has host-proxy-rules "$tmp/h/h.proxy" '^proxy allow api.github.com 443 "h.sbx:3"$'
"$SBXC" check -t macos "$tmp/h.sbx" >"$tmp/h.check" 2>&1
has host-fidelity-stricter "$tmp/h.check" 'macos: reached through the egress proxy that sbx-seatbelt starts'
if [ $have_checker = 1 ]; then
	out=$("$sbcheck" --strict "$tmp/h/h.sb" 2>&1)
	case $out in *"param SBX_PROXY_PORT has no value"*) pass host-no-port-fails-closed ;;
	*) fail host-no-port-fails-closed "$out" ;; esac
	out=$("$sbcheck" --strict -D 'SBX_PROXY_PORT=*' "$tmp/h/h.sb" 2>&1)
	case $out in *"SBX_PROXY_PORT is not a port number"*) pass host-bad-port-fails-closed ;;
	*) fail host-bad-port-fails-closed "$out" ;; esac
	dump=$("$sbcheck" --strict --dump -D SBX_PROXY_PORT=4321 "$tmp/h/h.sb" 2>&1)
	case $dump in *'allow	network-outbound	(remote tcp "localhost:4321")'*) pass host-port-from-param ;;
	*) fail host-port-from-param "$(grep network- <<<"$dump" | head -3 | tr '\n' ' ')" ;; esac
else
	skip_or_fail host-no-port-fails-closed; skip_or_fail host-bad-port-fails-closed; skip_or_fail host-port-from-param
fi
# a deny by name is the proxy's: an address allow stays as written
printf 'sbx 1\npolicy d\nallow connect tcp *:443\ndeny connect tcp evil.example:443\n' >"$tmp/d.sbx"
if "$SBXC" "$tmp/d.sbx" -t macos -o "$tmp/d" >"$tmp/d.log" 2>&1 &&
	grep -q '(allow network-outbound (remote tcp "\*:443"))' "$tmp/d/d.sb" &&
	! grep -q '(deny network-outbound' "$tmp/d/d.sb" && [ ! -e "$tmp/d/d.proxy" ]; then pass "host-deny-by-name-not-lowered"
else fail "host-deny-by-name-not-lowered" "$(head -2 "$tmp/d.log" | tr '\n' ' ')"; fi
# an address rule that Seatbelt cannot name is still wider
printf 'sbx 1\npolicy a\nallow connect tcp 10.0.0.1:443\n' >"$tmp/a.sbx"
if "$SBXC" "$tmp/a.sbx" -t macos -o "$tmp/a" >"$tmp/a.log" 2>&1; then fail "fidelity-address-refused" "compiled"
elif grep -q "wider on macos" "$tmp/a.log" && [ ! -e "$tmp/a/a.sb" ]; then pass "fidelity-address-refused"
else fail "fidelity-address-refused" "$(head -2 "$tmp/a.log" | tr '\n' ' ')"; fi

# ---- -D bakes a value in; a missing param fails closed at apply time ----
if (cd "$tmp/corpus" && "$SBXC" spec.sbx -t macos -o baked -D HOME=/Users/alice >/dev/null 2>&1) &&
	grep -q '(subpath "/Users/alice/.ssh")' "$tmp/corpus/baked/cargo-build-script.sb" &&
	! grep -q '(param "HOME")' "$tmp/corpus/baked/cargo-build-script.sb"; then
	pass "baked-param"
else fail "baked-param" "-D HOME did not bake the value in"; fi
if [ $have_checker = 1 ] && [ -f "$tmp/corpus/out/cargo-build-script.sb" ]; then
	out=$("$sbcheck" -D HOME=/Users/u -D TMPDIR=/private/tmp "$tmp/corpus/out/cargo-build-script.sb" 2>&1)
	if [ $? = 1 ] && echo "$out" | grep -q 'param PROJECT has no value'; then pass "missing-param-fails-closed"
	else fail "missing-param-fails-closed" "$out"; fi
	out=$("$sbcheck" -D HOME=Users/u -D PROJECT=/p -D TMPDIR=/private/tmp "$tmp/corpus/out/cargo-build-script.sb" 2>&1)
	if [ $? = 1 ] && echo "$out" | grep -q 'param HOME is not an absolute path'; then pass "relative-param-fails-closed"
	else fail "relative-param-fails-closed" "$out"; fi
fi

# ---- a param's value is literal, baked (-D) or given when evaluated ----
# For each glob and regex metacharacter: the policy's expects say the
# siblings a glob or regex reading of the value would name are denied
# (checked against the evaluator when compiled), and sbsem has SBPL decide
# them, and samples around every rule, the same way.
sibs=(mZx mx mmx mZZx m 'm\\x' mZ)
for c in '*' '?' '[' ']' '{' '}' '.' '+' '(' ')' '|' '^' '$' '\'; do
	v="/Users/u/m${c}x"
	[ "$c" = '[' ] && v="/Users/u/m[Z]x"
	[ "$c" = '{' ] && v="/Users/u/m{Z,}x"
	{
		printf 'sbx 1\npolicy meta\nallow read /\nallow write ${PROJECT} ${PROJECT}/*.o\ndeny write ${PROJECT}/keep\n'
		for s in "${sibs[@]}"; do [ "$c$s" = '\m\\x' ] || printf 'expect deny write "/Users/u/%s/f"\n' "$s"; done
	} >"$tmp/meta.sbx"
	ops=()
	for s in "${sibs[@]}"; do [ "$c$s" = '\m\\x' ] || ops+=(-s "write \"/Users/u/$s/f\"" -s "write \"/Users/u/$s/a.o\""); done
	if [ $have_checker = 0 ]; then skip_or_fail "param-literal-baked/$c"; skip_or_fail "param-literal-applied/$c"; continue; fi
	for how in baked applied; do
		flag=-D
		[ $how = applied ] && flag=-p
		out=$(ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$sbsem" $flag "PROJECT=$v" "${ops[@]}" "$tmp/meta.sbx" 2>&1)
		if [ $? = 0 ]; then pass "param-literal-$how/$c"; else fail "param-literal-$how/$c" "$(echo "$out" | head -3 | tr '\n' ' ')"; fi
	done
done

# ---- params are resolved before specificity (LANGUAGE.md 4) ----
# The profile places its param-rooted rules when it is loaded: with HOME and
# PROJECT nested either way, equal and disjoint, SBPL's last match decides
# every sample as the evaluator does with the same values (sbsem -r).
nest=$ROOT/tests/differential/nesting.sbx
for c in "beneath /Users/u /Users/u/src/p" "home-beneath /w/p/home /w/p" "equal /Users/u /Users/u" \
	"disjoint /Users/u /w/p"; do
	set -- $c
	if [ $have_checker = 0 ]; then skip_or_fail "param-nesting/$1"; continue; fi
	out=$(ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$sbsem" -r -p "HOME=$2" -p "PROJECT=$3" \
		-s "read $3/x" -s "read $2/x" -s "read $3/secret/x" -s "read $2/pub/x" -s "write $2/a.key" \
		-s "write $3/a.key" -s "write $2/.ssh/x" -s "write $3/x" "$nest" 2>&1)
	if [ $? = 0 ]; then pass "param-nesting/$1 ($out)"; else fail "param-nesting/$1" "$(echo "$out" | head -3 | tr '\n' ' ')"; fi
done

# ---- deterministic bytes ----
mkdir -p "$tmp/again" && cp "$tmp/corpus"/*.sbx "$tmp/again/"
(cd "$tmp/again" && "$SBXC" globs.sbx -t macos -o out >/dev/null 2>&1)
if cmp -s "$tmp/again/out/globs.sb" "$tmp/corpus/out/globs.sb"; then pass "deterministic"
else fail "deterministic" "two runs differ"; fi

# ---- size next to sandbox-runtime ----
srt=$data/profiles/sandbox-runtime-generated.sb
ours=$tmp/corpus/out/srt-equivalent.sb
if [ -f "$srt" ] && [ -f "$ours" ]; then
	a=$(wc -c <"$ours") b=$(wc -c <"$srt")
	if [ "$a" -lt "$b" ]; then pass "size-srt-equivalent ($a bytes; sandbox-runtime $b)"
	else fail "size-srt-equivalent" "$a bytes, sandbox-runtime $b"; fi
fi
exit 0
