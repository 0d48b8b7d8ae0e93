#!/usr/bin/env bats
# runtime-spec clauses that no other file asserts yet (docs/spec-coverage.md names the row
# each test covers): the lifecycle around edits and failing hooks, operations without an id,
# oomScoreAdj left alone, new cgroup/time namespaces, hugepageLimits on this hybrid host,
# intelRdt, rootfsPropagation unbindable, what delete must leave alone, relative
# readonlyPaths, and the order and namespaces of hooks.
#
# Hooks are /bin/sh -c SCRIPT and append their name to $HOOKS/log (a host directory; the
# container sees it at /hooklog). Each test's cgroup is linux.cgroupsPath = /$CID, so every
# directory a runtime leaves can be found and removed in teardown.

load helpers
load limits-helpers

setup() {
	berth_setup
	HOOKS=$TEST_DIR/hooks
	mkdir -m 0777 "$HOOKS"
	config '.mounts += [{destination: "/hooklog", type: "bind", source: $h, options: ["rbind", "rw"]}]' \
		--arg h "$HOOKS"
	cg_setup
	set_cmd 'sleep 1000'
}

# teardown: the container, then whatever is left of $CGPATH (tests that made it themselves
# check on their own what the runtime removed)
teardown() {
	berth_teardown
	cg_remove_leftovers >/dev/null
	if [ -n "${HUGETLB_ENABLED:-}" ]; then
		echo -hugetlb >"$CG_FS/unified/cgroup.subtree_control"
	fi
}

# add_hook KIND SCRIPT — append a /bin/sh -c SCRIPT hook to hooks.KIND
add_hook() {
	config '.hooks[$k] += [{path: "/bin/sh", args: ["sh", "-c", $s],
			env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}]' --arg k "$1" --arg s "$2"
}

# log_hook KIND [NAME] — a hook of KIND that appends NAME (default KIND) to the log and saves
# its mount namespace as NAME.mnt (startContainer runs after pivot_root: it writes to /hooklog)
log_hook() {
	local d=$HOOKS n=${2:-$1}
	[ "$1" = startContainer ] && d=/hooklog
	add_hook "$1" "readlink /proc/self/ns/mnt > $d/$n.mnt; echo $n >> $d/log"
}

hook_log() { tr '\n' ' ' <"$HOOKS/log" 2>/dev/null | sed 's/ $//'; }

# ---------------------------------------------------------------------------------------------
# lifecycle (runtime.md)

# spec-coverage.md row 9
@test "lifecycle: config.json edited after create does not change what start runs" {
	set_cmd 'echo original; hostname; sleep 1000'
	create_ctr
	assert_success
	# a new program, hostname, environment and a poststart hook: none of it may take effect
	config '.process.args = ["sh", "-c", "echo edited > /hooklog/edited"] | .hostname = "edited"'
	add_hook poststart "echo edited-hook >> $HOOKS/log"
	run --separate-stderr rt start "$CID"
	assert_success
	wait_status "$CID" running
	wait_file "$TEST_DIR/create.out"
	sleep 0.3
	assert_eq "$(cat "$TEST_DIR/create.out")" $'original\nberth' "program output"
	[ ! -e "$HOOKS/edited" ] || fail "start ran the edited process.args"
	[ ! -e "$HOOKS/log" ] || fail "start ran a hook added after create: $(hook_log)"
}

# spec-coverage.md row 15
@test "lifecycle: a failing poststart hook is a warning: start exits 0, later hooks run, status running" {
	skip_if_runc "runc 1.1 runs poststart hooks during create and fails create when one fails"
	add_hook poststart 'echo first >> '"$HOOKS"'/log; exit 3'
	add_hook poststart 'echo second >> '"$HOOKS"'/log'
	create_ctr
	assert_success
	run --separate-stderr rt start "$CID"
	assert_success
	assert_eq "$(printf '%s' "$stderr" | grep -c '')" 1 "warning lines on stderr ($stderr)"
	assert_match "$stderr" '[Pp]oststart' "the warning"
	assert_eq "$(hook_log)" "first second" "poststart hooks run"
	assert_eq "$(status_of "$CID")" running "status after start"
}

# spec-coverage.md row 12
@test "lifecycle: a failing startContainer hook stops the container and poststop runs" {
	skip_if_runc "runc 1.1 start returns 0 when a startContainer hook fails and runs no poststop"
	add_hook startContainer 'exit 7'
	log_hook poststop
	set_cmd 'echo ran > /hooklog/program; sleep 1000'
	create_ctr
	assert_success
	local pid
	pid=$(pid_of "$CID")
	run --separate-stderr rt start "$CID"
	assert_failure
	assert_one_error_line 'startContainer'
	# stopped, destroyed (step 12: no process, no cgroup, no state), then poststop (step 13)
	wait_gone "$pid"
	assert_eq "$(hook_log)" poststop "hooks after the failed start"
	run -1 rt state "$CID"
	assert_no_cgroup
	assert_nothing_left
	[ ! -e "$HOOKS/program" ] || fail "the program ran"
}

# poststop_after_failing_hook KIND — a KIND hook exiting 7 makes create fail; the poststop
# hooks run after it, later create hooks (the createContainer hook "late", listed after the
# failing one) do not, and nothing is left
poststop_after_failing_hook() {
	skip_if_runc "runc 1.1 does not run poststop hooks when create fails"
	log_hook prestart
	add_hook "$1" "echo $1 >> $HOOKS/log; exit 7"
	log_hook createContainer late
	log_hook poststop
	create_ctr
	assert_failure
	case $1 in
	prestart) assert_eq "$(hook_log)" "prestart prestart poststop" "hooks run by the failed create" ;;
	createContainer) assert_eq "$(hook_log)" "prestart createContainer poststop" "hooks run by the failed create" ;;
	esac
	assert_nothing_left
	assert_no_cgroup
}

# spec-coverage.md row 11
@test "lifecycle: a failing prestart hook makes create fail, then poststop runs" {
	poststop_after_failing_hook prestart
}

# spec-coverage.md row 11
@test "lifecycle: a failing createContainer hook makes create fail, then poststop runs" {
	poststop_after_failing_hook createContainer
}

# spec-coverage.md row 29
@test "kill: KILL on a created container stops it before its program ever runs" {
	set_cmd 'echo ran > /hooklog/program; sleep 1000'
	create_ctr
	assert_success
	local pid
	pid=$(pid_of "$CID")
	run --separate-stderr rt kill "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	wait_gone "$pid"
	[ ! -e "$HOOKS/program" ] || fail "the program ran"
}

# ---------------------------------------------------------------------------------------------
# mounts (config.md#mounts)

# spec-coverage.md row 38
@test "mounts: listed order decides: /run/a then /run/a/b keeps both, the reverse hides b" {
	config '.mounts += [{destination: "/run/a", type: "tmpfs", source: "tmpfs", options: ["size=64k"]},
		{destination: "/run/a/b", type: "tmpfs", source: "tmpfs", options: ["size=32k"]}]'
	set_cmd 'grep -o " /run/a[^ ]* " /proc/self/mountinfo | tr -d " " | tr "\n" " "; [ -d /run/a/b ] && echo b-visible || echo b-hidden'
	run_ctr
	assert_success
	assert_eq "$output" "/run/a /run/a/b b-visible" "a before b"
	rt delete "$CID" 2>/dev/null || true
	# the same two mounts listed the other way round: a is mounted over b
	config '.mounts |= (.[:-2] + [.[-1], .[-2]])'
	run_ctr
	assert_success
	assert_eq "$output" "/run/a/b /run/a b-hidden" "b before a"
}

# ---------------------------------------------------------------------------------------------
# operations without a container id (runtime.md#operations)

# spec-coverage.md row 20
@test "operations: state, start, kill and delete without a container id fail with one line" {
	create_ctr
	assert_success
	local op
	for op in state start kill delete; do
		run --separate-stderr rt "$op"
		assert_failure || fail "$op without an id"
		# the error names the missing id (runc prints its usage: two lines or more)
		is_runc || assert_one_error_line 'id' || fail "$op: error"
	done
	assert_eq "$(status_of "$CID")" created "the existing container after the calls"
}

# ---------------------------------------------------------------------------------------------
# process (config.md)

# spec-coverage.md row 51
@test "oomScoreAdj: unset, the container keeps the caller's oom_score_adj" {
	config 'del(.process.oomScoreAdj)'
	set_args cat /proc/self/oom_score_adj
	# the runtime runs in a subshell whose oom_score_adj is 77 (ours stays as it is)
	run --separate-stderr bash -c 'echo 77 >/proc/self/oom_score_adj && exec "$@"' _ \
		timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	assert_success
	assert_output 77
}

# spec-coverage.md row 51 (the control: a set value is written)
@test "oomScoreAdj: set, it replaces the caller's value" {
	config '.process.oomScoreAdj = 123'
	set_args cat /proc/self/oom_score_adj
	run --separate-stderr bash -c 'echo 77 >/proc/self/oom_score_adj && exec "$@"' _ \
		timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	assert_success
	assert_output 123
}

# ---------------------------------------------------------------------------------------------
# namespaces (config-linux.md)

# spec-coverage.md row 73
@test "namespaces: cgroup and time entries without a path give new namespaces" {
	[ -e /proc/self/ns/time ] || skip "kernel without time namespaces"
	skip_if_runc "runc 1.1 does not know the time namespace"
	config '.linux.namespaces += [{type: "cgroup"}, {type: "time"}]'
	set_cmd 'readlink /proc/self/ns/cgroup; readlink /proc/self/ns/time'
	run_ctr
	assert_success
	assert_eq "${#lines[@]}" 2 "lines of output ($output)"
	assert_match "${lines[0]}" '^cgroup:\[[0-9]+\]$' "cgroup namespace"
	[ "${lines[0]}" != "$(readlink /proc/self/ns/cgroup)" ] || fail "cgroup namespace is the host's"
	assert_match "${lines[1]}" '^time:\[[0-9]+\]$' "time namespace"
	[ "${lines[1]}" != "$(readlink /proc/self/ns/time)" ] || fail "time namespace is the host's"
}

# spec-coverage.md row 73
@test "namespaces: a new cgroup namespace is rooted at the container's cgroup" {
	config '.linux.namespaces += [{type: "cgroup"}]'
	set_cmd 'cat /proc/self/cgroup'
	run_ctr
	assert_success
	# every hierarchy shows the container's own cgroup as its root
	local bad
	bad=$(grep -v ':/$' <<<"$output" || true)
	[ -z "$bad" ] || fail "cgroup paths not rooted at the container: $bad"
	assert_contains "$output" 'pids:/' "/proc/self/cgroup"
}

# ---------------------------------------------------------------------------------------------
# resources (config-linux.md)

# hugetlb_v2 — skip unless hugetlb is a cgroup2-only controller here (the hybrid host); sets $U
hugetlb_v2() {
	U=$CG_FS/unified
	grep -qw hugetlb "$U/cgroup.controllers" 2>/dev/null || skip "no hugetlb controller in $U"
	[ ! -d "$CG_FS/hugetlb" ] || skip "hugetlb is a v1 hierarchy here"
}

# spec-coverage.md row 89
@test "hugepageLimits: with hugetlb handed down in cgroup2, the limit is in hugetlb.2MB.max" {
	hugetlb_v2
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2 MB huge pages"
	skip_if_runc "runc 1.1 on a hybrid host looks for hugetlb only in v1 and ignores the limit"
	# Handing hugetlb down is the host's choice on a cgroup berth does not own: the test
	# makes it (and undoes it in teardown) only when BERTH_TEST_HOST_CGROUPS=1 allows it.
	if ! grep -qw hugetlb "$U/cgroup.subtree_control"; then
		[ "${BERTH_TEST_HOST_CGROUPS:-0}" = 1 ] ||
			skip "the host does not hand hugetlb down in $U (BERTH_TEST_HOST_CGROUPS=1 lets the test do it)"
		echo +hugetlb >"$U/cgroup.subtree_control"
		HUGETLB_ENABLED=1
	fi
	config '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]'
	create_ctr
	assert_success
	local f=$U$CGPATH/hugetlb.2MB.max
	[ -e "$f" ] || fail "no $f"
	assert_eq "$(cat "$f")" 4194304 "$f"
	grep -qx "$(pid_of "$CID")" "$U$CGPATH/cgroup.procs" || fail "init not in $U$CGPATH"
	rt delete --force "$CID"
	assert_no_cgroup
}

# spec-coverage.md rows 25, 89
@test "hugepageLimits: not handed down in cgroup2, create fails with one line, nothing left" {
	hugetlb_v2
	grep -qw hugetlb "$U/cgroup.subtree_control" && skip "the host hands hugetlb down"
	config '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]'
	create_ctr
	assert_failure
	is_runc || assert_one_error_line 'hugepageLimits: the hugetlb controller'
	assert_nothing_left
	assert_no_cgroup
}

# spec-coverage.md row 94
@test "intelRdt: refused with one line on a host without resctrl, nothing left" {
	[ ! -d /sys/fs/resctrl ] || [ -z "$(ls /sys/fs/resctrl 2>/dev/null)" ] || skip "resctrl is mounted"
	skip_if_runc "runc 1.1 accepts intelRdt with only a closID on a host without resctrl"
	config '.linux.intelRdt = {closID: "berth-test"}'
	create_ctr
	assert_failure
	is_runc || assert_one_error_line 'intelRdt'
	assert_nothing_left
	assert_no_cgroup
	[ ! -e "/sys/fs/resctrl/berth-test" ] || fail "a resctrl group was made"
}

# ---------------------------------------------------------------------------------------------
# rootfsPropagation (config-linux.md)

# spec-coverage.md row 101
@test "rootfsPropagation: unbindable makes the container's / unbindable" {
	skip_if_runc "runc 1.1 leaves the rootfs mount private whatever rootfsPropagation says"
	config '.linux.rootfsPropagation = "unbindable"'
	set_args cat /proc/self/mountinfo
	run_ctr
	assert_success
	local line
	line=$(awk '$5 == "/" { l = $0 } END { print l }' <<<"$output")
	[ -n "$line" ] || fail "no mountinfo line for /: $output"
	assert_contains "$line" " unbindable " "mountinfo of /"
	assert_not_contains "$line" "shared:" "mountinfo of /"
}

# host_mount_after_create PROPAGATION — make $TEST_DIR a shared mount, create the container
# with rootfsPropagation PROPAGATION, then mount a tmpfs under its rootfs on the host and
# start it: $output is "seen" when the container sees that mount, else "unseen"
host_mount_after_create() {
	mount --bind "$TEST_DIR" "$TEST_DIR"
	mount --make-shared "$TEST_DIR"
	mkdir "$BUNDLE/rootfs/tmp/from-host"
	config '.linux.rootfsPropagation = $p' --arg p "$1"
	set_cmd '[ -e /tmp/from-host/mark ] && echo seen || echo unseen'
	create_ctr
	assert_success || return
	mount -t tmpfs -o size=64k tmpfs "$BUNDLE/rootfs/tmp/from-host"
	touch "$BUNDLE/rootfs/tmp/from-host/mark"
	rt start "$CID"
	wait_status "$CID" stopped
	output=$(cat "$TEST_DIR/create.out")
}

# spec-coverage.md row 101
@test "rootfsPropagation: slave: a mount the host makes under a shared rootfs later shows inside" {
	skip_if_runc "runc 1.1 leaves the rootfs mount private whatever rootfsPropagation says"
	host_mount_after_create slave
	assert_eq "$output" seen "the host's mount, inside"
}

# spec-coverage.md row 101 (the control: the same with private)
@test "rootfsPropagation: private: a mount the host makes under the rootfs later stays outside" {
	host_mount_after_create private
	assert_eq "$output" unseen "the host's mount, inside"
}

# ---------------------------------------------------------------------------------------------
# delete leaves alone what the container did not create (runtime.md#delete)

# spec-coverage.md row 32
@test "delete: a joined network namespace, a bind source and a pre-made cgroup survive" {
	# a persistent network namespace: a bind mount of its nsfs file, on a private tmpfs
	local nsdir=$TEST_DIR/ns src=$TEST_DIR/src m d
	mkdir "$nsdir" "$src"
	mount -t tmpfs -o size=64k tmpfs "$nsdir"
	mount --make-private "$nsdir"
	touch "$nsdir/net"
	unshare --net="$nsdir/net" true
	echo keep >"$src/file"
	# the cgroup exists (with no process) before create in every hierarchy
	for m in $(cg_mounts); do
		[ -w "$m" ] && mkdir -p "$m$CGPATH"
	done
	local before
	before=$(cg_leftovers | sort)
	[ -n "$before" ] || fail "could not make $CGPATH"
	config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "$nsdir/net"
	config '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["rbind", "rw"]}]' \
		--arg s "$src"
	set_cmd 'readlink /proc/self/ns/net > /data/netns; echo more >> /data/file; sleep 1000'
	create_ctr
	assert_success
	rt start "$CID"
	wait_file "$src/netns"
	rt kill "$CID" KILL
	wait_status "$CID" stopped
	run --separate-stderr rt delete "$CID"
	assert_success
	# the namespace is still mounted and still the one the container was in
	assert_eq "$(nsenter --net="$nsdir/net" readlink /proc/self/ns/net)" "$(cat "$src/netns")" \
		"the joined network namespace"
	assert_eq "$(cat "$src/file")" $'keep\nmore' "the bind source's file"
	if is_runc; then
		umount "$nsdir/net" "$nsdir"
		skip "runc 1.1 removes a cgroup it joined (checked: namespace and bind source)"
	fi
	assert_eq "$(cg_leftovers | sort)" "$before" "cgroup directories after delete"
	umount "$nsdir/net" "$nsdir"
}

# ---------------------------------------------------------------------------------------------
# readonlyPaths (config-linux.md)

# spec-coverage.md row 104
@test "readonlyPaths: a relative path is rejected with one line, nothing left" {
	skip_if_runc "runc 1.1 accepts a relative readonlyPaths entry (taken relative to the rootfs)"
	config '.linux.readonlyPaths += ["proc/sysrq-trigger"]'
	create_ctr
	assert_failure
	is_runc || assert_one_error_line 'readonlyPaths'
	assert_nothing_left
	assert_no_cgroup
}

# ---------------------------------------------------------------------------------------------
# hooks (config.md#posix-platform-hooks)

# spec-coverage.md row 57
@test "hooks: poststart and poststop run in the host mount namespace" {
	skip_if_runc "runc 1.1 runs poststart hooks during create"
	log_hook poststart
	log_hook poststop
	create_ctr
	assert_success
	local host_mnt ctr_mnt
	host_mnt=$(readlink /proc/self/ns/mnt)
	ctr_mnt=$(readlink "/proc/$(pid_of "$CID")/ns/mnt")
	[ "$ctr_mnt" != "$host_mnt" ] || fail "the container shares the host's mount namespace"
	rt start "$CID"
	rt delete --force "$CID"
	assert_eq "$(hook_log)" "poststart poststop" "hooks run"
	assert_eq "$(cat "$HOOKS/poststart.mnt")" "$host_mnt" "poststart mount namespace"
	assert_eq "$(cat "$HOOKS/poststop.mnt")" "$host_mnt" "poststop mount namespace"
}

# spec-coverage.md row 58
@test "hooks: a createContainer hook whose path exists only on the host runs" {
	printf '#!/bin/sh\necho host-only >> %s/log\n' "$HOOKS" >"$TEST_DIR/hook.sh"
	chmod 0755 "$TEST_DIR/hook.sh"
	[ ! -e "$BUNDLE/rootfs$TEST_DIR/hook.sh" ] || fail "the hook exists in the rootfs too"
	config '.hooks.createContainer = [{path: $p, args: ["hook.sh"]}]' --arg p "$TEST_DIR/hook.sh"
	create_ctr
	assert_success
	assert_eq "$(hook_log)" host-only "createContainer hook"
}

# spec-coverage.md row 59
@test "hooks: several hooks of one kind run in the listed order" {
	skip_if_runc "runc 1.1 runs poststart hooks during create"
	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		log_hook "$k" "$k-1"
		log_hook "$k" "$k-2"
		log_hook "$k" "$k-3"
	done
	create_ctr
	assert_success
	rt start "$CID"
	rt delete --force "$CID"
	local want='' k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		want+="$k-1 $k-2 $k-3 "
	done
	assert_eq "$(hook_log)" "${want% }" "hook order"
}
