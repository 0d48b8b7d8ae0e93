#!/usr/bin/env bats
# pause / resume: the freezer cgroup really stops the container's processes (a counter stops
# growing), resume lets them go on; state follows; wrong states are refused; a paused
# container can be force-deleted without leaving its cgroup.

load helpers
load limits-helpers

setup() {
	berth_setup
	[ -e "$CG_FS/freezer" ] || skip "needs the v1 freezer controller under $CG_FS"
	cg_setup
	SHARED=$TEST_DIR/shared
	mkdir -m 0777 "$SHARED"
	config '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]' \
		--arg s "$SHARED"
	# the init and a child both make progress: one line per tick in their own file
	set_cmd 'tick() { while :; do echo x >> /shared/$1; sleep 0.02; done; }
		tick child & tick init'
}

teardown() { cg_teardown; }

# progress NAME — lines written so far to /shared/NAME
progress() { [ -e "$SHARED/$1" ] && wc -l <"$SHARED/$1" || echo 0; }

# wait_progress NAME — until NAME has grown (some lines written)
wait_progress() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(progress "$1")" -ge 3 ] && return 0
		sleep 0.05
	done
	fail "no progress in /shared/$1"
}

@test "pause: state 'paused', freezer.state FROZEN, and no process makes progress; resume continues" {
	start_ctr
	wait_progress init
	wait_progress child
	run --separate-stderr rt pause "$CID"
	assert_success
	assert_eq "$(status_of "$CID")" paused "status after pause"
	assert_eq "$(cg_read freezer freezer.state)" FROZEN freezer.state
	local i0 c0
	i0=$(progress init)
	c0=$(progress child)
	sleep 1
	assert_eq "$(progress init)" "$i0" "init's counter while paused"
	assert_eq "$(progress child)" "$c0" "child's counter while paused"

	run --separate-stderr rt resume "$CID"
	assert_success
	assert_eq "$(status_of "$CID")" running "status after resume"
	assert_eq "$(cg_read freezer freezer.state)" THAWED freezer.state
	sleep 0.5
	[ "$(progress init)" -gt "$i0" ] || fail "init's counter did not grow after resume ($i0)"
	[ "$(progress child)" -gt "$c0" ] || fail "child's counter did not grow after resume ($c0)"
}

@test "pause: every process of the container is in the frozen cgroup (exec'd ones too)" {
	start_ctr
	rt exec -d --pid-file "$TEST_DIR/exec.pid" "$CID" sh -c 'while :; do echo x >> /shared/exec; sleep 0.02; done' \
		>/dev/null 2>&1
	wait_progress exec
	run --separate-stderr rt pause "$CID"
	assert_success
	local e0
	e0=$(progress exec)
	sleep 0.5
	assert_eq "$(progress exec)" "$e0" "exec'd process's counter while paused"
	grep -qx "$(cat "$TEST_DIR/exec.pid")" "$(cg_dir freezer)/cgroup.procs" ||
		fail "exec'd process is not in the freezer cgroup"
	rt resume "$CID"
}

@test "pause: a stopped container cannot be paused" {
	set_cmd 'true'
	start_ctr
	wait_status "$CID" stopped
	run --separate-stderr rt pause "$CID"
	assert_failure
	assert_one_error_line 'stopped|not running'
	assert_eq "$(status_of "$CID")" stopped "status"
}

@test "resume: a running (not paused) container cannot be resumed" {
	start_ctr
	run --separate-stderr rt resume "$CID"
	assert_failure
	assert_one_error_line 'not paused|running'
	assert_eq "$(status_of "$CID")" running "status"
}

@test "delete --force: a paused container is killed and its cgroup removed" {
	start_ctr
	wait_progress init
	rt pause "$CID"
	assert_eq "$(status_of "$CID")" paused "status"
	local pids
	pids=$(pids_in_cgroup freezer)
	run --separate-stderr rt delete --force "$CID"
	assert_success
	local p
	for p in $pids; do wait_gone "$p"; done
	run -1 rt state "$CID"
	assert_no_cgroup
	assert_nothing_left
}
