#!/usr/bin/env bats
# Failures: every one exits non-zero, prints exactly one line on stderr that names the
# problem, and leaves nothing behind (no state under --root, no process in the bundle, no
# mount in the host's namespace).

load helpers

setup() {
	berth_setup
	set_cmd 'sleep 1000'
}

# create_fails REGEX — create must fail with one stderr line matching REGEX, leaving nothing
create_fails() {
	create_ctr
	assert_failure
	assert_one_error_line "$1"
	assert_nothing_left
}

@test "harness: assert_nothing_left notices a created container (the checks can fail)" {
	create_ctr
	assert_success
	run assert_nothing_left
	[ "$status" -ne 0 ] || fail "assert_nothing_left passed with a container in $ROOT"
	assert_contains "$stderr$output" "state left under --root" "assert_nothing_left output"
	rt delete --force "$CID"
	assert_nothing_left
}

@test "config: malformed JSON is rejected" {
	printf '{"ociVersion": "1.2.0", "process": {' >"$BUNDLE/config.json"
	create_fails 'config|json|EOF|pars|syntax'
}

@test "config: a field of the wrong type (process.args as a string) is rejected" {
	config '.process.args = "sleep 1000"'
	create_fails 'args'
}

@test "config: a missing process.args is rejected" {
	config 'del(.process.args)'
	create_fails 'args'
}

@test "config: a relative process.cwd is rejected" {
	config '.process.cwd = "relative/dir"'
	create_fails 'cwd'
}

@test "config: an unknown namespace type is rejected" {
	config '.linux.namespaces += [{type: "berthbogus"}]'
	create_fails 'berthbogus'
}

@test "config: a missing root directory is rejected" {
	config '.root.path = "no-such-rootfs"'
	create_fails 'no-such-rootfs'
}

@test "config: uidMappings without a user namespace are rejected" {
	skip_if_runc "runc 1.1 ignores uidMappings when there is no user namespace"
	config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	create_fails 'user|mapping'
}

@test "config: an unknown capability is rejected" {
	skip_if_runc "runc 1.1 ignores unknown capabilities with a warning"
	config '.process.capabilities.bounding += ["CAP_TEST"]'
	create_fails 'CAP_TEST'
}

@test "config: an unknown rlimit type is rejected" {
	config '.process.rlimits += [{type: "RLIMIT_BERTHBOGUS", soft: 1, hard: 1}]'
	create_fails 'RLIMIT_BERTHBOGUS'
}

@test "config: an rlimit above the hard limit the runtime may set fails" {
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "the hard RLIMIT_NOFILE is unlimited here"
	if (( (0x$(awk '/^CapEff:/ { print $2 }' /proc/self/status) >> 24) & 1 )); then
		skip "the test runs with CAP_SYS_RESOURCE, so it may raise RLIMIT_NOFILE"
	fi
	config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: ($h + 1), hard: ($h + 1)}]' --argjson h "$hard"
	create_fails 'rlimit|NOFILE|limit'
}

@test "bundle: a missing bundle directory is rejected" {
	run --separate-stderr rt create --bundle "$TEST_DIR/no-such-bundle" "$CID"
	assert_failure
	assert_one_error_line 'no-such-bundle'
	assert_nothing_left
}

@test "id: create without a container id fails" {
	run --separate-stderr rt create --bundle "$BUNDLE"
	assert_failure
	assert_one_error_line 'id|argument'
	assert_nothing_left
}

@test "id: ids with path elements are rejected and nothing is written outside --root" {
	local id
	for id in ../escape a/b . ..; do
		run --separate-stderr rt create --bundle "$BUNDLE" "$id"
		assert_failure
		assert_one_error_line 'id'
		assert_nothing_left
	done
	[ ! -e "$TEST_DIR/escape" ] || fail "create ../escape wrote $TEST_DIR/escape"
	[ ! -e "$ROOT/a" ] || fail "create a/b made $ROOT/a"
}

@test "id: creating a second container with the same id fails and keeps the first" {
	create_ctr
	assert_success
	local pid
	pid=$(pid_of "$CID")
	create_ctr
	assert_failure
	assert_one_error_line "exist|$CID"
	assert_eq "$(status_of "$CID")" created "status of the first container"
	assert_eq "$(pid_of "$CID")" "$pid" "pid of the first container"
}

@test "start: starting a running container fails and it keeps running" {
	create_ctr
	assert_success
	rt start "$CID"
	run --separate-stderr rt start "$CID"
	assert_failure
	assert_one_error_line 'running|state|created'
	assert_eq "$(status_of "$CID")" running status
}

@test "start: starting a stopped container fails" {
	set_cmd 'true'
	create_ctr
	assert_success
	rt start "$CID"
	wait_status "$CID" stopped
	run --separate-stderr rt start "$CID"
	assert_failure
	assert_one_error_line 'stopped|state|created'
}

@test "kill: signalling a stopped container fails" {
	set_cmd 'true'
	create_ctr
	assert_success
	rt start "$CID"
	wait_status "$CID" stopped
	run --separate-stderr rt kill "$CID" KILL
	assert_failure
	assert_one_error_line 'not running|stopped'
	run --separate-stderr rt kill "$CID" 9
	assert_failure
}

@test "kill: an unknown signal name is rejected and the container keeps running" {
	create_ctr
	assert_success
	rt start "$CID"
	run --separate-stderr rt kill "$CID" BERTHBOGUS
	assert_failure
	assert_one_error_line 'BERTHBOGUS'
	assert_eq "$(status_of "$CID")" running status
}

@test "delete: deleting a created container without --force fails; --force deletes it" {
	skip_if_runc "runc 1.1 deletes a created container without --force (the spec says MUST error)"
	create_ctr
	assert_success
	run --separate-stderr rt delete "$CID"
	assert_failure
	assert_one_error_line 'created|not stopped|force'
	assert_eq "$(status_of "$CID")" created "status after the refused delete"
	run rt delete --force "$CID"
	assert_success
	assert_nothing_left
}

@test "delete: deleting a running container without --force fails and it keeps running" {
	create_ctr
	assert_success
	rt start "$CID"
	run --separate-stderr rt delete "$CID"
	assert_failure
	assert_one_error_line 'running|not stopped'
	assert_eq "$(status_of "$CID")" running status
}

@test "unknown container: state, start, kill and delete fail naming the problem" {
	local cmd
	for cmd in state start "kill" delete; do
		run --separate-stderr rt $cmd "$CID-nosuch"
		assert_failure
		assert_one_error_line "does not exist|not exist|not found|no such|$CID-nosuch"
	done
	assert_nothing_left
}

@test "process: a command that does not exist makes run fail, naming it" {
	set_args no-such-command-xyz
	run_ctr
	assert_failure
	assert_one_error_line 'no-such-command-xyz'
	assert_nothing_left
}

@test "process: an absolute command path that does not exist makes run fail, naming it" {
	set_args /no/such/program
	run_ctr
	assert_failure
	assert_one_error_line '/no/such/program'
	assert_nothing_left
}

@test "process: a missing or non-executable command fails create, not start (podman maps it to 127/126)" {
	# create's output goes to files: an init wrongly left running must not hold a pipe of bats
	local cmd rc
	for cmd in /no/such/program /etc/passwd; do
		set_args "$cmd"
		rc=0
		rt create --bundle "$BUNDLE" "$CID" >"$TEST_DIR/create.out" 2>"$TEST_DIR/create.err" || rc=$?
		[ "$rc" -ne 0 ] || fail "create with $cmd as the command succeeded"
		grep -q "create .*$cmd" "$TEST_DIR/create.err" || fail "no error naming $cmd: $(cat "$TEST_DIR/create.err")"
		[ "$(wc -l <"$TEST_DIR/create.err")" -eq 1 ] || fail "not one line: $(cat "$TEST_DIR/create.err")"
		assert_nothing_left
	done
	grep -qi 'permission denied' "$TEST_DIR/create.err" || fail "not EACCES: $(cat "$TEST_DIR/create.err")"
}

@test "config: a linux.devices path holding another file is an error, the file untouched" {
	skip_if_runc "runc keeps whatever file is at a linux.devices path"
	config '.linux.devices = [{path: "/etc/passwd", type: "c", major: 1, minor: 3}]'
	create_fails 'linux.devices'
	grep -q '^root:' "$BUNDLE/rootfs/etc/passwd" || fail "/etc/passwd was replaced"
}

@test "config: process.selinuxLabel on a host without SELinux is an error (not silently unconfined)" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
	skip_if_runc "runc 1.1 ignores process.selinuxLabel when SELinux is off"
	config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	create_fails 'selinuxLabel'
}
