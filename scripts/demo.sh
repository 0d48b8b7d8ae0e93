#!/bin/bash
# scripts/demo.sh — install what is missing, build berth, and run one busybox container that
# shows it is isolated: pid 1, its own hostname, its own process list, uid map, mounts and
# root directory.
#
# Env: BUILD=build (build directory)  RUNTIME=path (default: $BUILD/src/cmd/berth-runtime/berth-runtime;
#      RUNTIME=/usr/sbin/runc shows the same demo with runc)  NO_DEPS=1 skips scripts/deps.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=${BUILD:-build}
if [ "${NO_DEPS:-0}" != 1 ]; then bash scripts/deps.sh; fi
if [ -z "${RUNTIME:-}" ]; then
	BUILD=$build bash scripts/build.sh
	RUNTIME=$PWD/$build/src/cmd/berth-runtime/berth-runtime
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-demo.XXXXXX")
chmod 0755 "$work"
id=demo-$$
cleanup() {
	"$RUNTIME" --root "$work/state" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

bash scripts/mkbundle.sh "$work/bundle" '["sh", "/demo.sh"]' >/dev/null
cat >"$work/bundle/rootfs/demo.sh" <<'SCRIPT'
echo "pid: $$"
echo "hostname: $(hostname)"
echo "--- ps"; ps
echo "--- /proc/self/uid_map"; cat /proc/self/uid_map
echo "--- head -5 /proc/self/mountinfo"; head -5 /proc/self/mountinfo
echo "--- ls /"; ls /
SCRIPT

echo "\$ $RUNTIME --root $work/state run --bundle $work/bundle $id"
"$RUNTIME" --root "$work/state" run --bundle "$work/bundle" "$id" </dev/null
