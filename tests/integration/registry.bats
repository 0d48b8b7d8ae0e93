#!/usr/bin/env bats
# berth pull / push / login / logout against real registries (Debian's docker-registry) on
# 127.0.0.1: plain HTTP, TLS with a self-signed CA, htpasswd basic auth.  Images are built by
# scripts/mkimage.sh and pushed with skopeo; what berth pulls is checked in the store itself
# (layer directories, blobs, the sqlite index) and what it pushes is read back with skopeo.

bats_require_minimum_version 1.5.0

load registry-helpers

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
if [ -z "${BERTH:-}" ]; then
	BERTH=$REPO_ROOT/${BUILD:-build-asan}/src/cmd/berth/berth
	[ -x "$BERTH" ] || BERTH=$REPO_ROOT/build/src/cmd/berth/berth
fi

setup_file() {
	local w=$BATS_FILE_TMPDIR/work
	mkdir -p "$w"/{l1/etc,l2/data,amd/etc,arm/etc,empty}
	echo hello >"$w/l1/etc/hello"
	head -c 2000000 /dev/urandom >"$w/l2/data/rand"
	sha256sum <"$w/l2/data/rand" | cut -d' ' -f1 >"$w/rand.sha256"
	echo amd64 >"$w/amd/etc/arch"
	echo arm64 >"$w/arm/etc/arch"
	local mk=$REPO_ROOT/scripts/mkimage.sh
	"$mk" "$w/multi" --layer "$w/l1" --layer "$w/l2" >/dev/null
	"$mk" "$w/zstd" --compress zstd --layer "$w/l1" >/dev/null
	"$mk" "$w/amd64" --no-base --layer "$w/amd" >/dev/null
	"$mk" "$w/arm64" --no-base --layer "$w/arm" >/dev/null
	make_index "$w/index" "$w/amd64" "$w/arm64"

	reg_start plain
	reg_start tls tls
	reg_start auth auth alice s3cret
	sk_push "$w/multi:latest" "$REG_PLAIN/multi:1"
	sk_push "$w/multi:latest" "$REG_PLAIN/v2s2:1" --format v2s2
	sk_push "$w/zstd:latest" "$REG_PLAIN/zstd:1"
	sk_push "$w/index:latest" "$REG_PLAIN/index:1" --all
	sk_push "$w/multi:latest" "$REG_TLS/multi:1"
	sk_push "$w/multi:latest" "$REG_AUTH/multi:1" --dest-creds alice:s3cret
	export W=$w
}

teardown_file() {
	reg_stop_all
}

setup() {
	ROOT=$BATS_TEST_TMPDIR/root
	export REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/auth.json
	export HOME=$BATS_TEST_TMPDIR/home
	CERTS_D_MADE=
}

teardown() {
	[ -z "$CERTS_D_MADE" ] || rm -rf "$CERTS_D_MADE"
	rm -rf "$ROOT"
}

# make_index OUT LAYOUT_AMD64 LAYOUT_ARM64 — an OCI layout whose "latest" is an image index
# of the two images' manifests, as linux/amd64 and linux/arm64/v8
make_index() {
	local out=$1 a=$2 b=$3 ma mb idx d
	mkdir -p "$out/blobs/sha256"
	cp "$a"/blobs/sha256/* "$b"/blobs/sha256/* "$out/blobs/sha256/"
	cp "$a/oci-layout" "$out/"
	ma=$(jq -c '.manifests[0] | del(.annotations)' "$a/index.json")
	mb=$(jq -c '.manifests[0] | del(.annotations)
		| .platform = {architecture: "arm64", os: "linux", variant: "v8"}' "$b/index.json")
	idx=$(jq -cn --argjson a "$ma" --argjson b "$mb" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [$a, $b]}')
	printf '%s' "$idx" >"$out/idx.json"
	d=$(sha256sum "$out/idx.json" | cut -d' ' -f1)
	mv "$out/idx.json" "$out/blobs/sha256/$d"
	jq -n --arg d "sha256:$d" --argjson s "${#idx}" '{schemaVersion: 2, manifests: [{
		mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
		annotations: {"org.opencontainers.image.ref.name": "latest"}}]}' >"$out/index.json"
}

b() { "$BERTH" --root "$ROOT" "$@"; }

db() { sqlite3 "$ROOT/images.db" "$1"; }

# the image id of a name in the index ("" if none)
id_of() { db "select image_id from names where name = '$1'"; }

# nothing at all in the store: no image, no blob, no layer, no temp file
assert_store_empty() {
	[ ! -f "$ROOT/images.db" ] || [ "$(db 'select count(*) from images')" = 0 ]
	[ -z "$(ls -A "$ROOT/blobs/sha256" 2>/dev/null)" ]
	[ -z "$(ls -A "$ROOT/layers" 2>/dev/null)" ]
	[ -z "$(ls -A "$ROOT/tmp" 2>/dev/null)" ]
}

# config_of ID — the stored config blob
config_of() { cat "$ROOT/blobs/sha256/${1#sha256:}"; }

# an error is one line that names the command, and the store is left as it was
assert_one_error_line() {
	[ "$status" -ne 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^berth: ')" = 1 ]
	printf '%s\n' "$output" | grep -q "^berth: $1"
}

@test "pull_oci_multilayer_image_unpacks_every_layer_and_records_its_name" {
	run --separate-stderr b pull --tls-verify=false "$REG_PLAIN/multi:1"
	[ "$status" -eq 0 ]
	id=sha256:$output
	[ "$(id_of "$REG_PLAIN/multi:1")" = "$id" ]
	# the id is the config digest, and the config's diff_ids are the unpacked layers
	[ "$(config_of "$id" | sha256sum | cut -d' ' -f1)" = "${id#sha256:}" ]
	mapfile -t diffs < <(config_of "$id" | jq -r '.rootfs.diff_ids[]')
	[ "${#diffs[@]}" = 3 ]
	[ "$(db "select group_concat(diff_id) from (select diff_id from image_layers where image_id = '$id' order by idx)")" = "$(IFS=,; echo "${diffs[*]}")" ]
	[ -x "$ROOT/layers/${diffs[0]#sha256:}/bin/busybox" ]
	[ "$(cat "$ROOT/layers/${diffs[1]#sha256:}/etc/hello")" = hello ]
	[ "$(sha256sum <"$ROOT/layers/${diffs[2]#sha256:}/data/rand" | cut -d' ' -f1)" = "$(cat "$W/rand.sha256")" ]
	# the manifest is kept as served: its digest is the registry's
	want=$(skopeo inspect --tls-verify=false --raw "docker://$REG_PLAIN/multi:1" | sha256sum | cut -d' ' -f1)
	[ "$(db "select manifest_digest from images where id = '$id'")" = "sha256:$want" ]
	[ -f "$ROOT/blobs/sha256/$want" ]
	[ -z "$(ls -A "$ROOT/tmp")" ]
}

@test "pull_lists_the_image_in_berth_images" {
	run b images
	[[ "$output" != *"not implemented"* ]] || skip "berth images is not implemented in this tree"
	b pull -q --tls-verify=false "$REG_PLAIN/multi:1"
	run b images
	[ "$status" -eq 0 ]
	[[ "$output" == *"$REG_PLAIN/multi"* ]]
}

@test "pull_docker_schema2_image_keeps_the_docker_manifest" {
	run --separate-stderr b pull --tls-verify=false "$REG_PLAIN/v2s2:1"
	[ "$status" -eq 0 ]
	[ "$(db "select manifest_type from images where id = 'sha256:$output'")" = application/vnd.docker.distribution.manifest.v2+json ]
	diff=$(config_of "sha256:$output" | jq -r '.rootfs.diff_ids[1]')
	[ "$(cat "$ROOT/layers/${diff#sha256:}/etc/hello")" = hello ]
}

@test "pull_zstd_layers" {
	skopeo inspect --tls-verify=false --raw "docker://$REG_PLAIN/zstd:1" | grep -q 'tar+zstd'
	run --separate-stderr b pull --tls-verify=false "$REG_PLAIN/zstd:1"
	[ "$status" -eq 0 ]
	diff=$(config_of "sha256:$output" | jq -r '.rootfs.diff_ids[1]')
	[ "$(cat "$ROOT/layers/${diff#sha256:}/etc/hello")" = hello ]
}

@test "pull_index_selects_the_platform_default_amd64_or_given" {
	run --separate-stderr b pull --tls-verify=false "$REG_PLAIN/index:1"
	[ "$status" -eq 0 ]
	diff=$(config_of "sha256:$output" | jq -r '.rootfs.diff_ids[0]')
	[ "$(cat "$ROOT/layers/${diff#sha256:}/etc/arch")" = amd64 ]
	run --separate-stderr b pull --tls-verify=false --platform linux/arm64/v8 "$REG_PLAIN/index:1"
	[ "$status" -eq 0 ]
	diff=$(config_of "sha256:$output" | jq -r '.rootfs.diff_ids[0]')
	[ "$(cat "$ROOT/layers/${diff#sha256:}/etc/arch")" = arm64 ]
	# the name moved to the image last pulled
	[ "$(id_of "$REG_PLAIN/index:1")" = "sha256:$output" ]
	run b pull --tls-verify=false --platform linux/s390x "$REG_PLAIN/index:1"
	assert_one_error_line "pull $REG_PLAIN/index:1: "
}

@test "pull_by_digest_checks_the_digest" {
	m=$(skopeo inspect --tls-verify=false --raw "docker://$REG_PLAIN/multi:1" | sha256sum | cut -d' ' -f1)
	run --separate-stderr b pull --tls-verify=false "$REG_PLAIN/multi@sha256:$m"
	[ "$status" -eq 0 ]
	[ -n "$(id_of "$REG_PLAIN/multi@sha256:$m")" ]
	run b pull --tls-verify=false "$REG_PLAIN/multi@sha256:$(printf '%064d' 0)"
	assert_one_error_line "pull $REG_PLAIN/multi@sha256:0*: fetch manifest .*: 404 MANIFEST_UNKNOWN"
}

@test "pull_twice_reuses_the_layers" {
	b pull -q --tls-verify=false "$REG_PLAIN/multi:1" >/dev/null
	diff=$(db "select diff_id from image_layers where idx = 2")
	ino=$(stat -c %i "$ROOT/layers/${diff#sha256:}")
	run b pull --tls-verify=false "$REG_PLAIN/multi:1"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'Copying blob .* skipped: already exists' <<<"$output")" = 3 ]
	[ "$(stat -c %i "$ROOT/layers/${diff#sha256:}")" = "$ino" ]
}

@test "pull_missing_tag_fails_with_404_and_stores_nothing" {
	run b pull --tls-verify=false "$REG_PLAIN/multi:nope"
	assert_one_error_line "pull $REG_PLAIN/multi:nope: fetch manifest nope: 404 MANIFEST_UNKNOWN"
	assert_store_empty
}

@test "pull_corrupt_layer_blob_fails_on_the_digest_and_keeps_nothing" {
	reg_start bad
	sk_push "$W/multi:latest" "$REG_BAD/multi:1"
	layer=$(skopeo inspect --tls-verify=false --raw "docker://$REG_BAD/multi:1" | jq -r '.layers[2].digest')
	f=$(reg_blob_file bad "$layer")
	printf 'garbage' | dd of="$f" bs=1 seek=1000 conv=notrunc 2>/dev/null
	run b pull --tls-verify=false "$REG_BAD/multi:1"
	assert_one_error_line "pull $REG_BAD/multi:1: .*$layer"
	[[ "$output" == *digest* || "$output" == *diff_id* ]]
	assert_store_empty
}

@test "pull_manifest_not_matching_its_digest_is_refused" {
	reg_start badm
	sk_push "$W/multi:latest" "$REG_BADM/multi:1"
	m=$(skopeo inspect --tls-verify=false --raw "docker://$REG_BADM/multi:1" | sha256sum | cut -d' ' -f1)
	f=$(reg_blob_file badm "sha256:$m")
	sed -i 's/"schemaVersion":2/"schemaVersion": 2/; s/"schemaVersion": 2,/"schemaVersion":  2,/' "$f"
	run b pull --tls-verify=false "$REG_BADM/multi:1"
	assert_one_error_line "pull $REG_BADM/multi:1: fetch manifest 1: digest mismatch"
	assert_store_empty
}

@test "pull_without_credentials_from_an_auth_registry_fails_unauthorized" {
	run b pull --tls-verify=false "$REG_AUTH/multi:1"
	assert_one_error_line "pull $REG_AUTH/multi:1: .*401 UNAUTHORIZED"
	[[ "$output" == *"berth login or --creds"* ]]
	assert_store_empty
}

@test "pull_with_wrong_credentials_fails_and_right_ones_work" {
	run b pull --tls-verify=false --creds alice:wrong "$REG_AUTH/multi:1"
	assert_one_error_line "pull $REG_AUTH/multi:1: .*401"
	[[ "$output" == *"credentials rejected"* ]]
	assert_store_empty
	run --separate-stderr b pull --tls-verify=false --creds alice:s3cret "$REG_AUTH/multi:1"
	[ "$status" -eq 0 ]
	[ "$(id_of "$REG_AUTH/multi:1")" = "sha256:$output" ]
}

@test "login_stores_credentials_0600_keeping_other_entries_and_pull_uses_them" {
	echo '{"auths":{"other.example:5000":{"auth":"eDp5"}},"credHelpers":{}}' >"$REGISTRY_AUTH_FILE"
	run b login --tls-verify=false -u alice -p wrong "$REG_AUTH"
	assert_one_error_line "login $REG_AUTH: wrong username or password"
	[ "$(jq -c .auths "$REGISTRY_AUTH_FILE")" = '{"other.example:5000":{"auth":"eDp5"}}' ]
	echo s3cret | b login --tls-verify=false -u alice --password-stdin "$REG_AUTH"
	[ "$(stat -c %a "$REGISTRY_AUTH_FILE")" = 600 ]
	[ "$(jq -r --arg r "$REG_AUTH" '.auths[$r].auth' "$REGISTRY_AUTH_FILE" | base64 -d)" = alice:s3cret ]
	[ "$(jq -r '.auths["other.example:5000"].auth' "$REGISTRY_AUTH_FILE")" = eDp5 ]
	[ "$(jq -c .credHelpers "$REGISTRY_AUTH_FILE")" = '{}' ]
	run --separate-stderr b pull --tls-verify=false "$REG_AUTH/multi:1"
	[ "$status" -eq 0 ]
	[ "$(id_of "$REG_AUTH/multi:1")" = "sha256:$output" ]
	# skopeo reads what berth wrote
	skopeo inspect --tls-verify=false --authfile "$REGISTRY_AUTH_FILE" "docker://$REG_AUTH/multi:1" >/dev/null
	b logout "$REG_AUTH"
	[ "$(jq -r --arg r "$REG_AUTH" '.auths[$r]' "$REGISTRY_AUTH_FILE")" = null ]
	[ "$(jq -r '.auths["other.example:5000"].auth' "$REGISTRY_AUTH_FILE")" = eDp5 ]
	run b logout "$REG_AUTH"
	assert_one_error_line "logout $REG_AUTH: not logged in"
}

@test "login_authfile_option_and_docker_config_fallback" {
	b login --tls-verify=false -u alice -p s3cret --authfile "$BATS_TEST_TMPDIR/a.json" "$REG_AUTH"
	[ -f "$BATS_TEST_TMPDIR/a.json" ]
	[ ! -e "$REGISTRY_AUTH_FILE" ]
	mkdir -p "$HOME/.docker"
	cp "$BATS_TEST_TMPDIR/a.json" "$HOME/.docker/config.json"
	run --separate-stderr b pull -q --tls-verify=false "$REG_AUTH/multi:1"
	[ "$status" -eq 0 ]
	[ -n "$(id_of "$REG_AUTH/multi:1")" ]
}

@test "pull_over_tls_needs_a_trusted_ca" {
	run b pull "$REG_TLS/multi:1"
	assert_one_error_line "pull $REG_TLS/multi:1: .*certificate"
	assert_store_empty
	run --separate-stderr b pull --cert-dir "$REG_DIR/tls/certs" "$REG_TLS/multi:1"
	[ "$status" -eq 0 ]
	[ -n "$(id_of "$REG_TLS/multi:1")" ]
}

@test "pull_over_tls_trusts_certs_d_of_the_registry" {
	CERTS_D_MADE=/etc/containers/certs.d/$REG_TLS
	mkdir -p "$CERTS_D_MADE"
	cp "$REG_DIR/tls/certs/ca.crt" "$CERTS_D_MADE/"
	run --separate-stderr b pull -q "$REG_TLS/multi:1"
	[ "$status" -eq 0 ]
	[ -n "$(id_of "$REG_TLS/multi:1")" ]
}

@test "pull_tls_verify_false_accepts_an_untrusted_tls_registry" {
	run --separate-stderr b pull -q --tls-verify=false "$REG_TLS/multi:1"
	[ "$status" -eq 0 ]
	[ -n "$(id_of "$REG_TLS/multi:1")" ]
}

@test "pull_plain_http_registry_needs_tls_verify_false" {
	run b pull "$REG_PLAIN/multi:1"
	assert_one_error_line "pull $REG_PLAIN/multi:1: "
	assert_store_empty
}

@test "push_keeps_the_manifest_digest_and_skopeo_reads_it_back" {
	src=$(b pull -q --tls-verify=false "$REG_PLAIN/multi:1")
	mdig=$(db "select manifest_digest from images where id = 'sha256:$src'")
	run b push --tls-verify=false "$REG_PLAIN/multi:1" "$REG_PLAIN/pushed:v1"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^Copying blob .* done' <<<"$output")" = 3 ]
	# (piped: $(...) would drop a trailing newline of the manifest)
	got=$(skopeo inspect --tls-verify=false --raw "docker://$REG_PLAIN/pushed:v1" | sha256sum | cut -d' ' -f1)
	[ "sha256:$got" = "$mdig" ]
	skopeo copy -q --src-tls-verify=false "docker://$REG_PLAIN/pushed:v1" "oci:$BATS_TEST_TMPDIR/back:v1"
	[ "$(jq -r '.manifests[0].digest' "$BATS_TEST_TMPDIR/back/index.json")" = "$mdig" ]
	# a second push finds every blob there
	run b push --tls-verify=false "$REG_PLAIN/multi:1" "$REG_PLAIN/pushed:v1"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'skipped: already exists' <<<"$output")" = 4 ]
}

@test "push_defaults_to_the_image_name_and_needs_credentials_where_asked" {
	b pull -q --tls-verify=false --creds alice:s3cret "$REG_AUTH/multi:1" >/dev/null
	b tag "$REG_AUTH/multi:1" "$REG_AUTH/renamed:2" 2>/dev/null ||
		skip "berth tag is not implemented in this tree"
	run b push --tls-verify=false "$REG_AUTH/renamed:2"
	assert_one_error_line "push $REG_AUTH/renamed:2: .*401"
	b push -q --tls-verify=false --creds alice:s3cret "$REG_AUTH/renamed:2"
	skopeo inspect --tls-verify=false --creds alice:s3cret "docker://$REG_AUTH/renamed:2" >/dev/null
}

@test "push_docker_schema2_image_over_tls" {
	src=$(b pull -q --tls-verify=false "$REG_PLAIN/v2s2:1")
	mdig=$(db "select manifest_digest from images where id = 'sha256:$src'")
	b push -q --cert-dir "$REG_DIR/tls/certs" "$REG_PLAIN/v2s2:1" "$REG_TLS/v2s2:pushed"
	skopeo inspect --cert-dir "$REG_DIR/tls/certs" --raw "docker://$REG_TLS/v2s2:pushed" >"$BATS_TEST_TMPDIR/m"
	[ "$(jq -r .mediaType "$BATS_TEST_TMPDIR/m")" = application/vnd.docker.distribution.manifest.v2+json ]
	[ "sha256:$(sha256sum <"$BATS_TEST_TMPDIR/m" | cut -d' ' -f1)" = "$mdig" ]
}

@test "push_of_an_unknown_image_fails_cleanly" {
	run b push --tls-verify=false nosuch:1 "$REG_PLAIN/nosuch:1"
	assert_one_error_line "push $REG_PLAIN/nosuch:1: "
}

@test "pull_progress_quiet_prints_only_the_id_lines_for_pipes_bars_for_a_tty" {
	run --separate-stderr b pull -q --tls-verify=false "$REG_PLAIN/multi:1"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	[ -z "$stderr" ]
	rm -rf "$ROOT"
	run --separate-stderr b pull --tls-verify=false "$REG_PLAIN/multi:1"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	[ "$(grep -c '^Copying blob sha256:[0-9a-f]\{64\} done$' <<<"$stderr")" = 3 ]
	grep -q '^Copying config sha256:[0-9a-f]\{64\} done$' <<<"$stderr"
	[[ "$stderr" != *$'\e['* ]]
	rm -rf "$ROOT"
	# a terminal: bars redrawn in place with cursor movement
	script -qec "$BERTH --root $ROOT pull --tls-verify=false $REG_PLAIN/multi:1" /dev/null >"$BATS_TEST_TMPDIR/tty.out"
	grep -q $'\e\[[0-9]*A' "$BATS_TEST_TMPDIR/tty.out"
	grep -q 'Copying blob [0-9a-f]\{12\}' "$BATS_TEST_TMPDIR/tty.out"
}

@test "bad_input_fails_cleanly" {
	run b pull
	[ "$status" -ne 0 ]
	run b pull --tls-verify=maybe "$REG_PLAIN/multi:1"
	[ "$status" -ne 0 ]
	run b pull --tls-verify=false "$REG_PLAIN/UPPER:1"
	assert_one_error_line "pull $REG_PLAIN/UPPER:1: "
	run b pull --tls-verify=false --creds nocolon "$REG_PLAIN/multi:1"
	assert_one_error_line "pull $REG_PLAIN/multi:1: --creds"
	run b pull --tls-verify=false 127.0.0.1:1/x:1
	assert_one_error_line "pull 127.0.0.1:1/x:1: "
	run b login -u alice "$REG_AUTH" </dev/null
	[ "$status" -ne 0 ]
	assert_store_empty
}

@test "bearer_token_auth_fetches_a_token_per_scope_with_basic_credentials" {
	reg_start tok token bob t0ken
	sk_push "$W/multi:latest" "$REG_TOK/multi:1" --dest-creds bob:t0ken
	run b pull --tls-verify=false "$REG_TOK/multi:1"
	assert_one_error_line "pull $REG_TOK/multi:1: .*401"
	assert_store_empty
	run b pull --tls-verify=false --creds bob:nope "$REG_TOK/multi:1"
	assert_one_error_line "pull $REG_TOK/multi:1: .*get token from http://127.0.0.1:[0-9]*/token: 401"
	: >"$TOKEN_LOG_TOK"
	run --separate-stderr b pull --tls-verify=false --creds bob:t0ken "$REG_TOK/multi:1"
	[ "$status" -eq 0 ]
	[ "$(id_of "$REG_TOK/multi:1")" = "sha256:$output" ]
	# one token for the pull scope, fetched with credentials, reused by every layer thread
	[ "$(jq -r 'select(.auth) | .scope' "$TOKEN_LOG_TOK" | sort -u)" = "repository:multi:pull" ]
	[ "$(grep -c 'repository:multi:pull' "$TOKEN_LOG_TOK")" -le 2 ]
	b push -q --tls-verify=false --creds bob:t0ken "$REG_TOK/multi:1" "$REG_TOK/copy:1"
	grep -q '"repository:copy:pull,push"' "$TOKEN_LOG_TOK"
	skopeo inspect --tls-verify=false --creds bob:t0ken "docker://$REG_TOK/copy:1" >/dev/null
	echo t0ken | b login --tls-verify=false -u bob --password-stdin "$REG_TOK"
	run b login --tls-verify=false -u bob -p bad "$REG_TOK"
	assert_one_error_line "login $REG_TOK: "
}
