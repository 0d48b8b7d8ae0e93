#!/usr/bin/env bats
# containerd 1.6 (containerd-shim-runc-v2) driving the runtime under test through
# `ctr run --runc-binary $RUNTIME --runc-root <private>`. The test starts its own containerd
# (config, root, state and sockets in a temp dir) and works in its own namespace; the busybox
# image of scripts/mkimage.sh is imported as a docker-archive into both snapshotters.
# RUNTIME=/usr/sbin/runc runs the same file as control.
#
# The shim calls the runtime with --log FILE --log-format json and reads that log when a call
# fails: the error test checks that the runtime's message reaches ctr.

load helpers
load clients-helpers

setup_file() {
	command -v containerd >/dev/null && command -v containerd-shim-runc-v2 >/dev/null ||
		skip "containerd not installed"
	containerd_setup_file
}

teardown_file() { containerd_teardown_file; }

setup() {
	[ -x "$RUNTIME" ] || fail "RUNTIME=$RUNTIME is not an executable"
	N=ct-$BATS_TEST_NUMBER
}

# every task killed and deleted, every container removed, then nothing of theirs may be left:
# no bundle mount, no cgroup, no state under the runtime's root
teardown() {
	local id left=''
	for id in $(ctr containers ls -q 2>/dev/null); do
		ctr tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
		ctr tasks delete -f "$id" >/dev/null 2>&1 || true
		ctr containers delete "$id" >/dev/null 2>&1 || true
	done
	left+=$(host_mounts_under "$CT_DIR/state")
	left+=$(cgroups_named "$CT_NS/ct-[0-9]+(-[a-z]+)?")
	left+=$(find "$CT_RUNC_ROOT" -mindepth 2 -maxdepth 2 2>/dev/null)
	[ -z "$left" ] || fail "left behind by deleted containers: $left"
}

# task_status ID — RUNNING, PAUSED, STOPPED... as `ctr task ls` says
task_status() { ctr tasks ls | awk -v id="$1" '$1 == id { print $3 }'; }

# wait_task_status ID STATUS — poll up to 10 s
wait_task_status() {
	local i st
	for ((i = 0; i < 100; i++)); do
		st=$(task_status "$1")
		[ "$st" = "$2" ] && return 0
		sleep 0.1
	done
	fail "task $1 is '$st', not $2"
}

# rootfs ID — the task's root file system as the host sees it (the shim mounts it in the bundle)
rootfs() { echo "$CT_DIR/state/io.containerd.runtime.v2.task/$CT_NS/$1/rootfs"; }

@test "ctr run: output and exit code (3) of a container run to completion" {
	run --separate-stderr ctr_run --rm "$CLIENT_IMAGE" "$N" sh -c 'echo hello from berth; exit 3'
	assert_status 3
	assert_output "hello from berth"
}

@test "ctr run -d + ctr task exec: the task runs, exec gets output and exit code" {
	run ctr_run -d "$CLIENT_IMAGE" "$N" sleep 1000
	assert_success
	wait_task_status "$N" RUNNING
	run --separate-stderr ctr tasks exec --exec-id e1 "$N" sh -c 'tr "\0" " " </proc/1/cmdline; echo; exit 2'
	assert_status 2
	assert_output "sleep 1000 "
	wait_task_status "$N" RUNNING
}

@test "ctr task kill: SIGUSR1 reaches the trap, SIGTERM stops the task" {
	run ctr_run -d "$CLIENT_IMAGE" "$N" sh -c \
		'trap "echo got-usr1 >/tmp/sig" USR1; trap "exit 0" TERM; while :; do sleep 0.1; done'
	assert_success
	wait_task_status "$N" RUNNING
	run ctr tasks kill -s SIGUSR1 "$N"
	assert_success
	wait_file "$(rootfs "$N")/tmp/sig"
	assert_eq "$(cat "$(rootfs "$N")/tmp/sig")" got-usr1
	run ctr tasks kill "$N"
	assert_success
	wait_task_status "$N" STOPPED
}

@test "ctr task pause / resume: status PAUSED, the counter stops, then RUNNING and counting" {
	local c a b d
	run ctr_run -d "$CLIENT_IMAGE" "$N" sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/c; sleep 0.1; done'
	assert_success
	c=$(rootfs "$N")/tmp/c
	wait_file "$c"
	run ctr tasks pause "$N"
	assert_success
	assert_eq "$(task_status "$N")" PAUSED "status after pause"
	a=$(cat "$c")
	sleep 0.5
	b=$(cat "$c")
	assert_eq "$b" "$a" "counter while paused"
	run ctr tasks resume "$N"
	assert_success
	assert_eq "$(task_status "$N")" RUNNING "status after resume"
	sleep 0.5
	d=$(cat "$c")
	[ "$d" -gt "$b" ] || fail "counter did not go on after resume: $b -> $d"
}

@test "ctr task metrics: the memory limit from --memory-limit, the task's pids" {
	run ctr_run -d --memory-limit 67108864 "$CLIENT_IMAGE" "$N" sleep 1000
	assert_success
	wait_task_status "$N" RUNNING
	run ctr tasks metrics "$N"
	assert_success
	assert_match "$output" "memory\.limit_in_bytes +67108864" "metrics"
	assert_match "$output" "pids\.current +1 " "metrics"
	assert_match "$output" "memory\.usage_in_bytes +[1-9][0-9]*" "metrics"
}

@test "ctr run --memory-limit: visible inside at /sys/fs/cgroup/memory, the host tree is not" {
	# ctr's default spec has no cgroup mount (only CRI adds one): ask for it as CRI does
	run --separate-stderr ctr_run --rm --memory-limit 67108864 \
		--mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:nodev:noexec \
		"$CLIENT_IMAGE" "$N" sh -c "cat /sys/fs/cgroup/memory/memory.limit_in_bytes
			test -e /sys/fs/cgroup/memory/$CT_NS && echo host-tree-visible
			test -e /sys/fs/cgroup/memory/release_agent && echo host-root-visible
			awk '\$5 == \"/sys/fs/cgroup/memory\" { print \$4 }' /proc/self/mountinfo"
	assert_success
	assert_eq "${lines[*]}" "67108864 /$CT_NS/$N" "limit inside, root of the memory mount"
}

@test "ctr run, overlayfs snapshotter: the root is containerd's overlay" {
	run --separate-stderr ctr_run --rm --snapshotter overlayfs "$CLIENT_IMAGE" "$N" \
		sh -c 'awk "\$5 == \"/\" { print \$9, \$NF }" /proc/self/mountinfo; touch /new && echo rw'
	assert_success
	assert_match "${lines[0]}" "^overlay .*upperdir=$CT_DIR/root/io\.containerd\.snapshotter\.v1\.overlayfs/" "root mount"
	assert_eq "${lines[1]}" rw
}

@test "ctr run, native snapshotter: the root is the native snapshot directory" {
	run --separate-stderr ctr_run --rm --snapshotter native "$CLIENT_IMAGE" "$N" \
		sh -c 'awk "\$5 == \"/\" { print \$4 }" /proc/self/mountinfo; echo hi-native'
	assert_success
	assert_match "${lines[0]}" "^$CT_DIR/root/io\.containerd\.snapshotter\.v1\.native/snapshots/[0-9]+$" "root mount"
	assert_eq "${lines[1]}" hi-native
}

@test "ctr run of a missing command: the runtime's error (from its JSON log) reaches ctr" {
	run --separate-stderr ctr_run --rm "$CLIENT_IMAGE" "$N" /no/such/program
	assert_failure
	local err="$output $stderr"
	assert_contains "$err" "OCI runtime create failed" "ctr's error"
	assert_contains "$err" /no/such/program "ctr's error"
	grep -qi "no such file or directory" <<<"$err" || fail "the cause is not named: $err"
	run ctr containers ls -q
	assert_not_contains "$output" "$N" "containers after the failed run --rm"
}
