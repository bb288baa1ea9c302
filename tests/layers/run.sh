#!/usr/bin/env bash
# tests/layers: the tree keeps its shape (layers.py says which rules), and
# the checker itself finds each kind of breach in a tree made to have one.
SUITE=layers; . "$(dirname "$0")/../lib.sh"
L=tests/layers/layers.py

if out=$(python3 $L "$ROOT" 2>&1); then pass tree
else fail tree "$(echo "$out" | oneline 1200)"; fi

# breach KIND EXPECTED-REGEX: $tmp/t is a tiny tree with one breach
breach() {
	local out
	out=$(python3 $L "$tmp/t" 2>&1)
	if [ $? = 1 ] && echo "$out" | grep -q -e "$2"; then pass "finds/$1"
	else fail "finds/$1" "checker said: $(echo "$out" | oneline)"; fi
	rm -rf "$tmp/t"
}
tree() { mkdir -p "$tmp/t/lib" "$tmp/t/ir" "$tmp/t/target" "$tmp/t/runtime"
	echo 'int x;' >"$tmp/t/ir/ir.h"; echo 'int y;' >"$tmp/t/lib/base.h"; }

tree; printf '#include "../ir/ir.h"\n' >"$tmp/t/lib/base.c"
breach upward-include 'lib/base.c:1: #include "../ir/ir.h": lib/ may not use ir/'
tree; printf '#include "base.h"\n#include "../target/x.h"\n' >"$tmp/t/runtime/r.c"; echo >"$tmp/t/target/x.h"
breach runtime-include 'runtime/r.c:1: #include "base.h": runtime/ may not use lib/'
tree; printf '#include "nowhere.h"\n' >"$tmp/t/ir/ir.c"
breach unresolved 'ir/ir.c:1: #include "nowhere.h" resolves to no file'
tree; seq 1001 | sed 's/.*/;/' >"$tmp/t/ir/big.c"
breach size 'ir/big.c: 1001 lines'
tree; printf 'build x: link y\n  ldflags = -Wl,--start-group\n' >"$tmp/t/targets.ninja"
breach start-group 'targets.ninja:2: --start-group'
tree; printf '#include "../lib/base.h"\n#include "../runtime/ll_abi.h"\n' >"$tmp/t/target/ok.c"; echo >"$tmp/t/runtime/ll_abi.h"
if out=$(python3 $L "$tmp/t" 2>&1); then pass allows/downward-and-abi; else fail allows/downward-and-abi "$(echo "$out" | oneline)"; fi
# The checker must not skip a tree because the path above it says "build".
mkdir -p "$tmp/build/t/lib"; printf 'build x: link y\n  ldflags = -Wl,--start-group\n' >"$tmp/build/t/targets.ninja"
if out=$(python3 $L "$tmp/build/t" 2>&1); then fail finds/under-build-dir "found nothing in $tmp/build/t"
elif echo "$out" | grep -q 'targets.ninja:2: --start-group'; then pass finds/under-build-dir
else fail finds/under-build-dir "$(echo "$out" | oneline)"; fi
# The fuzz targets list their sources by hand (ninja has no glob): every
# file of the layers fuzz_compile covers must be on its edge, or CI's fuzz
# step fails to link (it did when three target files were added).
edge=$(awk '/^build build\/fuzz\/fuzz_compile:/{p=1} p{print} p&&!/\$$/{exit}' build.ninja)
miss=""
for f in lib/*.c ir/*.c lang/*.c target/*.c driver/*.c; do
	case " $edge " in *" $f "*) ;; *) miss="$miss $f" ;; esac
done
[ -z "$miss" ] && pass fuzz-compile-sources || fail fuzz-compile-sources "not linked into build/fuzz/fuzz_compile:$miss"
