#!/usr/bin/env bats
# berth images / tag / rmi / inspect / image prune over a private store, seeded through the
# store's internal API by tests/unit/seed-store (until `berth load` exists).

load helpers

setup() {
	if [ -z "${BERTH:-}" ]; then
		BERTH=$REPO_ROOT/${BUILD:-build-asan}/src/cmd/berth/berth
	fi
	SEED=$(dirname "$BERTH")/../../../tests/unit/seed-store
	[ -x "$BERTH" ] && [ -x "$SEED" ] || { echo "build first: $BERTH, $SEED" >&2; return 1; }
	TEST_DIR=$(mktemp -d "${BERTH_TEST_TMPDIR:-/tmp}/berth-img.XXXXXX")
	STORE=$TEST_DIR/store
}

teardown() {
	[ -n "${TEST_DIR:-}" ] && rm -rf --one-file-system "$TEST_DIR"
}

b() { "$BERTH" --root "$STORE" "$@"; }
seed() { "$SEED" "$STORE" "$@"; }

@test "images lists every name of an image, dangling ones as <none>, -q one id per image" {
	local id1 id2
	id1=$(seed busybox base a1)
	id2=$(seed - base b1)
	run --separate-stderr b tag busybox quay.io/me/bb:v2
	assert_success
	run --separate-stderr b images
	assert_success
	assert_match "$output" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE' "header"
	assert_match "$output" "docker.io/library/busybox +latest +${id1:7:12} " "busybox row"
	assert_match "$output" "quay.io/me/bb +v2 +${id1:7:12} " "tag row"
	assert_match "$output" "<none> +<none> +${id2:7:12} " "dangling row"
	run --separate-stderr b images -q
	assert_success
	assert_eq "$(sort <<<"$output")" "$(printf '%s\n%s\n' "${id1:7:12}" "${id2:7:12}" | sort)" "images -q"
	run --separate-stderr b images -q --no-trunc
	assert_contains "$output" "$id1"
}

@test "images --format json: Id, Names, Digest, Size, Created, Layers" {
	local id
	id=$(seed localhost:5000/app:1 l1 l2 l3)
	run --separate-stderr b images --format json
	assert_success
	assert_eq "$(jq -r '.[0].Id' <<<"$output")" "$id" "Id"
	assert_eq "$(jq -r '.[0].Names[0]' <<<"$output")" "localhost:5000/app:1" "Names"
	assert_eq "$(jq -r '.[0].Layers' <<<"$output")" 3 "Layers"
	assert_match "$(jq -r '.[0].Digest' <<<"$output")" '^sha256:[0-9a-f]{64}$' "Digest"
	assert_match "$(jq -r '.[0].Size' <<<"$output")" '^[1-9][0-9]*$' "Size"
	assert_match "$(jq -r '.[0].Created' <<<"$output")" '^[1-9][0-9]*$' "Created"
	run --separate-stderr b images --format yaml
	assert_failure
	assert_one_error_line 'unknown format'
}

@test "inspect prints podman-shaped JSON and fails on a missing image" {
	local id
	id=$(seed busybox base a1)
	run --separate-stderr b inspect busybox
	assert_success
	assert_eq "$(jq -r '.[0].Id' <<<"$output")" "$id" "Id"
	assert_eq "$(jq -r '.[0].RepoTags[0]' <<<"$output")" "docker.io/library/busybox:latest" "RepoTags"
	assert_match "$(jq -r '.[0].RepoDigests[0]' <<<"$output")" '^docker.io/library/busybox@sha256:[0-9a-f]{64}$' "RepoDigests"
	assert_eq "$(jq -r '.[0].Os + "/" + .[0].Architecture' <<<"$output")" "linux/amd64" "platform"
	assert_eq "$(jq -r '.[0].Config.Cmd[0]' <<<"$output")" "sh" "Config"
	assert_eq "$(jq -r '.[0].RootFS.Layers | length' <<<"$output")" 2 "RootFS"
	assert_eq "$(jq -r '.[0].Created' <<<"$output")" "2026-01-02T03:04:05Z" "Created"
	[ -d "$(jq -r '.[0].Layers[1]' <<<"$output")" ] || fail "Layers[1] is not a directory"
	# by short id, too
	run --separate-stderr b inspect "${id:7:6}"
	assert_success
	assert_eq "$(jq -r '.[0].Id' <<<"$output")" "$id" "by short id"
	run --separate-stderr b inspect busybox nosuch
	assert_status 1
	assert_eq "$(jq -r 'length' <<<"$output")" 1 "found images still printed"
	assert_one_error_line '^berth: no such image: nosuch$'
}

@test "rmi untags, then deletes with the last name; blobs and layers go with it" {
	local id shared
	id=$(seed busybox base a1)
	seed other base >/dev/null
	b tag busybox mine:1
	run --separate-stderr b rmi busybox
	assert_success
	assert_output "Untagged: docker.io/library/busybox:latest"
	run --separate-stderr b rmi mine:1
	assert_success
	assert_contains "$output" "Untagged: docker.io/library/mine:1"
	assert_contains "$output" "Deleted: $id"
	[ ! -e "$STORE/blobs/sha256/${id#sha256:}" ] || fail "config blob left behind"
	# the layer shared with "other" stays, a1's went
	[ "$(ls "$STORE/layers" | wc -l)" -eq 1 ] || fail "expected only the shared layer: $(ls "$STORE/layers")"
	run --separate-stderr b rmi mine:1
	assert_status 1
	assert_one_error_line 'no such image: mine:1'
	run --separate-stderr b rmi UPPER
	assert_status 1
	assert_one_error_line 'must be lowercase'
}

@test "rmi by id removes every name; several images in one call, failures reported" {
	local id
	id=$(seed busybox base a1)
	b tag busybox x:1
	b tag busybox y:1
	run --separate-stderr b rmi "${id:7:12}" nosuch
	assert_status 1
	assert_contains "$output" "Deleted: $id"
	assert_one_error_line 'no such image: nosuch'
	run --separate-stderr b images -q
	assert_output ""
}

@test "image prune removes dangling images only; -a every image; reports space" {
	seed keep:1 k1 >/dev/null
	seed moved:1 m1 >/dev/null
	seed moved:1 m2 >/dev/null
	run --separate-stderr b image prune -f
	assert_success
	assert_match "$output" '^Total reclaimed space: [1-9][0-9.]*[kMG]?B$' "prune output"
	run --separate-stderr b image ls -q
	[ "$(wc -l <<<"$output")" -eq 2 ] || { show_run; fail "expected 2 images after prune"; }
	# without -f it asks, and "n" keeps everything
	run --separate-stderr bash -c "echo n | \"$BERTH\" --root \"$STORE\" image prune -a"
	assert_success
	run --separate-stderr b image ls -q
	[ "$(wc -l <<<"$output")" -eq 2 ] || fail "prune without confirmation removed images"
	run --separate-stderr b image prune -a -f
	assert_success
	run --separate-stderr b image ls -q
	assert_output ""
	[ -z "$(ls "$STORE/blobs/sha256" "$STORE/layers" | grep -v : | grep .)" ] || fail "blobs or layers left"
}

@test "image subcommands: tag, rm, inspect; unknown subcommand is one error line" {
	local id
	id=$(seed busybox base)
	run --separate-stderr b image tag busybox registry.example.com:5000/a/b:c
	assert_success
	run --separate-stderr b image inspect registry.example.com:5000/a/b:c
	assert_success
	assert_eq "$(jq -r '.[0].Id' <<<"$output")" "$id"
	run --separate-stderr b image rm registry.example.com:5000/a/b:c
	assert_success
	run --separate-stderr b image frobnicate
	assert_status 1
	assert_one_error_line 'unknown subcommand'
	run --separate-stderr b tag busybox 'bad name'
	assert_status 1
	assert_one_error_line 'invalid reference'
}
