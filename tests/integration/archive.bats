#!/usr/bin/env bats
# berth load / berth save: OCI layouts (dir and tar) and docker-archives, against the real
# peers (skopeo, podman) and hostile archives.

load helpers
load archive-helpers

setup() { archive_setup; }
teardown() { archive_teardown; }

# ---------------------------------------------------------------------------------------------
# load: OCI layouts

@test "load_oci_dir_gzip_names_bare_tag_like_podman_and_unpacks_the_layer" {
	local l
	l=$(mkimg single)
	run_b load -i "$l"
	assert_success
	assert_output "Loaded image: localhost/latest:latest"
	assert_layers_unpacked "$l"
	[ -x "$STORE/layers/$(layout_diff_ids "$l" | cut -d: -f2)/bin/busybox" ] ||
		fail "busybox missing from the unpacked layer"
	[ -f "$STORE/blobs/sha256/$(layout_manifest "$l" | cut -d: -f2)" ] || fail "manifest not stored"
	has_image localhost/latest:latest || fail "image not found by name"
	has_image "$(layout_image_id "$l")" || fail "image not found by id"
	run ! has_image docker.io/library/latest:latest
}

@test "load_oci_dir_multi_layer_zstd_with_full_ref_name" {
	local l
	mkdir -p "$TEST_DIR/l1/etc" "$TEST_DIR/l2/srv"
	echo one >"$TEST_DIR/l1/etc/one"
	echo two >"$TEST_DIR/l2/srv/two"
	l=$(mkimg zstd3 --compress zstd --tag example.com/team/multi:v1 \
		--layer "$TEST_DIR/l1" --layer "$TEST_DIR/l2")
	run_b load -i "$l"
	assert_success
	assert_output "Loaded image: example.com/team/multi:v1"
	assert_eq "$(layout_diff_ids "$l" | wc -l)" 3 "layers"
	assert_layers_unpacked "$l"
	local d1 d2
	d1=$(layout_diff_ids "$l" | sed -n 2p | cut -d: -f2)
	d2=$(layout_diff_ids "$l" | sed -n 3p | cut -d: -f2)
	assert_eq "$(cat "$STORE/layers/$d1/etc/one")" one "layer 2 content"
	assert_eq "$(cat "$STORE/layers/$d2/srv/two")" two "layer 3 content"
	has_image example.com/team/multi:v1 || fail "image not found by name"
}

@test "load_oci_dir_uncompressed_layers" {
	local l
	l=$(mkimg plain --compress none --tag plain:1)
	run_b load -i "$l"
	assert_success
	# a full reference is normalised as docker does
	assert_output "Loaded image: docker.io/library/plain:1"
	assert_layers_unpacked "$l"
	has_image plain:1 || fail "plain:1 not found"
}

@test "load_oci_dir_with_several_tags_names_each_image" {
	local l
	mkdir -p "$TEST_DIR/x"
	echo x >"$TEST_DIR/x/x"
	l=$IMG/tags
	if [ ! -f "$l/index.json" ]; then
		bash "$REPO_ROOT/scripts/mkimage.sh" "$l" --tag example.com/a:1 >/dev/null
		bash "$REPO_ROOT/scripts/mkimage.sh" "$l" --tag example.com/a:2 --layer "$TEST_DIR/x" >/dev/null
		bash "$REPO_ROOT/scripts/mkimage.sh" "$l" --tag latest >/dev/null
	fi
	assert_eq "$(jq '.manifests | length' "$l/index.json")" 3 "index entries"
	run_b load -i "$l"
	assert_success
	assert_eq "$(sort <<<"$output" | tr '\n' ' ')" \
		"Loaded image: example.com/a:1 Loaded image: example.com/a:2 Loaded image: localhost/latest:latest " \
		"loaded"
	has_image example.com/a:1 && has_image example.com/a:2 && has_image localhost/latest ||
		fail "a name is missing"
	assert_layers_unpacked "$l" 1
	# a:1 and latest are the same image: one image, two names
	assert_eq "$(b save --format oci-dir -o "$TEST_DIR/o" example.com/a:1 && jq -r '.manifests[0].digest' "$TEST_DIR/o/index.json")" \
		"$(layout_manifest "$l" 0)" "a:1 manifest"
	# berth images (once the store's listing is in): three names, two images
	local listed
	if listed=$(b images 2>/dev/null); then
		assert_eq "$(awk 'NR > 1 { print $1 ":" $2 }' <<<"$listed" | sort | tr '\n' ' ')" \
			"example.com/a:1 example.com/a:2 localhost/latest:latest " "berth images"
		assert_eq "$(b images -q | sort -u | wc -l)" 2 "images"
	fi
}

@test "load_oci_archive_from_stdin_and_from_file" {
	local l
	l=$(mkimg single)
	tar -C "$l" -cf "$TEST_DIR/oci.tar" .
	run --separate-stderr bash -c '"$0" --root "$1" load <"$2"' "$BERTH" "$STORE" "$TEST_DIR/oci.tar"
	assert_success
	assert_output "Loaded image: localhost/latest:latest"
	assert_layers_unpacked "$l"
	# through a pipe (not seekable) too, from an archive without ./ prefixes
	(cd "$l" && tar -cf - oci-layout index.json blobs) | b load -q >"$TEST_DIR/out"
	assert_eq "$(cat "$TEST_DIR/out")" "Loaded image: localhost/latest:latest" "pipe load"
}

@test "load_skopeo_docker_archive_and_oci_archive" {
	local l
	l=$(mkimg single)
	skopeo copy -q "oci:$l:latest" "docker-archive:$TEST_DIR/d.tar:example.com/bb:1"
	skopeo copy -q "oci:$l:latest" "oci-archive:$TEST_DIR/o.tar:example.com/bb:oci"
	run_b load -i "$TEST_DIR/d.tar"
	assert_success
	assert_output "Loaded image: example.com/bb:1"
	assert_layers_unpacked "$l"
	b save --format oci-dir -o "$TEST_DIR/s1" example.com/bb:1
	assert_eq "$(layout_image_id "$TEST_DIR/s1")" "$(layout_image_id "$l")" "docker-archive image id"
	# the docker-archive's layers are plain tars: stored as they are, typed by content
	assert_eq "$(jq -r '.layers[0].mediaType' "$TEST_DIR/s1/blobs/sha256/$(layout_manifest "$TEST_DIR/s1" | cut -d: -f2)")" \
		application/vnd.oci.image.layer.v1.tar "docker layer type"
	run_b load -i "$TEST_DIR/o.tar"
	assert_success
	assert_output "Loaded image: example.com/bb:oci"
	# the same config either way: one image id for both names
	b save --format oci-dir -o "$TEST_DIR/s2" example.com/bb:oci
	assert_eq "$(layout_image_id "$TEST_DIR/s2")" "$(layout_image_id "$l")" "oci-archive image id"
	assert_eq "$(layout_manifest "$TEST_DIR/s2")" "$(layout_manifest "$l")" "oci-archive manifest"
}

@test "load_docker_archive_follows_legacy_layer_symlinks" {
	local l
	l=$(mkimg single)
	skopeo copy -q "oci:$l:latest" "docker-archive:$TEST_DIR/d.tar:example.com/bb:1"
	mkdir "$TEST_DIR/x"
	tar -C "$TEST_DIR/x" -xf "$TEST_DIR/d.tar"
	# old docker save: Layers name <id>/layer.tar, here a symlink to ../<diff_id>.tar
	link=$(cd "$TEST_DIR/x" && find . -name layer.tar -type l | sed 's|^\./||')
	[ -n "$link" ] || fail "skopeo wrote no legacy layer.tar symlink"
	jq -c --arg p "$link" '.[0].Layers[0] = $p' "$TEST_DIR/x/manifest.json" >"$TEST_DIR/m"
	mv "$TEST_DIR/m" "$TEST_DIR/x/manifest.json"
	tar -C "$TEST_DIR/x" -cf "$TEST_DIR/legacy.tar" .
	run_b load -i "$TEST_DIR/legacy.tar"
	assert_success
	assert_output "Loaded image: example.com/bb:1"
	assert_layers_unpacked "$l"
	# a symlink out of the archive resolves to nothing
	ln -sf ../../../../etc/passwd "$TEST_DIR/x/$link"
	tar -C "$TEST_DIR/x" -cf "$TEST_DIR/out.tar" .
	STORE=$TEST_DIR/store2
	run_b load -i "$TEST_DIR/out.tar"
	assert_failure
	assert_one_error_line 'berth: load: .*missing'
	assert_store_empty
}

@test "load_podman_save_docker_archive_and_oci_archive" {
	local l
	l=$(mkimg single)
	skopeo copy -q "oci:$l:latest" "oci-archive:$TEST_DIR/src.tar:localhost/pmimg:v1"
	pm load -q -i "$TEST_DIR/src.tar" >/dev/null
	pm save -q -o "$TEST_DIR/pd.tar" localhost/pmimg:v1
	pm save -q --format oci-archive -o "$TEST_DIR/po.tar" localhost/pmimg:v1
	run_b load -i "$TEST_DIR/pd.tar"
	assert_success
	assert_output "Loaded image: localhost/pmimg:v1"
	run_b load -i "$TEST_DIR/po.tar"
	assert_success
	assert_output "Loaded image: localhost/pmimg:v1"
	assert_layers_unpacked "$l"
	b save --format oci-dir -o "$TEST_DIR/s" localhost/pmimg:v1
	assert_eq "$(layout_diff_ids "$TEST_DIR/s")" "$(layout_diff_ids "$l")" "diff_ids"
}

# ---------------------------------------------------------------------------------------------
# save, read back by the peers

@test "save_docker_archive_is_read_by_podman_and_skopeo_with_matching_ids" {
	local l id
	mkdir -p "$TEST_DIR/l1"
	echo hello >"$TEST_DIR/l1/hello"
	l=$(mkimg gz2 --tag example.com/save:1 --layer "$TEST_DIR/l1")
	b load -q -i "$l" >/dev/null
	run_b save -o "$TEST_DIR/out.tar" example.com/save:1
	assert_success
	assert_eq "$(tar -tf "$TEST_DIR/out.tar" | grep -c '\.tar$')" 2 "layer files"
	tar -xOf "$TEST_DIR/out.tar" manifest.json | jq -e '.[0].RepoTags == ["example.com/save:1"]' >/dev/null ||
		fail "RepoTags wrong"
	# skopeo: a docker-archive's layer digests are the diff_ids
	assert_eq "$(skopeo inspect "docker-archive:$TEST_DIR/out.tar" | jq -r '.Layers[]')" \
		"$(layout_diff_ids "$l")" "skopeo layers"
	pm load -q -i "$TEST_DIR/out.tar" >/dev/null
	id=$(layout_image_id "$l")
	assert_eq "$(pm image inspect --format '{{.Id}}' example.com/save:1)" "${id#sha256:}" "podman id"
	assert_eq "$(pm image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' example.com/save:1 | sed '/^$/d')" \
		"$(layout_diff_ids "$l")" "podman diff_ids"
	# nothing but the archive beside it
	assert_eq "$(ls -A "$TEST_DIR" | grep -c berth-save)" 0 "temporary files"
}

@test "save_zstd_image_as_docker_archive_decompresses_layers" {
	local l
	l=$(mkimg zstd1 --compress zstd --tag example.com/z:1)
	b load -q -i "$l" >/dev/null
	b save -o "$TEST_DIR/z.tar" example.com/z:1 | cat
	assert_eq "$(skopeo inspect "docker-archive:$TEST_DIR/z.tar" | jq -r '.Layers[]')" \
		"$(layout_diff_ids "$l")" "skopeo layers"
	tar -xOf "$TEST_DIR/z.tar" "$(layout_diff_ids "$l" | cut -d: -f2).tar" | tar -t | grep -qx './bin/busybox' ||
		fail "layer is not a plain tar of the rootfs"
}

@test "save_oci_archive_and_oci_dir_keep_the_manifest_digest" {
	local l
	l=$(mkimg single)
	b load -q -i "$l" >/dev/null
	run_b save --format oci-archive -o "$TEST_DIR/o.tar" localhost/latest
	assert_success
	assert_eq "$(skopeo inspect "oci-archive:$TEST_DIR/o.tar" | jq -r .Digest)" \
		"$(layout_manifest "$l")" "oci-archive digest"
	run_b save --format oci-dir -o "$TEST_DIR/dir" localhost/latest
	assert_success
	assert_eq "$(skopeo inspect "oci:$TEST_DIR/dir" | jq -r .Digest)" "$(layout_manifest "$l")" \
		"oci-dir digest"
	pm load -q -i "$TEST_DIR/o.tar" >/dev/null
	assert_eq "$(pm image inspect --format '{{.Id}}' localhost/latest:latest)" \
		"$(layout_image_id "$l" | cut -d: -f2)" "podman id"
	# and back into a fresh berth store
	STORE=$TEST_DIR/store2
	run_b load -i "$TEST_DIR/dir"
	assert_success
	assert_output "Loaded image: localhost/latest:latest"
	assert_layers_unpacked "$l"
}

@test "save_to_stdout_and_refusals" {
	local l
	l=$(mkimg single)
	b load -q -i "$l" >/dev/null
	b save localhost/latest >"$TEST_DIR/s.tar"
	tar -tf "$TEST_DIR/s.tar" | grep -qx manifest.json || fail "no manifest.json in the stdout tar"
	run_b save -o "$TEST_DIR/none.tar" example.com/nothing:1
	assert_failure
	assert_one_error_line 'save: .*example.com/nothing'
	[ ! -e "$TEST_DIR/none.tar" ] || fail "output made for a missing image"
	run_b save --format tarball -o "$TEST_DIR/x.tar" localhost/latest
	assert_failure
	assert_contains "$stderr" "unknown format"
}

# ---------------------------------------------------------------------------------------------
# hostile and broken archives: one clear error, nothing left in the store

@test "load_oci_layout_with_a_missing_blob_fails_and_leaves_nothing" {
	local l
	cp -a "$(mkimg single)" "$TEST_DIR/l"
	l=$TEST_DIR/l
	rm "$l/blobs/sha256/$(jq -r '.layers[0].digest' "$l/blobs/sha256/$(layout_manifest "$l" | cut -d: -f2)" | cut -d: -f2)"
	run_b load -i "$l"
	assert_failure
	assert_one_error_line 'berth: load: .*missing'
	assert_store_empty
}

@test "load_oci_layout_with_a_corrupt_layer_fails_and_leaves_nothing" {
	local l m blob
	cp -a "$(mkimg single)" "$TEST_DIR/l"
	l=$TEST_DIR/l
	m=$l/blobs/sha256/$(layout_manifest "$l" | cut -d: -f2)
	blob=$l/blobs/sha256/$(jq -r '.layers[0].digest' "$m" | cut -d: -f2)
	# same size, one byte changed
	printf 'X' | dd of="$blob" bs=1 seek=1000 conv=notrunc status=none
	tar -C "$l" -cf "$TEST_DIR/bad.tar" .
	run_b load -i "$TEST_DIR/bad.tar"
	assert_failure
	assert_one_error_line 'berth: load: .*digest'
	assert_store_empty
}

@test "load_docker_archive_with_a_wrong_diff_id_is_taken_back" {
	local l
	l=$(mkimg single)
	skopeo copy -q "oci:$l:latest" "docker-archive:$TEST_DIR/d.tar:example.com/bb:1"
	mkdir "$TEST_DIR/x"
	tar -C "$TEST_DIR/x" -xf "$TEST_DIR/d.tar"
	cfg=$(jq -r '.[0].Config' "$TEST_DIR/x/manifest.json")
	jq -c '.rootfs.diff_ids = ["sha256:" + ("0" * 64)]' "$TEST_DIR/x/$cfg" >"$TEST_DIR/x/cfg.new"
	mv "$TEST_DIR/x/cfg.new" "$TEST_DIR/x/$cfg"
	tar -C "$TEST_DIR/x" -cf "$TEST_DIR/bad.tar" .
	run_b load -i "$TEST_DIR/bad.tar"
	assert_failure
	assert_one_error_line 'berth: load: .*(diff_id|digest)'
	assert_store_empty
	run ! has_image example.com/bb:1
}

@test "load_docker_archive_pointing_outside_is_refused" {
	local l
	l=$(mkimg single)
	skopeo copy -q "oci:$l:latest" "docker-archive:$TEST_DIR/d.tar:example.com/bb:1"
	mkdir "$TEST_DIR/x"
	tar -C "$TEST_DIR/x" -xf "$TEST_DIR/d.tar"
	jq -c '.[0].Layers[0] = "../../../etc/passwd"' "$TEST_DIR/x/manifest.json" >"$TEST_DIR/m"
	mv "$TEST_DIR/m" "$TEST_DIR/x/manifest.json"
	tar -C "$TEST_DIR/x" -cf "$TEST_DIR/bad.tar" .
	run_b load -i "$TEST_DIR/bad.tar"
	assert_failure
	assert_one_error_line 'berth: load: .*outside the archive'
	assert_store_empty
	# an absolute config path too
	jq -c '.[0].Config = "/etc/passwd"' "$TEST_DIR/x/manifest.json" >"$TEST_DIR/m"
	mv "$TEST_DIR/m" "$TEST_DIR/x/manifest.json"
	tar -C "$TEST_DIR/x" -cf "$TEST_DIR/bad2.tar" .
	run_b load -i "$TEST_DIR/bad2.tar"
	assert_failure
	assert_one_error_line 'berth: load: .*outside the archive'
	assert_store_empty
}

@test "load_garbage_and_empty_input_fail_cleanly" {
	head -c 100000 /dev/urandom >"$TEST_DIR/g.tar"
	run_b load -i "$TEST_DIR/g.tar"
	assert_failure
	assert_one_error_line 'berth: load: '
	: >"$TEST_DIR/empty.tar"
	run_b load -i "$TEST_DIR/empty.tar"
	assert_failure
	assert_one_error_line 'berth: load: '
	# a tar of something else entirely
	tar -C "$REPO_ROOT" -cf "$TEST_DIR/other.tar" README.md
	run_b load -i "$TEST_DIR/other.tar"
	assert_failure
	assert_one_error_line 'berth: load: neither an OCI layout'
	run_b load -i "$TEST_DIR/does-not-exist"
	assert_failure
	assert_one_error_line 'berth: load: .*No such file'
	assert_store_empty
}

@test "load_archive_with_too_many_entries_is_refused" {
	python3 - "$TEST_DIR/many.tar" <<-'EOF'
	import sys, tarfile, io
	with tarfile.open(sys.argv[1], "w", format=tarfile.USTAR_FORMAT) as t:
	    for i in range(100001):
	        t.addfile(tarfile.TarInfo("f%d" % i), io.BytesIO(b""))
	EOF
	run_b load -i "$TEST_DIR/many.tar"
	assert_failure
	assert_one_error_line 'berth: load: .*more than 100000 entries'
	assert_store_empty
}

# ---------------------------------------------------------------------------------------------

@test "loading_the_same_image_twice_stores_layers_once" {
	local l d ino blobs
	l=$(mkimg single)
	b load -q -i "$l" >/dev/null
	d=$STORE/layers/$(layout_diff_ids "$l" | cut -d: -f2)
	ino=$(stat -c %i "$d")
	blobs=$(ls "$STORE/blobs/sha256" | wc -l)
	assert_eq "$(ls "$STORE/layers" | wc -l)" 1 "layers after the first load"
	run_b load -i "$l"
	assert_success
	assert_eq "$(ls "$STORE/blobs/sha256" | wc -l)" "$blobs" "blobs after the second load"
	assert_eq "$(stat -c %i "$d")" "$ino" "layer directory inode"
	# the same image through a docker-archive: other layer blobs, the same unpacked layer
	skopeo copy -q "oci:$l:latest" "docker-archive:$TEST_DIR/d.tar:example.com/bb:1"
	b load -q -i "$TEST_DIR/d.tar" >/dev/null
	assert_eq "$(ls "$STORE/layers" | wc -l)" 1 "layers after the docker-archive"
	assert_eq "$(stat -c %i "$d")" "$ino" "layer directory inode"
}
