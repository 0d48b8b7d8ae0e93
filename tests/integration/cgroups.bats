#!/usr/bin/env bats
# linux.resources on the host's cgroups: every limit is read back from the real cgroup files
# after create, `update` changes them, the kernel enforces them (OOM kill, fork limit, device
# access), `events` reports them, and delete / failed creates leave no cgroup directory.
#
# Written for a cgroup v1 (or hybrid) host: the v1 controllers at /sys/fs/cgroup/<controller>.
# Each test's cgroup is linux.cgroupsPath = /$CID (see limits-helpers.bash).

load helpers
load limits-helpers

setup() {
	berth_setup
	[ -d "$CG_FS/memory" ] && [ -d "$CG_FS/pids" ] ||
		skip "needs cgroup v1 controllers under $CG_FS (memory, pids, ...)"
	cg_setup
	set_cmd 'sleep 1000'
}

teardown() { cg_teardown; }

# resources JSON — set linux.resources
resources() { config '.linux.resources = $r' --argjson r "$1"; }

# wait_grep FILE ERE [SECONDS] — poll until FILE has a line matching ERE
wait_grep() {
	local f=$1 re=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		grep -qE -- "$re" "$f" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no line matching /$re/ in $f after ${secs}s: $(cat "$f" 2>/dev/null)"
}

# blkio_weight_file — blkio.weight (CFQ, older kernels) or blkio.bfq.weight (BFQ), whichever
# the container's blkio cgroup has
blkio_weight_file() {
	local d
	d=$(cg_dir blkio)
	if [ -e "$d/blkio.weight" ]; then echo blkio.weight
	elif [ -e "$d/blkio.bfq.weight" ]; then echo blkio.bfq.weight
	else return 1
	fi
}

# last_cpu — the highest CPU the root cpuset allows (so a one-CPU cpuset is not just "0")
last_cpu() { tr ',' '\n' <"$CG_FS/cpuset/cpuset.cpus" | tail -n 1 | sed 's/.*-//'; }

# ---------------------------------------------------------------------------------------------
# limits written at create

@test "create: the init is in the container's cgroup in every hierarchy (and only there)" {
	create_ctr
	assert_success
	local pid m
	pid=$(pid_of "$CID")
	assert_cgroup_exists
	for m in $(cg_mounts); do
		grep -qx "$pid" "$m$CGPATH/cgroup.procs" || fail "init $pid is not in $m$CGPATH/cgroup.procs"
	done
	# /proc/PID/cgroup agrees: every line ends in the configured path
	run awk -F: -v p="$CGPATH" '$3 != p { print }' "/proc/$pid/cgroup"
	assert_eq "$output" "" "lines of /proc/$pid/cgroup not naming $CGPATH"
}

@test "resources: memory limit, reservation, swap and swappiness are in the memory cgroup" {
	resources '{"memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728,
		"swappiness": 7}}'
	create_ctr
	assert_success
	assert_eq "$(cg_read memory memory.limit_in_bytes)" 67108864 memory.limit_in_bytes
	assert_eq "$(cg_read memory memory.soft_limit_in_bytes)" 33554432 memory.soft_limit_in_bytes
	assert_eq "$(cg_read memory memory.swappiness)" 7 memory.swappiness
	if [ -e "$(cg_dir memory)/memory.memsw.limit_in_bytes" ]; then
		assert_eq "$(cg_read memory memory.memsw.limit_in_bytes)" 134217728 memory.memsw.limit_in_bytes
	fi
}

@test "resources: cpu shares, quota and period; cpuset cpus and mems (and the process sees them)" {
	local cpu
	cpu=$(last_cpu)
	resources "$(jq -n --arg c "$cpu" '{cpu: {shares: 512, quota: 25000, period: 50000,
		cpus: $c, mems: "0"}}')"
	set_cmd 'grep -E "^(Cpus|Mems)_allowed_list" /proc/self/status'
	create_ctr
	assert_success
	assert_eq "$(cg_read cpu cpu.shares)" 512 cpu.shares
	assert_eq "$(cg_read cpu cpu.cfs_quota_us)" 25000 cpu.cfs_quota_us
	assert_eq "$(cg_read cpu cpu.cfs_period_us)" 50000 cpu.cfs_period_us
	assert_eq "$(cg_read cpuset cpuset.cpus)" "$cpu" cpuset.cpus
	assert_eq "$(cg_read cpuset cpuset.mems)" 0 cpuset.mems
	rt start "$CID"
	wait_status "$CID" stopped
	assert_eq "$(tr -s '\t' ' ' <"$TEST_DIR/create.out" | tr '\n' ' ')" \
		"Cpus_allowed_list: $cpu Mems_allowed_list: 0 " "affinity inside the container"
}

@test "resources: pids.limit is pids.max" {
	resources '{"pids": {"limit": 17}}'
	create_ctr
	assert_success
	assert_eq "$(cg_read pids pids.max)" 17 pids.max
}

@test "resources: blockIO weight is in blkio.weight or blkio.bfq.weight" {
	resources '{"blockIO": {"weight": 321}}'
	create_ctr
	assert_success
	local f
	f=$(blkio_weight_file) || skip "the blkio cgroup has neither blkio.weight nor blkio.bfq.weight"
	# BFQ prints "default 321" on some kernels, just "321" on others
	assert_eq "$(cg_read blkio "$f" | awk 'NR == 1 { print $NF }')" 321 "$f"
}

@test "resources: devices — deny-all plus an allow list; a device outside it cannot be opened" {
	# /dev/zero cannot stand in for "a denied device": runc (and berth, to match it) always
	# appends its default allow rules (null, zero, full, random, urandom, tty, ptmx, pts) after
	# the config's rules. So the test makes its own node, c 240:77 (no driver: opening it
	# gives ENXIO once the cgroup lets the open through, EPERM while the cgroup denies it).
	resources '{"devices": [{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]}'
	config '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
	set_cmd 'mknod /dev/nodrv c 240 77 || exit 9; head -c1 /dev/nodrv; echo "nodrv=$?"
		echo x >/dev/null; echo "null=$?"'
	create_ctr
	assert_success
	local list
	list=$(cg_read devices devices.list)
	assert_not_contains "$list" "a *:* rwm" "devices.list (deny-all was not applied)"
	grep -qx 'c 1:3 rwm' <<<"$list" || fail "devices.list has no 'c 1:3 rwm': $list"
	if grep -qE '^c (240|\*):(77|\*) [rwm]*r' <<<"$list"; then fail "devices.list lets c 240:77 be read: $list"; fi
	rt start "$CID"
	wait_status "$CID" stopped
	assert_eq "$(tr '\n' ' ' <"$TEST_DIR/create.out")" "nodrv=1 null=0 " "stdout of the container"
	assert_contains "$(cat "$TEST_DIR/create.err")" "Operation not permitted" "error opening the denied device"
	rt delete "$CID"
	assert_no_cgroup

	# the same container with c 240:77 allowed: the open reaches the (missing) driver
	config '.linux.resources.devices += [{allow: true, type: "c", major: 240, minor: 77, access: "r"}]'
	create_ctr
	assert_success
	rt start "$CID"
	wait_status "$CID" stopped
	assert_eq "$(tr '\n' ' ' <"$TEST_DIR/create.out")" "nodrv=1 null=0 " "stdout of the container"
	assert_contains "$(cat "$TEST_DIR/create.err")" "No such device or address" "error opening the allowed device"
}

# ---------------------------------------------------------------------------------------------
# update

@test "update --memory --pids-limit --cpu-quota: the cgroup files change, the container keeps running" {
	resources '{"memory": {"limit": 67108864}, "pids": {"limit": 20}, "cpu": {"quota": 10000, "period": 100000}}'
	start_ctr
	assert_eq "$(cg_read memory memory.limit_in_bytes)" 67108864 "memory.limit_in_bytes before"
	run --separate-stderr rt update --memory 128m --pids-limit 30 --cpu-quota 20000 "$CID"
	assert_success
	assert_eq "$(cg_read memory memory.limit_in_bytes)" 134217728 memory.limit_in_bytes
	assert_eq "$(cg_read pids pids.max)" 30 pids.max
	assert_eq "$(cg_read cpu cpu.cfs_quota_us)" 20000 cpu.cfs_quota_us
	assert_eq "$(cg_read cpu cpu.cfs_period_us)" 100000 "cpu.cfs_period_us (not asked to change)"
	assert_eq "$(status_of "$CID")" running status
	grep -qx "$INIT_PID" "$(cg_dir pids)/cgroup.procs" || fail "init left its cgroup"
}

@test "update -r FILE: a linux.resources JSON file is applied" {
	resources '{"memory": {"limit": 67108864}, "pids": {"limit": 20}, "cpu": {"shares": 1024}}'
	start_ctr
	jq -n '{memory: {limit: 100663296}, pids: {limit: 40}, cpu: {shares: 256}}' >"$TEST_DIR/res.json"
	run --separate-stderr rt update -r "$TEST_DIR/res.json" "$CID"
	assert_success
	assert_eq "$(cg_read memory memory.limit_in_bytes)" 100663296 memory.limit_in_bytes
	assert_eq "$(cg_read pids pids.max)" 40 pids.max
	assert_eq "$(cg_read cpu cpu.shares)" 256 cpu.shares
}

@test "update --pids-limit -1: pids.max becomes max" {
	resources '{"pids": {"limit": 20}}'
	start_ctr
	assert_eq "$(cg_read pids pids.max)" 20 "pids.max before"
	run --separate-stderr rt update --pids-limit -1 "$CID"
	assert_success
	assert_eq "$(cg_read pids pids.max)" max pids.max
}

# ---------------------------------------------------------------------------------------------
# enforcement

HOG='sleep 1; x=aaaaaaaaaaaaaaaa; while :; do x=$x$x; done'
OOM_RESOURCES='{"memory": {"limit": 33554432, "swap": 33554432}}'

@test "memory limit: a memory hog is OOM-killed and run exits 137" {
	resources "$OOM_RESOURCES"
	set_cmd "$HOG"
	run_ctr
	assert_status 137
	assert_no_cgroup
}

@test "memory limit: run reports the OOM kill on stderr" {
	skip_if_runc "runc 1.1 does not report OOM kills from run"
	resources "$OOM_RESOURCES"
	set_cmd "$HOG"
	run_ctr
	assert_status 137
	grep -q OOM <<<"$stderr" || { show_run; fail "no line containing OOM on stderr"; }
}

@test "memory limit: events streams an {\"type\":\"oom\"} event" {
	resources "$OOM_RESOURCES"
	set_cmd "$HOG"
	create_ctr
	assert_success
	local ev=$TEST_DIR/events.out evpid
	timeout 10 "$RUNTIME" --root "$ROOT" events --interval 1s "$CID" >"$ev" 2>"$TEST_DIR/events.err" </dev/null &
	evpid=$!
	rt start "$CID"
	local rc=0
	wait_grep "$ev" '"type": *"oom"' 10 || rc=$?
	kill "$evpid" 2>/dev/null || true
	wait "$evpid" 2>/dev/null || true
	[ "$rc" -eq 0 ] || { cat "$TEST_DIR/events.err" >&2; return 1; }
	local line
	line=$(grep -m1 -E '"type": *"oom"' "$ev")
	assert_eq "$(jq -r .id <<<"$line")" "$CID" "id of the oom event"
	wait_status "$CID" stopped
	rt delete "$CID"
	assert_no_cgroup
}

@test "pids limit: a fork bomb hits pids.max=10 and the cgroup never holds more than 10" {
	resources '{"pids": {"limit": 10}}'
	set_cmd 'sh -c "for i in \$(seq 30); do sleep 5 & done; wait"; echo "bomb-exit=$?"; sleep 1000'
	start_ctr
	local max=0 n i
	for ((i = 0; i < 200; i++)); do
		n=$(cg_read pids pids.current)
		[ "$n" -le "$max" ] || max=$n
		grep -q bomb-exit= "$TEST_DIR/create.out" && break
		sleep 0.02
	done
	assert_contains "$(cat "$TEST_DIR/create.out")" "bomb-exit=" "stdout (the bomb did not finish)"
	assert_not_contains "$(cat "$TEST_DIR/create.out")" "bomb-exit=0" "stdout (no fork failed)"
	assert_match "$(cat "$TEST_DIR/create.err")" "can't fork|Resource temporarily unavailable" "stderr of the bomb"
	[ "$max" -le 10 ] || fail "pids.current was $max"
	n=$(cg_read pids pids.current)
	[ "$n" -ge 2 ] && [ "$n" -le 10 ] || fail "pids.current after the bomb is $n"
	# the kernel counted the refused forks
	local refused
	refused=$(awk '$1 == "max" { print $2 }' "$(cg_dir pids)/pids.events")
	[ "${refused:-0}" -ge 1 ] || fail "pids.events: $(cat "$(cg_dir pids)/pids.events")"
	if [ -e "$(cg_dir pids)/pids.peak" ]; then
		assert_eq "$(cg_read pids pids.peak)" 10 pids.peak
	fi
}

@test "events --stats: one JSON object with memory usage and the pid count" {
	start_ctr
	run --separate-stderr rt events --stats "$CID"
	assert_success
	assert_eq "$(grep -c '' <<<"$output")" 1 "number of lines"
	assert_eq "$(jq -r .type <<<"$output")" stats type
	assert_eq "$(jq -r .id <<<"$output")" "$CID" id
	local usage pids
	usage=$(jq -r .data.memory.usage.usage <<<"$output")
	pids=$(jq -r .data.pids.current <<<"$output")
	assert_match "$usage" '^[0-9]+$' "data.memory.usage.usage"
	[ "$usage" -gt 0 ] || fail "data.memory.usage.usage is $usage"
	assert_match "$pids" '^[0-9]+$' "data.pids.current"
	[ "$pids" -ge 1 ] || fail "data.pids.current is $pids"
}

# ---------------------------------------------------------------------------------------------
# cleanup

@test "delete: a stopped container's cgroup is removed from every hierarchy" {
	set_cmd 'sleep 0.2'
	create_ctr
	assert_success
	assert_cgroup_exists
	rt start "$CID"
	wait_status "$CID" stopped
	run --separate-stderr rt delete "$CID"
	assert_success
	assert_no_cgroup
	assert_nothing_left
}

@test "delete: after the container was SIGKILLed from the host, the cgroup is removed" {
	set_cmd 'sleep 1000 & sleep 1000 & wait'
	start_ctr
	assert_cgroup_exists
	kill -KILL "$INIT_PID"
	wait_status "$CID" stopped
	run --separate-stderr rt delete "$CID"
	assert_success
	assert_no_cgroup
	assert_nothing_left
}

@test "delete --force: after the runtime was SIGKILLed in the middle of create, nothing is left" {
	skip_if_runc "runc 1.1 keeps no state until create finishes: its delete cannot find the cgroup"
	config '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo $$ > \"$0\"; exec sleep 5",
		$f]}]' --arg f "$TEST_DIR/hook.pid"
	"$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/create.out" 2>&1 &
	local crpid=$!
	wait_file "$TEST_DIR/hook.pid"
	local hookpid ctrpids
	hookpid=$(cat "$TEST_DIR/hook.pid")
	# the runtime is waiting for the hook: the cgroup exists and holds the container's init
	assert_cgroup_exists
	ctrpids=$(pids_in_cgroup pids)
	kill -KILL "$crpid"
	local rc=0
	wait "$crpid" || rc=$?
	kill -KILL "$hookpid" 2>/dev/null || true   # the hook is not the container's
	assert_eq "$rc" 137 "exit status of the killed create"
	run --separate-stderr rt delete --force "$CID"
	assert_success
	assert_no_cgroup
	[ ! -e "$ROOT/$CID" ] || fail "state directory $ROOT/$CID is left"
	local p
	for p in $ctrpids; do wait_gone "$p"; done
	assert_nothing_left
}

@test "delete --force: after create was SIGKILLed at any moment of its run, nothing is left" {
	skip_if_runc "runc 1.1 keeps no state until create finishes: its delete cannot find the cgroup"
	# kill create after 0, 1, 2, ... 30 ms: one of the kills lands between the cgroup's mkdir
	# and the state that records it, whatever the runtime's order of steps
	local ms leaks='' left st procs
	for ((ms = 0; ms <= 30; ms++)); do
		"$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
		local crpid=$!
		sleep "$(printf '0.%03d' "$ms")"
		kill -KILL "$crpid" 2>/dev/null || true
		wait "$crpid" 2>/dev/null || true
		st=$(status_of "$CID")
		rt delete --force "$CID" >/dev/null 2>&1 || true
		[ ! -e "$ROOT/$CID" ] || leaks+="${ms}ms ($st): state dir left; "
		procs=$(cat "$(cg_dir pids)/cgroup.procs" 2>/dev/null | wc -l)
		left=$(cg_remove_leftovers)
		[ -z "$left" ] || leaks+="${ms}ms (state '$st'): $(wc -l <<<"$left") cgroup dirs left, $procs processes in them; "
		rm -rf "${ROOT:?}/$CID"
	done
	[ -z "$leaks" ] || fail "after delete --force: $leaks"
	assert_nothing_left
}

@test "delete: processes a container without a pid namespace left in its cgroup are killed" {
	# the init exits, its child lives on in the cgroup (no pid namespace takes it down)
	config '.linux.namespaces |= map(select(.type != "pid"))'
	set_cmd 'sleep 1000 & exit 0'
	start_ctr
	wait_status "$CID" stopped
	local orphans
	orphans=$(pids_in_cgroup pids)
	[ -n "$orphans" ] || fail "no process left in the cgroup after the init exited"
	run --separate-stderr rt delete "$CID"
	assert_success
	local p
	for p in $orphans; do wait_gone "$p"; done
	assert_no_cgroup
	assert_nothing_left
}

# ---------------------------------------------------------------------------------------------
# bad input: one line naming the field, nothing left

# resources_fail RESOURCES-JSON BERTH-ERE RUNC-ERE
resources_fail() {
	resources "$1"
	create_ctr
	assert_failure
	if is_runc; then assert_one_error_line "$3"; else assert_one_error_line "$2"; fi
	assert_nothing_left
	assert_no_cgroup
}

@test "bad input: a negative cpu.period is rejected" {
	resources_fail '{"cpu": {"period": -5}}' 'linux\.resources\.cpu\.period' 'cpu\.period'
}

@test "bad input: pids.limit as a string is rejected" {
	resources_fail '{"pids": {"limit": "10"}}' 'linux\.resources\.pids\.limit' 'pids\.limit'
}

@test "bad input: a blockIO weightDevice for a device that does not exist (259:999) is rejected" {
	resources_fail '{"blockIO": {"weightDevice": [{"major": 259, "minor": 999, "weight": 100}]}}' \
		'linux\.resources\.blockIO\.weightDevice.*259:999' 'weight_device.*no such device'
}

@test "bad input: linux.resources.unified on a cgroup v1 host is rejected" {
	[ ! -e "$CG_FS/cgroup.controllers" ] || skip "the host uses cgroup v2 only"
	resources_fail '{"unified": {"memory.max": "100000000"}}' \
		'linux\.resources\.unified.*requires cgroup v2' 'unified.*cgroup v1'
}

@test "bad input: memory.swappiness 200 is rejected" {
	resources_fail '{"memory": {"swappiness": 200}}' 'linux\.resources\.memory\.swappiness' 'swappiness'
}

# ---------------------------------------------------------------------------------------------
# the "cgroup" mount: the container sees its own cgroup, not the host's tree

# cgroup_view SCRIPT — run the container with a 64 MiB memory limit and the template's read-only
# "cgroup" mount at /sys/fs/cgroup, executing SCRIPT; sets $status/$output/$stderr
cgroup_view() {
	resources '{"memory": {"limit": 67108864}}'
	set_cmd "$1"
	run_ctr
}

# cg_view_script — what every variant must show: the limit in the container's own memory
# cgroup, no root-only file of the host's hierarchy (release_agent exists only at a v1
# hierarchy's root), not the container's directory one level down (the host's tree would have
# it), read-only mounts, only the container's own process (counted with shell builtins, so the
# shell is the only one), and where the memory mount and /proc/self/cgroup say it is rooted
cg_view_script() {
	cat <<SCRIPT
cat /sys/fs/cgroup/memory/memory.limit_in_bytes
test -e /sys/fs/cgroup/memory/release_agent && echo host-root-visible
test -e /sys/fs/cgroup/memory$CGPATH && echo host-tree-visible
touch /sys/fs/cgroup/memory/x 2>/dev/null && echo writable
mkdir /sys/fs/cgroup/new 2>/dev/null && echo tmpfs-writable
n=0; while read -r p; do n=\$((n + 1)); done </sys/fs/cgroup/memory/cgroup.procs; echo \$n
awk '\$5 == "/sys/fs/cgroup/memory" { print "root=" \$4 }' /proc/self/mountinfo
grep ":memory:" /proc/self/cgroup
SCRIPT
}

@test "cgroup mount (v1): the memory limit is visible in the container's own memory cgroup, the host tree is not" {
	[ ! -e "$CG_FS/cgroup.controllers" ] || skip "the host uses cgroup v2 only"
	cgroup_view "$(cg_view_script)"
	assert_success
	assert_eq "${lines[0]}" 67108864 "memory.limit_in_bytes inside"
	assert_not_contains "$output" host-root-visible
	assert_not_contains "$output" host-tree-visible
	assert_not_contains "$output" writable
		assert_eq "${lines[1]}" 1 "processes in the visible memory cgroup"
	assert_eq "${lines[2]}" "root=$CGPATH" "root of the memory mount"
	assert_eq "${lines[3]#*:memory:}" "$CGPATH" "memory line of /proc/self/cgroup"
}

@test "cgroup mount (v1) with a cgroup namespace: the container's own cgroup is its root" {
	[ ! -e "$CG_FS/cgroup.controllers" ] || skip "the host uses cgroup v2 only"
	config '.linux.namespaces += [{"type": "cgroup"}]'
	cgroup_view "$(cg_view_script)"
	assert_success
	assert_eq "${lines[0]}" 67108864 "memory.limit_in_bytes inside"
	assert_not_contains "$output" host-root-visible
	assert_not_contains "$output" host-tree-visible
	assert_not_contains "$output" writable
	assert_eq "${lines[1]}" 1 "processes in the visible memory cgroup"
	assert_eq "${lines[2]}" "root=/" "root of the memory mount"
	assert_eq "${lines[3]#*:memory:}" / "memory line of /proc/self/cgroup"
}

@test "cgroup mount (v1): every host v1 hierarchy is there, each bound to the container's cgroup" {
	[ ! -e "$CG_FS/cgroup.controllers" ] || skip "the host uses cgroup v2 only"
	# mount point, root, per-mount options and type of everything under /sys/fs/cgroup
	set_cmd 'for d in /sys/fs/cgroup/*; do
		[ -L "$d" ] && { echo "${d##*/} -> $(readlink "$d")"; continue; }
		awk -v m="$d" "\$5 == m { for (i = 7; \$i != \"-\"; i++) ; print m, \$4, \$6, \$(i + 1) }" \
			/proc/self/mountinfo
	done'
	run_ctr
	assert_success
	local m want='' v1
	for m in $(cg_mounts); do
		case $m in "$CG_FS"/*) ;; *) continue ;; esac
		[ -e "$m/cgroup.controllers" ] && continue
		want+="/sys/fs/cgroup/${m#"$CG_FS"/} $CGPATH ro,nosuid,nodev,noexec,relatime cgroup"$'\n'
	done
	# co-mounted controllers are reached through the host's symlinks (cpu -> cpu,cpuacct)
	for m in "$CG_FS"/*; do
		[ -L "$m" ] && want+="${m##*/} -> $(readlink "$m")"$'\n'
	done
	v1=$(grep -v ' cgroup2$' <<<"$output")
	assert_eq "$(sort <<<"$v1")" "$(sort <<<"${want%$'\n'}")" "v1 hierarchies under /sys/fs/cgroup"
	# a hybrid host's unified hierarchy (berth shows it, runc 1.1 does not) is the container's too
	run grep ' cgroup2$' <<<"$output"
	[ -z "$output" ] || assert_eq "$output" "/sys/fs/cgroup/unified $CGPATH ro,nosuid,nodev,noexec,relatime cgroup2"
}

@test "cgroup2 mount on a hybrid host: the container's own unified cgroup (its root with a cgroup namespace)" {
	[ -e "$CG_FS/unified/cgroup.controllers" ] || skip "no hybrid cgroup2 mount at $CG_FS/unified"
	skip_if_runc "runc 1.1 mounts the host's whole unified hierarchy"
	config '.mounts += [{destination: "/cg2", type: "cgroup2", source: "cgroup2", options: ["nosuid", "ro"]}]'
	set_cmd 'awk "\$5 == \"/cg2\" { print \$4 }" /proc/self/mountinfo; test -e /cg2/cgroup.procs && echo procs'
	run_ctr
	assert_success
	assert_eq "${lines[*]}" "$CGPATH procs" "root of the cgroup2 mount"
	config '.linux.namespaces += [{type: "cgroup"}]'
	run_ctr
	assert_success
	assert_eq "${lines[*]}" "/ procs" "root of the cgroup2 mount in a cgroup namespace"
}
