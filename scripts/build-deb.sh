#!/bin/sh
# scripts/build-deb.sh [OUT-DIR]: build a Debian package of sbxc from the
# release build: `ninja`, then `ninja install` (scripts/install.sh) with
# PREFIX=/usr into a staging DESTDIR, plus the shell completions (made by
# `sbxc completions`) and the vim files, then dpkg-deb with a control file
# whose Depends are the packages that own the shared libraries sbxc links
# (dpkg -S on what ldd names). Writes OUT-DIR/sbxc_VERSION_ARCH.deb
# (default: build/) and prints its path.
#
#   sudo dpkg -i build/sbxc_*.deb     # install; dpkg -r sbxc removes it
set -eu
cd "$(dirname "$0")/.."
out=${1:-build}
ninja >/dev/null
version=$(build/sbxc --version | awk '{ print $2 }')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d "${TMPDIR:-/tmp}/sbxc-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/root
DESTDIR=$root PREFIX=/usr sh scripts/install.sh build >/dev/null
install -d -m 0755 "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
	"$root/usr/share/vim/vimfiles/syntax" "$root/usr/share/vim/vimfiles/ftdetect"
build/sbxc completions bash >"$root/usr/share/bash-completion/completions/sbxc"
build/sbxc completions zsh >"$root/usr/share/zsh/vendor-completions/_sbxc"
install -m 0644 editors/vim/syntax/sbx.vim "$root/usr/share/vim/vimfiles/syntax/sbx.vim"
install -m 0644 editors/vim/ftdetect/sbx.vim "$root/usr/share/vim/vimfiles/ftdetect/sbx.vim"
install -d -m 0755 "$root/usr/share/sbxc/editors"
install -m 0644 editors/textmate/sbx.tmLanguage.json "$root/usr/share/sbxc/editors/sbx.tmLanguage.json"
chmod 0644 "$root/usr/share/bash-completion/completions/sbxc" "$root/usr/share/zsh/vendor-completions/_sbxc"
install -m 0644 LICENSE "$root/usr/share/doc/sbxc/copyright"

# Depends: the package owning each shared library (sbx-exec is static).
deps=$(ldd build/sbxc | awk '/=> \// { print $3 }' | while read -r lib; do
	real=$(readlink -f "$lib")
	dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null || true
done | sed 's/:.*//; s/, .*//' | sort -u | tr '\n' ',' | sed 's/,$//; s/,/, /g')
[ -n "$deps" ] || { echo "build-deb.sh: could not find the packages of sbxc's libraries" >&2; exit 1; }

install -d -m 0755 "$root/DEBIAN"
size=$(du -sk "$root/usr" | awk '{ print $1 }')
cat >"$root/DEBIAN/control" <<CONTROL
Package: sbxc
Version: $version
Architecture: $arch
Maintainer: sbxc developers <sbxc@localhost>
Installed-Size: $size
Depends: $deps
Section: admin
Priority: optional
Description: sandbox policy compiler: one policy, every OS's own enforcement
 sbxc compiles a policy written in the sbx language into a Seatbelt profile
 (macOS), Landlock rules and seccomp filters (Linux, applied by sbx-exec or
 sbxc run) and AppContainer manifests (Windows), and reports how faithfully
 each target enforces every rule. sbxc learn proposes a policy from what a
 command does.
CONTROL
(cd "$root" && find usr -type f -exec md5sum {} + | sort -k2) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
mkdir -p "$out"
deb=$out/sbxc_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
