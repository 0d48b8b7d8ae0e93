# helpers.bash — shared setup, runtime wrappers and assertions for the integration suite.
#
# Every test gets its own directory $TEST_DIR (mode 0755 so a user-namespaced container can
# walk into it) holding:
#   $BUNDLE   busybox bundle made by scripts/mkbundle.sh (config.json + rootfs/)
#   $ROOT     the runtime's private state directory (global --root)
# and a container ID $CID unique to the test and this run. teardown force-deletes every
# container under $ROOT, stops helper processes started with `hold`, and removes $TEST_DIR.
#
# $RUNTIME is the binary under test (tests/run exports it; runc works: RUNTIME=/usr/sbin/runc).

bats_require_minimum_version 1.5.0

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
if [ -z "${RUNTIME:-}" ]; then
	RUNTIME=$REPO_ROOT/${BUILD:-build-asan}/src/cmd/berth-runtime/berth-runtime
	[ -x "$RUNTIME" ] || RUNTIME=$REPO_ROOT/build/src/cmd/berth-runtime/berth-runtime
fi
export RUNTIME
# seconds any single runtime command may take before it counts as hung
RT_TIMEOUT=${RT_TIMEOUT:-30}
# the host's hostname, to check that no container changed it
HOST_HOSTNAME=$(cat /proc/sys/kernel/hostname)

# ---------------------------------------------------------------------------------------------
# setup / teardown

berth_setup() {
	[ -x "$RUNTIME" ] || {
		echo "RUNTIME=$RUNTIME is not an executable (build first, or set RUNTIME)" >&2
		return 1
	}
	TEST_DIR=$(mktemp -d "${BERTH_TEST_TMPDIR:-/tmp}/berth-it.XXXXXX")
	chmod 0755 "$TEST_DIR"
	ROOT=$TEST_DIR/state
	BUNDLE=$TEST_DIR/bundle
	CID=berth-it-$$-${BATS_TEST_NUMBER}
	HELD_PIDS=()
	# the rootfs is built once per test file and copied for each test
	BERTH_ROOTFS_CACHE=$BATS_FILE_TMPDIR/rootfs-cache \
		bash "$REPO_ROOT/scripts/mkbundle.sh" "$BUNDLE" >/dev/null
	HOST_MOUNTS_BEFORE=$(host_mounts_under "$TEST_DIR")
}

berth_teardown() {
	local id pid m
	[ -n "${TEST_DIR:-}" ] || return 0
	for id in $(all_container_ids); do
		timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	for pid in "${HELD_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	# a runtime that leaked a mount into the host namespace must not make rm walk into it
	for m in $(host_mounts_under "$TEST_DIR" | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system "$TEST_DIR"
}

setup() { berth_setup; }
teardown() { berth_teardown; }

# all_container_ids — containers the runtime knows under $ROOT (list -q, plus the state dirs
# themselves in case `list` is broken)
all_container_ids() {
	{
		timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" list -q 2>/dev/null || true
		[ -d "$ROOT" ] && find "$ROOT" -mindepth 1 -maxdepth 1 -type d -printf '%f\n'
	} | sort -u
}

# ---------------------------------------------------------------------------------------------
# running the runtime

# rt ARGS... — the runtime under test with the private --root (stdin from /dev/null)
rt() {
	timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" "$@" </dev/null
}

# run_ctr [RUN-OPTIONS...] — foreground `run` of $BUNDLE as $CID, via bats `run`:
# sets $status, $output (stdout) and $stderr
run_ctr() {
	run --separate-stderr rt run --bundle "$BUNDLE" "$@" "$CID"
}

# create_ctr [CREATE-OPTIONS...] — `create` $BUNDLE as $CID. The container keeps the stdio it
# is given until it exits, so stdout/stderr go to files (bats' `run` would wait for a pipe to
# close); sets $status, $output and $stderr like `run --separate-stderr`.
create_ctr() {
	status=0
	rt create --bundle "$BUNDLE" "$@" "$CID" >"$TEST_DIR/create.out" 2>"$TEST_DIR/create.err" || status=$?
	output=$(cat "$TEST_DIR/create.out")
	stderr=$(cat "$TEST_DIR/create.err")
}

# config JQ-FILTER [JQ-ARGS...] — edit $BUNDLE/config.json in place
config() {
	local f=$BUNDLE/config.json
	jq "$1" "$f" "${@:2}" >"$f.new" || { echo "config: jq failed on: $1" >&2; return 1; }
	mv "$f.new" "$f"
}

# set_cmd SCRIPT — the container runs `sh -c SCRIPT`
set_cmd() {
	config '.process.args = ["sh", "-c", $s]' --arg s "$1"
}

# set_args ARG... — the container runs ARG... (no shell)
set_args() {
	config '.process.args = $ARGS.positional' --args "$@"
}

# state_of ID — the `state` JSON of ID on stdout
state_of() { rt state "$1"; }

# status_of ID — the "status" field, or "none" when state fails
status_of() { state_of "$1" 2>/dev/null | jq -r .status 2>/dev/null || echo none; }

# pid_of ID — the "pid" field
pid_of() { state_of "$1" | jq -r .pid; }

# wait_status ID STATUS [SECONDS] — poll until ID has STATUS
wait_status() {
	local id=$1 want=$2 secs=${3:-20} i st
	for ((i = 0; i < secs * 20; i++)); do
		st=$(status_of "$id")
		[ "$st" = "$want" ] && return 0
		sleep 0.05
	done
	echo "wait_status: $id is '$st' after ${secs}s, wanted '$want'" >&2
	return 1
}

# wait_file PATH [SECONDS] — poll until PATH exists and is not empty
wait_file() {
	local f=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		[ -s "$f" ] && return 0
		sleep 0.05
	done
	echo "wait_file: $f still missing or empty after ${secs}s" >&2
	return 1
}

# wait_gone PID [SECONDS] — poll until PID no longer exists (or is a zombie)
wait_gone() {
	local pid=$1 secs=${2:-10} i st
	for ((i = 0; i < secs * 20; i++)); do
		st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null) || return 0
		[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ] && return 0
		sleep 0.05
	done
	echo "wait_gone: pid $pid still alive after ${secs}s" >&2
	return 1
}

# hold CMD... — start a helper process in the background, killed in teardown; sets $HELD_PID
hold() {
	"$@" </dev/null >/dev/null 2>&1 3>&- &
	HELD_PID=$!
	HELD_PIDS+=("$HELD_PID")
}

# is_runc — the runtime under test is runc (used to skip tests where runc knowingly deviates
# from the runtime-spec or from berth's documented behaviour)
is_runc() {
	"$RUNTIME" --version 2>/dev/null | head -n 3 | grep -qi '^runc'
}

# skip_if_runc REASON
skip_if_runc() {
	if is_runc; then skip "runc: $1"; fi
}

# ---------------------------------------------------------------------------------------------
# leftovers

# host_mounts_under DIR — mount points in the host's (our) mount namespace under DIR
host_mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# procs_under BUNDLE — "/proc/PID what" for every process (not us) whose root or cwd is the
# bundle's rootfs (compared by device and inode: a process in another mount namespace shows
# its root as "/"), or whose command line mentions BUNDLE: a container process, a stuck
# runtime, or a hook still running
procs_under() {
	local d=$1
	{
		[ -d "$d/rootfs" ] && find -L /proc -mindepth 2 -maxdepth 2 \( -name root -o -name cwd \) \
			-samefile "$d/rootfs" -printf '%h %f\n' 2>/dev/null
		# the pattern comes from a file: grep's own command line must not contain it
		grep -l -a -F -f <(printf '%s\n' "$d") /proc/[0-9]*/cmdline 2>/dev/null | sed 's|/cmdline$| cmdline|'
	} | grep -v -E "^/proc/(self|thread-self|$$|$BASHPID) " || true
}

# assert_nothing_left — after a failed create/run: no container state directory under
# $ROOT, no process inside the bundle, no new mount in the host's mount namespace
assert_nothing_left() {
	local dirs='' procs mounts
	[ -d "$ROOT" ] && dirs=$(find "$ROOT" -mindepth 1 -maxdepth 1 -type d)
	[ -z "$dirs" ] || { fail "state left under --root: $dirs"; return; }
	procs=$(procs_under "$BUNDLE")
	[ -z "$procs" ] || { fail "processes left in the bundle: $procs"; return; }
	mounts=$(host_mounts_under "$TEST_DIR")
	[ "$mounts" = "$HOST_MOUNTS_BEFORE" ] || { fail "host mounts changed under $TEST_DIR: $mounts"; return; }
}

# ---------------------------------------------------------------------------------------------
# assertions (bats prints what they echo to stderr when a test fails)

fail() {
	echo "FAIL: $*" >&2
	return 1
}

# show_run — the last `run`'s status, stdout and stderr (diagnostics)
show_run() {
	{
		echo "status: $status"
		echo "stdout: ${output:-}"
		echo "stderr: ${stderr:-}"
	} >&2
}

assert_success() {
	[ "$status" -eq 0 ] || { show_run; fail "expected success, got exit status $status"; }
}

assert_failure() {
	[ "$status" -ne 0 ] || { show_run; fail "expected a failure, got exit status 0"; return; }
	# a timeout or a crash is not the failure a test asks for
	[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || { show_run; fail "runtime hung (status $status)"; return; }
	# 128+N for a signal N (255 is an ordinary failure status, e.g. runc exec's)
	[ "$status" -le 128 ] || [ "$status" -gt 192 ] || { show_run; fail "runtime died by signal $((status - 128))"; }
}

assert_status() {
	[ "$status" -eq "$1" ] || { show_run; fail "expected exit status $1, got $status"; }
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}

# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains() {
	case "$1" in
	*"$2"*) return 0 ;;
	esac
	fail "${3:-text} does not contain '$2': $1"
}

# assert_not_contains HAYSTACK NEEDLE [WHAT]
assert_not_contains() {
	case "$1" in
	*"$2"*) fail "${3:-text} contains '$2': $1" ;;
	esac
	return 0
}

# assert_match STRING ERE [WHAT]
assert_match() {
	[[ $1 =~ $2 ]] || fail "${3:-text} does not match /$2/: $1"
}

# assert_output EXPECTED — stdout of the last run
assert_output() {
	[ "$output" = "$1" ] || { show_run; fail "stdout: expected '$1'"; }
}

# assert_one_error_line REGEX — stderr of the last run is exactly one line matching REGEX
# (case-insensitive): the runtime names the problem once, without a usage dump or a trace
assert_one_error_line() {
	local n
	n=$(printf '%s' "$stderr" | grep -c '')
	[ "$n" -eq 1 ] || { show_run; fail "stderr has $n lines, expected exactly 1"; return; }
	grep -qiE -- "$1" <<<"$stderr" || { show_run; fail "stderr does not name the problem (/$1/)"; }
}

# cap_mask CAP... — the /proc/PID/status hex mask (16 digits) for the named capabilities
cap_mask() {
	local -A bit=([CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3
		[CAP_FSETID]=4 [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8
		[CAP_LINUX_IMMUTABLE]=9 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11
		[CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13 [CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15
		[CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17 [CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19
		[CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21 [CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23
		[CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25 [CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27
		[CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29 [CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31)
	local m=0 c
	for c in "$@"; do
		[ -n "${bit[$c]:-}" ] || { echo "cap_mask: unknown $c" >&2; return 1; }
		m=$((m | (1 << bit[$c])))
	done
	printf '%016x\n' "$m"
}
