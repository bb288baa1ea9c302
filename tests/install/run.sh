#!/usr/bin/env bash
# tests/install: `ninja` with no target and `ninja install`.
#
#   script/*     scripts/install.sh with this variant's binaries, into a
#                DESTDIR: every file where README says, with its mode, and
#                nothing else; the installed sbxc compiles a policy; PREFIX
#                defaults to /usr/local; a relative PREFIX or DESTDIR is
#                refused before anything is written; a second install
#                gives the same tree.
#   default/*    (release pass only: it builds a copy of the tree from
#                scratch) `ninja` builds sbxc, sbx-exec and, when the mingw
#                cross compiler is on PATH, sbx-launch.exe, and nothing
#                else; without the cross compiler on PATH it says so and
#                builds the rest; `ninja install` installs what it built.
# Reads $SBXC, $BUILD, $ROOT; prints PASS/FAIL/SKIP lines.
SUITE=install; . "$(dirname "$0")/../lib.sh"
lib_build "$BUILD/sbxc" "$BUILD/sbx-exec"

ok_if() { if (eval "$2"); then pass "$1"; else fail "$1" "${3:-condition false: $2}"; fi; }
MINGW=x86_64-w64-mingw32-gcc

# The files an install must hold, relative to PREFIX, for a build dir.
expected() {
	printf '%s\n' bin/sbxc bin/sbx-exec share/man/man1/sbxc.1 share/man/man1/sbx-exec.1 \
		share/doc/sbxc/README.md share/doc/sbxc/LICENSE
	for f in "$2"/docs/*.md; do echo "share/doc/sbxc/$(basename "$f")"; done
	for f in "$2"/stdlib-policies/*.sbx; do echo "share/doc/sbxc/stdlib/$(basename "$f")"; done
	[ -f "$1/runtime/windows/sbx-launch.exe" ] && echo share/sbxc/windows/sbx-launch.exe
	true
}
tree() { (cd "$1" && find . -type f -printf '%P %m\n' | sort); }
modes_ok() { # root
	tree "$1" | while read -r f m; do
		case $f in bin/*) [ "$m" = 755 ] ;; *) [ "$m" = 644 ] ;; esac || { echo "# $f mode $m" >&2; return 1; }
	done
}

# ---------------------------------------------------------------- script
d=$tmp/d1
expect_rc script/runs 0 env DESTDIR="$d" PREFIX=/opt/sbx sh scripts/install.sh "$BUILD"
ok_if script/only-under-prefix '[ "$(ls -A "$d")" = opt ] && [ "$(ls -A "$d/opt")" = sbx ]'
expected "$BUILD" "$ROOT" | sort >"$tmp/want"
tree "$d/opt/sbx" | cut -d' ' -f1 >"$tmp/got"
ok_if script/files 'cmp -s "$tmp/want" "$tmp/got"' "$(diff "$tmp/want" "$tmp/got" | oneline)"
ok_if script/modes 'modes_ok "$d/opt/sbx"'
ok_if script/binaries-are-the-build 'cmp -s "$BUILD/sbxc" "$d/opt/sbx/bin/sbxc" && cmp -s "$BUILD/sbx-exec" "$d/opt/sbx/bin/sbx-exec"'
ok_if script/stdlib-docs 'cmp -s stdlib-policies/base.sbx "$d/opt/sbx/share/doc/sbxc/stdlib/base.sbx"'
has script/lists-files "$tmp/out" '^  /opt/sbx/bin/sbxc$'
# The installed compiler works on its own (the standard library is embedded).
printf 'sbx 1\npolicy inst\nuse std/base\nallow read /usr\n' >"$tmp/p.sbx"
expect_rc script/installed-sbxc-compiles 0 "$d/opt/sbx/bin/sbxc" "$tmp/p.sbx" -t all -o "$tmp/pout" --no-cache
expect_rc script/installed-sbx-exec 0 "$d/opt/sbx/bin/sbx-exec" --help
if command -v man >/dev/null; then
	ok_if script/man-page 'MANPATH="$d/opt/sbx/share/man" man -P cat sbxc 2>/dev/null | grep -q sbxc'
else
	skip script/man-page "no man (scripts/packages-examples.txt installs man-db)"
fi
# Twice: the same tree, the same bytes.
tree "$d" >"$tmp/t1" && md5sum $(find "$d" -type f | sort) >"$tmp/s1"
expect_rc script/again 0 env DESTDIR="$d" PREFIX=/opt/sbx sh scripts/install.sh "$BUILD"
tree "$d" >"$tmp/t2" && md5sum $(find "$d" -type f | sort) >"$tmp/s2"
ok_if script/again-same 'cmp -s "$tmp/t1" "$tmp/t2" && cmp -s "$tmp/s1" "$tmp/s2"'
# PREFIX defaults to /usr/local.
expect_rc script/default-prefix 0 env -u PREFIX DESTDIR="$tmp/d2" sh scripts/install.sh "$BUILD"
ok_if script/default-prefix-used '[ -x "$tmp/d2/usr/local/bin/sbxc" ] && [ "$(ls -A "$tmp/d2")" = usr ]'
# Relative paths are refused, and nothing is written.
expect_rc script/relative-prefix 64 env DESTDIR="$tmp/d3" PREFIX=opt sh scripts/install.sh "$BUILD"
expect_rc script/relative-destdir 64 env DESTDIR=d4 PREFIX=/opt sh scripts/install.sh "$BUILD"
ok_if script/refused-writes-nothing '[ ! -e "$tmp/d3" ] && [ ! -e d4 ]'
expect_rc script/no-build 1 env DESTDIR="$tmp/d5" sh scripts/install.sh "$tmp/nobuild"
ok_if script/no-build-writes-nothing '[ ! -e "$tmp/d5" ]'

# ---------------------------------------------------------------- default
if [ "$BUILD" != build ]; then
	# The same tree and build files as the release pass: built there.
	exit 0
fi
src=$tmp/src
mkdir -p "$src"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src" 2>/dev/null)
else
	(cd "$ROOT" && tar --exclude=./build -cf - .) | tar -xf - -C "$src"
fi
rm -rf "$src/build"
exe=$src/build/runtime/windows/sbx-launch.exe
expect_rc default/builds 0 ninja -C "$src"
ok_if default/sbxc '[ -x "$src/build/sbxc" ] && [ -x "$src/build/sbx-exec" ]'
if command -v "$MINGW" >/dev/null; then
	ok_if default/launcher '[ -f "$exe" ]'
else
	skip default/launcher "no $MINGW (scripts/packages-appcontainer.txt installs gcc-mingw-w64-x86-64)"
fi
ok_if default/nothing-else '[ ! -e "$src/build/asan" ] && [ ! -e "$src/build/tests" ] && [ ! -e "$src/build/fuzz" ]'
expect_rc default/up-to-date 0 ninja -C "$src"
has default/no-work "$tmp/out" "no work to do"
# Without the cross compiler on PATH: a note, the rest built, still current after.
mkdir -p "$tmp/bin"
IFS=: read -ra dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
	for f in "$dir"/*; do
		n=$(basename "$f")
		case $n in x86_64-w64-mingw32-*) continue ;; esac
		[ -e "$tmp/bin/$n" ] || ln -s "$f" "$tmp/bin/$n" 2>/dev/null
	done
done
rm -f "$src/build/windows-launcher.dd" "$exe"
expect_rc default/no-mingw 0 env PATH="$tmp/bin" ninja -C "$src"
has default/no-mingw-note "$tmp/out" "note: no $MINGW on PATH, so build/runtime/windows/sbx-launch.exe is not built"
ok_if default/no-mingw-no-launcher '[ ! -e "$exe" ] && [ -x "$src/build/sbxc" ]'
expect_rc default/no-mingw-up-to-date 0 env PATH="$tmp/bin" ninja -C "$src"
has default/no-mingw-no-work "$tmp/out" "no work to do"
# Looking again once it is there.
rm -f "$src/build/windows-launcher.dd"
expect_rc default/look-again 0 ninja -C "$src"
if command -v "$MINGW" >/dev/null; then
	ok_if default/look-again-launcher '[ -f "$exe" ]'
else
	skip default/look-again-launcher "no $MINGW"
fi
# ninja install: what ninja built, into DESTDIR under PREFIX.
expect_rc default/install 0 env DESTDIR="$tmp/d6" PREFIX=/usr ninja -C "$src" install
has default/install-said "$tmp/out" "installing into $tmp/d6/usr"
expected "$src/build" "$src" | sort >"$tmp/want"
tree "$tmp/d6/usr" | cut -d' ' -f1 >"$tmp/got"
ok_if default/install-files 'cmp -s "$tmp/want" "$tmp/got"' "$(diff "$tmp/want" "$tmp/got" | oneline)"
ok_if default/install-modes 'modes_ok "$tmp/d6/usr"'
