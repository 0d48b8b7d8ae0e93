#!/usr/bin/env bats
# podman 4.3 (through conmon) driving the runtime under test: `podman --runtime $RUNTIME` on a
# private store (overlay, cgroupfs, file events, no network), the busybox image of
# scripts/mkimage.sh pulled from its OCI layout. Every scenario asserts what the container or
# podman really shows. RUNTIME=/usr/sbin/runc runs the same file as control.
#
# Containers are named pm-<test number>-...; each test's teardown removes them and checks
# that none of their mounts or cgroups is left; teardown_file resets the whole store.

load helpers
load clients-helpers

setup_file() {
	command -v podman >/dev/null && command -v conmon >/dev/null || skip "podman/conmon not installed"
	podman_setup_file
}

teardown_file() { podman_teardown_file; }

setup() {
	[ -x "$RUNTIME" ] || fail "RUNTIME=$RUNTIME is not an executable"
	N=pm-$BATS_TEST_NUMBER
	TEST_DIR=$(mktemp -d)
}

teardown() {
	local ids left='' id
	ids=$(pm ps -aq --no-trunc 2>/dev/null)
	printf '%s\n' $ids >>"$PM_DIR/ids"
	pm rm -af -t 0 >/dev/null 2>&1 || true
	rm -rf "$TEST_DIR"
	# a removed container keeps neither its rootfs nor its /dev/shm mounted, nor its cgroup
	for id in $ids; do
		left+=$(host_mounts_under "$PM_DIR" | grep -F "$id")
		left+=$(cgroups_named "libpod-$id")
	done
	[ -z "$left" ] || fail "left behind by removed containers: $left"
}

# run_d NAME ARGS... — `podman run -d --name NAME ARGS...`, waiting until it runs
run_d() {
	local name=$1
	shift
	pm_run -d --name "$name" "$@" >/dev/null || fail "podman run -d $name failed"
	pm_wait_running "$name"
}

# merged NAME — the container's root file system as the host sees it
merged() { pm inspect --format '{{.GraphDriver.Data.MergedDir}}' "$1"; }

# a shell loop that counts in /tmp/c ten times a second
COUNTER='i=0; while :; do i=$((i + 1)); echo $i >/tmp/c; sleep 0.1; done'

@test "podman run --rm: the command's output comes back" {
	run --separate-stderr pm_run --rm "$CLIENT_IMAGE" echo hello from berth
	assert_success
	assert_output "hello from berth"
}

@test "podman run: the container's exit code (3) is podman's" {
	run --separate-stderr pm_run --rm "$CLIENT_IMAGE" sh -c 'echo bye; exit 3'
	assert_status 3
	assert_output bye
}

@test "podman run -d, ps, logs, stop (SIGTERM reaches the container), rm" {
	run_d "$N" "$CLIENT_IMAGE" sh -c 'echo started; trap "echo got-term; exit 0" TERM; while :; do sleep 0.1; done'
	run pm ps --format '{{.Names}} {{.Status}}'
	assert_success
	grep -q "^$N Up " <<<"$output" || fail "$N is not Up in podman ps: $output"
	wait_output_has started pm logs "$N"
	run pm stop -t 10 "$N"
	assert_success
	run pm logs "$N"
	assert_contains "$output" got-term "logs after stop"
	run pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$N"
	assert_output "exited 0"
	run pm rm "$N"
	assert_success
	run pm ps -a --format '{{.Names}}'
	assert_not_contains "$output" "$N" "podman ps -a after rm"
}

@test "podman run -it: the process gets a terminal through conmon's console socket" {
	run pm_tty "run -it --rm ${PM_RUN_FLAGS[*]} $CLIENT_IMAGE sh -c 'test -t 0 && echo stdin-is-tty; test -t 1 && tty; exit 4'"
	assert_status 4
	assert_contains "$output" stdin-is-tty
	assert_match "$output" "/dev/pts/[0-9]+" "tty"
}

@test "podman exec without -t: output, exit code, no terminal" {
	run_d "$N" "$CLIENT_IMAGE" sleep 1000
	run --separate-stderr pm exec "$N" sh -c 'test -t 1 || echo no-tty; cat /proc/1/cmdline | tr "\0" " "; exit 6'
	assert_status 6
	assert_eq "${lines[0]}" no-tty
	assert_eq "${lines[1]}" "sleep 1000 " "pid 1 seen by exec"
}

@test "podman exec -it: a terminal for the exec'd process" {
	run_d "$N" "$CLIENT_IMAGE" sleep 1000
	run pm_tty "exec -it $N sh -c 'test -t 0 && echo stdin-is-tty; tty'"
	assert_success
	assert_contains "$output" stdin-is-tty
	assert_match "$output" "/dev/pts/[0-9]+" "tty"
}

@test "podman kill -s USR1: the signal reaches the container's trap" {
	run_d "$N" "$CLIENT_IMAGE" sh -c 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done'
	wait_output_has ready pm logs "$N"
	run pm kill -s USR1 "$N"
	assert_success
	wait_output_has got-usr1 pm logs "$N"
	run pm inspect --format '{{.State.Status}}' "$N"
	assert_output running
}

@test "podman pause / unpause: status paused, the counter stops, then goes on" {
	local root a b c
	run_d "$N" "$CLIENT_IMAGE" sh -c "$COUNTER"
	root=$(merged "$N")
	wait_file "$root/tmp/c"
	run pm pause "$N"
	assert_success
	run pm inspect --format '{{.State.Status}}' "$N"
	assert_output paused
	a=$(cat "$root/tmp/c")
	sleep 0.5
	b=$(cat "$root/tmp/c")
	assert_eq "$b" "$a" "counter while paused"
	run pm unpause "$N"
	assert_success
	run pm inspect --format '{{.State.Status}}' "$N"
	assert_output running
	sleep 0.5
	c=$(cat "$root/tmp/c")
	[ "$c" -gt "$b" ] || fail "counter did not go on after unpause: $b -> $c"
}

@test "podman top: lists the container's processes" {
	run_d "$N" "$CLIENT_IMAGE" sh -c 'sleep 1001 & sleep 1002'
	wait_output_has 1002 pm top "$N" pid args
	run pm top "$N" pid args
	assert_success
	# sh forks the first sleep and execs the last one
	grep -qE '^1 +sleep 1002 *$' <<<"$output" || fail "pid 1 is not the last sleep: $output"
	grep -qE '^[0-9]+ +sleep 1001 *$' <<<"$output" || fail "the forked sleep is missing: $output"
}

@test "podman stats --no-stream: memory usage against the 64 MiB limit" {
	run_d "$N" --memory 64m "$CLIENT_IMAGE" sleep 1000
	run pm stats --no-stream --format '{{.Name}}|{{.MemUsage}}|{{.PIDs}}' "$N"
	assert_success
	assert_match "$output" "^$N\|[0-9.]+[kMG]?B / 67\.11MB\|1$" "stats"
}

@test "podman run --memory --cpus --pids-limit: the limits are visible inside the container" {
	run --separate-stderr pm_run --rm --memory 64m --cpus 0.5 --pids-limit 50 "$CLIENT_IMAGE" \
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us \
		/sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/pids/pids.max
	assert_success
	assert_eq "${lines[*]}" "67108864 50000 100000 50" "memory limit, cpu quota and period, pids.max"
}

@test "podman update --memory --cpus: the new limits are visible inside the running container" {
	run_d "$N" --memory 64m "$CLIENT_IMAGE" sleep 1000
	run pm exec "$N" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_output 67108864
	run pm update --memory 128m --cpus 0.25 "$N"
	assert_success
	run pm exec "$N" cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us
	assert_eq "${lines[*]}" "134217728 25000" "memory limit and cpu quota after update"
	run pm inspect --format '{{.State.Status}}' "$N"
	assert_output running
}

@test "podman run --cap-drop all --cap-add NET_ADMIN: CapEff holds exactly that capability" {
	run --separate-stderr pm_run --rm --cap-drop all --cap-add NET_ADMIN "$CLIENT_IMAGE" \
		sh -c 'grep CapEff /proc/self/status; grep CapBnd /proc/self/status'
	assert_success
	assert_eq "${lines[0]}" "CapEff:	$(cap_mask CAP_NET_ADMIN)"
	assert_eq "${lines[1]}" "CapBnd:	$(cap_mask CAP_NET_ADMIN)"
}

@test "podman run --cap-drop CHOWN: chown fails, the other default capabilities stay" {
	run --separate-stderr pm_run --rm --cap-drop CHOWN "$CLIENT_IMAGE" \
		sh -c 'grep CapEff /proc/self/status; chown 1000 /tmp || echo chown-denied'
	assert_success
	local eff=$((16#${lines[0]##*[[:space:]]}))
	[ $((eff & 1)) -eq 0 ] || fail "CAP_CHOWN still effective: ${lines[0]}"
	[ $((eff & (1 << 5))) -ne 0 ] || fail "CAP_KILL (a default) missing: ${lines[0]}"
	assert_eq "${lines[1]}" chown-denied
}

@test "podman run --security-opt seccomp=PROFILE: mkdir fails with EPERM, the rest works" {
	cat >"$TEST_DIR/seccomp.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
	run --separate-stderr pm_run --rm --security-opt "seccomp=$TEST_DIR/seccomp.json" "$CLIENT_IMAGE" \
		sh -c 'mkdir /tmp/d || echo mkdir-failed; touch /tmp/f && echo touch-ok; grep Seccomp: /proc/self/status'
	assert_success
	assert_contains "$stderr" "Operation not permitted" "mkdir's error"
	assert_eq "${lines[*]}" "mkdir-failed touch-ok Seccomp:	2"
	# control: without the profile (podman's default one) mkdir works
	run --separate-stderr pm_run --rm "$CLIENT_IMAGE" sh -c 'mkdir /tmp/d && echo mkdir-ok'
	assert_output mkdir-ok
}

@test "podman run --read-only: / is read-only, podman's tmpfs /tmp is writable" {
	run --separate-stderr pm_run --rm --read-only "$CLIENT_IMAGE" \
		sh -c 'touch /x || echo root-ro; touch /tmp/ok && echo tmp-rw'
	assert_success
	assert_contains "$stderr" "Read-only file system"
	assert_eq "${lines[*]}" "root-ro tmp-rw"
}

@test "podman run --user 1000:1000: uid, gid, no effective capabilities" {
	run --separate-stderr pm_run --rm --user 1000:1000 "$CLIENT_IMAGE" \
		sh -c 'id -u; id -g; grep CapEff /proc/self/status'
	assert_success
	assert_eq "${lines[*]}" "1000 1000 CapEff:	0000000000000000"
}

@test "podman run --uidmap/--gidmap: a user namespace, root inside is 100000 on the host" {
	run_d "$N" --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$CLIENT_IMAGE" sleep 1000
	run pm exec "$N" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /bin/busybox'
	assert_success
	assert_match "${lines[0]}" "^ +0 +100000 +65536$" "uid_map"
	assert_match "${lines[1]}" "^ +0 +100000 +65536$" "gid_map"
	assert_eq "${lines[2]} ${lines[3]}" "0 0" "id -u, owner of /bin/busybox inside"
	local pid
	pid=$(pm inspect --format '{{.State.Pid}}' "$N")
	run awk '/^Uid:/ { print $2 }' "/proc/$pid/status"
	assert_output 100000
}

@test "podman run of a missing command: podman's error names it, exit 127, nothing left" {
	run -127 --separate-stderr pm_run --name "$N" --rm "$CLIENT_IMAGE" /no/such/program
	assert_status 127
	assert_contains "$stderr" /no/such/program "podman's error"
	grep -qi "no such file or directory" <<<"$stderr" || fail "the cause is not named: $stderr"
	assert_contains "$stderr" "OCI runtime attempted to invoke a command that was not found"
	run pm ps -a --format '{{.Names}}'
	assert_not_contains "$output" "$N"
	# and in a running container, podman exec of a missing command: 127 too
	run_d "$N-x" "$CLIENT_IMAGE" sleep 1000
	run -127 --separate-stderr pm exec "$N-x" /no/such/program
	assert_status 127
	assert_contains "$stderr" /no/such/program "podman exec's error"
}
