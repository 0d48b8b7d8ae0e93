#!/usr/bin/env bats
# berth loads libcurl, libarchive and libcrypto only when a command needs them
# (src/image/dl-*.c): it starts, lists and runs containers without them, and a command that
# needs a missing one fails with one line naming it, leaving no image behind.
#
# A library is made unloadable by bind-mounting an empty file over it in a private mount
# namespace of the command alone, so the host never sees the change.

bats_require_minimum_version 1.5.0

load helpers
load engine-helpers

setup() {
	engine_setup
	: >"$TEST_DIR/empty"
}
teardown() { engine_teardown; }

# lib_file SONAME — the file the dynamic loader opens for SONAME
lib_file() {
	local path
	path=$(ldconfig -p | awk -v s="$1" '$1 == s && /x86-64/ { print $NF; exit }')
	[ -n "$path" ] || { echo "no $1 on this host" >&2; return 1; }
	readlink -f "$path"
}

# hide SONAME... -- CMD... — CMD with each named library replaced by an empty file
hide() {
	local mounts='' path
	while [ "$1" != -- ]; do
		path=$(lib_file "$1") || return 1
		mounts+="mount --bind '$TEST_DIR/empty' '$path' && "
		shift
	done
	shift
	timeout -k 5 "$B_TIMEOUT" unshare -m --propagation private sh -c "$mounts"'exec "$@"' sh "$@"
}

# without SONAME... -- BERTH-ARGS... — the engine CLI (private root and runroot), hidden libraries
without() {
	local libs=()
	while [ "$1" != -- ]; do
		libs+=("$1")
		shift
	done
	shift
	hide "${libs[@]}" -- "$BERTH" --root "$BROOT" --runroot "$BRUN" "$@"
}

ALL=(libcurl.so.4 libarchive.so.13 libcrypto.so.3)

@test "berth_starts_and_lists_images_without_curl_archive_crypto" {
	load_image bb
	run --separate-stderr without "${ALL[@]}" -- --version
	assert_success
	assert_contains "$output" "berth"
	run --separate-stderr without "${ALL[@]}" -- images
	assert_success
	assert_contains "$output" "localhost/bb"
}

@test "run_needs_none_of_curl_archive_crypto" {
	load_image bb
	run --separate-stderr without "${ALL[@]}" -- run --rm localhost/bb echo hello
	assert_success
	assert_eq "$output" "hello"
	assert_no_container
}

@test "the_check_is_real_a_binary_linking_a_hidden_library_cannot_start" {
	# curl(1) links libcurl.so.4: the dynamic loader refuses to start it (127)
	run -127 hide libcurl.so.4 -- curl --version
	assert_contains "$output" "libcurl.so.4"
}

@test "pull_without_libcurl_fails_with_one_line_naming_it" {
	run --separate-stderr without libcurl.so.4 -- pull 127.0.0.1:1/none/x:latest
	assert_failure
	assert_one_error_line '^berth: pull 127\.0\.0\.1:1/none/x:latest: load libcurl\.so\.4: .+'
	run --separate-stderr b images -q
	assert_success
	assert_eq "$output" ""
}

@test "load_without_libarchive_fails_with_one_line_and_leaves_no_image" {
	local img
	img=$(make_image gz --compress gzip)
	run --separate-stderr without libarchive.so.13 -- load -i "$img"
	assert_failure
	assert_one_error_line '^berth: load: .*load libarchive\.so\.13: .+'
	run --separate-stderr b images -q
	assert_success
	assert_eq "$output" ""
	# and with the library back the same load works
	run --separate-stderr b load -i "$img"
	assert_success
	run --separate-stderr b run --rm localhost/gz echo back
	assert_eq "$output" "back"
}

@test "load_and_save_without_libcrypto_fail_with_one_line" {
	load_image bb
	run --separate-stderr without libcrypto.so.3 -- load -i "$(make_image other)"
	assert_failure
	assert_one_error_line '^berth: load: load libcrypto\.so\.3: .+'
	run --separate-stderr without libcrypto.so.3 -- save -o "$TEST_DIR/bb.tar" localhost/bb
	assert_failure
	assert_one_error_line '^berth: save: .*load libcrypto\.so\.3: .+'
	run --separate-stderr b images -q
	assert_eq "$(echo "$output" | grep -c .)" 1 "images"
}
