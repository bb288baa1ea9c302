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

# ---- access masks (winnt.h values) ----
# Each line: right effect object bits-that-must-be-set bits-that-must-be-clear.
masks=$("$ACSID" masks)
mask_of() { echo "$masks" | awk -v r="$1" -v e="$2" -v o="$3" '$1 == r && $2 == e && $3 == o { print $4 }'; }
mask_rule() { # name right effect object must mustnot
	local m
	m=$(mask_of "$2" "$3" "$4")
	if [ -z "$m" ]; then fail "mask/$1" "no $2 $3 $4 mask in: $(echo "$masks" | oneline)"; return; fi
	if (( (m & $5) != $5 )); then fail "mask/$1" "$2 $3 $4 = $m lacks $(printf 0x%x $(( $5 & ~m )))"
	elif (( (m & $6) != 0 )); then fail "mask/$1" "$2 $3 $4 = $m has $(printf 0x%x $(( m & $6 )))"
	else pass "mask/$1"; fi
}
# FILE_READ_DATA 0x1, FILE_WRITE_DATA 0x2, FILE_APPEND_DATA 0x4, READ_EA 0x8, WRITE_EA 0x10,
# FILE_EXECUTE/FILE_TRAVERSE 0x20, FILE_DELETE_CHILD 0x40, READ_ATTRIBUTES 0x80, WRITE_ATTRIBUTES 0x100,
# DELETE 0x10000, READ_CONTROL 0x20000, WRITE_DAC 0x40000, WRITE_OWNER 0x80000, SYNCHRONIZE 0x100000,
# GENERIC_* 0xf0000000.
never=$((0x40 | 0x40000 | 0x80000 | 0xf0000000))
mask_rule read-dir-traverse read allow dir $((0x120089 | 0x20)) $never
mask_rule read-file-no-execute read allow file 0x120089 $((never | 0x20 | 0x2 | 0x4 | 0x10000))
mask_rule write-opens write allow file $((0x2 | 0x4 | 0x10 | 0x100 | 0x10000 | 0x20000 | 0x80 | 0x100000)) $((never | 0x1 | 0x20))
mask_rule write-dir write allow dir $((0x2 | 0x4 | 0x10000 | 0x20000 | 0x80 | 0x100000)) $never
mask_rule exec-file exec allow file $((0x20 | 0x80 | 0x100000)) $((never | 0x1 | 0x2))
mask_rule deny-read-keeps-traverse read deny dir 0x1 $((0x20 | 0x100000 | never))
mask_rule deny-write-keeps-opens write deny file $((0x2 | 0x4 | 0x10 | 0x100 | 0x10000)) $((0x100000 | 0x20000 | 0x80 | 0x1 | never))
mask_rule deny-exec-only-execute exec deny file 0x20 $((0x100000 | 0x80 | 0x1 | never))
# ... and the profiles carry them: a file's mask and its directory's.
if grep -q '"%PROJECT%", "ace": "allow", "rights": \["read"\], "mask": 1179785, "dirMask": 1179817,' "$HERE/corpus/cargo-build.appcontainer.json"; then
	pass mask/profile-dirmask
else
	fail mask/profile-dirmask "cargo-build's %PROJECT% read grant lacks mask 0x120089 / dirMask 0x1200a9"
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

# ---- regular AppContainer by default, LPAC on request ----
lpac_case() { # name want-lpac want-caps(space-separated, sorted) policy-lines...
	local t=$1 want=$2 caps=$3
	shift 3
	printf 'sbx 1\npolicy lp-%s "x"\nallow read ${PROJECT}\n' "$t" >"$tmp/lp.sbx"
	printf '%s\n' "$@" >>"$tmp/lp.sbx"
	rm -rf "$tmp/lp"
	if ! (cd "$tmp" && "$SBXC" lp.sbx -t windows -o lp >/dev/null 2>"$tmp/lp.err"); then
		fail "lpac/$t" "sbxc failed: $(head -1 "$tmp/lp.err")"; return
	fi
	local got
	got=$(python3 -c "
import json, sys
j = json.load(open(sys.argv[1], encoding='utf-8'))
print(str(j['container']['lpac']).lower(), ' '.join(sorted(c['name'] for c in j['capabilities'])))" "$tmp"/lp/*.appcontainer.json)
	if [ "$got" = "$want $caps" ]; then pass "lpac/$t"; else fail "lpac/$t" "got [$got], want [$want $caps]"; fi
}
lpac_case default false ''
lpac_case explicit-regular false '' 'on windows {' '  allow capability allApplicationPackages' '}'
lpac_case requested true 'lpacCom registryRead' 'on windows {' '  deny capability allApplicationPackages' '}'
lpac_case deny-wins true 'lpacCom registryRead' 'on windows {' '  allow capability allApplicationPackages' '  deny capability allApplicationPackages' '}'
lpac_case registry-denied true 'lpacCom' 'on windows {' '  deny capability allApplicationPackages registryRead' '}'
lpac_case every-cap-denied true '' 'on windows {' '  deny capability' '  allow capability internetClient' '}'
lpac_case other-deny false 'internetClient' 'on windows {' '  deny capability webcam' '  allow capability internetClient' '}'
lpac_case not-on-linux false '' 'on linux {' '  allow syscall read' '}'

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
	--param 'PROJECT=C:\src\proj' --param 'CACHE=D:\cache' --journal 'C:\j\sbx.journal' --cwd 'C:\src\proj')
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
	--param 'CACHE=D:\c' --cwd 'C:\p' --plan "$files" -- x.exe >"$tmp/temp.plan" 2>&1
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
# Params come from --param or SBX_PARAM_NAME, never from a variable that merely shares the name.
env -u SBX_PARAM_CACHE CACHE='D:\cache' "$LAUNCH" --param 'USERPROFILE=C:\Users\u' --param 'TEMP=C:\t' --param 'PROJECT=C:\p' \
	--cwd 'C:\p' --plan "$files" -- x.exe >/dev/null 2>"$tmp/refuse.err"
if [ $? = 126 ] && grep -qF "CACHE is not set: give --param CACHE=VALUE or set SBX_PARAM_CACHE" "$tmp/refuse.err"; then
	pass launcher/env-param-refused
else
	fail launcher/env-param-refused "$(head -1 "$tmp/refuse.err")"
fi
if SBX_PARAM_CACHE='D:\cache' "$LAUNCH" --param 'USERPROFILE=C:\Users\u' --param 'TEMP=C:\t' --param 'PROJECT=C:\p' \
	--cwd 'C:\p' --plan "$files" -- x.exe 2>"$tmp/refuse.err" | grep -qF 'subtree required D:\cache <- %CACHE%'; then
	pass launcher/sbx-param-env
else
	fail launcher/sbx-param-env "$(head -1 "$tmp/refuse.err")"
fi
SBX_PARAM_CACHE='D:\' "$LAUNCH" --param 'USERPROFILE=C:\Users\u' --param 'TEMP=C:\t' --param 'PROJECT=C:\p' \
	--cwd 'C:\p' --plan "$files" -- x.exe >/dev/null 2>"$tmp/refuse.err"
if [ $? = 126 ] && grep -qF 'SBX_PARAM_CACHE=D:\ is a drive or share root' "$tmp/refuse.err"; then
	pass launcher/sbx-param-root
else
	fail launcher/sbx-param-root "$(head -1 "$tmp/refuse.err")"
fi
# Volumes, the system directory and the home directory itself are not param values.
refuse drive-root 126 "is a drive or share root" "$files" "${plan_args[@]}" --param 'CACHE=D:\'
refuse drive-bare 126 "is a drive or share root" "$files" "${plan_args[@]}" --param 'CACHE=d:'
refuse share-root 126 "is a drive or share root" "$files" "${plan_args[@]}" --param 'CACHE=\\srv\share\'
refuse system-root 126 "is %SystemRoot%" "$files" "${plan_args[@]}" --param 'CACHE=c:\windows'
refuse home-itself 126 "is %USERPROFILE% (C:\Users\u)" "$files" "${plan_args[@]}" --param 'CACHE=C:\Users\U\'
refuse temp-root 126 "TEMP=E:\\ is a drive or share root" "$files" "${plan_args[@]}" --param 'TEMP=E:\'
refuse temp-home 126 "TEMP=C:\\Users\\u is %USERPROFILE%" "$files" "${plan_args[@]}" --param 'TEMP=C:\Users\u'
refuse home-parent 126 "is %USERPROFILE% (C:\Users\u) or above it" "$files" "${plan_args[@]}" --param 'CACHE=C:\Users'
refuse cwd-is-home 126 "the working directory (PROJECT's default)=C:\Users\u is %USERPROFILE%" \
	"$(mutate x 's.replace("{\"name\": \"PROJECT\", \"value\": null", "{\"name\": \"PROJECT\", \"value\": null", 1)')" \
	--param 'USERPROFILE=C:\Users\u' --param 'TEMP=C:\t' --param 'CACHE=D:\c' --cwd 'C:\Users\u'
SystemRoot='E:\OS' "$LAUNCH" "${plan_args[@]}" --param 'CACHE=E:\OS\Temp\x' --plan "$files" -- x.exe >/dev/null 2>&1
if [ $? = 0 ]; then pass launcher/below-system-root-ok; else fail launcher/below-system-root-ok "E:\\OS\\Temp\\x refused"; fi
SystemRoot='E:\OS' "$LAUNCH" "${plan_args[@]}" --param 'CACHE=E:\os' --plan "$files" -- x.exe >/dev/null 2>"$tmp/refuse.err"
if [ $? = 126 ] && grep -qF 'is %SystemRoot% (E:\OS)' "$tmp/refuse.err"; then pass launcher/system-root-from-env
else fail launcher/system-root-from-env "$(head -1 "$tmp/refuse.err")"; fi
if "$LAUNCH" "${plan_args[@]}" --param 'CACHE=C:\Users\u\cache' --plan "$files" -- x.exe >/dev/null 2>&1; then
	pass launcher/below-home-ok
else
	fail launcher/below-home-ok "a cache beneath the home directory was refused"
fi
refuse unknown-variable 126 "%APPDATA% is neither a param" "$(mutate x 's.replace("%USERPROFILE%\\\\.ssh\"", "%APPDATA%\\\\.ssh\"", 1)')" "${plan_args[@]}"
# The working directory: passed explicitly, and the container must be able to open it.
refuse cwd-write-only 126 "the working directory D:\cache is only granted write" "$files" "${plan_args[@]}" --cwd 'D:\cache'
refuse cwd-relative 126 "not an absolute Windows path" "$files" "${plan_args[@]}" --cwd 'src'
"$LAUNCH" "${plan_args[@]}" --cwd 'C:\elsewhere' --plan "$files" -- x.exe >"$tmp/cwd.plan" 2>&1
if grep -qF 'cwd C:\elsewhere (no grant of the profile covers it: at launch Windows is asked' "$tmp/cwd.plan"; then
	pass launcher/cwd-uncovered-checked-at-launch
else
	fail launcher/cwd-uncovered-checked-at-launch "$(grep -m1 -E '^cwd|sbx-launch' "$tmp/cwd.plan")"
fi
"$LAUNCH" "${plan_args[@]}" --cwd 'C:\SRC\proj\sub' --plan "$files" -- x.exe >"$tmp/cwd.plan" 2>&1
if grep -qF 'cwd C:\SRC\proj\sub (reached through allow read,write %PROJECT%)' "$tmp/cwd.plan"; then
	pass launcher/cwd-reached-case-insensitive
else
	fail launcher/cwd-reached-case-insensitive "$(grep -m1 -E '^cwd|sbx-launch' "$tmp/cwd.plan")"
fi
# Trees users do not own: a write or create grant needs an administrator.
cargo=$HERE/corpus/cargo-build.appcontainer.json
python3 -c "import sys; s=open(sys.argv[1],encoding='utf-8').read(); sys.stdout.write(s.replace('\"create\": false, \"unowned\": true', '\"create\": true, \"unowned\": true', 1))" "$cargo" >"$tmp/m2.json"
refuse unowned-create 126 "needs an install-time grant, e.g. icacls" "$tmp/m2.json" "${plan_args[@]}"
refuse unowned-param-write 126 "is in a tree only an administrator can change" "$files" "${plan_args[@]}" --param 'CACHE=C:\Program Files\Tool\cache'
if grep -qF 'subtree unowned C:\Program Files\Rust stable MSVC 1.82' "$HERE/corpus/cargo-build.plan"; then
	pass launcher/unowned-marked
else
	fail launcher/unowned-marked "the Program Files read grant is not marked unowned in cargo-build.plan"
fi
"$LAUNCH" "${plan_args[@]}" --plan "$files" >/dev/null 2>"$tmp/refuse.err"
rc=$?
if [ $rc = 64 ] && grep -q "no command" "$tmp/refuse.err"; then pass launcher/no-command; else fail launcher/no-command "exit $rc"; fi
"$LAUNCH" --undo x.journal >/dev/null 2>"$tmp/refuse.err"
rc=$?
if [ $rc = 64 ] && grep -q "takes the journal and the profile" "$tmp/refuse.err"; then pass launcher/undo-needs-profile; else fail launcher/undo-needs-profile "exit $rc"; fi
"$LAUNCH" "${plan_args[@]}" --undo x.journal "$files" >/dev/null 2>"$tmp/refuse.err"
rc=$?
if [ $rc = 64 ] && grep -q "needs Windows" "$tmp/refuse.err"; then pass launcher/undo-needs-windows; else fail launcher/undo-needs-windows "exit $rc"; fi

# ---- rename-and-recreate: a deny DELETE on each ancestor of a write deny whose parent is writable ----
agent=$ROOT/examples/out/agent-tool.appcontainer.json
"$LAUNCH" "${plan_args[@]}" --plan "$agent" -- x.exe >"$tmp/g.out" 2>&1
if [ "$(grep -c '^deny delete' "$tmp/g.out")" = 1 ] && grep -qF 'deny delete mask=0x00010000 self C:\src\proj\.git (keeps deny write' "$tmp/g.out"; then
	pass guard/agent-tool-git
else
	fail guard/agent-tool-git "$(grep -E '^deny delete|sbx-launch' "$tmp/g.out" | oneline)"
fi
python3 - "$files" >"$tmp/deep.json" <<'PY'
import sys
s = open(sys.argv[1], encoding='utf-8').read()
line = '    {"path": "%DATA%\\\\a\\\\b\\\\c", "ace": "deny", "rights": ["write"], "mask": 65814, "dirMask": 65814, "inherit": 3, "required": false, "create": false, "unowned": false, "from": "deep:1"},\n'
i = s.index('  "files": [\n') + len('  "files": [\n')
sys.stdout.write(s[:i] + line + s[i:])
PY
"$LAUNCH" "${plan_args[@]}" --plan "$tmp/deep.json" -- x.exe >"$tmp/g.out" 2>&1
got=$(grep '^deny delete' "$tmp/g.out" | grep 'deep:1' | awk '{print $5}' | sort | tr '\n' ' ')
if [ "$got" = 'C:\Users\u\data\a C:\Users\u\data\a\b ' ]; then
	pass guard/stops-at-unwritable-parent
else
	fail guard/stops-at-unwritable-parent "guards: [$got] $(grep -m1 sbx-launch "$tmp/g.out")"
fi
printf 'sbx-launch-journal\tsbxc.files-demo\t1\ndacl\tC:\\Users\\u\\data\\a\\b\tD:(A;;FA;;;SY)\n' >"$tmp/g.journal"
if "$LAUNCH" "${plan_args[@]}" --plan --undo "$tmp/g.journal" "$tmp/deep.json" >/dev/null 2>&1; then
	pass guard/journal-accepts-guards
else
	fail guard/journal-accepts-guards "a guard's path was refused by --undo"
fi
if grep -qF 'deny read mask=0x00020089 dir=0x00020089 subtree C:\Users\u\.ssh <- %USERPROFILE%\.ssh (files.sbx:9)' "$HERE/corpus/files.plan" &&
	! grep -F 'C:\Users\u\.ssh <-' "$HERE/corpus/files.plan" | grep -q 'not guaranteed'; then
	pass guard/read-only-parent-guaranteed
else
	fail guard/read-only-parent-guaranteed "the ~/.ssh deny (parent only readable) is marked not guaranteed, or missing"
fi

# ---- the examples plan with the values tests/appcontainer/smoke.ps1 gives them ----
for prof in "$ROOT"/examples/out/*.appcontainer.json; do
	name=$(basename "$prof" .appcontainer.json)
	mapfile -t extra < <(python3 -c "
import json, sys
for x in json.load(open(sys.argv[1], encoding='utf-8'))['params']:
    if x['name'] != 'PROJECT' and x['value'] is None:
        print('--param'); print('%s=C:\\\\Users\\\\u\\\\AppData\\\\Local\\\\Temp\\\\sbxc-smoke\\\\%s' % (x['name'], x['name']))" "$prof")
	if "$LAUNCH" "${plan_args[@]}" "${extra[@]}" --plan "$prof" -- cmd.exe >"$tmp/ex.out" 2>"$tmp/ex.err"; then
		pass "smoke-plan/$name"
	else
		fail "smoke-plan/$name" "$(head -1 "$tmp/ex.err")"
	fi
done
if grep -qF "examples\\out\\*.appcontainer.json" "$HERE/smoke.ps1" && grep -qF -- "--cwd" "$HERE/smoke.ps1"; then
	pass smoke-plan/script-covers-every-example
else
	fail smoke-plan/script-covers-every-example "smoke.ps1 no longer enumerates examples\\out or passes --cwd"
fi

# ---- batch files: through %SystemRoot%\System32\cmd.exe /d /s /v:off /c, quoted for cmd ----
batch() { # name expected-run-line args...
	local t=$1 want=$2
	shift 2
	"$LAUNCH" "${plan_args[@]}" --plan "$files" -- "$@" >"$tmp/b.out" 2>"$tmp/b.err"
	local got
	got=$(grep '^run' "$tmp/b.out")
	if [ "$got" = "$want" ]; then pass "batch/$t"; else fail "batch/$t" "got [$got] $(head -1 "$tmp/b.err"), want [$want]"; fi
}
via='run through %SystemRoot%\System32\cmd.exe (a batch file): cmd.exe /d /s /v:off /c '
batch plain "$via\"\"C:\\T\\b.cmd\" a\"" 'C:\T\b.cmd' a
batch upper-bat "$via\"\"C:\\T\\B.BAT\" a\"" 'C:\T\B.BAT' a
batch trailing-dot "$via\"\"C:\\T\\b.bat. \" a\"" 'C:\T\b.bat. ' a
batch metachars "$via\"\"C:\\T\\b.cmd\" \"x&calc\" \"a|b\" \"<in\" \">out\" \"(p)\" \"^c\" \"s;c\" \"e=q\" \"c,m\" \"!v!\"\"" \
	'C:\T\b.cmd' 'x&calc' 'a|b' '<in' '>out' '(p)' '^c' 's;c' 'e=q' 'c,m' '!v!'
batch spaces-empty "$via\"\"C:\\My Tools\\b.cmd\" \"two words\" \"\" \"tab$(printf '\t')x\"\"" 'C:\My Tools\b.cmd' 'two words' '' "tab$(printf '\t')x"
batch trailing-backslash "$via\"\"C:\\T\\b.cmd\" C:\\dir\\ \"C:\\a b\\\\\"\"" 'C:\T\b.cmd' 'C:\dir\' 'C:\a b\'
batch not-batch 'run C:\T\b.cmd.exe x&y' 'C:\T\b.cmd.exe' 'x&y'
batch_refuse() { # name substring args...
	local t=$1 msg=$2
	shift 2
	"$LAUNCH" "${plan_args[@]}" --plan "$files" -- "$@" >/dev/null 2>"$tmp/b.err"
	local rc=$?
	if [ $rc = 126 ] && grep -qF -- "$msg" "$tmp/b.err"; then pass "batch/$t"; else fail "batch/$t" "exit $rc: $(head -1 "$tmp/b.err")"; fi
}
batch_refuse percent "holds a '%'" 'C:\T\b.cmd' '%USERPROFILE%'
batch_refuse quote "holds a double quote" 'C:\T\b.cmd' 'a" & calc & "'
batch_refuse newline "holds a line break" 'C:\T\b.bat' "$(printf 'a\nb')"
batch_refuse script-percent "holds a '%'" 'C:\100%\b.cmd'

# ---- the undo journal, read back strictly (--plan --undo: what would be restored) ----
H=$(printf 'sbx-launch-journal\tsbxc.files-demo\t1')
T=$(printf '\t')
journal() { # name expected-status expected-substring lines...
	local t=$1 want=$2 msg=$3
	shift 3
	printf '%s\n' "$@" >"$tmp/j.journal"
	"$LAUNCH" "${plan_args[@]}" --plan --undo "$tmp/j.journal" "$files" >"$tmp/j.out" 2>"$tmp/j.err"
	local rc=$?
	if [ $rc != "$want" ]; then
		fail "journal/$t" "exit $rc, want $want ($(head -1 "$tmp/j.err"))"
	elif ! grep -qF -- "$msg" "$tmp/j.out" "$tmp/j.err"; then
		fail "journal/$t" "no '$msg' in: $(cat "$tmp/j.out" "$tmp/j.err" | head -3 | oneline)"
	else
		pass "journal/$t"
	fi
}
journal good 0 'restore C:\Users\u\.ssh D:(A;OICI;FA;;;BA)' "$H" "dacl${T}C:\\Users\\u${T}D:(A;OICI;FA;;;SY)" "dacl${T}C:\\Users\\u\\.ssh${T}D:(A;OICI;FA;;;BA)"
journal good-order 0 'journal for sbxc.files-demo: 2 ACL(s) to restore, last first' "$H" "dacl${T}C:\\Users\\u${T}D:(A;OICI;FA;;;SY)" "dacl${T}C:\\Users\\u\\.ssh${T}D:(A;OICI;FA;;;BA)"
journal case-insensitive 0 'restore c:\users\U\.SSH' "$H" "dacl${T}c:\\users\\U\\.SSH${T}D:P(A;;FA;;;OW)"
journal header-only 0 '0 ACL(s)' "$H"
journal crlf 0 '1 ACL(s)' "$H"$'\r' "dacl${T}C:\\Users\\u${T}D:(A;;FA;;;SY)"$'\r'
printf '%s\n%s' "$H" "dacl${T}C:\\Windows${T}D:(A;;FA;;;WD)" >"$tmp/torn.journal"
"$LAUNCH" "${plan_args[@]}" --plan --undo "$tmp/torn.journal" "$files" >"$tmp/j.out" 2>&1
if [ $? = 0 ] && grep -q '0 ACL(s)' "$tmp/j.out"; then pass journal/torn-last-line-ignored; else fail journal/torn-last-line-ignored "$(head -1 "$tmp/j.out")"; fi
journal foreign-path 126 'C:\Windows\System32 is not a path the profile changes' "$H" "dacl${T}C:\\Users\\u${T}D:(A;;FA;;;SY)" "dacl${T}C:\\Windows\\System32${T}D:(A;;FA;;;WD)"
journal other-container 126 'the journal is for container sbxc.other, the profile is for sbxc.files-demo' "$(printf 'sbx-launch-journal\tsbxc.other\t1')"
journal no-header 126 'not an sbx-launch journal' "dacl${T}C:\\Users\\u${T}D:(A;;FA;;;SY)"
journal newer-version 126 'not an sbx-launch journal' "$(printf 'sbx-launch-journal\tsbxc.files-demo\t2')"
journal blank-line 126 'not three tab-separated fields' ""
: >"$tmp/empty.journal"
"$LAUNCH" "${plan_args[@]}" --plan --undo "$tmp/empty.journal" "$files" >/dev/null 2>"$tmp/j.err"
if [ $? = 126 ] && grep -q 'no header line' "$tmp/j.err"; then pass journal/empty; else fail journal/empty "$(head -1 "$tmp/j.err")"; fi
journal dotdot 126 'not an absolute, normalised Windows path' "$H" "dacl${T}C:\\Users\\u\\..\\..\\Windows${T}D:(A;;FA;;;WD)"
journal relative 126 'not an absolute, normalised Windows path' "$H" "dacl${T}Users\\u${T}D:(A;;FA;;;WD)"
journal device 126 'not an absolute, normalised Windows path' "$H" "dacl${T}\\\\?\\C:\\Users\\u${T}D:(A;;FA;;;WD)"
journal forward-slash 126 'not an absolute, normalised Windows path' "$H" "dacl${T}C:/Users/u${T}D:(A;;FA;;;WD)"
journal not-sddl 126 'is not DACL SDDL' "$H" "dacl${T}C:\\Users\\u${T}O:BAG:SY"
journal sddl-control 126 'is not DACL SDDL' "$H" "dacl${T}C:\\Users\\u${T}D:(A;;FA;;;WD)"$'\x01'
journal extra-field 126 'not three tab-separated fields' "$H" "dacl${T}C:\\Users\\u${T}D:(A;;FA;;;WD)${T}x"
journal two-fields 126 'not three tab-separated fields' "$H" "dacl${T}C:\\Users\\u"
journal unknown-record 126 "unknown record 'owner'" "$H" "owner${T}C:\\Users\\u${T}D:(A;;FA;;;WD)"
many=("$H")
for k in $(seq 25); do many+=("dacl${T}C:\\Users\\u${T}D:(A;;FA;;;SY)"); done
journal too-many 126 'more records than the profile has grants' "${many[@]}"
printf '%s\n\0\n' "$H" >"$tmp/nul.journal"
"$LAUNCH" "${plan_args[@]}" --plan --undo "$tmp/nul.journal" "$files" >/dev/null 2>"$tmp/j.err"
if [ $? = 126 ] && grep -q 'NUL byte' "$tmp/j.err"; then pass journal/nul; else fail journal/nul "$(head -1 "$tmp/j.err")"; fi

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
