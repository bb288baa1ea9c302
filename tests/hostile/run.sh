#!/usr/bin/env bash
# tests/hostile: strings that try to break out of every artifact format:
# newlines, quotes, backslashes, parentheses, '#', ';', '--' and ']]>' in
# paths and reasons. Every target must compile them into well-formed
# artifacts in which no line is a rule the policy did not write.
SUITE=hostile; . "$(dirname "$0")/../lib.sh"
cd tests/hostile || exit 1
lib_build "$BUILD/seatbelt-all" # the SBPL lexical checker

if "$SBXC" hostile.sbx -t all -o "$tmp/out" --accept-wider 2>"$tmp/err"; then pass compile; else fail compile "$(head -3 "$tmp/err" | tr '\n' ' ')"; exit 0; fi
o=$tmp/out/hostile

# Landlock: four allows and one deny (a carve), each one quoted line.
n=$(grep -c '^fs ' "$o.landlock")
[ "$n" = 5 ] && pass landlock-fs-lines || fail landlock-fs-lines "expected 5 fs lines, got $n"
bad=$(grep -v -E '^(#|landlock |abi |param |fs |net |scope |fallback |seccomp |$)' "$o.landlock" | head -3)
[ -z "$bad" ] && pass landlock-directives || fail landlock-directives "unexpected line: $bad"

# SBPL: balanced, escapes known (the checker's lexical pass), no injected rule.
lex=$ROOT/$BUILD/tests/seatbelt/sblex
if [ -x "$lex" ]; then
	"$lex" "$o.sb" >/dev/null 2>&1 && pass sbpl-lexical || fail sbpl-lexical "$("$lex" "$o.sb" 2>&1 | head -2)"
else
	fail sbpl-lexical "no $lex (ninja $BUILD/seatbelt-all)"
fi
grep -q '^(allow default)' "$o.sb" && fail sbpl-no-injection "an (allow default) line appeared" || pass sbpl-no-injection
[ "$(grep -c '^(allow file-write\*' "$o.sb")" -le 1 ] && pass sbpl-one-write-form || fail sbpl-one-write-form "more file-write forms than the policy has"

# JSON and XML parse; the reasons survive as data.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))' "$o.appcontainer.json" 2>"$tmp/e" && pass json-valid || fail json-valid "$(cat "$tmp/e")"
xmllint --noout "$o.appxmanifest.xml" 2>"$tmp/e" && pass xml-valid || fail xml-valid "$(cat "$tmp/e")"
grep -c -- '-->' "$o.appxmanifest.xml" | grep -qx "$(grep -c '<!--' "$o.appxmanifest.xml")" && pass xml-comments-closed-once || fail xml-comments-closed-once "a comment was ended early"
