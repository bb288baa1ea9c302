#!/usr/bin/env bash
# A fresh machine to a compiled policy: install the dependencies, build,
# check the shipped example and compile it for every target into
# ./quickstart-out, then show the decision for one operation.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
ninja   # sbxc, sbx-exec and (with mingw) the Windows launcher
build/sbxc check examples/cargo-build-script.sbx
build/sbxc examples/cargo-build-script.sbx -t all -o quickstart-out
ls -l quickstart-out
build/sbxc explain examples/cargo-build-script.sbx read '~/.ssh/id_ed25519'
