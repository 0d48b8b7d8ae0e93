#!/bin/bash
# scripts/demo.sh — install what is missing, build berth, load the built-in busybox image into a
# private store and run it: pid 1, its own hostname and root, an env var, and the exit code.
#
# Env: BUILD=build (build directory)  NO_DEPS=1 skips scripts/deps.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=${BUILD:-build}
if [ "${NO_DEPS:-0}" != 1 ]; then bash scripts/deps.sh; fi
BUILD=$build bash scripts/build.sh >/dev/null
berth=$PWD/$build/src/cmd/berth/berth

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-demo.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
b() { "$berth" --root "$work/store" --runroot "$work/run" "$@"; }

echo "\$ berth load -i $build/images/builtin"
b load -i "$build/images/builtin"
echo "\$ berth run --rm -e GREETING=hi localhost/berth-hello"
b run --rm -e GREETING=hi localhost/berth-hello
echo "\$ berth run --rm localhost/berth-hello sh -c 'ps; exit 3'"
status=0
b run --rm localhost/berth-hello sh -c 'ps; exit 3' </dev/null || status=$?
echo "exit code: $status"
