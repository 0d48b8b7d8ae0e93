#!/usr/bin/env bats
# Less common runtime-spec fields: linux.timeOffsets (time namespace), linux.personality,
# domainname, process.scheduler, process.ioPriority, linux.rootfsPropagation, a config
# without a process, a namespace path of the wrong type, and consoleSize without a terminal.

load helpers

# stat_field N — field N (1-based, as in proc(5)) of a /proc/PID/stat line on stdin; the
# comm field (2) may hold spaces, so count from after its closing parenthesis
stat_field() {
	awk -v n="$1" '{ sub(/.*\) /, ""); split($0, f, " "); print f[n - 2]; exit }'
}

# ---------------------------------------------------------------------------------------------
# linux.timeOffsets

@test "timeOffsets: a new time namespace gets the boottime and monotonic offsets" {
	[ -e /proc/self/ns/time ] || skip "kernel without time namespaces"
	skip_if_runc "runc 1.1 does not support time namespaces / linux.timeOffsets"
	config '.linux.namespaces += [{type: "time"}]
		| .linux.timeOffsets = {boottime: {secs: 86400, nanosecs: 0},
		                        monotonic: {secs: 3600, nanosecs: 0}}'
	set_cmd 'cat /proc/uptime; cat /proc/self/timens_offsets'
	local host_up
	host_up=$(awk '{ print int($1) }' /proc/uptime)
	run_ctr
	assert_success
	local up
	up=$(awk 'NR == 1 { print int($1) }' <<<"$output")
	[ "$up" -ge 86400 ] || fail "uptime inside is $up, expected >= 86400 (host: $host_up)"
	[ "$up" -ge $((host_up + 86000)) ] || fail "uptime inside $up is not host's $host_up + 86400"
	assert_match "$output" $'\nmonotonic +3600 +0' "timens_offsets"
	assert_match "$output" $'\nboottime +86400 +0' "timens_offsets"
}

@test "timeOffsets: without a time namespace the container sees the host's uptime" {
	[ -e /proc/self/ns/time ] || skip "kernel without time namespaces"
	set_cmd 'cat /proc/uptime'
	local host_up
	host_up=$(awk '{ print int($1) }' /proc/uptime)
	run_ctr
	assert_success
	local up
	up=$(awk '{ print int($1) }' <<<"$output")
	[ "$up" -lt $((host_up + 60)) ] || fail "uptime inside $up, host $host_up"
}

# ---------------------------------------------------------------------------------------------
# linux.personality

@test "personality: LINUX32 makes uname -m report a 32-bit machine" {
	[ "$(uname -m)" = x86_64 ] || skip "host is $(uname -m), not x86_64"
	skip_if_runc "runc 1.1 does not support linux.personality"
	config '.linux.personality = {domain: "LINUX32"}'
	config '.process.args = ["uname", "-m"]'
	run_ctr
	assert_success
	assert_match "$output" '^i[3-6]86$' "uname -m inside"
	assert_eq "$(uname -m)" x86_64 "uname -m on the host"
}

@test "personality: without it the container sees the host's machine" {
	config '.process.args = ["uname", "-m"]'
	run_ctr
	assert_success
	assert_output "$(uname -m)"
}

# ---------------------------------------------------------------------------------------------
# domainname

@test "domainname: set in the container's uts namespace, the host's is unchanged" {
	local host_dn
	host_dn=$(cat /proc/sys/kernel/domainname)
	skip_if_runc "runc 1.1 ignores .domainname"
	config '.domainname = "berth.example"'
	set_cmd 'cat /proc/sys/kernel/domainname'
	run_ctr
	assert_success
	assert_output berth.example
	assert_eq "$(cat /proc/sys/kernel/domainname)" "$host_dn" "host domainname"
}

# ---------------------------------------------------------------------------------------------
# process.scheduler

@test "scheduler: SCHED_BATCH with nice 5 is applied to the process" {
	skip_if_runc "runc 1.1 does not support process.scheduler"
	config '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
	set_args cat /proc/self/stat
	run_ctr
	assert_success
	assert_eq "$(stat_field 19 <<<"$output")" 5 "nice (stat field 19)"
	assert_eq "$(stat_field 41 <<<"$output")" 3 "policy (stat field 41, SCHED_BATCH=3)"
}

@test "scheduler: by default the process is SCHED_OTHER with the runtime's nice" {
	set_args cat /proc/self/stat
	run_ctr
	assert_success
	assert_eq "$(stat_field 41 <<<"$output")" 0 "policy (SCHED_OTHER=0)"
	assert_eq "$(stat_field 19 <<<"$output")" "$(stat_field 19 </proc/self/stat)" "nice"
}

# ---------------------------------------------------------------------------------------------
# process.ioPriority

@test "ioPriority: IOPRIO_CLASS_IDLE is visible from the host with ionice" {
	command -v ionice >/dev/null || skip "no ionice on the host"
	skip_if_runc "runc 1.1 does not support process.ioPriority"
	config '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 7}'
	set_args sleep 100
	create_ctr
	assert_success
	run rt start "$CID"
	assert_success
	wait_status "$CID" running
	local pid
	pid=$(pid_of "$CID")
	run ionice -p "$pid"
	assert_success
	assert_match "$output" '^idle' "ionice -p $pid"
}

@test "ioPriority: class best-effort with priority 2 is applied" {
	command -v ionice >/dev/null || skip "no ionice on the host"
	skip_if_runc "runc 1.1 does not support process.ioPriority"
	config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 2}'
	set_args sleep 100
	create_ctr
	assert_success
	run rt start "$CID"
	assert_success
	wait_status "$CID" running
	run ionice -p "$(pid_of "$CID")"
	assert_success
	assert_output "best-effort: prio 2"
}

# ---------------------------------------------------------------------------------------------
# linux.rootfsPropagation

# root_mountinfo — the mountinfo line of "/" printed by the container (from $output)
root_mountinfo() {
	awk '$5 == "/" { l = $0 } END { print l }' <<<"$output"
}

@test "rootfsPropagation: shared makes the container's / a shared mount" {
	skip_if_runc "runc 1.1 leaves the rootfs mount private whatever rootfsPropagation says"
	config '.linux.rootfsPropagation = "shared"'
	set_args cat /proc/self/mountinfo
	run_ctr
	assert_success
	local line
	line=$(root_mountinfo)
	[ -n "$line" ] || fail "no mountinfo line for /: $output"
	assert_contains "$line" " shared:" "mountinfo of /"
}

@test "rootfsPropagation: private makes / not shared" {
	config '.linux.rootfsPropagation = "private"'
	set_args cat /proc/self/mountinfo
	run_ctr
	assert_success
	local line
	line=$(root_mountinfo)
	[ -n "$line" ] || fail "no mountinfo line for /: $output"
	assert_not_contains "$line" "shared:" "mountinfo of /"
}

@test "rootfsPropagation: by default / is not shared" {
	set_args cat /proc/self/mountinfo
	run_ctr
	assert_success
	local line
	line=$(root_mountinfo)
	[ -n "$line" ] || fail "no mountinfo line for /: $output"
	assert_not_contains "$line" "shared:" "mountinfo of /"
}

# ---------------------------------------------------------------------------------------------
# a config without a process

@test "no process: create succeeds, start fails naming the process, delete cleans up" {
	skip_if_runc "runc refuses a config without process already at create"
	config 'del(.process)'
	create_ctr
	assert_success
	run --separate-stderr rt start "$CID"
	assert_failure
	assert_one_error_line 'process'
	run --separate-stderr rt delete "$CID"
	assert_success
	assert_nothing_left
}

# ---------------------------------------------------------------------------------------------
# namespace path of the wrong type

@test "namespaces: a path to a namespace of another type is rejected, nothing left" {
	# a helper process in our (the host's) uts namespace provides the uts namespace file
	hold sleep 1000
	local ns=/proc/$HELD_PID/ns/uts
	[ -e "$ns" ] || fail "no $ns"
	set_args true
	config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' --arg p "$ns"
	create_ctr
	assert_failure
	assert_nothing_left
}

# ---------------------------------------------------------------------------------------------
# consoleSize without a terminal

@test "consoleSize: ignored when terminal is false" {
	config '.process.terminal = false | .process.consoleSize = {height: 24, width: 80}'
	set_cmd 'echo ran; [ -t 0 ] || [ -t 1 ] && echo tty || echo notty'
	run_ctr
	assert_success
	assert_eq "${lines[0]}" ran
	assert_eq "${lines[1]}" notty
}
