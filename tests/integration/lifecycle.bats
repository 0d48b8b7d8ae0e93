#!/usr/bin/env bats
# Foreground `run` and the detached create / start / state / kill / delete lifecycle.

load helpers

# shared_dir — bind-mount a host directory at /shared (rw) so the container can leave marks
shared_dir() {
	SHARED=$TEST_DIR/shared
	mkdir -p "$SHARED"
	chmod 0777 "$SHARED"
	config '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]' \
		--arg s "$SHARED"
}

# a program that marks that it started, then waits; SIGTERM makes it exit 0
LONG_RUNNING='echo started > /shared/marker; trap "exit 0" TERM; sleep 1000 & wait'

@test "run: the container process is pid 1 of its own pid namespace" {
	set_cmd 'read -r p _ </proc/self/stat; echo "$$ $p"; ps -o pid= 2>/dev/null | wc -l'
	run_ctr
	assert_success
	assert_eq "${lines[0]}" "1 1" "\$\$ and /proc/self/stat pid"
	# only sh, ps and wc exist in the namespace (the host has many more processes)
	[ "${lines[1]}" -le 3 ] || fail "container sees ${lines[1]} processes: host pid namespace leaked"
}

@test "run: hostname comes from config.json and the host's hostname is untouched" {
	config '.hostname = "berth-lifecycle-test"'
	set_cmd 'hostname; cat /proc/sys/kernel/hostname'
	run_ctr
	assert_success
	assert_eq "${lines[0]}" berth-lifecycle-test hostname
	assert_eq "${lines[1]}" berth-lifecycle-test /proc/sys/kernel/hostname
	assert_eq "$(cat /proc/sys/kernel/hostname)" "$HOST_HOSTNAME" "host hostname after the run"
}

@test "run: / is the bundle's rootfs and no host path is a mount point inside" {
	echo "from-rootfs-$CID" >"$BUNDLE/rootfs/etc/marker"
	set_cmd 'cat /etc/marker; awk "{ print \$5 }" /proc/self/mountinfo; [ -e "$HOSTDIR" ] && echo HOST-VISIBLE; true'
	config '.process.env += ["HOSTDIR=" + $d]' --arg d "$TEST_DIR"
	run_ctr
	assert_success
	assert_eq "${lines[0]}" "from-rootfs-$CID" "/etc/marker inside"
	assert_contains "$output" $'\n/\n' "mount points"
	assert_not_contains "$output" "$TEST_DIR" "mount points inside the container"
	assert_not_contains "$output" HOST-VISIBLE "host test dir seen from inside"
}

@test "run: the container's exit code is the runtime's exit code" {
	set_cmd 'exit 3'
	run_ctr
	assert_status 3
}

@test "run: a container killed by SIGKILL makes run exit 128+9" {
	set_cmd 'sleep 1000'
	rt run --bundle "$BUNDLE" "$CID" >/dev/null 2>&1 &
	local runpid=$!
	wait_status "$CID" running
	rt kill "$CID" KILL
	local rc=0
	wait "$runpid" || rc=$?
	assert_eq "$rc" 137 "exit status of run"
}

@test "run: stdout and stderr of the container reach the caller separately" {
	set_cmd 'echo to-stdout; echo to-stderr >&2'
	run_ctr
	assert_success
	assert_output to-stdout
	assert_eq "$stderr" to-stderr stderr
}

@test "run: the container's state is removed once the process exits" {
	set_cmd 'true'
	run_ctr
	assert_success
	run -1 rt state "$CID"
	run rt list -q
	assert_not_contains "$output" "$CID" "list -q"
}

@test "run --detach: returns while the container keeps running" {
	set_cmd 'sleep 1000'
	local rc=0
	rt run --detach --bundle "$BUNDLE" "$CID" >"$TEST_DIR/out" 2>&1 || rc=$?
	assert_eq "$rc" 0 "exit status of run --detach ($(cat "$TEST_DIR/out"))"
	assert_eq "$(status_of "$CID")" running status
	local pid
	pid=$(pid_of "$CID")
	[ -d "/proc/$pid" ] || fail "pid $pid of the detached container does not exist"
}

@test "create: state is 'created' with a live pid and the user program has not run" {
	shared_dir
	set_cmd "$LONG_RUNNING"
	config '.annotations = {"org.berth.test": "lifecycle", "second": "2"}'
	create_ctr
	assert_success
	run state_of "$CID"
	assert_success
	local st=$output
	assert_eq "$(jq -r .status <<<"$st")" created status
	assert_eq "$(jq -r .id <<<"$st")" "$CID" id
	assert_eq "$(jq -r .bundle <<<"$st")" "$BUNDLE" "bundle (absolute)"
	assert_match "$(jq -r .ociVersion <<<"$st")" '^1\.[0-9]+\.[0-9]+' ociVersion
	assert_eq "$(jq -r '.annotations["org.berth.test"]' <<<"$st")" lifecycle annotation
	assert_eq "$(jq -r '.annotations.second' <<<"$st")" 2 annotation
	local pid
	pid=$(jq -r .pid <<<"$st")
	[ "$pid" -gt 0 ] || fail "pid is $pid"
	[ -d "/proc/$pid" ] || fail "pid $pid does not exist"
	sleep 0.3
	[ ! -e "$SHARED/marker" ] || fail "the user program ran before start"
}

@test "create without annotations: state has no annotations or an empty object" {
	create_ctr
	assert_success
	local a
	a=$(state_of "$CID" | jq -c '.annotations // {}')
	assert_eq "$a" '{}' annotations
}

@test "start: runs the user program in the created process; state becomes 'running'" {
	shared_dir
	set_cmd "$LONG_RUNNING"
	create_ctr
	assert_success
	local pid
	pid=$(pid_of "$CID")
	run rt start "$CID"
	assert_success
	wait_file "$SHARED/marker"
	assert_eq "$(cat "$SHARED/marker")" started marker
	assert_eq "$(status_of "$CID")" running status
	assert_eq "$(pid_of "$CID")" "$pid" "pid after start"
	# the pid is the user program now (sh), no longer the runtime's init
	assert_eq "$(cat "/proc/$pid/comm")" sh "comm of the container pid"
}

@test "kill TERM: a running container that handles SIGTERM stops" {
	shared_dir
	set_cmd "$LONG_RUNNING"
	create_ctr
	assert_success
	rt start "$CID"
	wait_file "$SHARED/marker"
	run rt kill "$CID" TERM
	assert_success
	wait_status "$CID" stopped
}

@test "kill SIGTERM: the signal name with its SIG prefix is accepted" {
	shared_dir
	set_cmd "$LONG_RUNNING"
	create_ctr
	assert_success
	rt start "$CID"
	wait_file "$SHARED/marker"
	run rt kill "$CID" SIGTERM
	assert_success
	wait_status "$CID" stopped
}

@test "kill 9: a numeric signal stops a container that ignores SIGTERM" {
	set_cmd 'trap "" TERM; sleep 1000 & wait'
	create_ctr
	assert_success
	rt start "$CID"
	wait_status "$CID" running
	rt kill "$CID" TERM
	sleep 0.3
	assert_eq "$(status_of "$CID")" running "status after an ignored SIGTERM"
	run rt kill "$CID" 9
	assert_success
	wait_status "$CID" stopped
}

@test "kill with no signal sends SIGTERM" {
	shared_dir
	set_cmd "$LONG_RUNNING"
	create_ctr
	assert_success
	rt start "$CID"
	wait_file "$SHARED/marker"
	run rt kill "$CID"
	assert_success
	wait_status "$CID" stopped
}

@test "delete: a stopped container is gone afterwards (state fails, no state dir, no process)" {
	set_cmd 'true'
	create_ctr
	assert_success
	local pid
	pid=$(pid_of "$CID")
	rt start "$CID"
	wait_status "$CID" stopped
	run rt delete "$CID"
	assert_success
	run --separate-stderr rt state "$CID"
	assert_failure
	[ ! -e "$ROOT/$CID" ] || fail "$ROOT/$CID still exists"
	wait_gone "$pid"
	assert_nothing_left
}

@test "delete --force: kills and removes a running container" {
	set_cmd 'sleep 1000'
	create_ctr
	assert_success
	rt start "$CID"
	local pid
	pid=$(pid_of "$CID")
	run rt delete --force "$CID"
	assert_success
	wait_gone "$pid"
	run -1 rt state "$CID"
	assert_nothing_left
}

@test "create --pid-file: the file holds the container's pid from state" {
	create_ctr --pid-file "$TEST_DIR/pidfile"
	assert_success
	local fpid
	fpid=$(cat "$TEST_DIR/pidfile")
	assert_match "$fpid" '^[0-9]+$' "pid file contents"
	assert_eq "$fpid" "$(pid_of "$CID")" "pid file vs state pid"
}

@test "run --pid-file: the file holds the pid of the running container" {
	set_cmd 'sleep 1000'
	rt run --pid-file "$TEST_DIR/pidfile" --bundle "$BUNDLE" "$CID" >/dev/null 2>&1 &
	wait_status "$CID" running
	wait_file "$TEST_DIR/pidfile"
	assert_eq "$(cat "$TEST_DIR/pidfile")" "$(pid_of "$CID")" "pid file vs state pid"
	rt kill "$CID" KILL
	wait
}

@test "list: shows every container with its status; -q prints only ids" {
	set_cmd 'sleep 1000'
	rt create --bundle "$BUNDLE" "$CID-a" >/dev/null 2>&1
	rt create --bundle "$BUNDLE" "$CID-b" >/dev/null 2>&1
	rt start "$CID-b"
	run rt list
	assert_success
	assert_match "${lines[0]}" '^ID +PID +STATUS +BUNDLE' "header"
	grep -qE "^$CID-a +[0-9]+ +created +$BUNDLE " <<<"$output" || fail "no 'created' row for $CID-a: $output"
	grep -qE "^$CID-b +[0-9]+ +running +$BUNDLE " <<<"$output" || fail "no 'running' row for $CID-b: $output"
	run rt list -q
	assert_success
	assert_eq "$(sort <<<"$output" | tr '\n' ' ')" "$CID-a $CID-b " "list -q"
}

@test "list --format json: an array of container states" {
	config '.annotations = {"k": "v"}'
	create_ctr
	assert_success
	run rt list --format json
	assert_success
	assert_eq "$(jq -r 'length' <<<"$output")" 1 "number of containers"
	assert_eq "$(jq -r '.[0].id' <<<"$output")" "$CID" id
	assert_eq "$(jq -r '.[0].status' <<<"$output")" created status
	assert_eq "$(jq -r '.[0].bundle' <<<"$output")" "$BUNDLE" bundle
	assert_eq "$(jq -r '.[0].pid' <<<"$output")" "$(pid_of "$CID")" pid
}

@test "list: an empty root prints nothing but the header, and JSON '[]' or null" {
	run rt list -q
	assert_success
	assert_eq "$output" "" "list -q"
	run rt list --format json
	assert_success
	assert_eq "$(jq -c '. // []' <<<"$output")" '[]' "list --format json"
}
