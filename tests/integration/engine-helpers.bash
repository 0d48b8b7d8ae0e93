# engine-helpers.bash — setup and teardown for the engine's tests (berth run).
#
# Each test gets $TEST_DIR with a private store ($BROOT, global --root) and runtime state
# ($BRUN, global --runroot). Images are OCI layouts built once per file by scripts/mkimage.sh
# and loaded with `berth load`. teardown force-deletes every container the runtime knows
# under $BRUN, kills helpers, lazily unmounts whatever is left under $TEST_DIR and removes it.

bats_require_minimum_version 1.5.0

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
if [ -z "${BERTH:-}" ]; then
	BERTH=$REPO_ROOT/${BUILD:-build-asan}/src/cmd/berth/berth
	[ -x "$BERTH" ] || BERTH=$REPO_ROOT/build/src/cmd/berth/berth
fi
if [ -z "${RUNTIME:-}" ]; then
	RUNTIME=$REPO_ROOT/${BUILD:-build-asan}/src/cmd/berth-runtime/berth-runtime
	[ -x "$RUNTIME" ] || RUNTIME=$REPO_ROOT/build/src/cmd/berth-runtime/berth-runtime
fi
export BERTH RUNTIME
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

fail() {
	echo "FAIL: $*" >&2
	return 1
}

show_run() {
	{
		echo "status: $status"
		echo "stdout: ${output:-}"
		echo "stderr: ${stderr:-}"
	} >&2
}

assert_status() {
	[ "$status" -eq "$1" ] || { show_run; fail "expected exit status $1, got $status"; }
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}

assert_contains() {
	case "$1" in
	*"$2"*) return 0 ;;
	esac
	fail "${3:-text} does not contain '$2': $1"
}

# assert_one_error_line REGEX — stderr is exactly one line matching REGEX
assert_one_error_line() {
	local n
	n=$(printf '%s' "$stderr" | grep -c '')
	[ "$n" -eq 1 ] || { show_run; fail "stderr has $n lines, expected exactly 1"; return; }
	grep -qiE -- "$1" <<<"$stderr" || { show_run; fail "stderr does not name the problem (/$1/)"; }
}

# wait_file PATH [SECONDS]
wait_file() {
	local f=$1 secs=${2:-20} i
	for ((i = 0; i < secs * 20; i++)); do
		[ -e "$f" ] && return 0
		sleep 0.05
	done
	fail "wait_file: $f missing after ${secs}s"
}
