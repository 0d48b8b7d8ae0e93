#!/bin/bash
# scripts/build.sh [--asan] [--clang] [--fuzz] [MESON-OPTION...] — configure (once) and build.
#
#   BUILD=dir      build directory (default: build)
#   --asan         -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true
#                  (tests/run uses BUILD=build-asan scripts/build.sh --asan)
#   --clang        compile with clang (only when the build directory is first set up)
#   --fuzz         libFuzzer targets: implies --clang and -Dfuzz=true
#   -Dopt=value    passed to meson as is
# An existing build directory is reconfigured with the given options and rebuilt by ninja.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=${BUILD:-build}
opts=()
cc=
for a in "$@"; do
	case $a in
	--asan) opts+=(-Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true) ;;
	--clang) cc=clang ;;
	--fuzz) cc=clang; opts+=(-Dfuzz=true) ;;
	-D*) opts+=("$a") ;;
	-h | --help) sed -n '2,/^set -e/{/^set -e/d; s/^# \{0,1\}//; p}' "$0"; exit 0 ;;
	*) echo "build.sh: unknown argument $a" >&2; exit 2 ;;
	esac
done

if [ ! -f "$build/build.ninja" ]; then
	if [ -n "$cc" ]; then export CC=$cc; fi
	meson setup "$build" "${opts[@]}"
else
	if [ -n "$cc" ] && ! meson introspect --compilers "$build" 2>/dev/null \
		| jq -e --arg cc "$cc" '.host.c.exelist[0] | test($cc)' >/dev/null; then
		echo "build.sh: $build was set up with another compiler; remove it to switch to $cc" >&2
		exit 1
	fi
	if [ ${#opts[@]} -gt 0 ]; then meson configure "$build" "${opts[@]}"; fi
fi
ninja -C "$build"
