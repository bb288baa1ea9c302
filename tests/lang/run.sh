#!/usr/bin/env bash
# tests/lang: the front end, IR, evaluator and CLI (issue 2).
#   reject/NAME.sbx  must fail with exit 1, write nothing, and print NAME.err
#                    (named after the LANGUAGE.md section they check)
#   ir/NAME.sbx      compiles; --dump=ir equals NAME.ir
#   eval/NAME.sbx    every `expect` line is also decided through `sbxc explain`
#                    (one test each) and the file passes `sbxc check`
#   fmt/NAME.sbx     `sbxc fmt` equals NAME.fmt
#   every policy in the tree: fmt is idempotent and keeps the IR digest
#   cli.sh           exit codes, --help, digests, atomic writes
SUITE=lang; . "$(dirname "$0")/../lib.sh"
cd tests/lang || exit 1

for f in reject/*.sbx; do
	n=${f%.sbx}
	"$SBXC" "$f" --dump=ir >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	if [ $rc != 1 ]; then fail "$n" "exit $rc, expected 1"; continue; fi
	if [ -s "$tmp/stdout" ]; then fail "$n" "printed output despite the error"; continue; fi
	if ! grep -q "error: " "$tmp/stderr"; then fail "$n" "no error message"; continue; fi
	golden "$n" "$tmp/stderr" "$n.err"
done

for f in ir/*.sbx; do
	n=${f%.sbx}
	args=$(cat "$n.args" 2>/dev/null)
	if ! "$SBXC" "$f" --dump=ir $args >"$tmp/ir" 2>"$tmp/stderr"; then fail "$n" "$(head -3 "$tmp/stderr" | tr '\n' ' ')"; continue; fi
	golden "$n" "$tmp/ir" "$n.ir"
done

for f in eval/*.sbx; do
	n=${f%.sbx}
	if "$SBXC" check --accept-wider "$f" >/dev/null 2>"$tmp/stderr"; then pass "$n/check"; else fail "$n/check" "$(head -4 "$tmp/stderr" | tr '\n' ' ')"; fi
	on=linux
	ln=0
	while IFS= read -r line; do
		ln=$((ln + 1))
		case $line in
		on\ macos*) on=macos ;; on\ windows*) on=windows ;; on\ linux*) on=linux ;; "}"*) on=linux ;;
		esac
		op=$(printf '%s\n' "$line" | sed -n 's/^ *expect \(allow\|deny\) \(.*\)$/\1 \2/p' | sed 's/ *#.*$//')
		[ -n "$op" ] || continue
		want=${op%% *}
		op=${op#* }
		got=$(env -i PATH="$PATH" HOME=/home/u "$SBXC" explain --on $on --format json "$f" $op 2>&1 | sed -n 's/^{"decision": "\([a-z]*\)".*/\1/p')
		if [ "$got" = "$want" ]; then pass "$n:$ln"; else fail "$n:$ln" "explain '$op' gave '${got:-error}', expected $want"; fi
	done <"$f"
done

for f in fmt/*.sbx; do
	n=${f%.sbx}
	if ! "$SBXC" fmt "$f" >"$tmp/fmt" 2>"$tmp/stderr"; then fail "$n" "$(head -3 "$tmp/stderr" | tr '\n' ' ')"; continue; fi
	golden "$n" "$tmp/fmt" "$n.fmt"
done

# fmt round trip on every policy that compiles: idempotent, same digest.
digest() { "$SBXC" check --accept-wider --format json "$1" 2>/dev/null | sed -n 's/.*"digest": "\([^"]*\)".*/\1/p'; }
for f in $(cd ../.. && ls stdlib-policies/*.sbx examples/*.sbx tests/*/*.sbx tests/*/*/*.sbx 2>/dev/null); do
	src=../../$f
	case $f in tests/lang/reject/*|tests/lang/inc/cycle*) continue ;; esac
	d1=$(digest "$src")
	[ -n "$d1" ] || continue
	# Formatted next to the original, so relative `use` paths still resolve.
	fm=$(dirname "$src")/.fmt-test.$$.sbx
	"$SBXC" fmt "$src" >"$fm" 2>/dev/null || { fail "fmt-roundtrip $f" "fmt failed"; rm -f "$fm"; continue; }
	"$SBXC" fmt "$fm" >"$tmp/fmt2" 2>/dev/null
	d2=$(digest "$fm")
	if ! cmp -s "$fm" "$tmp/fmt2"; then fail "fmt-roundtrip $f" "not idempotent"
	elif [ "$d1" != "$d2" ]; then fail "fmt-roundtrip $f" "digest changed $d1 -> $d2"
	else pass "fmt-roundtrip $f"; fi
	rm -f "$fm"
done

bash ./cli.sh
