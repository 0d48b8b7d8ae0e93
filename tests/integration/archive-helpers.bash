# archive-helpers.bash — berth load/save tests: a private store, test images, peers.
#
# Each test has $TEST_DIR (removed in teardown) with a private berth store $STORE; podman
# (when a test starts it with `pm`) keeps its storage under $TEST_DIR/pm with the vfs driver,
# and is reset in teardown. Test images (scripts/mkimage.sh) are built once per file under
# $BATS_FILE_TMPDIR/img.

if [ -z "${BERTH:-}" ]; then
	BERTH=$REPO_ROOT/${BUILD:-build-asan}/src/cmd/berth/berth
	[ -x "$BERTH" ] || BERTH=$REPO_ROOT/build/src/cmd/berth/berth
fi
export BERTH

archive_setup() {
	[ -x "$BERTH" ] || { echo "BERTH=$BERTH is not an executable" >&2; return 1; }
	TEST_DIR=$(mktemp -d "${BERTH_TEST_TMPDIR:-/tmp}/berth-arch.XXXXXX")
	STORE=$TEST_DIR/store
	IMG=$BATS_FILE_TMPDIR/img
	PM_USED=0
}

archive_teardown() {
	[ -n "${TEST_DIR:-}" ] || return 0
	if [ "$PM_USED" = 1 ]; then
		pm system reset -f >/dev/null 2>&1 || true
	fi
	rm -rf --one-file-system "$TEST_DIR"
}

# b ARGS... — berth on the private store
b() {
	timeout -k 5 120 "$BERTH" --root "$STORE" "$@"
}

# pm ARGS... — podman on private storage (vfs: no overlay mounts to leak)
pm() {
	PM_USED=1
	mkdir -p "$TEST_DIR/pm/tmp"
	timeout -k 5 120 podman --root "$TEST_DIR/pm/root" --runroot "$TEST_DIR/pm/run" \
		--tmpdir "$TEST_DIR/pm/tmp" --storage-driver vfs --cgroup-manager cgroupfs \
		--events-backend file "$@"
}

# mkimg NAME ARGS... — $IMG/NAME: an OCI layout from scripts/mkimage.sh, built once per file
mkimg() {
	local d=$IMG/$1
	shift
	if [ ! -f "$d/index.json" ]; then
		mkdir -p "$IMG"
		bash "$REPO_ROOT/scripts/mkimage.sh" "$d.new" "$@" >/dev/null || return 1
		mv "$d.new" "$d"
	fi
	echo "$d"
}

# layout_diff_ids LAYOUT [N] — the diff_ids of the Nth (default first) image of an OCI layout
layout_config() {
	local l=$1 n=${2:-0} m
	m=$(jq -r ".manifests[$n].digest" "$l/index.json" | cut -d: -f2)
	jq -r .config.digest "$l/blobs/sha256/$m" | cut -d: -f2 | sed "s|^|$l/blobs/sha256/|"
}
layout_diff_ids() { jq -r '.rootfs.diff_ids[]' "$(layout_config "$@")"; }
layout_image_id() { sha256sum "$(layout_config "$@")" | sed 's/^/sha256:/; s/ .*//'; }
layout_manifest() { jq -r ".manifests[${2:-0}].digest" "$1/index.json"; }

# has_image NAME — the store resolves NAME (berth save looks it up first)
has_image() {
	b save "$1" >/dev/null 2>&1
}

# names_in_store — every name the store holds, sorted (its sqlite index, when sqlite3 exists)
names_in_store() {
	sqlite3 "$STORE/images.db" 'SELECT name FROM names ORDER BY name' 2>/dev/null
}

# assert_layers_unpacked LAYOUT [N] — every layer of the image is a directory of the store
assert_layers_unpacked() {
	local d
	for d in $(layout_diff_ids "$@"); do
		[ -d "$STORE/layers/${d#sha256:}" ] || fail "layer $d not unpacked"
	done
}

# assert_store_empty — no blob, no layer, no image, no temporary file left
assert_store_empty() {
	local left
	left=$(find "$STORE/blobs" "$STORE/layers" "$STORE/tmp" -mindepth 1 -maxdepth 2 \
		! -name sha256 2>/dev/null)
	[ -z "$left" ] || { fail "left in the store: $left"; return; }
	if [ -f "$STORE/images.db" ] && command -v sqlite3 >/dev/null; then
		left=$(sqlite3 "$STORE/images.db" 'SELECT count(*) FROM images')
		[ "$left" = 0 ] || fail "$left images recorded"
	fi
}

# run_b ARGS... — bats `run` of berth with stdout and stderr apart
run_b() {
	run --separate-stderr b "$@"
}
