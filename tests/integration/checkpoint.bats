#!/usr/bin/env bats
# checkpoint / restore through criu. criu 3.17 cannot run on this kernel (`criu check` fails
# on the vDSO), so most tests hand the runtime a fake criu (global --criu) that records its
# argv and plays criu's part: fail with a dump.log, write an image file, or start a process
# as the "restored" one and write its pid to --pidfile. What is checked is berth's side: the
# argv it builds, what it does to the container on success and on failure, and the state a
# restore leaves. The last test runs the real criu when `criu check` passes.

load helpers
load limits-helpers

setup() {
	berth_setup
	cg_setup
	SHARED=$TEST_DIR/shared
	IMG=$TEST_DIR/img
	WORK=$TEST_DIR/work
	FAKE=$TEST_DIR/criu
	ARGV=$TEST_DIR/criu-argv
	SPAWNED=$TEST_DIR/spawned
	mkdir -m 0777 "$SHARED"
	config '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]' \
		--arg s "$SHARED"
	set_cmd 'echo up > /shared/up; exec sleep 1000'
}

teardown() {
	local pid
	# whatever a fake criu started, in case the runtime lost track of it
	if [ -f "${SPAWNED:-}" ]; then
		for pid in $(cat "$SPAWNED"); do kill -KILL "$pid" 2>/dev/null || true; done
	fi
	cg_teardown
}

# fake_criu MODE — write $FAKE: records its argv (one per line) to $ARGV.ACTION, then
#   fail:      writes a criu-like dump.log/restore.log into --work-dir, exits 1
#   ok:        dump writes a fake image file into --images-dir; exits 0
#   restore:   starts `sleep 1000` as the restored process, writes its pid to --pidfile
#   restore-N: the restored process exits with status N after a moment
fake_criu() {
	cat >"$FAKE" <<EOF
#!/bin/bash
action=\$1
printf '%s\n' "\$@" > "$ARGV.\$action"
while [ \$# -gt 0 ]; do
	case \$1 in
	--work-dir) work=\$2; shift ;;
	--images-dir) img=\$2; shift ;;
	--pidfile) pidfile=\$2; shift ;;
	esac
	shift
done
case $1 in
fail)
	log=\$work/dump.log; [ "\$action" = restore ] && log=\$work/restore.log
	printf "(00.000012) Version: 3.17.1\n(00.004211) Error (criu/cr-\$action.c:42): fake \$action failure\n(00.004300) Unlock network\n" > "\$log"
	exit 1 ;;
ok)
	echo fake-image > "\$img/core-1.img" ;;
restore)
	sleep 1000 </dev/null >/dev/null 2>&1 &
	echo \$! >> "$SPAWNED"; echo \$! > "\$pidfile" ;;
restore-*)
	sh -c 'sleep 0.5; exit ${1#restore-}' </dev/null >/dev/null 2>&1 &
	echo \$! >> "$SPAWNED"; echo \$! > "\$pidfile" ;;
esac
exit 0
EOF
	chmod +x "$FAKE"
}

# criu_argv ACTION — the argv the fake criu got for ACTION, on one line
criu_argv() { tr '\n' ' ' <"$ARGV.$1"; }

# has_pair ACTION FLAG VALUE — FLAG VALUE appear next to each other in ACTION's argv
has_pair() { awk -v f="$2" -v v="$3" 'p == f && $0 == v { ok = 1 } { p = $0 } END { exit !ok }' "$ARGV.$1"; }

# start_running — a started container whose init wrote /shared/up
start_running() {
	start_ctr
	wait_file "$SHARED/up" || fail "container never came up"
}

@test "checkpoint: criu fails -> one error line with its last error and dump.log, container untouched" {
	fake_criu fail
	start_running
	run --separate-stderr rt --criu "$FAKE" checkpoint --image-path "$IMG" --work-path "$WORK" "$CID"
	assert_failure
	assert_eq "$(printf '%s\n' "$stderr" | wc -l)" 1 "error lines"
	assert_contains "$stderr" "berth-runtime: checkpoint $CID: criu dump failed (exit status 1)"
	assert_contains "$stderr" "Error (criu/cr-dump.c:42): fake dump failure"
	assert_contains "$stderr" "log file: $(realpath "$WORK")/dump.log"
	assert_not_contains "$stderr" "(00.004211)" "timestamp stripped"
	[ -f "$WORK/dump.log" ] || fail "dump.log is gone"
	has_pair dump --tree "$INIT_PID" || fail "criu did not get --tree $INIT_PID: $(criu_argv dump)"
	# untouched: same init, running, still in its cgroup, and still works
	assert_eq "$(status_of "$CID")" running "status after failed checkpoint"
	assert_eq "$(pid_of "$CID")" "$INIT_PID" "init pid"
	kill -0 "$INIT_PID" || fail "init $INIT_PID died"
	pids_in_cgroup memory | grep -qx "$INIT_PID" || fail "init left its cgroup"
	run --separate-stderr rt exec "$CID" sh -c 'echo alive > /shared/alive; cat /shared/alive'
	assert_success
	assert_eq "$output" alive "exec after failed checkpoint"
	# berth's own metadata is not left in the image dir of a failed checkpoint
	[ ! -e "$IMG/descriptors.json" ] || fail "descriptors.json left behind"
}

@test "checkpoint: the default work path is in the state dir and the error names that dump.log" {
	fake_criu fail
	start_running
	run --separate-stderr rt --criu "$FAKE" checkpoint --image-path "$IMG" "$CID"
	assert_failure
	local log
	log=$(realpath "$ROOT")/$CID/criu.work/dump.log
	assert_contains "$stderr" "log file: $log"
	[ -f "$log" ] || fail "$log does not exist"
	has_pair dump --work-dir "$(dirname "$log")" || fail "work dir: $(criu_argv dump)"
	assert_eq "$(status_of "$CID")" running "status"
}

@test "checkpoint: success stops and deletes the container; criu got runc's arguments" {
	fake_criu ok
	start_running
	run --separate-stderr rt --criu "$FAKE" checkpoint --image-path "$IMG" --tcp-established \
		--file-locks "$CID"
	assert_success
	# runc: a checkpoint without --leave-running ends the container
	run --separate-stderr rt state "$CID"
	assert_failure
	assert_contains "$stderr" "does not exist"
	wait_gone "$INIT_PID" || fail "init $INIT_PID still alive"
	assert_no_cgroup
	# the images criu wrote, and berth's metadata beside them
	[ -f "$IMG/core-1.img" ] || fail "criu's image is missing"
	jq -e 'length == 3' "$IMG/descriptors.json" >/dev/null || fail "descriptors.json: $(cat "$IMG/descriptors.json")"
	jq -e --arg b "$(realpath "$BUNDLE")" '.bundle == $b' "$IMG/berth-checkpoint.json" >/dev/null ||
		fail "berth-checkpoint.json: $(cat "$IMG/berth-checkpoint.json")"
	# the argv
	local rootfs
	rootfs=$(realpath "$BUNDLE/rootfs")
	has_pair dump --tree "$INIT_PID" || fail "--tree: $(criu_argv dump)"
	has_pair dump --images-dir "$(realpath "$IMG")" || fail "--images-dir: $(criu_argv dump)"
	has_pair dump --root "$rootfs" || fail "--root: $(criu_argv dump)"
	has_pair dump --log-file dump.log || fail "--log-file: $(criu_argv dump)"
	has_pair dump --ext-mount-map /shared:/shared || fail "bind mount: $(criu_argv dump)"
	grep -qx -- --manage-cgroups=soft "$ARGV.dump" || fail "cgroup mode: $(criu_argv dump)"
	grep -qx -- --tcp-established "$ARGV.dump" || fail "--tcp-established: $(criu_argv dump)"
	grep -qx -- --file-locks "$ARGV.dump" || fail "--file-locks: $(criu_argv dump)"
	! grep -qx -- --leave-running "$ARGV.dump" || fail "--leave-running not asked for: $(criu_argv dump)"
	if [ -d "$CG_FS/freezer" ]; then
		has_pair dump --freeze-cgroup "$CG_FS/freezer$CGPATH" || fail "freezer: $(criu_argv dump)"
	fi
}

@test "checkpoint --leave-running: container keeps running; mode and flags passed to criu" {
	fake_criu ok
	start_running
	run --separate-stderr rt --criu "$FAKE" checkpoint --image-path "$IMG" --leave-running \
		--manage-cgroups-mode full --ext-unix-sk --shell-job "$CID"
	assert_success
	assert_eq "$(status_of "$CID")" running "status after --leave-running"
	assert_eq "$(pid_of "$CID")" "$INIT_PID" "init pid"
	grep -qx -- --leave-running "$ARGV.dump" || fail "--leave-running: $(criu_argv dump)"
	grep -qx -- --manage-cgroups=full "$ARGV.dump" || fail "cgroup mode: $(criu_argv dump)"
	grep -qx -- --ext-unix-sk "$ARGV.dump" || fail "--ext-unix-sk: $(criu_argv dump)"
	grep -qx -- --shell-job "$ARGV.dump" || fail "--shell-job: $(criu_argv dump)"
	run --separate-stderr rt exec "$CID" true
	assert_success
}

@test "checkpoint --pre-dump: criu pre-dump --track-mem, container keeps running" {
	fake_criu ok
	start_running
	run --separate-stderr rt --criu "$FAKE" checkpoint --pre-dump --image-path "$IMG/pre" "$CID"
	assert_success
	[ -f "$ARGV.pre-dump" ] || fail "criu pre-dump was not run"
	grep -qx -- --track-mem "$ARGV.pre-dump" || fail "--track-mem: $(criu_argv pre-dump)"
	assert_eq "$(status_of "$CID")" running "status after pre-dump"
	run --separate-stderr rt --criu "$FAKE" checkpoint --parent-path ../pre --image-path "$IMG/full" "$CID"
	assert_success
	has_pair dump --prev-images-dir ../pre || fail "--prev-images-dir: $(criu_argv dump)"
}

@test "checkpoint of a paused container: --leave-running keeps it paused; a full checkpoint deletes it" {
	[ -e "$CG_FS/freezer" ] || skip "needs the v1 freezer controller under $CG_FS"
	fake_criu ok
	start_running
	run --separate-stderr rt pause "$CID"
	assert_success
	run --separate-stderr rt --criu "$FAKE" checkpoint --leave-running --image-path "$IMG" "$CID"
	assert_success
	assert_eq "$(status_of "$CID")" paused "status after --leave-running"
	assert_eq "$(cg_read freezer freezer.state)" FROZEN freezer.state
	run --separate-stderr rt --criu "$FAKE" checkpoint --image-path "$IMG" "$CID"
	assert_success
	wait_gone "$INIT_PID" || fail "paused init $INIT_PID survived the checkpoint"
	[ ! -e "$ROOT/$CID" ] || fail "state dir left"
	assert_no_cgroup
}

@test "checkpoint: refused for a container that is not running, and for a bad cgroup mode" {
	fake_criu ok
	create_ctr
	assert_success
	run --separate-stderr rt --criu "$FAKE" checkpoint --image-path "$IMG" "$CID"
	assert_failure
	assert_contains "$stderr" "checkpoint $CID: container \"$CID\" is created, not running"
	[ ! -e "$ARGV.dump" ] || fail "criu ran for a created container"
	run --separate-stderr rt --criu "$FAKE" checkpoint --manage-cgroups-mode loose --image-path "$IMG" "$CID"
	assert_failure
	assert_contains "$stderr" 'unknown mode "loose"'
	assert_eq "$(status_of "$CID")" created "status"
}

@test "checkpoint: --criu naming a missing binary fails cleanly, container untouched" {
	start_running
	run --separate-stderr rt --criu "$TEST_DIR/no-such-criu" checkpoint --image-path "$IMG" "$CID"
	assert_failure
	assert_contains "$stderr" "checkpoint $CID: criu dump: exec $TEST_DIR/no-such-criu: No such file or directory"
	assert_eq "$(status_of "$CID")" running "status"
}

@test "restore: the restored process is the container: running, its pid, its cgroup; delete cleans up" {
	fake_criu ok
	start_running
	run --separate-stderr rt --criu "$FAKE" checkpoint --image-path "$IMG" "$CID"
	assert_success
	wait_gone "$INIT_PID"

	fake_criu restore
	run --separate-stderr rt --criu "$FAKE" restore --detach --image-path "$IMG" \
		--pid-file "$TEST_DIR/pid" --tcp-established "$CID"
	assert_success
	local pid
	pid=$(tail -n1 "$SPAWNED")
	assert_eq "$(status_of "$CID")" running "status after restore"
	assert_eq "$(pid_of "$CID")" "$pid" "pid after restore"
	assert_eq "$(cat "$TEST_DIR/pid")" "$pid" "--pid-file"
	assert_eq "$(state_of "$CID" | jq -r .bundle)" "$(realpath "$BUNDLE")" "bundle"
	pids_in_cgroup memory | grep -qx "$pid" || fail "restored process not in the container's cgroup"
	# criu's arguments for the restore
	local state
	state=$(realpath "$ROOT")/$CID
	has_pair restore --images-dir "$(realpath "$IMG")" || fail "--images-dir: $(criu_argv restore)"
	has_pair restore --root "$state/criu-root" || fail "--root: $(criu_argv restore)"
	has_pair restore --ext-mount-map "/shared:$SHARED" || fail "bind mount: $(criu_argv restore)"
	has_pair restore --log-file restore.log || fail "--log-file: $(criu_argv restore)"
	grep -qx -- --restore-detached "$ARGV.restore" || fail "--restore-detached: $(criu_argv restore)"
	grep -qx -- --tcp-established "$ARGV.restore" || fail "--tcp-established: $(criu_argv restore)"
	[ ! -e "$state/criu-root" ] || fail "criu-root left in the state dir"
	# a second restore under the same ID is refused and does not hurt the first
	run --separate-stderr rt --criu "$FAKE" restore --detach --image-path "$IMG" "$CID"
	assert_failure
	assert_contains "$stderr" "already exists"
	assert_eq "$(status_of "$CID")" running "status after refused second restore"

	run --separate-stderr rt delete --force "$CID"
	assert_success
	wait_gone "$pid" || fail "restored process $pid survived delete"
	[ ! -e "$state" ] || fail "state dir left"
	assert_no_cgroup
}

@test "restore: criu fails -> error with restore.log's last error, nothing left behind" {
	fake_criu ok
	start_running
	run --separate-stderr rt --criu "$FAKE" checkpoint --image-path "$IMG" "$CID"
	assert_success
	wait_gone "$INIT_PID"
	fake_criu fail
	run --separate-stderr rt --criu "$FAKE" restore --detach --image-path "$IMG" --work-path "$WORK" "$CID"
	assert_failure
	assert_eq "$(printf '%s\n' "$stderr" | wc -l)" 1 "error lines"
	assert_contains "$stderr" "restore $CID: criu restore failed (exit status 1)"
	assert_contains "$stderr" "Error (criu/cr-restore.c:42): fake restore failure"
	assert_contains "$stderr" "log file: $(realpath "$WORK")/restore.log"
	[ ! -e "$ROOT/$CID" ] || fail "state dir left after failed restore"
	assert_no_cgroup
	# no --bundle and no berth metadata: refused before anything is made
	run --separate-stderr rt --criu "$FAKE" restore --image-path "$WORK" "$CID"
	assert_failure
	assert_contains "$stderr" "--bundle is required"
	[ ! -e "$ROOT/$CID" ] || fail "state dir left"
}

@test "restore in the foreground: waits for the restored process, exits with its status, deletes it" {
	fake_criu ok
	start_running
	run --separate-stderr rt --criu "$FAKE" checkpoint --image-path "$IMG" "$CID"
	assert_success
	wait_gone "$INIT_PID"
	fake_criu restore-7
	run --separate-stderr rt --criu "$FAKE" restore --image-path "$IMG" --bundle "$BUNDLE" "$CID"
	assert_status 7
	[ ! -e "$ROOT/$CID" ] || fail "state dir left after the restored process exited"
	assert_no_cgroup
}

@test "real criu: checkpoint and restore a container (when criu check passes)" {
	command -v criu >/dev/null || skip "criu is not installed"
	criu check >/dev/null 2>&1 || skip "criu check fails here: $(criu check 2>&1 | tail -n1 | cut -c1-120)"
	start_running
	run --separate-stderr rt checkpoint --image-path "$IMG" "$CID"
	assert_success
	wait_gone "$INIT_PID"
	rm -f "$SHARED/up"
	run --separate-stderr rt restore --detach --image-path "$IMG" "$CID"
	assert_success
	assert_eq "$(status_of "$CID")" running "status after restore"
	run --separate-stderr rt exec "$CID" sh -c 'echo back > /shared/back'
	assert_success
	assert_eq "$(cat "$SHARED/back")" back "exec in the restored container"
}
