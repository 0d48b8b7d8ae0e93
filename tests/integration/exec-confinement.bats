#!/usr/bin/env bats
# exec is as confined as the container's init: the same namespaces, cgroup, capability sets,
# no_new_privs and seccomp mode; --cap cannot widen the bounding set. Plus the exec options
# (-e, --cwd, -u, --process, -d/--pid-file, -t/--console-socket) and exit status.
#
# (exec.bats covers exec's basic plumbing; this file is about confinement and is checked
# against the init as the host sees it in /proc/<init pid>.)

load helpers
load limits-helpers

setup_file() {
	RECVTTY=$BATS_FILE_TMPDIR/recvtty
	cc -std=c17 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -o "$RECVTTY" "$BATS_TEST_DIRNAME/recvtty.c"
	export RECVTTY
}

setup() {
	berth_setup
	cg_setup
	config '.hostname = "berth-exec-conf"'
	set_cmd 'sleep 1000'
}

teardown() { cg_teardown; }

# host_status_line PID FIELD — "FIELD:<TAB>value" from the host's /proc/PID/status
host_status_line() { grep -m1 "^$2:" "/proc/$1/status"; }

# exec_out ARGS... — `exec` with stdout/stderr in $output/$stderr
exec_out() { run --separate-stderr rt exec "$@"; }

# ---------------------------------------------------------------------------------------------
# confinement

@test "exec: runs in the init's namespaces (pid, mnt, net, ipc, uts) with its hostname" {
	start_ctr
	exec_out "$CID" sh -c 'for n in pid mnt net ipc uts; do readlink /proc/self/ns/$n; done; hostname'
	assert_success
	local i=0 n
	for n in pid mnt net ipc uts; do
		assert_eq "${lines[i]}" "$(readlink "/proc/$INIT_PID/ns/$n")" "$n namespace"
		i=$((i + 1))
	done
	assert_eq "${lines[5]}" berth-exec-conf hostname
}

@test "exec: runs in the init's cgroup (/proc/self/cgroup equals the host's /proc/<init>/cgroup)" {
	start_ctr
	exec_out "$CID" cat /proc/self/cgroup
	assert_success
	assert_eq "$output" "$(cat "/proc/$INIT_PID/cgroup")" "/proc/self/cgroup of the exec'd process"
	assert_contains "$output" ":pids:$CGPATH" "/proc/self/cgroup"
}

@test "exec: with a cgroup namespace, it joins the init's cgroup namespace and cgroup" {
	config '.linux.namespaces += [{type: "cgroup"}]'
	start_ctr
	exec_out "$CID" sh -c 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup; echo --; cat /proc/1/cgroup'
	assert_success
	assert_eq "${lines[0]}" "$(readlink "/proc/$INIT_PID/ns/cgroup")" "cgroup namespace"
	local self init
	self=$(sed -n '2,/^--$/p' <<<"$output" | sed '$d')
	init=$(sed -n '/^--$/,$p' <<<"$output" | sed 1d)
	assert_eq "$self" "$init" "/proc/self/cgroup vs the init's, both seen inside"
	# the host sees the exec'd process in the container's cgroup
	# (not through bats' run: the detached process would keep its output pipe open)
	rt exec -d --pid-file "$TEST_DIR/exec.pid" "$CID" sleep 1000 >/dev/null 2>&1
	local pid
	pid=$(cat "$TEST_DIR/exec.pid")
	grep -qx "$pid" "$(cg_dir pids)/cgroup.procs" || fail "exec'd pid $pid is not in $(cg_dir pids)"
}

@test "exec: has the init's capability sets (CapInh/Prm/Eff/Bnd/Amb)" {
	config '.process.capabilities = {bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		permitted: ["CAP_CHOWN", "CAP_KILL"], effective: ["CAP_CHOWN", "CAP_KILL"]}'
	start_ctr
	exec_out "$CID" grep ^Cap /proc/self/status
	assert_success
	assert_eq "$output" "$(grep ^Cap "/proc/$INIT_PID/status")" "Cap lines (exec'd vs init)"
	assert_contains "$output" "CapBnd:	$(cap_mask CAP_CHOWN CAP_KILL CAP_NET_RAW)" CapBnd
}

@test "exec: has the init's NoNewPrivs (1 and 0)" {
	start_ctr
	assert_eq "$(host_status_line "$INIT_PID" NoNewPrivs)" $'NoNewPrivs:\t1' "NoNewPrivs of the init"
	exec_out "$CID" grep ^NoNewPrivs /proc/self/status
	assert_success
	assert_eq "$output" $'NoNewPrivs:\t1' "NoNewPrivs of the exec'd process"
	rt delete --force "$CID"

	config '.process.noNewPrivileges = false'
	start_ctr
	assert_eq "$(host_status_line "$INIT_PID" NoNewPrivs)" $'NoNewPrivs:\t0' "NoNewPrivs of the init"
	exec_out "$CID" grep ^NoNewPrivs /proc/self/status
	assert_success
	assert_eq "$output" $'NoNewPrivs:\t0' "NoNewPrivs of the exec'd process"
}

@test "exec: has the init's seccomp filter (Seccomp: 2 for both, the rule applies)" {
	config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	start_ctr
	assert_eq "$(host_status_line "$INIT_PID" Seccomp)" $'Seccomp:\t2' "Seccomp of the init"
	exec_out "$CID" sh -c 'grep ^Seccomp: /proc/self/status; mkdir /dev/shm/x; echo "mkdir=$?"'
	assert_success
	assert_eq "${lines[0]}" $'Seccomp:\t2' "Seccomp of the exec'd process"
	assert_eq "${lines[1]}" "mkdir=1" "mkdir in the exec'd process"
	assert_contains "$stderr" "Operation not permitted" "error of mkdir"
}

@test "exec --cap CAP_SYS_ADMIN: cannot go beyond the container's bounding set" {
	skip_if_runc "runc's exec --cap adds the capability to the bounding set by design"
	start_ctr
	local bnd
	bnd=$(host_status_line "$INIT_PID" CapBnd)
	run --separate-stderr rt exec --cap CAP_SYS_ADMIN "$CID" \
		sh -c 'grep ^Cap /proc/self/status; mount -t tmpfs t /tmp && echo MOUNTED; echo script-done'
	# refusing the option is fine; running is fine as long as CAP_SYS_ADMIN is not granted
	if [ "$status" -ne 0 ] && ! grep -q script-done <<<"$output"; then
		assert_failure
		assert_one_error_line 'CAP_SYS_ADMIN|bounding|cap'
		return
	fi
	assert_success
	assert_contains "$output" "$bnd" "CapBnd of the exec'd process (the init's: $bnd)"
	local sysadmin=$((1 << 21)) set v
	for set in CapPrm CapEff CapBnd CapAmb CapInh; do
		v=$(awk -v k="$set:" '$1 == k { print $2 }' <<<"$output")
		assert_match "$v" '^[0-9a-f]{16}$' "$set"
		[ $((16#$v & sysadmin)) -eq 0 ] || fail "$set $v has CAP_SYS_ADMIN"
	done
	assert_not_contains "$output" MOUNTED "output (a tmpfs was mounted)"
	assert_match "$stderr" "permission denied|Operation not permitted" "error of mount"
}

# ---------------------------------------------------------------------------------------------
# options

@test "exec: the exit status of the process is exec's" {
	start_ctr
	exec_out "$CID" sh -c 'exit 42'
	assert_status 42
	exec_out "$CID" sh -c 'kill -TERM $$'
	assert_status 143
}

@test "exec -e --cwd -u 1000:1000: environment, directory and ids are applied" {
	start_ctr
	exec_out -e EXEC_A=1 -e 'EXEC_B=two words' --cwd /usr/bin -u 1000:1000 "$CID" \
		sh -c 'echo "$EXEC_A|$EXEC_B"; pwd; id -u; id -g; grep -E "^(Uid|Gid):" /proc/self/status'
	assert_success
	assert_eq "${lines[0]}" "1|two words" env
	assert_eq "${lines[1]}" /usr/bin cwd
	assert_eq "${lines[2]}" 1000 "id -u"
	assert_eq "${lines[3]}" 1000 "id -g"
	assert_eq "${lines[4]}" $'Uid:\t1000\t1000\t1000\t1000' Uid
	assert_eq "${lines[5]}" $'Gid:\t1000\t1000\t1000\t1000' Gid
}

@test "exec --process FILE: the process object is run as given" {
	start_ctr
	jq -n '{terminal: false, user: {uid: 1000, gid: 1000}, cwd: "/tmp",
		args: ["sh", "-c", "id -u; pwd; echo $PROC_VAR; grep ^NoNewPrivs: /proc/self/status"],
		env: ["PATH=/bin:/usr/bin", "PROC_VAR=from-file"], noNewPrivileges: true}' >"$TEST_DIR/process.json"
	exec_out --process "$TEST_DIR/process.json" "$CID"
	assert_success
	assert_eq "$(tr '\n' ' ' <<<"$output")" $'1000 /tmp from-file NoNewPrivs:\t1 ' "output"
}

@test "exec -d --pid-file: the process is alive, in the container's cgroup and pid namespace" {
	start_ctr
	local rc=0
	rt exec -d --pid-file "$TEST_DIR/exec.pid" "$CID" sleep 1000 >"$TEST_DIR/exec.out" 2>&1 || rc=$?
	assert_eq "$rc" 0 "exit status of exec -d ($(cat "$TEST_DIR/exec.out"))"
	local pid
	pid=$(cat "$TEST_DIR/exec.pid")
	assert_match "$pid" '^[0-9]+$' "pid file"
	[ -d "/proc/$pid" ] || fail "pid $pid is not alive"
	assert_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 1000 " "command line of $pid"
	local m
	for m in $(cg_mounts); do
		grep -qx "$pid" "$m$CGPATH/cgroup.procs" || fail "pid $pid is not in $m$CGPATH"
	done
	assert_eq "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$INIT_PID/cgroup")" "/proc/$pid/cgroup"
	assert_eq "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$INIT_PID/ns/pid")" "pid namespace"
	# it is one of the container's processes: killing the container ends it
	rt kill "$CID" KILL
	wait_gone "$pid"
}

@test "exec: into a stopped container fails with one clear line" {
	start_ctr
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	exec_out "$CID" echo should-not-run
	assert_failure
	assert_one_error_line 'stopped|not running'
	assert_not_contains "$output" should-not-run stdout
}

@test "exec -t --console-socket: the process gets a pty from the container's devpts" {
	start_ctr
	local sock=$TEST_DIR/tty.sock out=$TEST_DIR/tty.out i
	hold "$RECVTTY" "$sock" "$out"
	local recv=$HELD_PID
	for ((i = 0; i < 100; i++)); do
		[ -S "$sock" ] && break
		sleep 0.05
	done
	[ -S "$sock" ] || fail "recvtty did not create $sock"
	local rc=0
	rt exec -t -d --console-socket "$sock" --pid-file "$TEST_DIR/exec.pid" "$CID" \
		sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-stdio-on-tty; readlink /proc/self/ns/pid' \
		>"$TEST_DIR/exec.out" 2>&1 || rc=$?
	assert_eq "$rc" 0 "exit status of exec -t ($(cat "$TEST_DIR/exec.out"))"
	wait_gone "$recv" 10
	local got
	got=$(tr -d '\r' <"$out")
	assert_match "$(sed -n 1p <<<"$got")" '^/dev/pts/[0-9]+$' tty
	assert_eq "$(sed -n 2p <<<"$got")" all-stdio-on-tty "stdio"
	assert_eq "$(sed -n 3p <<<"$got")" "$(readlink "/proc/$INIT_PID/ns/pid")" "pid namespace"
}
