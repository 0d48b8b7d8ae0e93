#!/usr/bin/env bats
# berth run: images become foreground containers (exit codes, stdio, pty, options, limits,
# cleanup, hostile input, deep images).

load helpers
load engine-helpers

setup() {
	engine_setup
	load_image bb --config '{"Cmd":["sh","-c","echo default-cmd"]}'
}
teardown() { engine_teardown; }

@test "run_prints_the_default_cmd_and_exits_zero" {
	run --separate-stderr b run --rm localhost/bb
	assert_status 0
	assert_eq "$output" "default-cmd"
}

@test "run_isolates_pid_hostname_and_rootfs" {
	run --separate-stderr b run --rm localhost/bb sh -c 'echo $$; hostname; echo $HOSTNAME; ls /proc/1/root/ >/dev/null && echo ok; test -e /work && echo host-rootfs; true'
	assert_status 0
	lines=($output)
	assert_eq "${lines[0]}" 1 "pid"
	[[ ${lines[1]} =~ ^[0-9a-f]{12}$ ]] || fail "hostname is not the short id: ${lines[1]}"
	assert_eq "${lines[2]}" "${lines[1]}" "HOSTNAME"
	assert_eq "${lines[3]}" ok
	assert_eq "${#lines[@]}" 4 "the host's /work is not visible"
	run --separate-stderr b run --rm --hostname box localhost/bb hostname
	assert_eq "$output" box
}

@test "exit_status_is_the_containers" {
	run --separate-stderr b run --rm localhost/bb sh -c 'exit 42'
	assert_status 42
}

@test "signals_to_berth_are_forwarded_to_the_container" {
	mkdir "$TEST_DIR/sync"
	b run --rm -v "$TEST_DIR/sync:/sync" localhost/bb \
		sh -c 'trap "exit 9" TERM; touch /sync/up; while :; do sleep 0.05; done' >/dev/null 2>&1 3>&- &
	pid=$!
	HELD_PIDS+=($pid)
	wait_exists "$TEST_DIR/sync/up"
	# b is timeout(1): signal berth itself, its child
	kill -TERM "$(pgrep -P "$pid")"
	st=0
	wait "$pid" || st=$?
	assert_eq "$st" 9 "exit status after SIGTERM"
	assert_no_container
}

@test "command_not_found_is_127_and_not_executable_is_126" {
	run -127 --separate-stderr b run --rm localhost/bb no-such-command
	assert_status 127
	assert_one_error_line 'no-such-command.*No such file'
	run -126 --separate-stderr b run --rm localhost/bb /etc/passwd
	assert_status 126
	assert_one_error_line 'Permission denied'
	assert_no_container
}

@test "stdin_is_passed_through_with_i_and_closed_without" {
	run --separate-stderr bash -c 'echo from-stdin | "$0" --root "$1" --runroot "$2" run --rm -i localhost/bb cat' \
		"$BERTH" "$BROOT" "$BRUN"
	assert_status 0
	assert_eq "$output" from-stdin
	run --separate-stderr bash -c 'echo from-stdin | timeout 20 "$0" --root "$1" --runroot "$2" run --rm localhost/bb cat' \
		"$BERTH" "$BROOT" "$BRUN"
	assert_status 0
	assert_eq "$output" ""
}

@test "tty_gives_the_container_a_pty" {
	command -v script >/dev/null || skip "script(1) missing"
	run script -qec "$BERTH --root $BROOT --runroot $BRUN run --rm -t localhost/bb sh -c 'tty; echo TERM=\$TERM; exit 7'" /dev/null
	assert_status 7
	assert_contains "$output" /dev/pts/
	assert_contains "$output" TERM=xterm
	run --separate-stderr b run --rm localhost/bb sh -c 'tty; true'
	assert_contains "$output" "not a tty"
}

@test "env_workdir_and_user_options" {
	printf 'FROMFILE=1\n# comment\nOVER=file\n' >"$TEST_DIR/env"
	run --separate-stderr b run --rm -e FOO=bar --env-file "$TEST_DIR/env" -e OVER=cli -w /new/dir \
		localhost/bb sh -c 'echo $FOO $FROMFILE $OVER; pwd; echo $PATH'
	assert_status 0
	assert_eq "${lines[0]}" "bar 1 cli"
	assert_eq "${lines[1]}" /new/dir
	assert_eq "${lines[2]}" /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	run --separate-stderr b run --rm -u nobody localhost/bb sh -c 'id -u; id -g; echo $HOME'
	assert_status 0
	assert_eq "$output" "$(printf '65534\n65534\n/nonexistent')" "nobody from the image's passwd"
	run --separate-stderr b run --rm -u 1234:5678 localhost/bb sh -c 'id -u; id -g'
	assert_eq "$output" "$(printf '1234\n5678')" "numeric user:group"
}

@test "unknown_user_is_one_clear_error_and_leaves_nothing" {
	run --separate-stderr b run --rm -u no-such-user localhost/bb true
	assert_status 125
	assert_one_error_line '^berth: run localhost/bb: unable to find user no-such-user'
	assert_no_container
	run --separate-stderr b run -u no-such-user localhost/bb true
	assert_status 125
	assert_no_container
}

@test "entrypoint_and_cmd_override" {
	load_image ep --config '{"Entrypoint":["echo","ep"],"Cmd":["default"]}'
	run --separate-stderr b run --rm localhost/ep
	assert_eq "$output" "ep default"
	run --separate-stderr b run --rm localhost/ep x y
	assert_eq "$output" "ep x y"
	run --separate-stderr b run --rm --entrypoint echo localhost/ep
	assert_eq "$output" "" "--entrypoint drops the image's Cmd"
	run --separate-stderr b run --rm --entrypoint echo localhost/ep hi
	assert_eq "$output" hi
}

@test "volumes_bind_read_write_and_read_only" {
	mkdir "$TEST_DIR/vol"
	echo host-data >"$TEST_DIR/vol/in"
	run --separate-stderr b run --rm -v "$TEST_DIR/vol:/data" localhost/bb sh -c 'cat /data/in; echo written >/data/out'
	assert_status 0
	assert_eq "$output" host-data
	assert_eq "$(cat "$TEST_DIR/vol/out")" written
	run --separate-stderr b run --rm -v "$TEST_DIR/vol:/data:ro" localhost/bb sh -c 'cat /data/in; echo x >/data/ro'
	assert_status 1
	assert_contains "$stderr" "Read-only file system"
	[ ! -e "$TEST_DIR/vol/ro" ] || fail "wrote through a read-only volume"
}

@test "read_only_root_and_writable_upper" {
	run --separate-stderr b run --rm --read-only localhost/bb touch /x
	assert_status 1
	run --separate-stderr b run --rm localhost/bb sh -c 'echo hi >/etc/motd-new && cat /etc/motd-new'
	assert_status 0
	assert_eq "$output" hi
}

@test "limits_are_set_in_the_v1_cgroup" {
	[ -d /sys/fs/cgroup/memory ] || skip "no v1 memory hierarchy"
	mkdir "$TEST_DIR/sync"
	b run --rm --name lim --memory 64m --pids-limit 50 --cpus 0.5 -v "$TEST_DIR/sync:/sync" \
		localhost/bb sh -c 'touch /sync/up; while [ ! -e /sync/stop ]; do sleep 0.05; done' \
		>/dev/null 2>&1 3>&- &
	HELD_PIDS+=($!)
	wait_exists "$TEST_DIR/sync/up"
	id=$(readlink "$BROOT/containers/names/lim")
	cg=berth/$id
	assert_eq "$(cat /sys/fs/cgroup/memory/$cg/memory.limit_in_bytes)" 67108864 "memory limit"
	assert_eq "$(cat /sys/fs/cgroup/pids/$cg/pids.max)" 50 "pids limit"
	assert_eq "$(cat /sys/fs/cgroup/cpu/$cg/cpu.cfs_quota_us)" 50000 "cpu quota"
	assert_eq "$(cat /sys/fs/cgroup/cpu/$cg/cpu.cfs_period_us)" 100000 "cpu period"
	touch "$TEST_DIR/sync/stop"
	wait "${HELD_PIDS[0]}"
	[ ! -e /sys/fs/cgroup/memory/$cg ] || fail "cgroup left after --rm"
	assert_no_container
}

@test "rm_leaves_nothing_and_releases_the_image" {
	run --separate-stderr b run --rm localhost/bb true
	assert_status 0
	assert_no_container
	run --separate-stderr b rmi localhost/bb
	assert_status 0
}

@test "without_rm_the_stopped_container_stays_and_holds_the_image" {
	run --separate-stderr b run --name kept localhost/bb sh -c 'echo data >/file; exit 3'
	assert_status 3
	id=$(readlink "$BROOT/containers/names/kept")
	[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "no 64-hex id for the name: $id"
	[ -f "$BROOT/containers/$id/config.json" ] || fail "config.json missing"
	assert_eq "$(cat "$BROOT/containers/$id/upper/file")" data "upper layer kept"
	[ -z "$(mounts_under "$TEST_DIR")" ] || fail "rootfs still mounted: $(mounts_under "$TEST_DIR")"
	run --separate-stderr b run --name kept localhost/bb true
	assert_status 125
	assert_one_error_line 'name "kept" is already in use'
	run --separate-stderr b rmi localhost/bb
	[ "$status" -ne 0 ] || fail "rmi removed an image a container holds"
}

@test "hostile_input_is_one_line_125_and_leaves_nothing" {
	run --separate-stderr b run --rm localhost/missing true
	assert_status 125
	assert_one_error_line 'no such image localhost/missing'
	run --separate-stderr b run --rm -v relative:/x localhost/bb true
	assert_status 125
	assert_one_error_line 'absolute'
	run --separate-stderr b run --rm -v "$TEST_DIR/nope:/x" localhost/bb true
	assert_status 125
	assert_one_error_line 'No such file'
	run --separate-stderr b run --rm --memory 12q localhost/bb true
	assert_status 125
	assert_one_error_line 'memory.*invalid size'
	run --separate-stderr b run --rm --cpus x localhost/bb true
	assert_status 125
	run --separate-stderr b run --rm --network bridge localhost/bb true
	assert_status 125
	run --separate-stderr b run --rm --name 'bad/name' localhost/bb true
	assert_status 125
	assert_one_error_line 'invalid container name'
	run --separate-stderr b run --rm -w relative localhost/bb true
	assert_status 125
	run --separate-stderr b run --rm --no-such-flag localhost/bb true
	assert_status 125
	run --separate-stderr b run --rm
	assert_status 125
	assert_no_container
}

@test "network_none_has_only_loopback_up_and_host_sees_the_hosts" {
	run --separate-stderr b run --rm localhost/bb sh -c 'ls /sys/class/net; cat /sys/class/net/lo/flags
		nc -l -p 8080 -e echo over-loopback & sleep 0.3; nc 127.0.0.1 8080 </dev/null'
	assert_status 0
	assert_eq "$output" "$(printf 'lo\n0x9\nover-loopback')"
	assert_no_container
	run --separate-stderr b run --rm --network host localhost/bb ls /sys/class/net
	assert_eq "$output" "$(ls /sys/class/net)"
	run --separate-stderr b run --name kept localhost/bb true
	[ -z "$(mounts_under "$TEST_DIR")" ] || fail "netns or rootfs still mounted: $(mounts_under "$TEST_DIR")"
}

@test "image_of_210_layers_runs" {
	local i args=()
	mkdir -p "$BATS_FILE_TMPDIR/deep"
	for i in $(seq 1 210); do
		mkdir -p "$BATS_FILE_TMPDIR/deep/l$i/layers"
		echo "$i" >"$BATS_FILE_TMPDIR/deep/l$i/layers/f$i"
		args+=(--layer "$BATS_FILE_TMPDIR/deep/l$i")
	done
	load_image deep --compress none "${args[@]}"
	run --separate-stderr b run --rm localhost/deep sh -c 'ls /layers | wc -l; cat /layers/f1 /layers/f210'
	assert_status 0
	assert_eq "$output" "$(printf '210\n1\n210')"
	assert_no_container
}
