#!/usr/bin/env bash
# tests/differential/run.sh: `sbxc explain` against the real kernel.
#
#  random/SEED  diff.py: random policies (nested allow and deny rules of
#               read and write on literal paths, ${HOME} and ${PROJECT},
#               with `*`, `**`, `*.key` and `**/.env` globs), params placed
#               nested either way, equal or disjoint (values holding `*`,
#               `?` and `[`), every file read and appended to and a file
#               created in every directory after the sandbox started, under
#               `sbxc run`, under sbx-exec with the values baked (-D) and
#               with them given at apply time (--param). Zero wider, zero
#               unexplained stricter answers, explain agreeing with the
#               check (stricter answers that carving is known to cost are
#               counted: README "What's missing"). DIFF_POLICIES (default
#               25 per seed, two seeds: some 15,000 cases) scales it;
#               bench/differential.sh runs it longer.
#  nesting/*    tests/differential/nesting.sbx with HOME and PROJECT
#               nested either way, equal and disjoint (LANGUAGE.md 4):
#               each probe's kernel answer under `sbxc run` equals explain's.
#  detects/*    the test can fail: a kernel answer flipped on purpose is
#               reported as wider.
#
# Needs Landlock (the kernel decides); under CI=true nothing skips.
SUITE=differential; . "$(dirname "$0")/../lib.sh"
HERE=$ROOT/tests/differential
lib_build "$BUILD/sbxc" "$BUILD/sbx-exec"
EXEC=$ROOT/$BUILD/sbx-exec
export XDG_CACHE_HOME=$tmp/cache

if ! "$EXEC" --dry-run --no-seccomp "$ROOT/tests/landlock/minimal.landlock" >/dev/null 2>&1; then
	skip all "this kernel has no usable Landlock"
	exit 0
fi

# ---- random policies ----
for seed in 11 12; do
	if out=$(python3 "$HERE/diff.py" --sbxc "$SBXC" --exec "$EXEC" --dir "$tmp/r$seed" --seed $seed \
		--policies "${DIFF_POLICIES:-25}" 2>&1); then
		pass "random/$seed ($(echo "$out" | tail -1))"
	else
		fail "random/$seed" "$(echo "$out" | grep -v '^stricter-known' | head -8 | tr '\n' '|')"
	fi
done

# ---- the test can fail ----
# A fake sbx-exec that answers "allowed" to everything: wider, reported.
cat >"$tmp/liar" <<'EOF'
#!/bin/sh
while read -r line; do case $line in r\ *|w\ *) echo 1 ;; esac; done
EOF
chmod +x "$tmp/liar"
if out=$(python3 "$HERE/diff.py" --sbxc "$SBXC" --exec "$tmp/liar" --dir "$tmp/liar.d" --seed 3 --policies 2 \
	--modes baked 2>&1); then
	fail detects/wider "a runtime allowing everything went unnoticed: $(echo "$out" | tail -1)"
elif echo "$out" | grep -q '^WIDER'; then
	pass detects/wider
else
	fail detects/wider "$(echo "$out" | head -3 | tr '\n' '|')"
fi

# ---- LANGUAGE.md 4: params are resolved before specificity, on the kernel ----
fs=$tmp/nest
nest=$HERE/nesting.sbx
for c in "beneath u u/src/p" "home-beneath w/p/home w/p" "equal u u" "disjoint u w/p"; do
	set -- $c
	rm -rf "$fs"
	h=$fs/$2 p=$fs/$3
	mkdir -p "$h/pub" "$h/.ssh" "$p/secret"
	for f in "$h/x" "$p/x" "$h/pub/x" "$p/secret/x" "$h/a.key" "$p/a.key" "$h/.ssh/x"; do echo x >"$f"; done
	bad= n=0 stricter=0
	for op in "read $p/x" "read $h/x" "read $p/secret/x" "read $h/pub/x" "write $p/x" "write $h/x" \
		"write $h/a.key" "write $p/a.key" "write $h/.ssh/x" "write $p/new" "write $h/.ssh/new"; do
		set -- $op
		want=$("$SBXC" explain -D "HOME=$h" -D "PROJECT=$p" "$nest" "$1" "$2" 2>&1 | head -1 | cut -d: -f1)
		# shell builtins: the policy allows no fork
		if [ "$1" = read ]; then cmd='true <"$1"'; else cmd='echo y >>"$1"'; fi
		if "$SBXC" run -D "HOME=$h" -D "PROJECT=$p" "$nest" -- /bin/sh -c "$cmd" sh "$2" 2>/dev/null; then
			got=allow
		else got=deny; fi
		n=$((n + 1))
		# Known carving: with HOME at or beneath PROJECT, PROJECT's directory
		# is on the way to the carved ${HOME}/.ssh and loses creating entries.
		if [ "$want/$got" = allow/deny ] && [ "$2" = "$p/new" ] && case $c in home-beneath*|equal*) true ;; *) false ;; esac; then
			stricter=$((stricter + 1))
			continue
		fi
		[ "$want" = "$got" ] || bad="$bad $op: explain $want, kernel $got;"
	done
	if [ -z "$bad" ]; then pass "nesting/${c%% *} ($n probes, $stricter stricter by carving)"; else fail "nesting/${c%% *}" "$bad"; fi
done
exit 0
