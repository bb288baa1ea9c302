#!/bin/sh
# scripts/install.sh [BUILD-DIR]: install what `ninja` built (`ninja install`
# runs this once the binaries are current).
#
#   PREFIX   where it goes, absolute (default /usr/local)
#   DESTDIR  prepended to every path, for staging and packages (default empty)
#
#   $PREFIX/bin/sbxc, $PREFIX/bin/sbx-exec
#   $PREFIX/share/man/man1/sbxc.1, sbx-exec.1
#   $PREFIX/share/doc/sbxc/          README.md, LICENSE, docs/*.md
#   $PREFIX/share/doc/sbxc/stdlib/   the standard library's fragments: sbxc
#                                    embeds them, these copies are to read
#   $PREFIX/share/sbxc/windows/sbx-launch.exe   when it was built: a Windows
#                                    program, data to this host, to copy over
#
# Prints each file it installs. Files are replaced atomically (install
# writes a new file and renames it), so a running sbxc is not disturbed.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
prefix=${PREFIX:-/usr/local}
dest=${DESTDIR:-}
case $prefix in
/*) ;;
*) echo "install.sh: PREFIX must be an absolute path, not '$prefix'" >&2; exit 64 ;;
esac
case $dest in
'' | /*) ;;
*) echo "install.sh: DESTDIR must be an absolute path, not '$dest'" >&2; exit 64 ;;
esac
for f in "$build/sbxc" "$build/sbx-exec"; do
	[ -x "$f" ] || { echo "install.sh: no $f: run ninja first" >&2; exit 1; }
done

root=$dest$prefix
put() { # mode directory file...
	mode=$1 dir=$2
	shift 2
	install -d -m 0755 "$root/$dir"
	for f in "$@"; do
		install -m "$mode" "$f" "$root/$dir/$(basename "$f")"
		echo "  $prefix/$dir/$(basename "$f")"
	done
}
echo "installing into $root"
put 0755 bin "$build/sbxc" "$build/sbx-exec"
put 0644 share/man/man1 docs/man/sbxc.1 docs/man/sbx-exec.1
put 0644 share/doc/sbxc README.md LICENSE docs/*.md
put 0644 share/doc/sbxc/stdlib stdlib-policies/*.sbx
if [ -f "$build/runtime/windows/sbx-launch.exe" ]; then
	put 0644 share/sbxc/windows "$build/runtime/windows/sbx-launch.exe"
fi
