#!/usr/bin/env bash
# bench/seccomp.sh [POLICY.sbx]: build and run the seccomp benchmark (release build).
set -eu
cd "$(dirname "$0")/.."
ninja build/bench/seccomp_bench >/dev/null
exec build/bench/seccomp_bench "$@"
