#!/usr/bin/env bash
# Install every build and test dependency from Debian's packages (Debian 12).
# Idempotent and quick when everything is present: apt-get runs only when a
# package is missing. Package lists: scripts/packages*.txt, one name a line.
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t pkgs < <(cat packages*.txt | sed 's/#.*//' | awk 'NF { print $1 }' | sort -u)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Commands a test runs that this machine may have from elsewhere (Node.js
# from its vendor brings its own npm, and Debian's npm package would
# conflict with it): the Debian package only when the command is absent.
# tests/proxy and tests/supervisor run npm against a loopback registry.
for c in npm:npm git:git; do
	command -v "${c%%:*}" >/dev/null 2>&1 || missing+=("${c#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}" >&2
	SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
