#!/usr/bin/env bats
# exec: a second process in a running container (what conmon and containerd-shim call as
# `exec --process FILE --detach --pid-file FILE ID`).

load helpers

setup() {
	berth_setup
	echo "inside-$CID" >"$BUNDLE/rootfs/etc/marker"
	config '.hostname = "berth-exec"'
	set_args sleep 1000
	create_ctr
	assert_success
	rt start "$CID"
	wait_status "$CID" running
	INIT_PID=$(pid_of "$CID")
}

@test "exec: the process joins the container's namespaces and root" {
	run --separate-stderr rt exec "$CID" sh -c 'for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done; hostname; cat /etc/marker'
	assert_success
	local i=0 n
	for n in pid net ipc uts mnt; do
		assert_eq "${lines[i]}" "$(readlink "/proc/$INIT_PID/ns/$n")" "$n namespace of the exec'd process"
		i=$((i + 1))
	done
	assert_eq "${lines[5]}" berth-exec hostname
	assert_eq "${lines[6]}" "inside-$CID" "/etc/marker"
}

@test "exec: the exit code of the process is the exit code of exec" {
	run --separate-stderr rt exec "$CID" sh -c 'exit 5'
	assert_status 5
}

@test "exec: sees the container's processes, with the init as pid 1" {
	run --separate-stderr rt exec "$CID" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo $$'
	assert_success
	assert_eq "${lines[0]}" "sleep 1000 " "pid 1 inside"
	[ "${lines[1]}" -gt 1 ] || fail "exec'd shell has pid ${lines[1]}"
}

@test "exec --process: args, env, cwd and user come from the process JSON" {
	jq -n '{terminal: false, user: {uid: 1000, gid: 1000, additionalGids: [5]},
		args: ["sh", "-c", "id -u; id -g; id -G; pwd; echo $EXEC_VAR"],
		env: ["PATH=/bin:/usr/bin", "EXEC_VAR=from-process-json"], cwd: "/tmp",
		capabilities: {bounding: ["CAP_KILL"], effective: [], permitted: []},
		noNewPrivileges: true}' >"$TEST_DIR/process.json"
	run --separate-stderr rt exec --process "$TEST_DIR/process.json" "$CID"
	assert_success
	assert_eq "$(tr '\n' ' ' <<<"$output")" "1000 1000 1000 5 /tmp from-process-json " "id -u, id -g, id -G, pwd, env"
}

@test "exec --detach --pid-file: returns at once; the pid file names the running process" {
	# the detached process keeps the stdio it is given: files, not bats' pipes
	status=0
	rt exec --detach --pid-file "$TEST_DIR/exec.pid" "$CID" sleep 999 >"$TEST_DIR/out" 2>"$TEST_DIR/err" || status=$?
	stderr=$(cat "$TEST_DIR/err")
	assert_success
	local pid
	pid=$(cat "$TEST_DIR/exec.pid")
	assert_match "$pid" '^[0-9]+$' "pid file"
	assert_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 999 " "command line of pid $pid"
	assert_eq "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$INIT_PID/ns/pid")" "pid namespace of pid $pid"
}

@test "exec: into a stopped container fails" {
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	run --separate-stderr rt exec "$CID" true
	assert_failure
	assert_one_error_line 'stopped|not running|running|state'
}
