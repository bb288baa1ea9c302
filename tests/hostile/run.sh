#!/usr/bin/env bash
# tests/hostile: strings that try to break out of every artifact format:
# newlines, quotes, backslashes, parentheses, '#', ';', '--' and ']]>' in
# paths and reasons. Every target must compile them into well-formed
# artifacts in which no line is a rule the policy did not write.
set -u
cd "$(dirname "$0")"
: "${SBXC:?}" "${ROOT:?}" "${BUILD:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ninja -C "$ROOT" "$BUILD/seatbelt-all" >/dev/null 2>&1 # the SBPL lexical checker
ok() { echo "PASS hostile/$1"; }
no() { echo "FAIL hostile/$1: $2"; }

if "$SBXC" hostile.sbx -t all -o "$tmp/out" --accept-wider 2>"$tmp/err"; then ok compile; else no compile "$(head -3 "$tmp/err" | tr '\n' ' ')"; exit 0; fi
o=$tmp/out/hostile

# Landlock: four allows and one deny (a carve), each one quoted line.
n=$(grep -c '^fs ' "$o.landlock")
[ "$n" = 5 ] && ok landlock-fs-lines || no landlock-fs-lines "expected 5 fs lines, got $n"
bad=$(grep -v -E '^(#|landlock |abi |param |fs |net |scope |fallback |seccomp |$)' "$o.landlock" | head -3)
[ -z "$bad" ] && ok landlock-directives || no landlock-directives "unexpected line: $bad"

# SBPL: balanced, escapes known (the checker's lexical pass), no injected rule.
lex=$ROOT/$BUILD/tests/seatbelt/sblex
if [ -x "$lex" ]; then
	"$lex" "$o.sb" >/dev/null 2>&1 && ok sbpl-lexical || no sbpl-lexical "$("$lex" "$o.sb" 2>&1 | head -2)"
else
	no sbpl-lexical "no $lex (ninja $BUILD/seatbelt-all)"
fi
grep -q '^(allow default)' "$o.sb" && no sbpl-no-injection "an (allow default) line appeared" || ok sbpl-no-injection
[ "$(grep -c '^(allow file-write\*' "$o.sb")" -le 1 ] && ok sbpl-one-write-form || no sbpl-one-write-form "more file-write forms than the policy has"

# JSON and XML parse; the reasons survive as data.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))' "$o.appcontainer.json" 2>"$tmp/e" && ok json-valid || no json-valid "$(cat "$tmp/e")"
xmllint --noout "$o.appxmanifest.xml" 2>"$tmp/e" && ok xml-valid || no xml-valid "$(cat "$tmp/e")"
grep -c -- '-->' "$o.appxmanifest.xml" | grep -qx "$(grep -c '<!--' "$o.appxmanifest.xml")" && ok xml-comments-closed-once || no xml-comments-closed-once "a comment was ended early"
