#!/usr/bin/env bash
# tests/appcontainer/run.sh: the windows target (AppContainer) suite.
#
#  sid/*        SID derivation against published vectors (Chromium's
#               chromeInstallFiles, Windows' registryRead/lpacCom/
#               lpacIdentityServices, the legacy Edge package SID)
#  table/*      the capability table against the MSIX schemas' own lists
#  golden/*     corpus/NAME.sbx -> NAME.appcontainer.json + NAME.appxmanifest.xml
#  json/*       every profile parses; notEnforced matches `sbxc check`
#  sem/*        the profile's ACLs, evaluated as Windows does, against `sbxc explain`;
#               sem/param-nesting/* with HOME and PROJECT nested, equal, disjoint
#  xsd/*        every fragment, wrapped in a minimal package, validates with
#               xmllint against ../shared/data/msix-xsd (and broken ones don't)
#  plan/*       the launcher's --plan (native build) for every profile: golden NAME.plan
#  wine/*       the same plans from sbx-launch.exe under Wine, byte for byte
#  launcher/*   profiles and parameters the launcher must refuse
#  reject/*     policies the compiler must refuse for -t windows
#  exe/*        the mingw build: PE32+ x86-64, imports, deterministic bytes
#
# Reads $SBXC, $BUILD, $ROOT, $UPDATE (1 = rewrite goldens); prints PASS/FAIL/SKIP lines.
SUITE=appcontainer; . "$(dirname "$0")/../lib.sh"
HERE=$ROOT/tests/appcontainer
ACSID=$ROOT/$BUILD/tests/appcontainer/acsid
LAUNCH=$ROOT/$BUILD/runtime/windows/sbx-launch
EXE=$ROOT/$BUILD/runtime/windows/sbx-launch.exe
XSD=$ROOT/../shared/data/msix-xsd

lib_build "$BUILD/windows-all"

# ---- SIDs ----
sid_vec() { # name mode input expected
	local got
	got=$("$ACSID" "$2" "$3")
	if [ "$got" = "$4" ]; then pass "sid/$1"; else fail "sid/$1" "$2 $3: got $got, want $4"; fi
}
sid_vec chromeInstallFiles cap chromeInstallFiles \
	S-1-15-3-1024-3424233489-972189580-2057154623-747635277-1604371224-316187997-3786583170-1043257646
sid_vec registryRead cap registryRead \
	S-1-15-3-1024-1065365936-1281604716-3511738428-1654721687-432734479-3232135806-4053264122-3456934681
sid_vec registryRead-upper cap REGISTRYREAD \
	S-1-15-3-1024-1065365936-1281604716-3511738428-1654721687-432734479-3232135806-4053264122-3456934681
sid_vec lpacCom cap lpacCom \
	S-1-15-3-1024-2405443489-874036122-4286035555-1823921565-1746547431-2453885448-3625952902-991631256
sid_vec lpacIdentityServices cap lpacIdentityServices \
	S-1-15-3-1024-1788129303-2183208577-3999474272-3147359985-1757322193-3815756386-151582180-1888101193
sid_vec edge-package package Microsoft.MicrosoftEdge_8wekyb3d8bbwe \
	S-1-15-2-3624051433-2125758914-1423191267-1740899205-1073925389-3782572162-737981194
sid_vec edge-package-upper package MICROSOFT.MICROSOFTEDGE_8WEKYB3D8BBWE \
	S-1-15-2-3624051433-2125758914-1423191267-1740899205-1073925389-3782572162-737981194
sid_vec non-ascii cap "$(printf 'caf\303\251')" "(refused)"

# The legacy twelve keep their well-known SIDs (Windows' WinCapability*Sid).
legacy="internetClient:1 internetClientServer:2 privateNetworkClientServer:3 picturesLibrary:4
videosLibrary:5 musicLibrary:6 documentsLibrary:7 enterpriseAuthentication:8
sharedUserCertificates:9 removableStorage:10 appointments:11 contacts:12"
table=$("$ACSID" table)
bad=
for kv in $legacy; do
	echo "$table" | grep -qx "${kv%%:*} [a-z0-9]* S-1-15-3-${kv##*:}" || bad="$bad ${kv%%:*}"
done
if [ -z "$bad" ]; then pass sid/legacy-twelve; else fail sid/legacy-twelve "wrong or missing:$bad"; fi
# Every other table entry carries the name-derived SID.
bad=$(echo "$table" | while read -r name kind sid; do
	case $sid in S-1-15-3-[0-9] | S-1-15-3-1[012]) continue ;; esac
	[ "$sid" = "$("$ACSID" cap "$name")" ] || echo "$name"
done)
if [ -z "$bad" ]; then pass sid/derived-table; else fail sid/derived-table "$bad"; fi

# Container names: CreateAppContainerProfile allows 64 chars of [-_. A-Za-z0-9].
long1=$(printf 'p%.0s' $(seq 80))
long2=${long1}x
names=$("$ACSID" container cargo-build "$long1" "$long2" 'we/ird:name')
if echo "$names" | grep -qvE '^[-_. A-Za-z0-9]{1,64}$'; then
	fail sid/container-names "invalid: $(echo "$names" | grep -vE '^[-_. A-Za-z0-9]{1,64}$' | head -1)"
elif [ "$(echo "$names" | sort -u | wc -l)" != 4 ]; then
	fail sid/container-names "two policy names gave one container: $names"
elif [ "$(echo "$names" | head -1)" != sbxc.cargo-build ]; then
	fail sid/container-names "got $(echo "$names" | head -1)"
else
	pass sid/container-names
fi

# ---- the capability table against the schemas' lists ----
caps_txt=$XSD/capabilities.txt
if [ -f "$caps_txt" ]; then
	bad=$(echo "$table" | while read -r name kind sid; do
		case $kind in
		foundation) type=ST_Capability_Foundation ;;
		uap) type=ST_Capability_Uap ;;
		uap[0-9]*) type=ST_Capability_Uap_${kind#uap} ;;
		device) echo "$name" | grep -qE '^[-.A-Za-z0-9]{1,50}$' || echo "$name(device pattern)"; continue ;;
		*) echo "$name" | grep -qE '^[a-z][-_.A-Za-z0-9]{2,127}$' || echo "$name(restricted pattern)"; continue ;;
		esac
		grep -E "\| $type \|" "$caps_txt" | grep -qE "[|,] $name(,|\$)" || echo "$name($type)"
	done)
	if [ -z "$bad" ]; then pass table/schema-names; else fail table/schema-names "not in the schema lists: $bad"; fi
else
	skip table/schema-names "no $caps_txt"
fi

# ---- goldens ----
cp "$HERE"/corpus/*.sbx "$tmp"/
for src in "$HERE"/corpus/*.sbx; do
	name=$(basename "$src" .sbx)
	mkdir -p "$tmp/$name.a" "$tmp/$name.b"
	if ! (cd "$tmp" && "$SBXC" "$name.sbx" -t windows -o out >"$tmp/$name.log" 2>&1); then
		fail "golden/$name" "sbxc failed: $(head -3 "$tmp/$name.log" | tr '\n' ' ')"
		continue
	fi
	mv "$tmp"/out/* "$tmp/$name.a"/
	(cd "$tmp" && "$SBXC" "$name.sbx" -t windows -o out >/dev/null 2>&1) && mv "$tmp"/out/* "$tmp/$name.b"/
	if ! diff -r "$tmp/$name.a" "$tmp/$name.b" >/dev/null; then
		fail "golden/$name" "two runs gave different bytes"
		continue
	fi
	for art in "$tmp/$name.a"/*; do
		base=$(basename "$art")
		case $base in
		*.appcontainer.json) golden "golden/$name.appcontainer.json" "$art" "$HERE/corpus/$name.appcontainer.json" ;;
		*.appxmanifest.xml) golden "golden/$name.appxmanifest.xml" "$art" "$HERE/corpus/$name.appxmanifest.xml" ;;
		*) fail "golden/$name" "unexpected artifact $base" ;;
		esac
	done
	n=$(ls "$tmp/$name.a" | wc -l)
	[ "$n" = 2 ] || fail "golden/$name" "expected 2 artifacts, got $n"
done

# ---- JSON: well formed, and notEnforced is exactly what `sbxc check` says is wider/stricter ----
for src in "$HERE"/corpus/*.sbx; do
	name=$(basename "$src" .sbx)
	prof=$HERE/corpus/$name.appcontainer.json
	[ -f "$prof" ] || continue
	if ! (cd "$tmp" && "$SBXC" check --accept-wider --format json "$name.sbx" >"$tmp/$name.check.json" 2>/dev/null); then
		fail "json/$name" "sbxc check failed"
		continue
	fi
	if msg=$(python3 - "$prof" "$tmp/$name.check.json" <<'EOF'
import json, sys
prof = json.load(open(sys.argv[1], encoding='utf-8'))
check = json.load(open(sys.argv[2], encoding='utf-8'))
want = set()
for r in check['rules']:
    w = r['fidelity'].get('windows')
    if w and w['class'] in ('wider', 'stricter'):
        want.add((r['rule'], '%s:%d' % (r['file'], r['line']), w['class']))
got = {(n['rule'], n['from'], n['fidelity']) for n in prof['notEnforced']}
if got != want:
    print('notEnforced differs from check: missing %s, extra %s' % (sorted(want - got)[:3], sorted(got - want)[:3]))
    sys.exit(1)
keys = list(prof.keys())
if keys[:3] != ['_generated', 'format', 'version']:
    print('key order: %s' % keys)
    sys.exit(1)
for f in prof['files']:
    if f['mask'] & 0xC0000 or f['mask'] & 0x40:
        print('WRITE_DAC/WRITE_OWNER/FILE_DELETE_CHILD granted on %s' % f['path'])
        sys.exit(1)
EOF
	); then pass "json/$name"; else fail "json/$name" "$msg"; fi
done

# ---- the ACLs against the language's evaluator ----
for prof in "$HERE"/corpus/*.appcontainer.json; do
	name=$(basename "$prof" .appcontainer.json)
	grep -q '"files": \[\]' "$prof" && continue
	if out=$(cd "$HERE/corpus" && python3 "$HERE/semantics.py" "$prof" "$name.sbx" "$SBXC" 2>&1); then
		pass "sem/$name"
	else
		fail "sem/$name" "$(echo "$out" | head -3 | tr '\n' ' ')"
	fi
done
# ... and it can fail: turn the deny ACE on ~/.ssh into an allow.
sed 's/\("%USERPROFILE%\\\\\.ssh", "ace": \)"deny"/\1"allow"/' "$HERE/corpus/files.appcontainer.json" >"$tmp/flipped.json"
if cmp -s "$tmp/flipped.json" "$HERE/corpus/files.appcontainer.json"; then
	fail sem/detects-flipped-deny "the ~/.ssh deny ACE is not in files.appcontainer.json"
elif (cd "$HERE/corpus" && python3 "$HERE/semantics.py" "$tmp/flipped.json" files.sbx "$SBXC" >/dev/null 2>&1); then
	fail sem/detects-flipped-deny "a deny turned allow went unnoticed"
else
	pass sem/detects-flipped-deny
fi

# ---- params are resolved before specificity (LANGUAGE.md 4) ----
# The launcher resolves the params before it sets an ACE: with HOME and
# PROJECT nested either way, equal and disjoint, the ACLs decide as explain
# does with the same values, or differ only where the profile says wider or
# stricter. The glob deny's matches are probed too (they have no ACE).
nest=$ROOT/tests/differential/nesting.sbx
if "$SBXC" "$nest" -t windows -o "$tmp/nest" >"$tmp/nest.log" 2>&1; then
	for c in 'beneath C:\Users\u C:\Users\u\src\p' 'home-beneath C:\w\p\home C:\w\p' 'equal C:\Users\u C:\Users\u' \
		'disjoint C:\Users\u D:\w\p'; do
		set -- $c
		if out=$(cd "$(dirname "$nest")" && SBX_PARAMS="HOME=$2;PROJECT=$3" \
			SBX_PROBES="$2\\a.key;$3\\a.key;$2\\pub\\x;$3\\secret\\x" \
			python3 "$HERE/semantics.py" "$tmp/nest/nesting.appcontainer.json" nesting.sbx "$SBXC" 2>&1); then
			pass "sem/param-nesting/$1 ($(echo "$out" | tail -1))"
		else
			fail "sem/param-nesting/$1" "$(echo "$out" | head -3 | tr '\n' ' ')"
		fi
	done
	# The glob deny is reported wider: with HOME beneath PROJECT its matches are writable.
	has sem/param-nesting/glob-deny-wider "$tmp/nest/nesting.appcontainer.json" '"deny write ${HOME}/\*.key".*"wider"'
else
	fail sem/param-nesting "$(head -3 "$tmp/nest.log" | tr '\n' ' ')"
fi

# ---- fragments against the MSIX schemas ----
wrap() { # fragment -> a minimal package holding it, on stdout
	python3 - "$XSD/minimal-valid-manifest.xml" "$1" <<'EOF'
import re, sys
tpl = open(sys.argv[1], encoding='utf-8').read()
frag = open(sys.argv[2], encoding='utf-8').read()
frag = re.sub(r'^<\?xml[^>]*\?>\s*', '', frag)
a = tpl.index('<Capabilities>')
b = tpl.index('</Capabilities>') + len('</Capabilities>')
sys.stdout.write(tpl[:a] + frag.strip() + tpl[b:])
EOF
}
if [ -f "$XSD/2015/FoundationManifestSchema.xsd" ] && command -v xmllint >/dev/null; then
	# The foundation schema does not import the restricted-capabilities
	# namespace; this entry schema loads both so <rescap:Capability> is known.
	cat >"$tmp/entry.xsd" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://schemas.microsoft.com/appx/manifest/foundation/windows10" schemaLocation="$XSD/2015/FoundationManifestSchema.xsd"/>
  <xs:import namespace="http://schemas.microsoft.com/appx/manifest/foundation/windows10/restrictedcapabilities" schemaLocation="$XSD/2015/RestrictedCapabilitiesManifestSchema.xsd"/>
</xs:schema>
EOF
	validate() { xmllint --noout --schema "$tmp/entry.xsd" "$1" >"$tmp/xmllint.log" 2>&1; }
	for frag in "$HERE"/corpus/*.appxmanifest.xml; do
		name=$(basename "$frag" .appxmanifest.xml)
		if ! xmllint --noout "$frag" 2>"$tmp/xmllint.log"; then
			fail "xsd/$name" "not well-formed: $(head -2 "$tmp/xmllint.log" | tr '\n' ' ')"
			continue
		fi
		wrap "$frag" >"$tmp/$name.pkg.xml"
		if validate "$tmp/$name.pkg.xml"; then pass "xsd/$name"; else fail "xsd/$name" "$(grep -m2 -i error "$tmp/xmllint.log" | tr '\n' ' ')"; fi
	done
	# The validator must be able to say no: a misspelt name, and the wrong element order.
	zoo=$HERE/corpus/caps.appxmanifest.xml
	sed 's/"internetClientServer"/"internetClinetServer"/' "$zoo" >"$tmp/typo.xml"
	wrap "$tmp/typo.xml" >"$tmp/typo.pkg.xml"
	if validate "$tmp/typo.pkg.xml"; then fail xsd/rejects-typo "a misspelt capability validated"; else pass xsd/rejects-typo; fi
	python3 - "$zoo" >"$tmp/order.xml" <<'EOF'
import sys
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
dev = [l for l in lines if 'DeviceCapability' in l]
rest = [l for l in lines if 'DeviceCapability' not in l]
i = next(k for k, l in enumerate(rest) if l.strip().startswith('<Capability '))
print('\n'.join(rest[:i] + dev + rest[i:]))
EOF
	wrap "$tmp/order.xml" >"$tmp/order.pkg.xml"
	if validate "$tmp/order.pkg.xml"; then fail xsd/rejects-order "DeviceCapability before Capability validated"; else pass xsd/rejects-order; fi
else
	skip xsd/fragments "no MSIX schemas at $XSD or no xmllint"
fi

# ---- the launcher's plan ----
# Fixed values for every variable the corpus uses, so plans are the same anywhere.
plan_args=(--param 'USERPROFILE=C:\Users\u' --param 'TEMP=C:\Users\u\AppData\Local\Temp'
	--param 'PROJECT=C:\src\proj' --param 'CACHE=D:\cache' --journal 'C:\j\sbx.journal')
plan_cmd=(-- 'C:\Tools\tool.exe' 'two words' '"quoted"' 'trail\' 'mid\"dle' '' plain)
for prof in "$HERE"/corpus/*.appcontainer.json; do
	name=$(basename "$prof" .appcontainer.json)
	if ! "$LAUNCH" "${plan_args[@]}" --plan "$prof" "${plan_cmd[@]}" >"$tmp/$name.plan" 2>"$tmp/$name.plan.err"; then
		fail "plan/$name" "exit $?: $(head -2 "$tmp/$name.plan.err" | tr '\n' ' ')"
		continue
	fi
	golden "plan/$name" "$tmp/$name.plan" "$HERE/corpus/$name.plan"
done

# %TEMP% from the environment becomes a directory of the container's own.
files=$HERE/corpus/files.appcontainer.json
TEMP='C:\Users\u\AppData\Local\Temp' "$LAUNCH" --param 'USERPROFILE=C:\Users\u' --param 'PROJECT=C:\p' \
	--param 'CACHE=D:\c' --plan "$files" -- x.exe >"$tmp/temp.plan" 2>&1
private='C:\Users\u\AppData\Local\Temp\sbxc-sbxc.files-demo'
if grep -qxF "temp $private (the container's own: created at launch; TEMP and TMP point here)" "$tmp/temp.plan" &&
	grep -qF "subtree $private <- %TEMP%" "$tmp/temp.plan"; then
	pass plan/private-temp
else
	fail plan/private-temp "$(grep -E '^temp|TEMP' "$tmp/temp.plan" | head -2 | tr '\n' ' ')"
fi

# ---- the launcher refuses what it must ----
refuse() { # name expected-status expected-substring profile args...
	local t=$1 want=$2 msg=$3 prof=$4
	shift 4
	"$LAUNCH" "$@" --plan "$prof" -- x.exe >/dev/null 2>"$tmp/refuse.err"
	local rc=$?
	if [ $rc != "$want" ]; then
		fail "launcher/$t" "exit $rc, want $want ($(head -1 "$tmp/refuse.err"))"
	elif ! grep -qF -- "$msg" "$tmp/refuse.err"; then
		fail "launcher/$t" "message lacks '$msg': $(head -1 "$tmp/refuse.err")"
	else
		pass "launcher/$t"
	fi
}
mutate() { # python expression over the text `s` -> a new profile file
	python3 -c "import sys; s=open(sys.argv[1],encoding='utf-8').read(); sys.stdout.write($2)" "$files" >"$tmp/m.json"
	echo "$tmp/m.json"
}
refuse write-dac 126 "rights sbxc never grants" "$(mutate x 's.replace("\"mask\": 1179785", "\"mask\": 1441929", 1)')" "${plan_args[@]}"
refuse generic-all 126 "rights sbxc never grants" "$(mutate x 's.replace("\"mask\": 1179785", "\"mask\": 268435456", 1)')" "${plan_args[@]}"
refuse loopback 126 "loopback exemption" "$(mutate x 's.replace("\"loopbackExemption\": false", "\"loopbackExemption\": true")')" "${plan_args[@]}"
refuse duplicate-key 126 "duplicate key" "$(mutate x 's.replace("\"version\": 1,", "\"version\": 1, \"files\": [],")')" "${plan_args[@]}"
refuse truncated 126 "byte" "$(mutate x 's[:len(s)//2]')" "${plan_args[@]}"
refuse newer-version 126 "version is not 1" "$(mutate x 's.replace("\"version\": 1,", "\"version\": 2,")')" "${plan_args[@]}"
refuse bad-sid 126 "not an AppContainer SID" "$(mutate x 's.replace("\"sid\": \"S-1-15-2-", "\"sid\": \"S-1-5-21-", 1)')" "${plan_args[@]}"
refuse bad-inherit 126 "inherit must be" "$(mutate x 's.replace("\"inherit\": 3", "\"inherit\": 4", 1)')" "${plan_args[@]}"
refuse bad-container 126 "not valid for CreateAppContainerProfile" "$(mutate x 's.replace("\"name\": \"sbxc.files-demo\"", "\"name\": \"a/b\"")')" "${plan_args[@]}"
refuse unset-param 126 "CACHE is not set" "$files" --param 'USERPROFILE=C:\Users\u' --param 'TEMP=C:\t' --param 'PROJECT=C:\p'
refuse relative-param 126 "not an absolute Windows path" "$files" "${plan_args[@]}" --param 'CACHE=cache\dir'
refuse dotdot-param 126 "'..' component" "$files" "${plan_args[@]}" --param 'CACHE=C:\x\..\Windows'
refuse device-param 126 "device path" "$files" "${plan_args[@]}" --param 'CACHE=\\?\C:\x'
"$LAUNCH" "${plan_args[@]}" --plan "$files" >/dev/null 2>"$tmp/refuse.err"
rc=$?
if [ $rc = 64 ] && grep -q "no command" "$tmp/refuse.err"; then pass launcher/no-command; else fail launcher/no-command "exit $rc"; fi
"$LAUNCH" --undo x.journal >/dev/null 2>&1
rc=$?
if [ $rc = 64 ]; then pass launcher/undo-needs-windows; else fail launcher/undo-needs-windows "exit $rc"; fi

# ---- policies the compiler refuses for windows ----
for src in "$HERE"/reject/*.sbx; do
	name=$(basename "$src" .sbx)
	want=$(sed -n 's/^# expect: //p' "$src" | head -1)
	rm -rf "$tmp/rej"
	(cd "$HERE/reject" && "$SBXC" "$name.sbx" -t windows -o "$tmp/rej") >/dev/null 2>"$tmp/rej.err"
	rc=$?
	if [ $rc != 1 ]; then
		fail "reject/$name" "exit $rc, want 1"
	elif [ -n "$(ls -A "$tmp/rej" 2>/dev/null)" ]; then
		fail "reject/$name" "artifacts were written"
	elif ! grep -qF -- "$want" "$tmp/rej.err"; then
		fail "reject/$name" "stderr lacks '$want': $(head -1 "$tmp/rej.err")"
	else
		pass "reject/$name"
	fi
done

# ---- the Windows executable ----
if [ "$(head -c 2 "$EXE")" = MZ ] && objdump -f "$EXE" 2>/dev/null | grep -q 'pei-x86-64'; then
	pass exe/pe32plus
else
	fail exe/pe32plus "$EXE is not a PE32+ x86-64 image"
fi
imports=$(x86_64-w64-mingw32-objdump -p "$EXE" 2>/dev/null || objdump -p "$EXE")
missing=
for fn in CreateAppContainerProfile DeriveAppContainerSidFromAppContainerName SetNamedSecurityInfoW \
	SetEntriesInAclW UpdateProcThreadAttribute CreateProcessW AssignProcessToJobObject; do
	echo "$imports" | grep -q "$fn" || missing="$missing $fn"
done
if [ -z "$missing" ]; then pass exe/imports; else fail exe/imports "missing:$missing"; fi
other=$ROOT/build/runtime/windows/sbx-launch.exe
[ "$BUILD" = build ] && other=$ROOT/build/asan/runtime/windows/sbx-launch.exe
if [ "$other" != "$EXE" ]; then
	# The other variant's copy, brought up to date: same sources and flags
	# must give the same bytes (no timestamp, no paths in the image).
	ninja -C "$ROOT" "${other#"$ROOT"/}" >/dev/null 2>&1
	if cmp -s "$EXE" "$other"; then pass exe/deterministic; else fail exe/deterministic "$EXE and $other differ"; fi
fi

# ---- the plans again, from the real .exe under Wine ----
if ! command -v wine >/dev/null; then
	skip wine/plans "wine is not installed (scripts/packages-appcontainer.txt lists it)"
	exit 0
fi
export WINEPREFIX=$ROOT/build/wine-appcontainer WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml=' WINEARCH=win64
unset DISPLAY
# One wineserver for every run below (each wine start otherwise spins one up
# and down: seconds, against a fifth of one); it quits 30 s after the last.
wineserver -p 30 >/dev/null 2>&1 && trap 'wineserver -k >/dev/null 2>&1; rm -rf "$tmp"' EXIT
if ! timeout 180 wine "$EXE" --help >"$tmp/wine.out" 2>"$tmp/wine.err" || ! grep -q 'usage: sbx-launch' "$tmp/wine.out"; then
	skip wine/plans "wine cannot start sbx-launch.exe here: $(tail -1 "$tmp/wine.err")"
	exit 0
fi
pass wine/starts
for prof in "$HERE"/corpus/*.appcontainer.json; do
	name=$(basename "$prof" .appcontainer.json)
	cp "$prof" "$tmp/w.json"
	(cd "$tmp" && timeout 60 wine "$EXE" "${plan_args[@]}" --plan w.json "${plan_cmd[@]}") 2>"$tmp/wine.err" | tr -d '\r' >"$tmp/$name.wplan"
	if cmp -s "$tmp/$name.wplan" "$HERE/corpus/$name.plan"; then
		pass "wine/$name"
	else
		fail "wine/$name" "$(diff "$HERE/corpus/$name.plan" "$tmp/$name.wplan" | head -4 | tr '\n' ' ') $(head -1 "$tmp/wine.err")"
	fi
done
# Wine's own TEMP becomes the container's private directory too.
cp "$HERE/corpus/files.appcontainer.json" "$tmp/w.json"
(cd "$tmp" && timeout 60 wine "$EXE" --param 'USERPROFILE=C:\Users\u' --param 'PROJECT=C:\p' --param 'CACHE=D:\c' \
	--plan w.json -- x.exe 2>&1) | tr -d '\r' >"$tmp/wine.temp"
if grep -qE '^temp [A-Za-z]:\\.*\\sbxc-sbxc\.files-demo \(the container' "$tmp/wine.temp"; then
	pass wine/private-temp
else
	fail wine/private-temp "$(grep -m1 -E '^temp|TEMP|sbx-launch' "$tmp/wine.temp")"
fi
(cd "$tmp" && timeout 60 wine "$EXE" --plan w.json 2>&1 >/dev/null) | tr -d '\r' >"$tmp/wine.err"
if grep -q "no command" "$tmp/wine.err"; then pass wine/refuses; else fail wine/refuses "$(head -1 "$tmp/wine.err")"; fi
