#!/usr/bin/env bats
# process.*: user and groups, env, cwd, umask, capabilities, noNewPrivileges, rlimits,
# oomScoreAdj, and which file descriptors reach the container.

load helpers

# status_field NAME — the value of NAME: in the container's /proc/self/status (from $output)
status_field() {
	awk -v k="$1:" '$1 == k { $1 = ""; sub(/^[ \t]+/, ""); print; exit }' <<<"$output"
}

@test "user: uid, gid and additionalGids are applied exactly" {
	config '.process.user = {uid: 1000, gid: 1000, additionalGids: [5, 4242]}'
	set_cmd 'cat /proc/self/status; id'
	run_ctr
	assert_success
	assert_eq "$(status_field Uid)" '1000 1000 1000 1000' Uid
	assert_eq "$(status_field Gid)" '1000 1000 1000 1000' Gid
	assert_eq "$(status_field Groups)" "5 4242" Groups
	assert_contains "$output" "uid=1000(user) gid=1000(user)" id
}

@test "user: without additionalGids the host's supplementary groups are dropped" {
	config '.process.user = {uid: 1000, gid: 1000}'
	set_cmd 'cat /proc/self/status'
	run_ctr
	assert_success
	assert_eq "$(status_field Groups)" "" Groups
}

@test "env: the configured environment is set and the runtime's is not inherited" {
	config '.process.env += ["FOO=bar", "WITH_SPACE=a b  c", "EMPTY="]'
	set_cmd 'env'
	BERTH_HOST_ONLY=leak run_ctr
	assert_success
	assert_contains "$output" $'\nFOO=bar\n' env
	assert_contains "$output" $'\nWITH_SPACE=a b  c\n' env
	assert_contains "$output" "TERM=xterm" env
	assert_contains "$output" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" env
	assert_not_contains "$output" BERTH_HOST_ONLY env
}

@test "cwd: the process starts in process.cwd" {
	config '.process.cwd = "/usr/bin"'
	set_cmd 'pwd'
	run_ctr
	assert_success
	assert_output /usr/bin
}

@test "args: argv reaches the program verbatim (no shell in between)" {
	set_args /bin/echo "two  spaces" '$HOME' '*'
	run_ctr
	assert_success
	assert_output 'two  spaces $HOME *'
}

@test "args: a program found through PATH is executed" {
	set_args printf '%s-%s\n' a b
	run_ctr
	assert_success
	assert_output a-b
}

@test "umask: 0022 by default" {
	set_cmd 'umask'
	run_ctr
	assert_success
	assert_output 0022
}

@test "umask: process.user.umask is applied" {
	config '.process.user.umask = 63'
	set_cmd 'umask; touch /dev/shm/f; stat -c %a /dev/shm/f'
	run_ctr
	assert_success
	assert_eq "${lines[0]}" 0077 umask
	assert_eq "${lines[1]}" 600 "mode of a new file"
}

@test "capabilities: the default set (AUDIT_WRITE, KILL, NET_BIND_SERVICE) for root" {
	set_cmd 'grep ^Cap /proc/self/status'
	run_ctr
	assert_success
	local m
	m=$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)
	assert_eq "$(status_field CapBnd)" "$m" CapBnd
	assert_eq "$(status_field CapPrm)" "$m" CapPrm
	assert_eq "$(status_field CapEff)" "$m" CapEff
	assert_eq "$(status_field CapInh)" 0000000000000000 CapInh
	assert_eq "$(status_field CapAmb)" 0000000000000000 CapAmb
}

@test "capabilities: bounding and permitted sets are applied separately for root" {
	config '.process.capabilities = {
		bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		permitted: ["CAP_CHOWN", "CAP_KILL"],
		effective: ["CAP_CHOWN", "CAP_KILL"]}'
	set_cmd 'grep ^Cap /proc/self/status'
	run_ctr
	assert_success
	assert_eq "$(status_field CapBnd)" "$(cap_mask CAP_CHOWN CAP_KILL CAP_NET_RAW)" CapBnd
	assert_eq "$(status_field CapPrm)" "$(cap_mask CAP_CHOWN CAP_KILL)" CapPrm
	assert_eq "$(status_field CapEff)" "$(cap_mask CAP_CHOWN CAP_KILL)" CapEff
	assert_eq "$(status_field CapInh)" 0000000000000000 CapInh
	assert_eq "$(status_field CapAmb)" 0000000000000000 CapAmb
}

@test "capabilities: inheritable and ambient sets survive exec for a non-root user" {
	config '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {
			bounding: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			inheritable: ["CAP_NET_BIND_SERVICE"],
			ambient: ["CAP_NET_BIND_SERVICE"]}'
	set_cmd 'grep ^Cap /proc/self/status'
	run_ctr
	assert_success
	local nbs
	nbs=$(cap_mask CAP_NET_BIND_SERVICE)
	assert_eq "$(status_field CapBnd)" "$(cap_mask CAP_KILL CAP_NET_BIND_SERVICE)" CapBnd
	assert_eq "$(status_field CapInh)" "$nbs" CapInh
	assert_eq "$(status_field CapAmb)" "$nbs" CapAmb
	# a non-root exec keeps only the ambient capabilities
	assert_eq "$(status_field CapPrm)" "$nbs" CapPrm
	assert_eq "$(status_field CapEff)" "$nbs" CapEff
}

@test "capabilities: a non-root user without ambient capabilities has none after exec" {
	config '.process.user = {uid: 1000, gid: 1000}'
	set_cmd 'grep ^Cap /proc/self/status'
	run_ctr
	assert_success
	assert_eq "$(status_field CapPrm)" 0000000000000000 CapPrm
	assert_eq "$(status_field CapEff)" 0000000000000000 CapEff
	assert_eq "$(status_field CapBnd)" "$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)" CapBnd
}

@test "capabilities: a dropped capability really is unusable (chown without CAP_CHOWN)" {
	# CAP_CHOWN is not in the default set: root inside cannot give a file away
	set_cmd 'touch /dev/shm/f && chown 1000 /dev/shm/f'
	run_ctr
	assert_failure
	config '.process.capabilities.bounding += ["CAP_CHOWN"] | .process.capabilities.permitted += ["CAP_CHOWN"]
		| .process.capabilities.effective += ["CAP_CHOWN"]'
	CID=$CID-2 run_ctr
	assert_success
}

@test "noNewPrivileges: true sets NoNewPrivs 1" {
	set_cmd 'grep ^NoNewPrivs /proc/self/status'
	run_ctr
	assert_success
	assert_match "$output" $'^NoNewPrivs:\t1$' NoNewPrivs
}

@test "noNewPrivileges: false leaves NoNewPrivs 0" {
	config '.process.noNewPrivileges = false'
	set_cmd 'grep ^NoNewPrivs /proc/self/status'
	run_ctr
	assert_success
	assert_match "$output" $'^NoNewPrivs:\t0$' NoNewPrivs
}

@test "rlimits: soft and hard limits are set for each configured resource" {
	config '.process.rlimits = [
		{type: "RLIMIT_NOFILE", soft: 777, hard: 888},
		{type: "RLIMIT_CORE", soft: 0, hard: 4096},
		{type: "RLIMIT_NPROC", soft: 3000, hard: 3001}]'
	set_cmd 'cat /proc/self/limits; ulimit -n'
	run_ctr
	assert_success
	local nofile core nproc
	nofile=$(awk '/^Max open files/ { print $4, $5 }' <<<"$output")
	core=$(awk '/^Max core file size/ { print $5, $6 }' <<<"$output")
	nproc=$(awk '/^Max processes/ { print $3, $4 }' <<<"$output")
	assert_eq "$nofile" "777 888" "Max open files"
	assert_eq "$core" "0 4096" "Max core file size"
	assert_eq "$nproc" "3000 3001" "Max processes"
	assert_eq "${lines[-1]}" 777 "ulimit -n"
}

@test "oomScoreAdj: the container's oom_score_adj is set" {
	config '.process.oomScoreAdj = 123'
	set_cmd 'cat /proc/self/oom_score_adj'
	run_ctr
	assert_success
	assert_output 123
}

@test "fds: only stdin, stdout and stderr reach the container (no runtime fd leaks)" {
	set_cmd 'ls /proc/1/fd; true'
	exec 7>"$TEST_DIR/not-for-the-container"
	run_ctr
	exec 7>&-
	assert_success
	assert_eq "$(tr '\n' ' ' <<<"$output")" "0 1 2 " "fds of the container's pid 1"
}

@test "--preserve-fds 1: fd 3 of the caller is fd 3 in the container, fd 4 is not passed" {
	set_cmd 'echo written-through-fd3 >&3; ls /proc/1/fd; true'
	exec 4>"$TEST_DIR/fd4"
	run_ctr --preserve-fds 1 3>"$TEST_DIR/fd3"
	exec 4>&-
	assert_success
	assert_eq "$(tr '\n' ' ' <<<"$output")" "0 1 2 3 " "fds of the container's pid 1"
	assert_eq "$(cat "$TEST_DIR/fd3")" written-through-fd3 "file behind fd 3"
	[ ! -s "$TEST_DIR/fd4" ] || fail "fd 4 was written"
}
