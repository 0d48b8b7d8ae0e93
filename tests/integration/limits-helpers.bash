# limits-helpers.bash — cgroup helpers for the "limits and confinement" files (cgroups.bats,
# exec-confinement.bats, pause.bats, seccomp.bats). Load after helpers.bash:
#
#   load helpers
#   load limits-helpers
#   setup() { berth_setup; cg_setup; }
#   teardown() { cg_teardown; }
#
# Every test puts its container in its own cgroup $CGPATH (linux.cgroupsPath = "/$CID": one
# level below the root of every hierarchy, so runc and berth pick the same directories and no
# shared parent directory is created that a test would have to clean up). Only directories
# named $CGPATH are ever looked at, written to or removed.

# CG_FS — where the cgroup hierarchies are mounted
CG_FS=${CG_FS:-/sys/fs/cgroup}

# cg_setup — set $CGPATH and write it to config.json
cg_setup() {
	CGPATH=/$CID
	config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
}

# cg_mounts — the mount point of every cgroup (v1) and cgroup2 hierarchy in our mount namespace
cg_mounts() {
	awk '{
		for (i = 7; i <= NF && $i != "-"; i++) ;
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5
	}' /proc/self/mountinfo
}

# cg_dir CONTROLLER [PATH] — the container's directory in a v1 controller's hierarchy
cg_dir() { echo "$CG_FS/$1${2:-$CGPATH}"; }

# cg_read CONTROLLER FILE — a cgroup file of the container, read from the host
cg_read() {
	local f
	f=$(cg_dir "$1")/$2
	[ -e "$f" ] || { echo "cg_read: $f does not exist" >&2; return 1; }
	cat "$f"
}

# cg_leftovers [PATH] — every existing directory named PATH (default $CGPATH) in any hierarchy
cg_leftovers() {
	local m p=${1:-$CGPATH}
	for m in $(cg_mounts); do
		[ -d "$m$p" ] && echo "$m$p"
	done
	return 0
}

# assert_no_cgroup [PATH] — no hierarchy has a directory PATH (default $CGPATH) any more
assert_no_cgroup() {
	local left
	left=$(cg_leftovers "${1:-}")
	[ -z "$left" ] || fail "cgroup directories left behind: $(tr '\n' ' ' <<<"$left")"
}

# assert_cgroup_exists — the container's cgroup exists in every v1 controller hierarchy
# that this host mounts (and in the cgroup2 hierarchy)
assert_cgroup_exists() {
	local m
	for m in $(cg_mounts); do
		[ -d "$m$CGPATH" ] || { fail "no cgroup directory $m$CGPATH"; return; }
	done
}

# cg_remove_leftovers [PATH] — remove what a runtime left of PATH (default $CGPATH) in every
# hierarchy: thaw it, SIGKILL the processes in it (the test's container), rmdir it (children
# first). Prints the directories it found, if any.
cg_remove_leftovers() {
	local left d pid
	left=$(cg_leftovers "${1:-}")
	[ -n "$left" ] || return 0
	for d in $left; do
		[ -e "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
		[ -e "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
		for pid in $(cat "$d/cgroup.procs" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
	done
	sleep 0.2
	for d in $left; do
		find "$d" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
		rmdir "$d" 2>/dev/null || true
	done
	echo "$left"
}

# cg_teardown — berth_teardown, then remove whatever the runtime left of $CGPATH (only that
# directory and its children; the processes in it are the test's container). A leftover
# directory makes teardown, and so the test, fail.
cg_teardown() {
	local left
	berth_teardown
	[ -n "${CGPATH:-}" ] || return 0
	left=$(cg_remove_leftovers)
	[ -n "$left" ] || return 0
	echo "teardown: the runtime left cgroup directories behind (removed now): $(tr '\n' ' ' <<<"$left")" >&2
	return 1
}

# pids_in_cgroup CONTROLLER — the pids in the container's cgroup of CONTROLLER, one a line
pids_in_cgroup() { cg_read "$1" cgroup.procs; }

# start_ctr — create and start $CID from $BUNDLE (stdio to files, see create_ctr); sets
# $INIT_PID
start_ctr() {
	create_ctr "$@"
	assert_success || return
	rt start "$CID" || { fail "start $CID failed"; return; }
	INIT_PID=$(pid_of "$CID")
}
