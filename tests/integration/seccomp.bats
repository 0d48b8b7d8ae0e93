#!/usr/bin/env bats
# linux.seccomp: the profile is loaded into the container's process (Seccomp: 2), its rules
# are enforced with the configured errno, an allowlist denies what it does not list, unknown
# syscall names are skipped, a bad action is refused before anything is created, and a
# confined container can still be listed (ps) and signalled (kill --all).

load helpers
load limits-helpers

setup() {
	berth_setup
	cg_setup
	# the rules below are about mkdir: let it reach the file system otherwise
	config '.root.readonly = false'
}

teardown() { cg_teardown; }

# deny_mkdir ERRNO — defaultAction allow; mkdir and mkdirat fail with ERRNO
deny_mkdir() {
	config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: $e}]}' \
		--argjson e "$1"
}

# what the container runs: its seccomp mode, then a mkdir (the result on stdout, the error on
# stderr)
MKDIR_PROBE='grep "^Seccomp:" /proc/self/status; mkdir /tmp/x; echo "mkdir=$?"'

# status_line NAME — "NAME:<TAB>value" from $output (a /proc/PID/status dump)
status_line() { grep -m1 "^$1:" <<<"$output"; }

# the syscalls a busybox shell running echo and mkdir needs (x86_64 names; mkdir is not here)
ALLOWLIST='read write readv writev pread64 pwrite64 open openat openat2 close close_range
	stat fstat lstat newfstatat statx statfs fstatfs poll ppoll select pselect6 lseek mmap
	mprotect munmap mremap madvise brk rt_sigaction rt_sigprocmask rt_sigreturn rt_sigsuspend
	sigaltstack ioctl access faccessat faccessat2 pipe pipe2 dup dup2 dup3 nanosleep
	clock_nanosleep clock_gettime gettimeofday time getpid getppid gettid getuid geteuid getgid
	getegid getgroups getresuid getresgid getpgrp getpgid setpgid getsid setsid fork vfork
	clone clone3 execve execveat exit exit_group wait4 waitid kill tgkill tkill uname fcntl
	getcwd chdir fchdir getdents getdents64 readlink readlinkat umask getrlimit setrlimit
	prlimit64 sysinfo arch_prctl set_tid_address set_robust_list get_robust_list futex
	getrandom rseq capget capset prctl setuid setgid setgroups setresuid setresgid setfsuid
	setfsgid epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait eventfd2 sched_yield
	sched_getaffinity membarrier'

@test "seccomp: the container's process runs with a filter (Seccomp: 2)" {
	deny_mkdir 1
	set_cmd 'grep -E "^Seccomp(_filters)?:" /proc/self/status'
	run_ctr
	assert_success
	assert_eq "$(status_line Seccomp)" $'Seccomp:\t2' "Seccomp line of /proc/self/status"
	local n
	n=$(status_line Seccomp_filters | cut -f2)
	[ -z "$n" ] || [ "$n" -ge 1 ] || fail "Seccomp_filters: $n"
}

@test "seccomp: a rule with errnoRet 1 makes mkdir fail with EPERM (and only mkdir)" {
	# without the profile the probe succeeds: the failure below is the filter's
	set_cmd "$MKDIR_PROBE"
	CID=$CID-control run_ctr
	assert_success
	assert_contains "$output" "mkdir=0" "mkdir without a profile"
	[ -d "$BUNDLE/rootfs/tmp/x" ] || fail "the control run's mkdir made no /tmp/x"
	rmdir "$BUNDLE/rootfs/tmp/x"

	deny_mkdir 1
	set_cmd "$MKDIR_PROBE; echo other-syscalls-work > /tmp/f && cat /tmp/f"
	run_ctr
	assert_success
	assert_contains "$output" "mkdir=1" "exit status of mkdir"
	assert_contains "$stderr" "Operation not permitted" "error of mkdir"
	assert_contains "$output" other-syscalls-work "output of the rest of the script"
}

@test "seccomp: errnoRet 38 makes mkdir fail with ENOSYS (Function not implemented)" {
	deny_mkdir 38
	set_cmd "$MKDIR_PROBE"
	run_ctr
	assert_success
	assert_contains "$output" "mkdir=1" "exit status of mkdir"
	assert_contains "$stderr" "Function not implemented" "error of mkdir"
}

@test "seccomp: an allowlist (defaultAction SCMP_ACT_ERRNO) denies a syscall it does not list" {
	config '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO",
		syscalls: [{names: ($a | split("\\s+"; null) | map(select(. != ""))), action: "SCMP_ACT_ALLOW"}]}' \
		--arg a "$ALLOWLIST"
	set_cmd "echo allowed-ok; $MKDIR_PROBE"
	run_ctr
	assert_success
	assert_contains "$output" allowed-ok "output of the allowed part"
	assert_contains "$output" "mkdir=1" "exit status of mkdir (not in the allowlist)"
	assert_contains "$stderr" "Operation not permitted" "error of mkdir"
}

@test "seccomp: an unknown syscall name is skipped; the rest of its rule still applies" {
	config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["berth_no_such_syscall", "mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1},
			{names: ["another_unknown_syscall"], action: "SCMP_ACT_KILL"}]}'
	set_cmd "echo started; $MKDIR_PROBE"
	run_ctr
	assert_success
	assert_contains "$output" started "output"
	assert_contains "$output" $'Seccomp:\t2' "Seccomp line"
	assert_contains "$output" "mkdir=1" "exit status of mkdir"
}

@test "seccomp: an invalid action is rejected with one line naming it; nothing is left" {
	config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir"], action: "SCMP_ACT_FOO"}]}'
	set_cmd 'sleep 1000'
	create_ctr
	assert_failure
	if is_runc; then
		assert_one_error_line 'SCMP_ACT_FOO.*action'
	else
		assert_one_error_line 'linux\.seccomp\.syscalls\[0\]\.action.*SCMP_ACT_FOO'
	fi
	assert_nothing_left
	assert_no_cgroup
}

@test "seccomp: an exec'd process gets the same filter as the init" {
	deny_mkdir 1
	set_cmd 'sleep 1000'
	start_ctr
	run --separate-stderr grep "^Seccomp:" "/proc/$INIT_PID/status"
	assert_eq "$output" $'Seccomp:\t2' "Seccomp of the init (from the host)"
	run --separate-stderr rt exec "$CID" sh -c "$MKDIR_PROBE"
	assert_success
	assert_contains "$output" $'Seccomp:\t2' "Seccomp of the exec'd process"
	assert_contains "$output" "mkdir=1" "mkdir in the exec'd process"
}

@test "seccomp-confined container: ps --format json lists the init and its children" {
	deny_mkdir 1
	set_cmd 'sleep 1000 & sleep 1000 & wait'
	start_ctr
	local kids i
	for ((i = 0; i < 100; i++)); do
		kids=$(pgrep -P "$INIT_PID" | sort -n | tr '\n' ' ')
		[ "$(wc -w <<<"$kids")" -lt 2 ] || break
		sleep 0.05
	done
	[ "$(wc -w <<<"$kids")" -eq 2 ] || fail "the init's children: '$kids'"
	run --separate-stderr rt ps --format json "$CID"
	assert_success
	assert_eq "$(jq -c 'type' <<<"$output")" '"array"' "ps --format json"
	assert_eq "$(jq -r --argjson p "$INIT_PID" 'index($p) != null' <<<"$output")" true "init pid $INIT_PID listed in $output"
	assert_eq "$(jq -r --argjson p "$INIT_PID" '.[] | select(. != $p)' <<<"$output" | sort -n | tr '\n' ' ')" \
		"$kids" "other pids listed"
}

@test "seccomp-confined container: kill --all signals every process, not just the init" {
	deny_mkdir 1
	# the init and a child shell each print when they get SIGUSR1 (the sleeps just die)
	set_cmd 'trap "echo init-usr1" USR1
		sh -c "trap \"echo child-usr1; exit 0\" USR1; echo child-ready; while :; do sleep 0.1; done" &
		while :; do sleep 0.1; done'
	start_ctr
	wait_grep_out() {
		local i
		for ((i = 0; i < 100; i++)); do
			grep -q "$1" "$TEST_DIR/create.out" && return 0
			sleep 0.05
		done
		fail "no '$1' in the container's output: $(cat "$TEST_DIR/create.out")"
	}
	wait_grep_out child-ready
	run --separate-stderr rt kill --all "$CID" USR1
	assert_success
	wait_grep_out init-usr1
	wait_grep_out child-usr1
	run --separate-stderr rt kill --all "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	wait_gone "$INIT_PID"
}

@test "seccomp: a profile denying stat and access still runs a command found through PATH" {
	# the runtime looks the command up before the filter is loaded (runtime-tools' default
	# profile is of this kind: without noNewPrivileges the filter goes on early)
	skip_if_runc "runc stats /dev/null after loading an early filter"
	config '.process.noNewPrivileges = false
		| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: ["access", "faccessat", "faccessat2", "stat", "newfstatat", "statx"],
				action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	set_args echo found-through-path
	run_ctr
	assert_success
	assert_output found-through-path
}
