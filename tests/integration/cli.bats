#!/usr/bin/env bats
# The command line: --version, --help, spec, features, global --log/--log-format, --root,
# and how --bundle is resolved.

load helpers

COMMANDS=(create start run state kill delete list spec features)

@test "--version prints a version and exits 0" {
	run --separate-stderr "$RUNTIME" --version
	assert_success
	assert_match "$output" '[Vv]ersion:? *[0-9]+\.[0-9]+' "--version"
}

@test "--help lists every command and exits 0" {
	run --separate-stderr "$RUNTIME" --help
	assert_success
	local c
	for c in "${COMMANDS[@]}"; do
		assert_match "$output" "(^|[^a-z-])$c([^a-z-]|$)" "--help"
	done
}

@test "COMMAND --help exits 0 and describes that command, for every command" {
	local c
	for c in "${COMMANDS[@]}"; do
		run --separate-stderr "$RUNTIME" "$c" --help
		[ "$status" -eq 0 ] || { show_run; fail "$c --help exited $status"; }
		assert_contains "$output" "$c" "$c --help"
	done
}

@test "an unknown command fails" {
	run --separate-stderr "$RUNTIME" --root "$ROOT" berth-no-such-command
	[ "$status" -ne 0 ] || fail "unknown command exited 0"
}

@test "spec: writes a config.json that parses and describes a runnable container" {
	mkdir "$TEST_DIR/spec"
	run --separate-stderr bash -c "cd '$TEST_DIR/spec' && '$RUNTIME' spec"
	assert_success
	local f=$TEST_DIR/spec/config.json
	jq -e . "$f" >/dev/null || fail "spec wrote invalid JSON: $(cat "$f")"
	assert_match "$(jq -r .ociVersion "$f")" '^1\.' ociVersion
	assert_eq "$(jq -r .root.path "$f")" rootfs root.path
	assert_eq "$(jq -r '.process.args | type' "$f")" array "process.args type"
	local ns
	ns=$(jq -r '[.linux.namespaces[].type] | sort | join(" ")' "$f")
	assert_contains "$ns" mount "namespaces"
	assert_contains "$ns" pid "namespaces"
	assert_not_contains "$ns" user "namespaces (not rootless)"
}

@test "spec: the generated config runs a container with the busybox rootfs" {
	rm "$BUNDLE/config.json"
	run --separate-stderr rt spec --bundle "$BUNDLE"
	assert_success
	config '.process.terminal = false | .process.args = ["sh", "-c", "echo spec-works; echo $$"]'
	run_ctr
	assert_success
	assert_eq "$(tr '\n' ' ' <<<"$output")" "spec-works 1 " "output"
}

@test "spec: refuses to overwrite an existing config.json" {
	local before
	before=$(cat "$BUNDLE/config.json")
	run --separate-stderr rt spec --bundle "$BUNDLE"
	assert_failure
	assert_one_error_line 'config.json|exist'
	assert_eq "$(cat "$BUNDLE/config.json")" "$before" "config.json"
}

@test "spec --rootless: the config has a user namespace and id mappings" {
	mkdir "$TEST_DIR/spec"
	run --separate-stderr rt spec --rootless --bundle "$TEST_DIR/spec"
	assert_success
	local f=$TEST_DIR/spec/config.json
	assert_eq "$(jq -r '[.linux.namespaces[].type] | index("user") != null' "$f")" true "user namespace"
	assert_eq "$(jq -r '.linux.uidMappings | length > 0' "$f")" true uidMappings
	assert_eq "$(jq -r '.linux.gidMappings | length > 0' "$f")" true gidMappings
	assert_eq "$(jq -r '.linux.uidMappings[0].containerID' "$f")" 0 "uidMappings[0].containerID"
}

@test "features: prints JSON with the OCI version range, namespaces and hooks" {
	run --separate-stderr "$RUNTIME" features
	assert_success
	jq -e . <<<"$output" >/dev/null || fail "features is not JSON: $output"
	assert_match "$(jq -r .ociVersionMin <<<"$output")" '^1\.[0-9]+\.[0-9]+' ociVersionMin
	assert_match "$(jq -r .ociVersionMax <<<"$output")" '^1\.[0-9]+\.[0-9]+' ociVersionMax
	local ns
	ns=$(jq -r '.linux.namespaces | sort | join(" ")' <<<"$output")
	local n
	for n in ipc mount network pid user uts; do
		assert_contains " $ns " " $n " "features .linux.namespaces"
	done
	assert_eq "$(jq -r '.hooks | sort | join(" ")' <<<"$output")" \
		"createContainer createRuntime poststart poststop prestart startContainer" "features .hooks"
}

@test "--log FILE --log-format json: a failure is logged as JSON lines with level, msg, time" {
	local log=$TEST_DIR/runtime-log.json
	run --separate-stderr "$RUNTIME" --root "$ROOT" --log "$log" --log-format json state "$CID-nosuch"
	assert_failure
	[ -s "$log" ] || fail "nothing written to $log"
	jq -e -s 'length > 0' "$log" >/dev/null || fail "log is not JSON lines: $(cat "$log")"
	local err
	err=$(jq -c -s 'map(select(.level == "error")) | last' "$log")
	[ "$err" != null ] || fail "no error-level entry: $(cat "$log")"
	assert_match "$(jq -r .msg <<<"$err")" '.+' "msg of the error entry"
	assert_match "$(jq -r .time <<<"$err")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "time of the error entry"
}

@test "--root: container state lives under the given root directory" {
	set_cmd 'sleep 1000'
	create_ctr
	assert_success
	[ -n "$(find "$ROOT" -mindepth 1 -maxdepth 1 -name "$CID")" ] || fail "no $CID under $ROOT: $(ls -A "$ROOT")"
	# another root does not see it
	run timeout 10 "$RUNTIME" --root "$TEST_DIR/other-root" state "$CID"
	assert_failure
}

@test "--bundle: a relative path is stored as an absolute bundle path" {
	set_cmd 'sleep 1000'
	run bash -c "cd '$TEST_DIR' && timeout 10 '$RUNTIME' --root '$ROOT' create --bundle bundle '$CID' </dev/null >/dev/null 2>'$TEST_DIR/err'"
	assert_success
	assert_eq "$(state_of "$CID" | jq -r .bundle)" "$BUNDLE" "bundle in state"
}

@test "create without --bundle uses the current directory" {
	set_cmd 'sleep 1000'
	run bash -c "cd '$BUNDLE' && timeout 10 '$RUNTIME' --root '$ROOT' create '$CID' </dev/null >/dev/null 2>'$TEST_DIR/err'"
	assert_success
	assert_eq "$(state_of "$CID" | jq -r .bundle)" "$BUNDLE" "bundle in state"
}
