# engine-helpers.bash — setup and teardown for the engine's tests (berth run), on top of
# helpers.bash (load it first: its assertions are used, its setup/teardown replaced).
#
# Each test gets $TEST_DIR with a private store ($BROOT, global --root) and runtime state
# ($BRUN, global --runroot). Images are OCI layouts built once per file by scripts/mkimage.sh
# and loaded with `berth load`. teardown force-deletes every container the runtime knows
# under $BRUN, kills helpers, lazily unmounts whatever is left under $TEST_DIR and removes it.

if [ -z "${BERTH:-}" ]; then
	BERTH=$REPO_ROOT/${BUILD:-build-asan}/src/cmd/berth/berth
	[ -x "$BERTH" ] || BERTH=$REPO_ROOT/build/src/cmd/berth/berth
fi
export BERTH
B_TIMEOUT=${B_TIMEOUT:-60}

engine_setup() {
	[ -x "$BERTH" ] || { echo "BERTH=$BERTH is not an executable (build first)" >&2; return 1; }
	TEST_DIR=$(mktemp -d "${BERTH_TEST_TMPDIR:-/tmp}/berth-engine.XXXXXX")
	chmod 0755 "$TEST_DIR"
	BROOT=$TEST_DIR/root
	BRUN=$TEST_DIR/run
	HELD_PIDS=()
}

engine_teardown() {
	local id pid m
	[ -n "${TEST_DIR:-}" ] || return 0
	for pid in "${HELD_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ -d "$BRUN/runtime" ]; then
		for id in $(find "$BRUN/runtime" -mindepth 1 -maxdepth 1 -type d -printf '%f\n'); do
			timeout -k 5 30 "$RUNTIME" --root "$BRUN/runtime" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	for m in $(mounts_under "$TEST_DIR" | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system "$TEST_DIR"
}

# make_image NAME [mkimage.sh OPTIONS...] — an OCI layout in $BATS_FILE_TMPDIR/NAME (made once
# per file) tagged localhost/NAME:latest; prints its path
make_image() {
	local name=$1 dir=$BATS_FILE_TMPDIR/img-$1
	shift
	[ -f "$dir/index.json" ] || bash "$REPO_ROOT/scripts/mkimage.sh" "$dir" \
		--tag "localhost/$name:latest" "$@" >/dev/null
	echo "$dir"
}

# load_image NAME [mkimage.sh OPTIONS...] — make_image, then `berth load` it into $BROOT
load_image() {
	local dir
	dir=$(make_image "$@") || return 1
	b load -i "$dir" >/dev/null
}

# b ARGS... — the engine CLI with the private root and runroot
b() {
	timeout -k 5 "$B_TIMEOUT" "$BERTH" --root "$BROOT" --runroot "$BRUN" "$@"
}

mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# container_ids — ids of the containers under $BROOT
container_ids() {
	[ -d "$BROOT/containers" ] || return 0
	find "$BROOT/containers" -mindepth 1 -maxdepth 1 -type d ! -name names -printf '%f\n'
}

# assert_no_container — no container dir, no name, no mount, no runtime state
assert_no_container() {
	local left
	left=$(container_ids)
	[ -z "$left" ] || { fail "container dirs left: $left"; return; }
	left=$(find "$BROOT/containers/names" -mindepth 1 2>/dev/null || true)
	[ -z "$left" ] || { fail "names left: $left"; return; }
	left=$(mounts_under "$TEST_DIR")
	[ -z "$left" ] || { fail "mounts left: $left"; return; }
	left=$(find "$BRUN/runtime" -mindepth 1 -maxdepth 1 2>/dev/null || true)
	[ -z "$left" ] || { fail "runtime state left: $left"; return; }
}

# wait_exists PATH [SECONDS] — poll until PATH exists (it may be empty)
wait_exists() {
	local f=$1 secs=${2:-20} i
	for ((i = 0; i < secs * 20; i++)); do
		[ -e "$f" ] && return 0
		sleep 0.05
	done
	fail "wait_exists: $f missing after ${secs}s"
}
